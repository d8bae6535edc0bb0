"""Hostile XML in every reader (TTML, XLIFF, TBX): DTDs and entity declarations are
refused before anything expands, with the reader's own error (a 400 through the API),
and a refused upload stores nothing."""

from __future__ import annotations

import io

import pytest

from locsvc.adapters.formats import read_subtitles
from locsvc.adapters.formats.xml import parse_untrusted_xml
from locsvc.adapters.glossary_files import glossary_languages, read_glossary_file
from locsvc.domain.errors import InvalidRequest, SubtitleUnreadable

from .review_fixtures import build_cast, claim_spanish, stored_objects

TTML_BODY = (
    '<tt xmlns="http://www.w3.org/ns/ttml"><body><div>'
    '<p begin="00:00:01.000" end="00:00:02.000">{text}</p>'
    "</div></body></tt>"
)
XLIFF_BODY = (
    '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" '
    'xmlns:locsvc="urn:locsvc:timing:1" version="1.2"><file><body>'
    '<trans-unit id="c0" locsvc:start-ms="0" locsvc:end-ms="2600">'
    "<source>hello</source><target>{text}</target></trans-unit>"
    "</body></file></xliff>"
)
TBX_BODY = (
    "<martif><text><body><termEntry>"
    '<langSet xml:lang="en"><tig><term>paper</term></tig></langSet>'
    '<langSet xml:lang="es"><tig><term>{text}</term></tig></langSet>'
    "</termEntry></body></text></martif>"
)
BODIES = {"ttml": TTML_BODY, "xliff": XLIFF_BODY, "tbx": TBX_BODY}
ROOTS = {"ttml": "tt", "xliff": "xliff", "tbx": "martif"}


def amplified(kind: str, entity_bytes: int = 100_000, uses: int = 90) -> bytes:
    """The attack as measured: one big internal entity, used many times."""
    dtd = f'<!DOCTYPE {ROOTS[kind]} [<!ENTITY big "{"A" * entity_bytes}">]>'
    return (dtd + BODIES[kind].format(text="&big;" * uses)).encode()


def billion_laughs(kind: str) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    dtd = f"<!DOCTYPE {ROOTS[kind]} [{''.join(entities)}]>"
    return (dtd + BODIES[kind].format(text="&lol9;")).encode()


def external_entity(kind: str) -> bytes:
    dtd = f'<!DOCTYPE {ROOTS[kind]} [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    return (dtd + BODIES[kind].format(text="&secret;")).encode()


def external_dtd(kind: str) -> bytes:
    dtd = f'<!DOCTYPE {ROOTS[kind]} SYSTEM "http://127.0.0.1:9/evil.dtd">'
    return (dtd + BODIES[kind].format(text="hello")).encode()


def plain_doctype(kind: str) -> bytes:
    return (f"<!DOCTYPE {ROOTS[kind]}>" + BODIES[kind].format(text="hello")).encode()


ATTACKS = [amplified, billion_laughs, external_entity, external_dtd, plain_doctype]


def read(kind: str, data: bytes):
    if kind == "tbx":
        return read_glossary_file(data, "en", "es", "terms.tbx")
    return read_subtitles(data, filename=f"hostile.{kind}")


@pytest.mark.parametrize("kind", ["ttml", "xliff", "tbx"])
def test_the_plain_documents_are_read(kind):
    assert read(kind, BODIES[kind].format(text="hello").encode())


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
@pytest.mark.parametrize("kind", ["ttml", "xliff"])
def test_subtitle_readers_refuse_dtds_and_entities(kind, attack):
    with pytest.raises(SubtitleUnreadable) as refused:
        read(kind, attack(kind))
    assert "DTD" in refused.value.message or "entit" in refused.value.message
    assert "root:" not in refused.value.message  # nothing of /etc/passwd leaks


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_tbx_reader_refuses_dtds_and_entities(attack):
    with pytest.raises(InvalidRequest) as refused:
        read("tbx", attack("tbx"))
    assert "DTD" in refused.value.message or "entit" in refused.value.message
    # The language sniffing used by `locsvc localize --glossary` reads nothing either.
    assert glossary_languages(attack("tbx"), "terms.tbx") == set()


def test_the_guard_refuses_an_entity_declared_without_a_doctype_use():
    # An internal subset alone (no entity used) is still a DTD: refused, not just unused.
    with pytest.raises(SubtitleUnreadable, match="DTD"):
        parse_untrusted_xml(b'<!DOCTYPE a [<!ENTITY x "y">]><a/>', "TTML", SubtitleUnreadable)


def test_the_guard_names_the_line_of_malformed_xml():
    with pytest.raises(InvalidRequest) as refused:
        parse_untrusted_xml(b"<a>\n<b>\n</a>", "TBX", InvalidRequest)
    assert refused.value.details["line"] == 3


def test_an_amplified_xliff_upload_is_a_400_and_stores_nothing(app, client, auth, data_dir):
    cast = build_cast(app, client, auth, data_dir)
    claim_spanish(client, cast)
    before = stored_objects(app)
    for who in ("ana", "bea"):  # the claim holder, and a linguist without the claim
        response = client.post(
            f"/api/v1/episodes/{cast.episode_id}/tracks/es/revisions",
            headers=cast.auth(who),
            data={"file": (io.BytesIO(amplified("xliff")), "hostile.xlf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400, response.json
        assert response.json["error"]["code"] == "invalid_subtitle"
    assert stored_objects(app) == before


def test_an_amplified_tbx_glossary_is_a_400_and_stores_no_version(client, auth):
    response = client.post(
        "/api/v1/glossaries",
        headers=auth,
        data={
            "file": (io.BytesIO(amplified("tbx")), "terms.tbx"),
            "show": "demo",
            "source": "en",
            "target": "es",
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    assert response.status_code == 400, response.json
    assert "DTD" in response.json["error"]["message"]
    assert client.get("/api/v1/glossaries", headers=auth).json["items"] == []


@pytest.mark.parametrize("kind", ["ttml", "xliff", "tbx"])
def test_deep_nesting_is_refused_before_a_reader_recurses(kind):
    """5,000 nested elements made the TTML reader raise RecursionError."""
    nested = "<span>" * 5000 + "hello" + "</span>" * 5000
    with pytest.raises(InvalidRequest, match="nests elements 50.. deep"):
        read(kind, BODIES[kind].format(text=nested).encode())
    read(kind, BODIES[kind].format(text="<span>" * 50 + "hi" + "</span>" * 50).encode())  # read
