from locsvc.domain.profiles import profile_for
from locsvc.domain.qc import Rule, check
from locsvc.domain.segmentation import segment_words
from locsvc.domain.transcript import Word

EN = profile_for("en")
FPS = 25.0
FRAME_MS = 40


def words_from(text: str, start_ms: int = 0, word_ms: int = 300, gap_ms: int = 0) -> list[Word]:
    words, clock = [], start_ms
    for token in text.split():
        words.append(Word(clock, clock + word_ms, " " + token))
        clock += word_ms + gap_ms
    return words


def joined(cues) -> str:
    return " ".join(" ".join(c.lines) for c in cues)


def test_every_word_kept_once_and_in_order():
    text = " ".join(f"word{i}," if i % 7 == 0 else f"word{i}" for i in range(400))
    cues = segment_words(words_from(text), EN, FPS)
    assert joined(cues).split() == text.split()


def test_sentence_end_and_long_pause_start_new_events():
    words = words_from("Hello there, my old friend. General Kenobi") + words_from(
        "you are bold", 6000
    )
    assert [c.text for c in segment_words(words, EN, FPS)] == [
        "Hello there, my old friend.",
        "General Kenobi",
        "you are bold",
    ]


def test_a_sentence_too_brief_to_read_alone_joins_the_next_one():
    # "Hello there." alone would be up for 0.6 s, under the 833 ms minimum
    words = words_from("Hello there. General Kenobi") + words_from("you are bold", 6000)
    assert [c.text for c in segment_words(words, EN, FPS)] == [
        "Hello there. General Kenobi",
        "you are bold",
    ]


def test_generated_events_pass_qc_when_speech_allows():
    text = " ".join(["the quick brown fox jumps over the lazy dog,"] * 40)
    cues = segment_words(words_from(text, word_ms=330, gap_ms=20), EN, 24000 / 1001)
    report = check(cues, EN, 24000 / 1001)
    assert report.passed, report.to_dict()["issues"][:3]
    assert all(len(c.lines) <= 2 for c in cues)


def test_times_are_whole_frames_with_out_time_allowance_and_two_frame_gaps():
    words = words_from("One.", 1000, 500) + words_from("Two.", 3000, 500)
    first, second = segment_words(words, EN, FPS)
    # speech ends at 1500 ms = frame 37.5: out-time is 12 frames after frame 38
    assert first.start_ms == 1000 and first.end_ms == (38 + 12) * FRAME_MS
    assert second.start_ms == 3000
    assert all(t % FRAME_MS == 0 for c in (first, second) for t in (c.start_ms, c.end_ms))


def test_the_last_event_lingers_no_further_than_the_end_limit():
    words = words_from("One.", 1000, 500)
    (free,) = segment_words(words, EN, FPS)
    (bounded,) = segment_words(words, EN, FPS, end_limit_ms=1700)
    assert free.end_ms == 2000 and bounded.end_ms == 1680  # the limit, floored to a frame
    (speech_past_limit,) = segment_words(words, EN, FPS, end_limit_ms=1200)
    assert speech_past_limit.end_ms == 38 * FRAME_MS  # never cuts the speech itself


def test_small_gaps_are_closed_to_the_minimum():
    words = words_from("First line here.", 0, 300) + words_from("Second line here.", 1300, 300)
    first, second = segment_words(words, EN, FPS)
    assert second.start_ms - first.end_ms == 2 * FRAME_MS


def test_short_event_lengthened_to_minimum_duration_when_room():
    (cue,) = segment_words([Word(1000, 1200, " Hi.")], EN, FPS)
    assert cue.end_ms - cue.start_ms >= EN.min_duration_ms


def test_fast_speech_is_kept_whole_and_flagged_by_qc():
    words = words_from("Absolutely extraordinary circumstances", 0, 120)
    words += words_from("Next.", 1000, 300)
    cues = segment_words(words, EN, FPS)
    assert joined(cues).split()[:3] == ["Absolutely", "extraordinary", "circumstances"]
    rules = {issue.rule for issue in check(cues, EN, FPS).issues}
    assert Rule.READING_SPEED in rules or Rule.MIN_DURATION in rules


def test_in_time_snaps_to_a_cut_just_after_it():
    cues = segment_words(words_from("Look.", 1000, 600), EN, FPS, shot_changes_ms=[1200])
    assert cues[0].start_ms == 1200  # 5 frames before the cut: onto it


def test_in_time_8_to_11_frames_before_a_cut_moves_to_12_before():
    cues = segment_words(words_from("Look.", 1000, 600), EN, FPS, shot_changes_ms=[1400])
    assert cues[0].start_ms == 1400 - 12 * FRAME_MS


