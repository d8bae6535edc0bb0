import pytest

from locsvc.adapters.glossary_files import read_glossary_table
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
