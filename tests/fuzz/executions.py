"""How many inputs each reader family was fed in this run (printed by conftest.py)."""

from collections import Counter

EXECUTIONS: Counter[str] = Counter()
