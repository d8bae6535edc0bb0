"""A producer's script read, and its words timed by the recogniser's (pure domain)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locsvc.domain.errors import InvalidRequest
from locsvc.domain.forced_alignment import align_script, recover_unheard
from locsvc.domain.script import ScriptLine, parse_script, word_key
from locsvc.domain.transcript import Word


def heard(*texts: str, start: int = 0, step: int = 400) -> list[Word]:
    """Recognised words, one every ``step`` ms, each lasting 300 ms."""
    return [Word(start + i * step, start + i * step + 300, " " + t, 0.9)
            for i, t in enumerate(texts)]  # fmt: skip


def lines(*texts: str) -> list[ScriptLine]:
    return [ScriptLine(n, None, t) for n, t in enumerate(texts, start=1)]


def test_dialogue_list_screenplay_and_plain_lines():
    script = parse_script([
        "INT. KITCHEN - NIGHT",
        "",
        "DIANE: Hello? (beat) Is anyone there?",
        "Sheila (V.O.): Neither did I.",
        "[door slams]",
        "",
        "SHEILA",
        "(whispering)",
        "Well, there isn't that much difference.",
        "So what can I say?",
        "",
        "He said: go away.",
        "CUT TO:",
    ])  # fmt: skip
    assert [(line.number, line.speaker, line.text) for line in script] == [
        (3, "DIANE", "Hello? Is anyone there?"),
        (4, "Sheila", "Neither did I."),
        (9, "SHEILA", "Well, there isn't that much difference."),
        (10, "SHEILA", "So what can I say?"),
        (12, None, "He said: go away."),  # "He said" is no speaker's name
    ]


@pytest.mark.parametrize("text", [[], ["", "  "], ["[music]", "(silence)", "INT. HOUSE"]])
def test_a_script_without_spoken_words_is_refused(text):
    with pytest.raises(InvalidRequest, match="no spoken words"):
        parse_script(text)


def test_words_compare_without_case_or_edge_punctuation():
    assert word_key("Hello?") == word_key("hello") == "hello"
    assert word_key("“Isn’t") == "isn't"


def test_the_script_takes_the_recogniser_times_of_the_words_it_shares():
    speech = heard("and", "so", "my", "fellow", "americans")
    result = align_script(lines("And so, my fellow Americans."), speech)
    assert [w.text for w in result.words] == [" And", " so,", " my", " fellow", " Americans."]
    assert [(w.start_ms, w.end_ms) for w in result.words] == [
        (w.start_ms, w.end_ms) for w in speech
    ]
    assert (result.matched, result.substituted, result.filled) == (5, 0, 0)
    assert result.report()["script_coverage"] == 1.0


def test_misheard_words_share_the_time_of_what_was_heard():
    speech = heard("i'm", "gonna", "go", "home")
    result = align_script(lines("I'm going to go home."), speech)
    assert [w.text.strip() for w in result.words] == ["I'm", "going", "to", "go", "home."]
    going, to = result.words[1], result.words[2]
    assert going.start_ms == speech[1].start_ms and to.end_ms == speech[1].end_ms
    assert going.end_ms <= to.start_ms
    assert result.substituted == 2


def test_a_dropped_short_word_is_placed_between_its_neighbours():
    speech = heard("ask", "not", "what", "country", "can", "do")  # "your" not recognised
    result = align_script(lines("Ask not what your country can do"), speech)
    your = result.words[3]
    assert your.text == " your" and result.filled == 1
    assert speech[2].end_ms <= your.start_ms <= your.end_ms <= speech[3].start_ms


def test_script_lines_with_no_speech_are_reported_not_timed():
    speech = heard("hello", "there", "how", "are", "you")
    script = lines("Hello there.", "This line was cut in the edit entirely.", "How are you?")
    result = align_script(script, speech)
    assert [w.text.strip() for w in result.words] == ["Hello", "there.", "How", "are", "you?"]
    [unheard] = result.unheard
    assert (unheard.first_line, unheard.last_line, unheard.words) == (2, 2, 8)
    assert unheard.text == "This line was cut in the edit entirely."
    assert unheard.after_ms == speech[1].end_ms and unheard.before_ms == speech[2].start_ms


def test_speech_the_script_does_not_hold_is_reported():
    speech = heard("hello", "there", "wait", "who", "said", "that", "how", "are", "you")
    result = align_script(lines("Hello there.", "How are you?"), speech)
    [unscripted] = result.unscripted
    assert unscripted.text == "wait who said that" and unscripted.words == 4
    assert (unscripted.start_ms, unscripted.end_ms) == (speech[2].start_ms, speech[5].end_ms)
    assert len(result.words) == 5 and not result.unheard


def test_speakers_come_from_the_script():
    script = parse_script(["DIANE: Hello?", "SHEILA: Hello?"])
    result = align_script(script, heard("hello", "hello"))
    assert result.speakers == ("DIANE", "SHEILA")


words = st.lists(st.sampled_from(["the", "a", "cat", "sat", "on", "mat", "dog", "ran"]),
                 min_size=1, max_size=40)  # fmt: skip


@given(script=words, spoken=words)
def test_timed_words_are_the_script_in_order_with_times_that_never_go_back(script, spoken):
    result = align_script(lines(" ".join(script)), heard(*spoken))
    texts = [w.text.strip() for w in result.words]
    remaining = iter(script)
    assert all(any(t == s for s in remaining) for t in texts)  # a subsequence of the script
    assert all(w.start_ms <= w.end_ms for w in result.words)
    assert all(a.end_ms <= b.start_ms for a, b in zip(result.words, result.words[1:], strict=False))
    assert result.matched + result.substituted + result.filled == len(result.words)
    unheard = sum(s.words for s in result.unheard)
    assert len(result.words) + unheard == len(script)  # every script word timed or reported


@given(script=words)
def test_a_script_read_as_written_is_timed_exactly(script):
    speech = heard(*script)
    result = align_script(lines(" ".join(script)), speech)
    assert [(w.start_ms, w.end_ms) for w in result.words] == [
        (w.start_ms, w.end_ms) for w in speech
    ]
    assert not result.unheard and not result.unscripted


class ScriptedAligner:
    """The engine's text alignment, scripted: each piece of the text spread evenly over
    the window, with one confidence for all (a fake: the real one is Whisper's)."""

    def __init__(self, confidence: float) -> None:
        self.confidence = confidence
        self.calls: list[tuple[int, int, str]] = []

    def __call__(self, start_ms: int, end_ms: int, text: str) -> list[Word]:
        self.calls.append((start_ms, end_ms, text))
        pieces = []
        for word in text.split():
            bare = word.rstrip("?,.")
            pieces.append(" " + bare)
            if bare != word:
                pieces.append(word[len(bare) :])
        step = (end_ms - start_ms) // len(pieces)
        return [Word(start_ms + i * step, start_ms + (i + 1) * step, p, self.confidence)
                for i, p in enumerate(pieces)]  # fmt: skip


def dropped_in_cross_talk():
    """The recogniser ran "so what can I say? Oh, I" together as "so I"."""
    speech = heard("down", "here", "so", "i", "don't", "hear", "that")
    script = lines("Down here, so what can I say?", "Oh, I don't hear that.")
    return script, speech, align_script(script, speech)


def test_the_engine_finds_words_the_recogniser_dropped():
    script, speech, alignment = dropped_in_cross_talk()
    [stretch] = alignment.unheard
    assert stretch.text == "what can I say? Oh,"
    aligner = ScriptedAligner(0.6)
    recovered = recover_unheard(alignment, script, aligner, 10_000)
    [(start, end, text)] = aligner.calls
    assert text == "here, so what can I say? Oh, I don't"  # two context words each side
    assert start == max(0, speech[1].start_ms - 500) and end == speech[4].end_ms + 500
    assert [w.text.strip() for w in recovered.words] == (
        "Down here, so what can I say? Oh, I don't hear that.".split()
    )
    assert recovered.realigned == 5 and not recovered.unheard
    assert all(a.end_ms <= b.start_ms for a, b in zip(recovered.words, recovered.words[1:],
                                                      strict=False))  # fmt: skip
    assert recovered.words[0] == alignment.words[0]  # outside the window: untouched


def misspelling_aligner(start_ms: int, end_ms: int, text: str) -> list[Word]:
    return [Word(start_ms, end_ms, " something else entirely", 0.9)]


@pytest.mark.parametrize("aligner", [ScriptedAligner(0.05), misspelling_aligner])
def test_a_stretch_the_engine_does_not_hear_stays_reported(aligner):
    script, _, alignment = dropped_in_cross_talk()
    assert recover_unheard(alignment, script, aligner, 10_000) == alignment
