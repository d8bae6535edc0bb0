"""`python -m locsvc.cli ...`, as the worker spawner and the tests run it."""

from . import main

main()