def test_out_time_stops_two_frames_before_a_cut_after_the_speech():
    cues = segment_words(words_from("Look at that.", 1000, 400), EN, FPS, shot_changes_ms=[2520])
    assert cues[0].end_ms == 2520 - 2 * FRAME_MS  # speech ends at 2200; the cut is at 2520


def test_clause_boundary_preferred_when_an_event_overflows():
    text = (
        "When the long winter finally ended and the rivers ran again across the valley, "
        "the villagers gathered in the square to celebrate"
    )
    cues = segment_words(words_from(text, word_ms=200), EN, FPS)
    assert cues[0].text.replace("\n", " ").endswith("across the valley,")


def test_unspaced_script_kept_intact():
    words = [Word(0, 300, "今日"), Word(300, 600, "は"), Word(600, 900, "晴れ。")]
    (cue,) = segment_words(words, profile_for("ja"), FPS)
    assert cue.text == "今日は晴れ。"


def test_no_words_no_cues():
    assert segment_words([], EN, FPS) == []


def test_abbreviations_and_initials_do_not_end_sentences():
    cues = segment_words(words_from("And Mr. John F. Kennedy said so. Then he left"), EN, FPS)
    assert [c.text for c in cues] == ["And Mr. John F. Kennedy said so.", "Then he left"]


def test_an_overflowing_event_does_not_end_on_a_word_that_belongs_with_the_next():
    text = (
        "John Dashwood had then leisure to consider how much there might be prudently "
        "in his power to do for them"
    )
    cues = segment_words(words_from(text, word_ms=250), EN, FPS)
    assert len(cues) == 2
    assert cues[1].text.startswith("in his power")


def test_text_without_word_times_is_placed_on_its_span_and_segmented():
    from locsvc.domain.segmentation import words_on_span

    text = (
        "Y así, mis compatriotas estadounidenses, no pregunten qué puede hacer su país "
        "por ustedes, pregunten qué pueden hacer ustedes por su país."
    )
    words = words_on_span(text, 1000, 11_000, "es")  # 132 characters in 10 s
    assert words[0].start_ms == 1000 and words[-1].end_ms == 11_000
    assert all(a.end_ms == b.start_ms for a, b in zip(words, words[1:], strict=False))
    cues = segment_words(words, profile_for("es"), FPS)
    assert joined(cues).split() == text.split()
    assert cues[0].start_ms == 1000 and cues[-1].end_ms <= 11_000 + 12 * FRAME_MS
    assert check(cues, profile_for("es"), FPS).passed


def test_a_one_word_event_ending_on_a_word_that_belongs_with_the_next_is_kept():
    # issue 12: "El" (Agent) placed alone on its cue, then a pause: an empty event crashed.
    words = [Word(436767, 438267, " El")]
    words += words_from("agente Complace control mientras pruebo que prórroga.", 440267, 300)
    cues = segment_words(words, profile_for("es"), 24000 / 1001)
    assert joined(cues).split() == ["El", "agente", "Complace", "control", "mientras",
                                    "pruebo", "que", "prórroga."]  # fmt: skip


def test_no_word_is_carried_across_a_pause_into_an_overlong_event():
    words = words_from("Da las", 0, 300) + words_from("gracias.", 1_200_000)
    cues = segment_words(words, profile_for("es"), FPS)
    assert joined(cues).split() == ["Da", "las", "gracias."]
    assert all(c.end_ms - c.start_ms <= EN.max_duration_ms for c in cues)


def test_a_brief_tail_of_a_sentence_borrows_words_from_the_event_before_it():
    # One speaker's sentence overflows its event by one word, then another speaker's long
    # turn follows at once: the lone "well" (0.3 s) would flash by; it takes the fewest
    # words before it that make it long enough to read.
    first = [Word(w.start_ms, w.end_ms, w.text, speaker="S1") for w in words_from(
        "from Chicago originally but I'm in New Jersey now though and I moved there "
        "last month well",
        word_ms=250)]  # fmt: skip
    second = [Word(w.start_ms, w.end_ms, w.text, speaker="S2") for w in words_from(
        "there's not much difference at least you know they all call me a Yankee down here.",
        first[-1].end_ms + 80, word_ms=250)]  # fmt: skip
    cues = segment_words(first + second, EN, FPS)
    assert joined(cues).split() == [w.text.strip() for w in first + second]
    tail = next(c for c in cues if c.text.endswith("well"))
    assert tail.text != "well" and tail.end_ms - tail.start_ms >= EN.min_duration_ms
    assert not [i for i in check(cues, EN, FPS).issues if i.rule is Rule.MIN_DURATION]
