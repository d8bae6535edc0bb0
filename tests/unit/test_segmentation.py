from locsvc.domain.segmentation import SegmentationRules, break_lines, segment_words
from locsvc.domain.transcript import Word

RULES = SegmentationRules()


def words_from(text: str, start_ms: int = 0, word_ms: int = 300, gap_ms: int = 0) -> list[Word]:
    words, clock = [], start_ms
    for token in text.split():
        words.append(Word(clock, clock + word_ms, " " + token))
        clock += word_ms + gap_ms
    return words


def joined(cues) -> str:
    return " ".join(" ".join(c.lines) for c in cues)


def test_every_word_kept_once_and_in_order():
    text = " ".join(f"word{i}," if i % 7 == 0 else f"word{i}" for i in range(120))
    cues = segment_words(words_from(text), frame_rate=25)
    assert joined(cues).split() == text.split()


def test_cues_are_monotonic_with_a_two_frame_gap_or_touching_speech():
    cues = segment_words(words_from("One. Two. Three. Four.", word_ms=200, gap_ms=60), 25)
    for before, after in zip(cues, cues[1:], strict=False):
        assert after.start_ms >= before.end_ms
    assert [c.text for c in cues] == ["One.", "Two.", "Three.", "Four."]


def test_sentence_end_starts_a_new_cue():
    cues = segment_words(words_from("Hello there. General Kenobi."), 25)
    assert [c.text for c in cues] == ["Hello there.", "General Kenobi."]


def test_long_pause_starts_a_new_cue():
    words = words_from("and then") + words_from("nothing happened", start_ms=5000)
    cues = segment_words(words, 25)
    assert [c.text for c in cues] == ["and then", "nothing happened"]


def test_lines_and_duration_bounded_when_speech_allows():
    text = " ".join(["lorem ipsum dolor sit amet"] * 30)
    cues = segment_words(words_from(text, word_ms=250), 24000 / 1001)
    assert len(cues) > 3
    for cue in cues:
        assert len(cue.lines) <= RULES.max_lines
        assert all(len(line) <= RULES.max_chars_per_line for line in cue.lines)
        assert cue.end_ms - cue.start_ms <= RULES.max_duration_ms


def test_short_cue_is_lengthened_but_not_into_the_next():
    words = [Word(0, 200, " Hi."), Word(500, 800, " Yes.")]
    first, second = segment_words(words, frame_rate=25)
    gap_ms = 2 * 1000 / 25
    assert first.end_ms == second.start_ms - gap_ms
    assert second.end_ms - second.start_ms >= RULES.min_duration_ms


def test_clause_boundary_preferred_when_a_cue_overflows():
    text = (
        "When the long winter finally ended and the rivers ran again, "
        "the villagers gathered in the square to celebrate"
    )
    cues = segment_words(words_from(text, word_ms=200), 25)
    assert cues[0].text.replace("\n", " ").endswith("ran again,")


def test_break_lines_balanced_and_after_punctuation():
    assert break_lines("Short line", 42) == ("Short line",)
    top, bottom = break_lines("I told you before, you never listen to a single word", 42)
    assert top == "I told you before,"
    assert bottom == "you never listen to a single word"


def test_unspaced_script_kept_intact():
    words = [Word(0, 300, "今日"), Word(300, 600, "は"), Word(600, 900, "晴れ。")]
    (cue,) = segment_words(words, 25)
    assert cue.text == "今日は晴れ。"


def test_no_words_no_cues():
    assert segment_words([], 25) == []
