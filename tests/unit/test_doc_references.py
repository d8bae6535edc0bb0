"""The design documents the code and the README point to live in the repository (docs/)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("locsvc", "workers", "tests", "benchmarks")
DOC_REFERENCE = re.compile(r"docs/[\w-]+\.md")
# The documents as they were named outside the repository.
OUTSIDE = re.compile(r"shared/design|\b(?:API|STANDARDS|MODELS|ARCHITECTURE)\.md")


def _texts() -> dict[Path, str]:
    paths = [p for folder in SOURCES for p in (ROOT / folder).rglob("*.py")]
    paths += [ROOT / "README.md", ROOT / "pyproject.toml", *(ROOT / "docs").rglob("*.md")]
    paths += list((ROOT / "glossaries").glob("*.md"))
    return {path: path.read_text(encoding="utf-8") for path in paths}


def test_every_referenced_document_exists():
    named = {ref for text in _texts().values() for ref in DOC_REFERENCE.findall(text)}
    assert named, "no references found: the pattern is wrong"
    assert sorted(ref for ref in named if not (ROOT / ref).is_file()) == []


def test_nothing_points_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path, text in _texts().items()
        if path.name != Path(__file__).name
        for match in OUTSIDE.finditer(text)
    ]
    assert found == []
