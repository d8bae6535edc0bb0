"""TMX reader and writer: a CAT tool's export read, every refusal with its line, hostile
XML refused like every other XML reader, and render -> read giving the same units."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locsvc.adapters import tmx
from locsvc.adapters.formats.xml import parse_untrusted_xml
from locsvc.adapters.tmx import TmxMemory, bcp47, read_tmx, render_tmx
from locsvc.domain.errors import InvalidRequest, TmxUnreadable
from locsvc.domain.translation_memory import MemoryUnit, UnitKind

SAMPLE = Path(__file__).parents[1] / "data" / "tmx" / "cat_tool_export.tmx"


def document(body: str, header: str = '<header srclang="en"/>', version: str = "1.4") -> bytes:
    return f'<tmx version="{version}">\n{header}\n<body>\n{body}\n</body>\n</tmx>\n'.encode()


def tu(source: str = "Hello.", **targets: str) -> str:
    tuvs = "".join(
        f'<tuv xml:lang="{lang}"><seg>{text}</seg></tuv>' for lang, text in targets.items()
    )
    return f'<tu><tuv xml:lang="en"><seg>{source}</seg></tuv>{tuvs}</tu>'


def refusal(data: bytes, **options) -> TmxUnreadable:
    with pytest.raises(TmxUnreadable) as refused:
        read_tmx(data, "memory.tmx", **options)
    assert refused.value.code == "tmx_unreadable" and isinstance(refused.value, InvalidRequest)
    return refused.value


# A CAT tool's export ------------------------------------------------------------------


def test_a_cat_tool_export_is_read():
    memory = read_tmx(SAMPLE.read_bytes(), "cat_tool_export.tmx")
    origin = "tmx:cat_tool_export.tmx"
    common = {"source_language": "en-US", "origin": origin}
    first = "That's what <i>she</i> said."
    dates = {
        "created_by": "STUDIO\\jdoe",
        "created_at": "2023-02-14T10:15:12+00:00",
        "changed_by": "STUDIO\\mscott",
    }
    context = {"previous": "Good morning.", "following": "Welcome to Dunder Mifflin."}
    assert memory == TmxMemory(
        source_language="en-US",
        units=(
            MemoryUnit(
                first, "Das hat <i>sie</i> gesagt.", target_language="de-DE",
                changed_at="2023-03-01T08:00:00+00:00", **dates, **context, **common,
            ),
            MemoryUnit(  # the tuv's own creationid and changedate win over the tu's
                first, "C'est ce qu'<i>elle</i> a dit.", target_language="fr-FR",
                **(dates | {"created_by": "MEMOQ\\amelie"}),
                changed_at="2023-03-02T09:00:00+00:00", **context, **common,
            ),
            MemoryUnit(  # TMX 1.1's lang; <ph> and <hi>; an unreadable date is None
                "Line one<br/>line two", "Zeile eins<br/>Zeile zwei", target_language="de-DE",
                **common,
            ),
            MemoryUnit(  # a code's <sub> is left out of the native code
                'Click <a title="">here</a>.', '<a title="">Hier</a> klicken.',
                target_language="de-DE", **common,
            ),
            MemoryUnit(  # whitespace kept inside a seg, stripped at its ends; nested <hi>
                "<i>Bye,\n        see you & good luck.", "<i>再見，祝你好運。",
                target_language="zh-Hant-TW", changed_by="MEMOQ\\lin",
                changed_at="2023-04-05T23:59:59+00:00", **common,
            ),
        ),
        skipped=3,  # only a source; an empty source; no source tuv (an empty target: no unit)
    )  # fmt: skip


def test_target_languages_are_chosen_case_insensitively():
    memory = read_tmx(SAMPLE.read_bytes(), "x.tmx", target_languages=["FR-fr", "zh-HANT-tw"])
    assert [unit.target_language for unit in memory.units] == ["fr-FR", "zh-Hant-TW"]
    assert memory.skipped == 5  # every tu that gave no unit
    assert read_tmx(SAMPLE.read_bytes(), "x.tmx", target_languages=[]).units == ()


def test_a_tu_gives_one_unit_per_target_tuv():
    memory = read_tmx(document(tu("Hi.", de="Hallo.", fr="Salut.", ja="やあ。")), "m.tmx")
    assert [(u.target_language, u.target) for u in memory.units] == [
        ("de", "Hallo."),
        ("fr", "Salut."),
        ("ja", "やあ。"),
    ]
    assert {u.source for u in memory.units} == {"Hi."} and memory.skipped == 0


def test_srclang_all_takes_the_source_language_from_the_caller():
    data = document(tu("Hello.", es="Hola."), header='<header srclang="*all*"/>')
    memory = read_tmx(data, "m.tmx", source_language="EN")
    assert memory.source_language == "en"
    assert [(u.source, u.target, u.source_language) for u in memory.units] == [
        ("Hello.", "Hola.", "en")
    ]
    refused = refusal(data)
    assert refused.details == {"line": 2} and "*all*" in refused.message


def test_the_header_names_the_source_even_when_the_caller_names_another():
    memory = read_tmx(document(tu("Hello.", es="Hola.")), "m.tmx", source_language="de")
    assert memory.source_language == "en" and memory.units[0].source_language == "en"


def test_locsvc_props_are_read():
    props = (
        '<prop type="x-locsvc-kind">cue</prop><prop type="x-locsvc-show">office</prop>'
        '<prop type="x-locsvc-episode">ep-7</prop><prop type="x-locsvc-revision">ep-7/es/r3</prop>'
        '<prop type="x-locsvc-origin">approval</prop>'
    )
    data = document(f'<tu>{props}<tuv xml:lang="en"><seg>Hi.</seg></tuv>'
                    '<tuv xml:lang="es"><seg>Hola.</seg></tuv></tu>')  # fmt: skip
    (unit,) = read_tmx(data, "m.tmx").units
    assert (unit.kind, unit.show, unit.episode_id, unit.revision, unit.origin) == (
        UnitKind.CUE, "office", "ep-7", "ep-7/es/r3", "approval"
    )  # fmt: skip


@pytest.mark.parametrize("version", ["1.1", "1.2", "1.3", "1.4", "1.4a", "1.4b"])
def test_every_tmx_version_up_to_1_4b_is_read(version):
    assert len(read_tmx(document(tu(es="Hola."), version=version), "m.tmx").units) == 1


def test_a_utf16_file_is_read():
    text = render_tmx([MemoryUnit("Hello.", "Привет.", "en", "ru")], "en").decode()
    data = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert read_tmx(data, "m.tmx").units[0].target == "Привет."


@pytest.mark.parametrize(
    ("code", "usual"),
    [("EN", "en"), ("pt-br", "pt-BR"), ("PT_BR", "pt-BR"), ("zh-hant", "zh-Hant"),
     ("sr-latn-rs", "sr-Latn-RS"), ("es-419", "es-419"), ("x-Klingon", "x-klingon"),
     ("de-DE-x-Formal", "de-DE-x-formal")],
)  # fmt: skip
def test_language_codes_take_the_usual_bcp47_case(code, usual):
    assert bcp47(code) == usual


# Refusals, each naming its line ------------------------------------------------------


def test_malformed_xml_names_its_line():
    refused = refusal(b'<tmx version="1.4">\n<header srclang="en"/>\n<body>\n<tu>\n</body>')
    assert refused.details == {"line": 5} and "not well-formed" in refused.message


def test_a_root_other_than_tmx_is_refused():
    refused = refusal(b'<?xml version="1.0"?>\n<xliff version="1.2"/>')
    assert refused.details == {"line": 2} and "<xliff>" in refused.message


@pytest.mark.parametrize("version", ["2.0", "1.5", "1.0", "", "latest"])
def test_a_version_other_than_1_1_to_1_4_is_refused(version):
    refused = refusal(b"\n" + document(tu(es="Hola."), version=version))
    assert refused.details == {"line": 2} and "1.4b" in refused.message


def test_a_tmx_without_version_is_refused():
    data = b'<tmx>\n<header srclang="en"/><body/></tmx>'
    assert refusal(data).details == {"line": 1}


def test_a_body_without_a_header_before_it_is_refused():
    refused = refusal(b'<tmx version="1.4">\n\n<body>\n</body>\n</tmx>')
    assert refused.details == {"line": 3} and "<header>" in refused.message


def test_a_tmx_without_body_or_header_is_refused():
    refused = refusal(b'\n<tmx version="1.4">\n<header srclang="en"/>\n</tmx>')
    assert refused.details == {"line": 2} and "no <body>" in refused.message
    refused = refusal(b'\n\n<tmx version="1.4">\n</tmx>')
    assert refused.details == {"line": 3} and "no <header>" in refused.message


def test_a_header_without_srclang_is_refused():
    refused = refusal(document(tu(es="Hola."), header='<header\n adminlang="en"/>'))
    assert refused.details == {"line": 2} and "srclang" in refused.message


def test_an_invalid_source_language_is_refused():
    refused = refusal(document("", header='<header srclang="English (US)"/>'))
    assert refused.details == {"line": 2} and "not a language code" in refused.message


@pytest.mark.parametrize("tuv", ['<tuv xml:lang="de DE">', "<tuv>"])
def test_a_tuv_without_a_language_code_is_refused(tuv):
    refused = refusal(
        document(f'<tu><tuv xml:lang="en"><seg>Hi.</seg></tuv>\n{tuv}<seg>x</seg></tuv></tu>')
    )
    assert refused.details == {"line": 5} and "<tuv>" in refused.message


def test_more_than_max_units_is_refused(monkeypatch):
    monkeypatch.setattr(tmx, "MAX_UNITS", 2)
    assert len(read_tmx(document("\n".join([tu(es="Hola.")] * 2)), "m.tmx").units) == 2
    refused = refusal(document("\n".join([tu(es="Hola.")] * 3)))
    assert refused.details == {"line": 6} and "more than 2 translation units" in refused.message


def test_deep_nesting_is_refused_with_its_line():
    nested = "<hi>" * 150 + "x" + "</hi>" * 150
    refused = refusal(document(f'<tu>\n<tuv xml:lang="en"><seg>{nested}</seg></tuv></tu>'))
    assert refused.details == {"line": 5} and "more than 100 deep" in refused.message


def test_an_unknown_encoding_is_refused():
    refused = refusal(b'<?xml version="1.0" encoding="x-no-such"?>\n<tmx version="1.4"/>')
    assert refused.details == {"line": 1} and "encoding" in refused.message


def test_empty_input_is_refused():
    assert refusal(b"").details == {"line": 1}


# Hostile XML: refused as parse_untrusted_xml refuses it -------------------------------

BODY = document(tu("&x;", es="Hola.")).decode()


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return (f"<!DOCTYPE tmx [{''.join(entities)}]>" + BODY.replace("&x;", "&lol9;")).encode()


def external_entity() -> bytes:
    return ('<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + BODY).encode()


def external_dtd() -> bytes:
    return (
        '<!DOCTYPE tmx SYSTEM "http://127.0.0.1:9/tmx14.dtd">' + BODY.replace("&x;", "Hi")
    ).encode()


def plain_doctype() -> bytes:
    return ("<!DOCTYPE tmx>" + BODY.replace("&x;", "Hi")).encode()


@pytest.mark.parametrize(
    "attack",
    [billion_laughs, external_entity, external_dtd, plain_doctype],
    ids=lambda a: a.__name__,
)
def test_dtds_and_entities_are_refused(attack):
    refused = refusal(attack())
    assert "DTD" in refused.message and refused.details == {"line": None}
    assert "root:" not in refused.message  # nothing of /etc/passwd leaks
    with pytest.raises(TmxUnreadable, match="DTD"):  # exactly as the shared guard refuses it
        parse_untrusted_xml(attack(), "TMX file", TmxUnreadable)


def test_an_undeclared_entity_is_malformed():
    refused = refusal(BODY.encode())
    assert refused.details == {"line": 4} and "undefined entity" in refused.message


# Writing -----------------------------------------------------------------------------

UNIT = MemoryUnit(
    "Say \"hi\" & <i>wave</i>.", "Di «hola» y <i>saluda</i>.", "en", "es",
    previous="Hello.", created_by="ana", created_at="2024-05-01T12:00:00.250+02:00",
)  # fmt: skip


def test_render_writes_tmx_1_4_with_the_header_cat_tools_expect():
    text = render_tmx([UNIT], "en", tool_version="1.2.3").decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    assert (
        '<header creationtool="locsvc" creationtoolversion="1.2.3" segtype="sentence" '
        'o-tmf="locsvc" adminlang="en" srclang="en" datatype="plaintext"/>'
    ) in text
    assert '<tu creationid="ana" creationdate="20240501T100000Z">' in text
    assert '<seg>Say "hi" &amp; &lt;i&gt;wave&lt;/i&gt;.</seg>' in text
    assert '<prop type="x-context-pre">Hello.</prop>' in text and "x-context-post" not in text
    assert render_tmx([UNIT, UNIT], "en") == render_tmx([UNIT, UNIT], "en")  # deterministic


def test_render_keeps_dates_to_the_second_in_utc():
    (unit,) = read_tmx(render_tmx([UNIT], "en"), "m.tmx").units
    assert unit.created_at == "2024-05-01T10:00:00+00:00" and unit.origin == "approval"


def test_render_leaves_out_characters_xml_cannot_hold():
    unit = MemoryUnit("Bell\x07 here.", "Cloche\x00 ici.\r", "en", "fr")
    (read,) = read_tmx(render_tmx([unit], "en"), "m.tmx").units
    assert (read.source, read.target) == ("Bell here.", "Cloche ici.")


def test_render_refuses_a_unit_in_another_source_language():
    with pytest.raises(ValueError, match="source language"):
        render_tmx([MemoryUnit("Hallo.", "Hello.", "de", "en")], "en")


# Round trip --------------------------------------------------------------------------

SCRIPTS = ["&", "<i>", "</i>", '"', "'", "<", ">", "Привет", "مرحبا", "שלום", "你好", "こんにちは",
           "नमस्ते", "😀", "e\u0301", "\n", "\t", "\r\n", "  "]  # fmt: skip
LANGUAGES = ["de", "fr-FR", "pt-BR", "zh-Hant", "ja", "ar", "sr-Latn-RS", "es-419"]
characters = st.characters(exclude_categories=("Cc", "Cs", "Cn", "Co"))
texts = (
    st.lists(
        st.text(characters, min_size=1, max_size=8) | st.sampled_from(SCRIPTS),
        min_size=1,
        max_size=8,
    )
    .map(lambda parts: "".join(parts).strip())
    .filter(bool)
)
dates = st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)).map(
    lambda moment: moment.replace(microsecond=0).isoformat()
)
optional = st.none() | texts


@st.composite
def memory_units(draw, source_language: str) -> MemoryUnit:
    return MemoryUnit(
        source=draw(texts),
        target=draw(texts),
        source_language=source_language,
        target_language=draw(st.sampled_from(LANGUAGES)),
        kind=draw(st.sampled_from(UnitKind)),
        previous=draw(optional),
        following=draw(optional),
        show=draw(optional),
        episode_id=draw(optional),
        revision=draw(optional),
        created_by=draw(optional),
        created_at=draw(st.none() | dates),
        changed_by=draw(optional),
        changed_at=draw(st.none() | dates),
        origin=draw(st.sampled_from(["approval", "tmx:old.tmx"]) | texts),
    )


@given(st.sampled_from(["en", "en-US", "zh-Hans"]).flatmap(
    lambda source: st.tuples(st.just(source), st.lists(memory_units(source), max_size=6))
))  # fmt: skip
def test_render_then_read_gives_the_same_units(case):
    source_language, units = case
    data = render_tmx(units, source_language)
    assert read_tmx(data, "export.tmx") == TmxMemory(source_language, tuple(units), 0)
    assert render_tmx(units, source_language) == data
