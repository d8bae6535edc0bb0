"""Hypothesis strategies for the domain's property tests: the text and timing real
subtitle files and engines produce, awkward cases first."""

from __future__ import annotations

import re

from hypothesis import strategies as st

from locsvc.domain.cues import Cue
from locsvc.domain.frames import Frames
from locsvc.domain.glossary import EntryKind, Glossary, GlossaryEntry
from locsvc.domain.profiles import profile_for
from locsvc.domain.transcript import Word

# Tokens that have broken or could break text handling: markup, function words that
# keep with the next, abbreviations, sentence and clause marks alone, unspaced scripts,
# right-to-left text, emoji, combining marks, overlong words.
AWKWARD_TOKENS = [
    "a", "the", "in", "his", "el", "la", "las", "de", "Agent", "Mr.", "F.", "etc.",
    "Hello,", "world.", "Why?", "No!", "...", "…", ".", ",", "-", "—", "?!", "♪",
    "<i>", "</i>", "<i>word</i>", "<b>bold", "{\\an8}", "<v Jane>", "<font color=red>",
    "今日は", "晴れ。", "日本語", "、", "「", "」", "中文，", "한국어",
    "مرحبا", "שלום.", "\u200fRTL\u200f", "😀", "👩‍👩‍👧", "e\u0301", "n\u0303o",
    "x" * 50, "Supercalifragilisticexpialidocious-antidisestablishmentarianism",
]  # fmt: skip

token = st.one_of(
    st.sampled_from(AWKWARD_TOKENS),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
)
sentence_text = st.lists(token, max_size=12).map(" ".join)

LANGUAGES = ["en", "es", "fr", "de", "ja", "zh", "ko", "ar", "he", "th"]
profiles = st.builds(
    lambda language, max_lines: profile_for(language, max_lines=max_lines),
    st.sampled_from(LANGUAGES),
    st.sampled_from([2, 2, 1]),
)
frame_rates = st.one_of(
    st.sampled_from([24000 / 1001, 24.0, 25.0, 30000 / 1001, 30.0, 50.0, 60000 / 1001]),
    st.floats(min_value=10.0, max_value=120.0, allow_nan=False),
)


@st.composite
def timed_words(draw, max_size: int = 40) -> list[Word]:
    """Words in speaking order, with zero and negative gaps (overlapping speech),
    zero-length words and long pauses; sometimes out of order altogether."""
    words, clock = [], draw(st.integers(0, 600_000))
    for text in draw(st.lists(token, max_size=max_size)):
        clock = max(0, clock + draw(st.sampled_from([0, 0, 40, 300, 800, 5000, -200, -5000])))
        duration = draw(st.sampled_from([0, 1, 120, 300, 1500, 9000]))
        space = draw(st.sampled_from([" ", " ", ""]))
        words.append(Word(clock, clock + duration, space + text))
        clock += duration
    if words and draw(st.integers(0, 9)) == 0:
        words = draw(st.permutations(words))
    return words


@st.composite
def cue_lists(draw, max_size: int = 12) -> list[Cue]:
    """Cues as subtitle files hold them: usually in order, sometimes overlapping or
    touching, with empty, multi-line and marked-up text."""
    cues, clock = [], draw(st.integers(0, 100_000))
    for _ in range(draw(st.integers(0, max_size))):
        clock = max(0, clock + draw(st.sampled_from([0, 83, 500, 2500, -400])))
        duration = draw(st.sampled_from([0, 40, 900, 2000, 8000]))
        lines = draw(st.lists(sentence_text, min_size=1, max_size=3))
        cues.append(Cue(clock, clock + duration, tuple(lines)))
        clock += duration
    return cues


GLOSSARY = Glossary(
    [
        GlossaryEntry("Dunder Mifflin", "Dunder Mifflin", EntryKind.DNT, case_sensitive=True),
        GlossaryEntry("paper company", "empresa papelera", gender="f"),
        GlossaryEntry("Agent", "agente"),
        GlossaryEntry("lightsaber", "sable láser", gender="m"),
    ],
    "en",
    "es",
)
PLACEHOLDER = re.compile(r"xterm\d+x", re.IGNORECASE)
term_text = st.lists(
    st.sampled_from([*AWKWARD_TOKENS, "Dunder Mifflin", "paper company", "lightsaber", "the"]),
    max_size=10,
).map(" ".join)


def engine_outputs(source: str) -> st.SearchStrategy[str]:
    """What an engine may make of ``source`` (placeholders included)."""
    tokens = PLACEHOLDER.findall(source)
    return st.one_of(
        st.just(source),
        st.just(""),
        st.just(source + " " + source),  # longer, every placeholder twice
        st.just(source[: len(source) // 2]),  # shorter, placeholders cut
        st.just(PLACEHOLDER.sub("", source)),  # placeholders lost
        st.just(source.lower()),
        st.just(" ".join(reversed(tokens))),  # only the placeholders, reordered
        sentence_text,
    )


def non_space(text: str) -> str:
    """Text without whitespace: what must survive any re-segmentation or line breaking."""
    return "".join(text.split())


def on_frame(ms: int, frame_rate: float) -> bool:
    frames = Frames(frame_rate)
    return frames.ms(frames.nearest(ms)) == ms
