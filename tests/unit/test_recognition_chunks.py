"""Where a long recording is cut for recognition, and its chunks stitched back (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from locsvc.domain.recognition_chunks import chunk_spans, cut_in_pause, even_cuts, stitch
from locsvc.domain.transcript import Transcript, Word


def test_the_cut_goes_into_the_nearest_real_pause():
    pauses = [(90_000, 90_150), (95_000, 96_000), (112_000, 112_600)]
    assert cut_in_pause(pauses, 100_000) == 95_500  # 150 ms is a breath: passed over
    assert cut_in_pause(pauses, 110_000) == 112_300
    assert cut_in_pause([(90_000, 90_150), (99_000, 99_100)], 100_000) == 90_075  # the longest
    assert cut_in_pause([], 100_000) == 100_000  # continuous sound: no better cut


def test_even_cuts_and_spans_cover_the_recording():
    assert even_cuts(600_000, 3) == [200_000, 400_000]
    assert chunk_spans([199_000, 401_000], 600_000) == [
        (0, 199_000), (199_000, 401_000), (401_000, 600_000),
    ]  # fmt: skip


def part(language: str, *times: int, probability: float = 0.9) -> Transcript:
    words = tuple(Word(t, t + 200, f" w{t}") for t in times)
    return Transcript(language, probability, 1000, words, "faster-whisper:base", {"beam_size": 5})


def test_stitched_words_are_every_chunk_s_in_order():
    whole = stitch([part("en", 0, 300), part("en", 1200, 1500), part("fr", 2100)], None)
    assert [w.start_ms for w in whole.words] == [0, 300, 1200, 1500, 2100]
    assert whole.language == "en" and whole.duration_ms == 3000
    assert whole.parameters == {"beam_size": 5, "chunks": 3}
    assert stitch([part("en", 0), part("fr", 1000, 1100)], "en").language == "en"


@given(st.lists(st.tuples(st.integers(0, 600_000), st.integers(1, 3000)), max_size=30),
       st.integers(1, 600_000))  # fmt: skip
def test_a_cut_is_never_inside_speech_when_a_pause_exists(raw, at):
    pauses = sorted((start, start + length) for start, length in raw)
    cut = cut_in_pause(pauses, at)
    assert not pauses or any(start <= cut <= end for start, end in pauses)
