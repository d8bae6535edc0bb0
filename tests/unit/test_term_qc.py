from locsvc.domain.cues import Cue
from locsvc.domain.glossary import EntryKind, Glossary, GlossaryEntry
from locsvc.domain.term_qc import track_term_issues

GLOSSARY = Glossary(
    [
        GlossaryEntry("Night Watch", "Guardia Nocturna"),
        GlossaryEntry("Winterfell", "Winterfell", EntryKind.DNT),
        GlossaryEntry("", "vale", EntryKind.FORBIDDEN),
    ],
    "en",
    "es",
)
SOURCE = [
    Cue(0, 2000, ("The Night Watch",)),
    Cue(2000, 4000, ("rides to Winterfell.",)),
    Cue(6000, 8000, ("They wait.",)),
]


def test_a_sentence_split_over_cues_is_checked_against_the_cues_it_overlaps():
    target = [
        Cue(0, 1500, ("La Guardia",)),
        Cue(1500, 4000, ("Nocturna cabalga a Winterfell.",)),
        Cue(6000, 8000, ("Esperan.",)),
    ]
    assert track_term_issues(SOURCE, target, GLOSSARY) == []


def test_missing_terms_land_on_the_first_cue_of_their_sentence():
    target = [
        Cue(0, 1500, ("La guardia de noche",)),
        Cue(1500, 4000, ("cabalga a Invernalia.",)),
        Cue(6000, 8000, ("Esperan.",)),
    ]
    issues = track_term_issues(SOURCE, target, GLOSSARY)
    assert [(cue, issue.term) for cue, issue in issues] == [(1, "Night Watch"), (1, "Winterfell")]


def test_a_forbidden_term_is_reported_once_on_its_own_cue():
    target = [
        Cue(0, 1500, ("La Guardia",)),
        Cue(1500, 4000, ("Nocturna cabalga a Winterfell.",)),
        Cue(6000, 8000, ("Vale, esperan.",)),
    ]
    issues = track_term_issues(SOURCE, target, GLOSSARY)
    assert [(cue, issue.kind) for cue, issue in issues] == [(3, EntryKind.FORBIDDEN)]


def test_overlap_search_agrees_with_a_plain_scan():
    import random

    from locsvc.domain.cues import overlap_finder

    rng = random.Random(7)
    cues, clock = [], 0
    for _ in range(200):
        start = clock + rng.randint(0, 500)
        clock = start + rng.randint(0, 3000)
        cues.append(Cue(start, clock, ("x",)))
    finder = overlap_finder(cues)
    for _ in range(500):
        start = rng.randint(0, clock)
        end = start + rng.randint(0, 8000)
        scan = [n for n, c in enumerate(cues, 1) if c.start_ms < end and c.end_ms > start]
        assert finder(start, end) == scan
