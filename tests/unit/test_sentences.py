from locsvc.domain.cues import Cue
from locsvc.domain.sentences import join_sentences, place_on_source

CUES = [
    Cue(1000, 3000, ("Luke lost his lightsaber",)),
    Cue(3100, 5500, ("in the swamp, and he never", "found it again.")),
    Cue(7000, 9000, ("<i>Do you understand?</i>",)),
    Cue(9500, 10_000, ("",)),
    Cue(13_000, 14_000, ("No punctuation here",)),
    Cue(17_000, 18_000, ("and a long pause before this",)),
]


def test_cues_join_into_sentences_without_markup():
    sentences = join_sentences(CUES)
    assert [s.text for s in sentences] == [
        "Luke lost his lightsaber in the swamp, and he never found it again.",
        "Do you understand?",
        "No punctuation here",
        "and a long pause before this",
    ]
    assert (sentences[0].start_ms, sentences[0].end_ms) == (1000, 5500)


def test_translation_is_shared_among_its_cues_spans():
    sentence = join_sentences(CUES)[0]
    words = place_on_source(
        "Luke perdió su sable láser en la ciénaga, y nunca lo encontró de nuevo.", sentence, "es"
    )
    assert " ".join(w.text.strip() for w in words).startswith("Luke perdió su sable láser")
    first_cue = [w for w in words if w.end_ms <= 3000]
    second_cue = [w for w in words if w.start_ms >= 3100]
    assert len(first_cue) + len(second_cue) == len(words)  # nothing in the gap between cues
    assert first_cue[0].start_ms == 1000 and second_cue[-1].end_ms == 5500
