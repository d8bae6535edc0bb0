import pytest

from locsvc.adapters.glossary_files import read_glossary_file, read_glossary_table
from locsvc.domain.errors import InvalidRequest
from locsvc.domain.glossary import EntryKind

CSV = (
    "en,es,kind,case_sensitive,variants,note\n"
    "Dunder Mifflin,Dunder Mifflin,dnt,true,,the company\n"
    "paper,papel,,,papeles|folio,\n"
    ",ordenador,forbidden,,,use computadora\n"
)


def test_csv_with_language_columns():
    entries = read_glossary_table(CSV.encode("utf-8-sig"), "en", "es", "office/en-es.csv")
    assert [(e.source, e.target, e.kind, e.case_sensitive) for e in entries] == [
        ("Dunder Mifflin", "Dunder Mifflin", EntryKind.DNT, True),
        ("paper", "papel", EntryKind.TRANSLATE, False),
        ("", "ordenador", EntryKind.FORBIDDEN, False),
    ]
    assert entries[1].variants == ("papeles", "folio") and entries[0].note == "the company"


def test_gender_column():
    (entry,) = read_glossary_table(b"en,es,gender\ncountry,patria,f\n", "en", "es")
    assert entry.gender == "f"


def test_tsv_and_case_insensitive_language_codes():
    tsv = "EN\tpt-br\nlightsaber\tsabre de luz\n"
    (entry,) = read_glossary_table(tsv.encode(), "en", "pt-BR", "glossary.tsv")
    assert (entry.source, entry.target) == ("lightsaber", "sabre de luz")


@pytest.mark.parametrize(
    "text, line",
    [
        ("fr,de\nchat,Katze\n", 1),
        ("en,es,kind\npaper,papel,maybe\n", 2),
        ("en,es,case_sensitive\npaper,papel,sometimes\n", 2),
        ("en,es\n\npaper,\n", 3),
        ("en,es,kind\n,,forbidden\n", 2),
        ("en,es,gender\nland,tierra,female\n", 2),
    ],
)
def test_bad_rows_name_their_line(text, line):
    with pytest.raises(InvalidRequest) as raised:
        read_glossary_table(text.encode(), "en", "es")
    assert raised.value.details["line"] == line


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en">
  <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="t1">
      <descrip type="definition">the Jedi weapon</descrip>
      <langSet xml:lang="en"><tig><term>lightsaber</term></tig></langSet>
      <langSet xml:lang="es">
        <tig><term>sable láser</term>
          <termNote type="grammaticalGender">masculine</termNote></tig>
        <tig><term>sable de luz</term></tig>
        <tig><term>espada láser</term>
          <termNote type="administrativeStatus">forbiddenTerm-admn-sts</termNote></tig>
      </langSet>
    </termEntry>
    <termEntry id="t2">
      <langSet xml:lang="en"><ntig><termGrp><term>Obi-Wan Kenobi</term></termGrp></ntig></langSet>
      <langSet xml:lang="es"><ntig><termGrp><term>Obi-Wan Kenobi</term></termGrp></ntig></langSet>
    </termEntry>
  </body></text>
</martif>"""


def test_tbx_tig_and_ntig_with_forbidden_status():
    from locsvc.adapters.glossary_files import read_glossary_file

    entries = read_glossary_file(TBX.encode(), "en", "es", "star-wars.tbx")
    assert [(e.source, e.target, e.kind, e.variants) for e in entries] == [
        ("", "espada láser", EntryKind.FORBIDDEN, ()),
        ("lightsaber", "sable láser", EntryKind.TRANSLATE, ("sable de luz",)),
        ("Obi-Wan Kenobi", "Obi-Wan Kenobi", EntryKind.TRANSLATE, ()),
    ]
    assert entries[1].note == "the Jedi weapon" and entries[1].gender == "m"


def test_broken_tbx_names_the_line():
    from locsvc.adapters.glossary_files import read_glossary_file

    with pytest.raises(InvalidRequest) as raised:
        read_glossary_file(b"<martif>\n<text>\n</martif>", "en", "es", "x.tbx")
    assert raised.value.details["line"] == 3


def test_a_tbx_concept_cannot_multiply_into_a_huge_glossary():
    """2,000 English synonyms x 2,000 Spanish terms in one concept (130 kB) made 2,000
    entries of 1,999 variants each: 50 MB stored. Bounded now, and refused early."""
    from locsvc.adapters.glossary_files import read_glossary_tbx

    def lang_set(lang: str, word: str) -> str:
        terms = "".join(f"<tig><term>{word}{n}</term></tig>" for n in range(2000))
        return f'<langSet xml:lang="{lang}">{terms}</langSet>'

    tbx = (
        "<martif><text><body><termEntry>"
        f"{lang_set('en', 'paper')}{lang_set('es', 'papel')}"
        "</termEntry></body></text></martif>"
    )
    with pytest.raises(InvalidRequest, match="expands"):
        read_glossary_tbx(tbx.encode(), "en", "es")


def test_more_entries_than_the_bound_are_refused(monkeypatch):
    import locsvc.adapters.glossary_files as glossary_files

    monkeypatch.setattr(glossary_files, "MAX_ENTRIES", 2)
    assert len(read_glossary_table(b"en,es\na,b\nc,d\n", "en", "es")) == 2
    with pytest.raises(InvalidRequest, match="more than 2 entries"):
        read_glossary_table(b"en,es\na,b\nc,d\ne,f\n", "en", "es")


@pytest.mark.parametrize(
    "data", [b'<?xml version="1.0" encoding="utf-99"?><martif/>',
             b'<?xml version="1.0" encoding="utf-32"?><martif/>',
             b'<?xml version="1.0" encoding="hex"?><martif/>'],
)  # fmt: skip
def test_an_unusable_declared_encoding_in_a_tbx_is_refused(data):
    """LookupError / ValueError before (found by fuzzing)."""
    with pytest.raises(InvalidRequest, match="encoding"):
        read_glossary_file(data, "en", "es", "terms.tbx")


def test_an_undecodable_table_is_the_glossarys_own_error():
    """It was SubtitleUnreadable ("invalid_subtitle") for a glossary (found by fuzzing)."""
    from locsvc.adapters.glossary_files import glossary_languages
    from locsvc.domain.errors import SubtitleUnreadable

    truncated_utf16 = b"\xff\xfee"
    with pytest.raises(InvalidRequest, match="glossary file cannot be decoded") as refused:
        read_glossary_table(truncated_utf16, "en", "es")
    assert not isinstance(refused.value, SubtitleUnreadable)
    assert glossary_languages(truncated_utf16) == set()


@pytest.mark.parametrize(
    "data, message",
    [  # IndexError and csv.Error before (found by fuzzing)
        (b"\n", "empty"),
        (b"\r\n \r\n", "empty"),
        (b'en,es\n"' + b"a" * 140_000 + b'",b\n', "Line 2: field larger than field limit"),
    ],
)
def test_blank_and_runaway_tables_are_refused(data, message):
    from locsvc.adapters.glossary_files import glossary_languages

    with pytest.raises(InvalidRequest, match=message):
        read_glossary_table(data, "en", "es")
    assert glossary_languages(b'"' + b"a" * 140_000) == set()
