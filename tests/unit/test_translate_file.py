"""The `locsvc translate` use case on a fake Translators port: which engine it asks for,
what it refuses before loading one, and the file it renders."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from locsvc.domain.errors import InvalidRequest, UnsupportedFormat
from locsvc.ports import Translator
from locsvc.services.translate import translate_file

SOURCE = b"""1
00:00:01,000 --> 00:00:03,000
Good morning.

2
00:00:04,000 --> 00:00:06,000
See you tomorrow.
"""
EMPTY = b"""1
00:00:01,000 --> 00:00:03,000
<i></i>
"""


class ShoutingEngine:
    """Translates by upper-casing: easy to spot in the output, one answer per sentence."""

    name = "shouting"
    batch_size = 8

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return [s.upper() for s in sentences]

    def describe(self) -> dict:
        return {"engine": self.name}


class FakeTranslators:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str | None]] = []

    def get(self, source: str, target: str, engine: str | None = None) -> Translator:
        self.asked.append((source, target, engine))
        return ShoutingEngine()

    def engine_for(self, source: str, target: str, engine: str | None = None) -> str:
        return ShoutingEngine.name

    def reachable(self, target: str) -> bool:
        return True


def translate(translators: FakeTranslators, data: bytes = SOURCE, out_format: str = "srt"):
    return translate_file(translators, data, "episode.srt", "en", "es", out_format, "25",
                          engine="shouting")  # fmt: skip


def test_the_pair_and_engine_asked_for_translate_every_sentence_onto_the_source_timing():
    translators = FakeTranslators()
    result = translate(translators)
    assert translators.asked == [("en", "es", "shouting")]
    assert result.translation.engine == {"engine": "shouting"}
    assert result.translation.sentences == 2
    assert "GOOD MORNING." in result.body and "SEE YOU TOMORROW." in result.body
    assert result.translation.cues[0].start_ms == 1000
    assert result.translation.cues[-1].end_ms <= 6000


def test_an_unknown_output_format_is_refused_before_any_engine_is_loaded():
    translators = FakeTranslators()
    with pytest.raises(UnsupportedFormat):
        translate(translators, out_format="doc")
    assert translators.asked == []


def test_a_track_without_text_is_refused():
    with pytest.raises(InvalidRequest, match="no text to translate"):
        translate(FakeTranslators(), data=EMPTY)


def test_speakers_survive_translation_and_dual_events_stay_dual():
    from locsvc.domain.cues import Cue
    from locsvc.domain.profiles import profile_for
    from locsvc.services.translate import translate_cues

    cues = [
        Cue(1000, 2400, ("-Hello?", "-Oh, hello."), ("S1", "S2")),
        Cue(2500, 5000, ("I didn't know you were there.",), ("S1",)),
        Cue(5100, 7000, ("Neither did I.",), ("S2",)),
    ]
    translation = translate_cues(cues, ShoutingEngine(), profile_for("es"), 25.0)
    assert [(c.lines, c.speakers) for c in translation.cues] == [
        (("-HELLO?", "-OH, HELLO."), ("S1", "S2")),
        (("I DIDN'T KNOW YOU WERE THERE.",), ("S1",)),
        (("NEITHER DID I.",), ("S2",)),
    ]
    assert translation.sentences == 4  # never one sentence across two speakers
