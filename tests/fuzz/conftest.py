"""The fuzz set: every reader of untrusted input, for a bounded number of examples (the
"ci" profile's 200 per property, derandomized). A run that fuzzed ends with the number
of inputs the readers were fed, for the CI log."""

from __future__ import annotations

from .executions import EXECUTIONS


def pytest_terminal_summary(terminalreporter) -> None:
    if EXECUTIONS:
        per_family = ", ".join(f"{name} {count}" for name, count in sorted(EXECUTIONS.items()))
        terminalreporter.write_line(
            f"fuzz: {sum(EXECUTIONS.values())} executions of the readers ({per_family})"
        )
