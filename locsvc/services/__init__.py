"""Use cases: take ids and ports, load, call the domain, store."""
