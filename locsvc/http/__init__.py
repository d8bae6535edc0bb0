"""What the API (api/) and the review page (web/) share, below both: request parsing
and validation, and the JSON Schemas they validate against. It imports neither."""
