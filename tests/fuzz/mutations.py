"""Hypothesis strategies for fuzzing readers: real files mutated the ways files break
(byte flips, truncation, splices, other encodings, huge numbers, NULs, lines lost or
doubled), and the seeds they start from."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st

DATA = Path(__file__).parents[1] / "data"
CORPUS = DATA / "subtitles"
NUMBER = re.compile(rb"\d+")
HUGE_NUMBERS = [b"99", b"60", b"100", b"9" * 12, b"9" * 25, b"9" * 5000, b"0" * 40, b"-1"]
ENCODINGS = ["utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1", "utf-8-sig", "shift_jis"]
NASTY_BYTES = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\n\n", b"-->", b"<", b"&",
               b"&amp;", b"]]>", b"\xc3", b"\xe2\x80\xa8", b"\t", b",", b'"', b":"]  # fmt: skip


def seeds(*patterns: str) -> list[bytes]:
    """The corpus files matching the glob patterns (relative to tests/data/subtitles)."""
    found = sorted({path for pattern in patterns for path in CORPUS.glob(pattern)})
    assert found, f"no seed files match {patterns}"
    return [path.read_bytes() for path in found]


def _position(draw, data: bytes | bytearray) -> int:
    return draw(st.integers(0, len(data)))


def _flip(draw, data: bytearray, _seeds) -> bytearray:
    if data:
        index = draw(st.integers(0, len(data) - 1))
        data[index] ^= draw(st.integers(1, 255))
    return data


def _truncate(draw, data: bytearray, _seeds) -> bytearray:
    return data[: _position(draw, data)]


def _splice(draw, data: bytearray, seeds) -> bytearray:
    other = draw(st.sampled_from(seeds))
    start = _position(draw, other)
    piece = other[start : start + draw(st.integers(0, 400))]
    at = _position(draw, data)
    return data[:at] + piece + data[at:]


def _insert(draw, data: bytearray, _seeds) -> bytearray:
    piece = draw(st.one_of(st.sampled_from(NASTY_BYTES), st.binary(min_size=1, max_size=16)))
    at = _position(draw, data)
    return data[:at] + piece * draw(st.integers(1, 3)) + data[at:]


def _delete(draw, data: bytearray, _seeds) -> bytearray:
    start = _position(draw, data)
    return data[:start] + data[start + draw(st.integers(1, 200)) :]


def _huge_number(draw, data: bytearray, _seeds) -> bytearray:
    numbers = list(NUMBER.finditer(data))
    if not numbers:
        return data
    match = numbers[draw(st.integers(0, len(numbers) - 1))]
    return data[: match.start()] + draw(st.sampled_from(HUGE_NUMBERS)) + data[match.end() :]


def _lines(draw, data: bytearray, _seeds) -> bytearray:
    """A line lost, doubled or moved."""
    lines = bytes(data).split(b"\n")
    index = draw(st.integers(0, len(lines) - 1))
    action = draw(st.sampled_from(["lose", "double", "move"]))
    line = lines.pop(index) if action != "double" else lines[index]
    if action != "lose":
        lines.insert(draw(st.integers(0, len(lines))), line)
    return bytearray(b"\n".join(lines))


def _reencode(draw, data: bytearray, _seeds) -> bytearray:
    text = bytes(data).decode("utf-8", errors="replace")
    return bytearray(text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace"))


def _blow_up(draw, data: bytearray, _seeds) -> bytearray:
    """A short piece repeated into a long run: fields past csv's limit, lines of 100 kB,
    thousands of cues or nested elements."""
    start = _position(draw, data)
    piece = data[start : start + draw(st.integers(1, 24))] or b"<div>"
    at = _position(draw, data)
    return data[:at] + piece * draw(st.sampled_from([100, 1000, 6000, 20000])) + data[at:]


MUTATIONS = [_flip, _truncate, _splice, _insert, _delete, _huge_number, _lines, _reencode, _blow_up]


@st.composite
def mutated(draw, seeds: list[bytes], max_mutations: int = 4) -> bytes:
    """One seed with 1..max_mutations mutations applied in turn."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, max_mutations))):
        data = bytearray(draw(st.sampled_from(MUTATIONS))(draw, data, seeds))
    return bytes(data)


# Text that breaks parsers: separators, markup, NULs, other scripts, nothing at all.
nasty_text = st.one_of(
    st.sampled_from(["", " ", "-->", "0", "1", "<i>", "</b>", "&", "&lt;", "\x00", "{\\an8}",
                     "WEBVTT", "NOTE", "[Events]", "日本語", "مرحبا", "😀", "\u2028", "a,b"]),
    st.text(max_size=30),
)  # fmt: skip
