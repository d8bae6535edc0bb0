"""Fuzzing the line-based subtitle readers (SRT, WebVTT, SBV, ASS/SSA) and the format
sniffing: real files mutated, and files generated cue block by cue block."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .checks import read_or_refuse
from .mutations import mutated, nasty_text, seeds

pytestmark = pytest.mark.fuzz

SEEDS = {
    "srt": seeds("pysrt/*.srt", "srt/*.srt", "subsrt/sample.srt", "webvtt-py/*.srt"),
    "vtt": seeds("webvtt-py/*.vtt", "subsrt/sample.vtt"),
    "sbv": seeds("webvtt-py/*.sbv", "subsrt/sample.sbv"),
    "ass": seeds("pysubs2/*.ass", "subsrt/sample.ass", "subsrt/sample.ssa"),
}
EVERY_SEED = [seed for family in SEEDS.values() for seed in family] + seeds("*/*.ttml")


@pytest.mark.parametrize("fmt", sorted(SEEDS))
@given(data=st.data())
def test_mutated_real_files(fmt, data):
    read_or_refuse(fmt, data.draw(mutated(SEEDS[fmt]), label="file"), fmt=fmt)


@given(mutated(EVERY_SEED))
def test_sniffing_any_mutated_file(data):
    read_or_refuse("sniffed", data)


# --- generated files, cue block by cue block -------------------------------------------

digits = st.one_of(
    st.integers(0, 99).map(str),
    st.integers(0, 9).map(lambda n: f"0{n}"),
    st.sampled_from(["", "000", "60", "99999999999999999999", "9" * 40, "-1", "1e3", "٣"]),
)


@st.composite
def timestamp(draw, separator: str = ",") -> str:
    hours = draw(st.one_of(st.just(""), digits.map(lambda d: f"{d}:")))
    marker = draw(st.sampled_from([separator, separator, ".", ",", ":", ""]))
    return f"{hours}{draw(digits)}:{draw(digits)}{marker}{draw(digits)}"


text_lines = st.lists(nasty_text.map(lambda t: t.replace("\n", " ")), max_size=3)


@st.composite
def arrow_cue(draw, separator: str) -> list[str]:
    number = draw(st.sampled_from([[], ["1"], ["0"], ["-5"], ["id with spaces"]]))
    arrow = draw(st.sampled_from([" --> ", "-->", " -> ", " --> ", "\t-->\t"]))
    settings = draw(st.sampled_from(["", " align:start", " line:0", " X:1 Y:2"]))
    timing = f"{draw(timestamp(separator))}{arrow}{draw(timestamp(separator))}{settings}"
    return [*number, timing, *draw(text_lines)]


def joined(blocks: list[list[str]], newline: str) -> bytes:
    return newline.join(newline.join(block) for block in blocks).encode("utf-8", "surrogatepass")


newlines = st.sampled_from(["\n", "\r\n", "\r"])


@given(st.lists(arrow_cue(","), max_size=6), newlines)
def test_generated_srt(blocks, newline):
    read_or_refuse("srt", joined([*blocks, []], newline * 2 if blocks else newline), fmt="srt")


@given(
    st.sampled_from(["WEBVTT", "WEBVTT - title", "WEBVTT\tx", "WEBVTTX", "", "\ufeffWEBVTT"]),
    st.lists(
        st.one_of(
            arrow_cue("."),
            st.sampled_from([["NOTE", "a comment"], ["STYLE", "::cue { color: red }"],
                             ["REGION", "id:fred width:40%"], ["NOTE --> not a cue"]]),
        ),
        max_size=6,
    ),
    newlines,
)  # fmt: skip
def test_generated_webvtt(header, blocks, newline):
    text = header + newline * 2 + (newline * 2).join(newline.join(b) for b in blocks)
    read_or_refuse("vtt", text.encode("utf-8", "surrogatepass"), fmt="vtt")


@given(st.lists(st.tuples(timestamp("."), timestamp("."), text_lines), max_size=6), newlines)
def test_generated_sbv(cues, newline):
    blocks = [[f"{start},{end}", *lines] for start, end, lines in cues]
    read_or_refuse("sbv", joined(blocks, newline) if blocks else b"x", fmt="sbv")


ASS_HEADER = (
    "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Dialogue", "Comment", "Dialogue", "Picture"]),
            timestamp("."), timestamp("."), nasty_text,
        ),
        max_size=6,
    ),
    st.sampled_from([ASS_HEADER, ASS_HEADER.replace("v4.00+", "v4.00"), "[Script Info]\n", ""]),
)  # fmt: skip
def test_generated_ass(events, header):
    lines = [f"{kind}: 0,{start},{end},Default,,0,0,0,,{text}" for kind, start, end, text in events]
    text = header + "\n".join(lines) + "\n"
    read_or_refuse("ass", text.encode("utf-8", "surrogatepass"), fmt="ass")
