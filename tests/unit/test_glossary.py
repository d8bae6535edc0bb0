from locsvc.domain.glossary import (
    EntryKind,
    Glossary,
    GlossaryEntry,
    layered,
    term_success_rate,
)

ENTRIES = [
    GlossaryEntry("Dunder Mifflin", "Dunder Mifflin", EntryKind.DNT, case_sensitive=True),
    GlossaryEntry("paper company", "empresa papelera"),
    GlossaryEntry("paper", "papel", variants=("folio",)),
    GlossaryEntry("regional manager", "gerente regional"),
    GlossaryEntry("", "ordenador", EntryKind.FORBIDDEN, note="use computadora"),
]
GLOSSARY = Glossary(ENTRIES, "en", "es")


def found(text):
    return [(m.text_in(text), m.entry.target) for m in GLOSSARY.find_in_source(text)]


def test_longest_match_first_and_token_aware():
    assert found("The paper company sells paper, not papers.") == [
        ("paper company", "empresa papelera"),
        ("paper", "papel"),
        ("papers", "papel"),
    ]
    assert found("Newspaper and paperwork") == []


def test_case_insensitive_with_inflection_and_possessive():
    assert found("Regional Managers and the regional manager's desk") == [
        ("Regional Managers", "gerente regional"),
        ("regional manager's", "gerente regional"),
    ]


def test_case_sensitive_entry_needs_its_case():
    assert found("dunder mifflin") == []
    assert found("Welcome to Dunder Mifflin.") == [("Dunder Mifflin", "Dunder Mifflin")]


def test_case_sensitive_lower_case_term_matches_a_sentence_initial_capital():
    entries = [
        GlossaryEntry("iPhone", "iPhone", EntryKind.DNT, True),
        GlossaryEntry("scranton", "Scranton", case_sensitive=True),
    ]
    glossary = Glossary(entries, "en", "es")
    text = "Scranton is home. I love scranton"
    assert [m.text_in(text) for m in glossary.find_in_source(text)] == ["Scranton", "scranton"]
    assert glossary.find_in_source("IPHONE") == []


def test_check_counts_every_occurrence_and_accepts_variants():
    source = "Paper is paper."
    assert GLOSSARY.check(source, "El papel es folio.") == []
    (issue,) = GLOSSARY.check(source, "El papel es eso.")
    assert issue.kind is EntryKind.TRANSLATE and issue.expected == ("papel", "folio")


def test_dnt_and_forbidden():
    issues = GLOSSARY.check("Dunder Mifflin paper", "Dunder Miflin papel en el ordenador")
    assert [(i.kind, i.term) for i in issues] == [
        (EntryKind.DNT, "Dunder Mifflin"),
        (EntryKind.FORBIDDEN, "ordenador"),
    ]
    assert "computadora" in issues[1].message


def test_target_inflection_counts():
    assert GLOSSARY.check("two papers", "dos papeles") == []


def test_term_success_rate():
    pairs = [("paper", "papel"), ("paper and paper", "papel y nada"), ("no terms", "sin términos")]
    assert term_success_rate(GLOSSARY, pairs) == 2 / 3
    assert term_success_rate(GLOSSARY, [("nothing", "nada")]) is None


def test_show_entries_win_over_the_default_scope():
    show = [GlossaryEntry("Night Watch", "Guardia Nocturna")]
    default = [
        GlossaryEntry("night watch", "Vigilancia Nocturna"),
        GlossaryEntry("Acme", "Acme", EntryKind.DNT),
        GlossaryEntry("", "vale", EntryKind.FORBIDDEN),
    ]
    merged = layered(show, default)
    assert [e.target for e in merged] == ["Guardia Nocturna", "Acme", "vale"]
