"""Fuzzing the multipart upload parser through the app: episode uploads, revision
uploads and glossary imports with fuzzed multipart bodies and headers. Every answer is
a 2xx or a 4xx, never a 5xx; a refused request leaves no object and no temp file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locsvc.adapters.db.migrate import upgrade
from locsvc.app import create_app

from ..conftest import ADMIN_TOKEN
from ..integration.review_fixtures import build_cast, claim_spanish
from .executions import EXECUTIONS
from .mutations import MUTATIONS, seeds

pytestmark = pytest.mark.fuzz

DATA = Path(__file__).parents[1] / "data"
SUBTITLE = seeds("webvtt-py/sample.srt")[0]
SPEECH = (DATA / "goforward.wav").read_bytes()  # 2.8 s of real speech: a valid episode
# What a well-formed request to each endpoint holds: (field, file name or None, content).
VALID = {
    "episodes": [("file", "goforward.wav", SPEECH), ("show", None, b"demo"),
                 ("title", None, b"Pilot"), ("source_language", None, b"en")],
    "revisions": [("file", "fix.srt", SUBTITLE)],
    "glossaries": [("file", "terms.csv", b"en,es\npaper,papel\n"), ("show", None, b"demo"),
                   ("source", None, b"en"), ("target", None, b"es")],
}  # fmt: skip
FIELDS = ["file", "show", "title", "source_language", "targets", "glossary", "priority",
          "source", "target", "", "fi\x00le", "x" * 300]  # fmt: skip
FILENAMES = [None, "fix.srt", "fix.xlf", "a.mp3", "terms.tsv", "", "../../etc/passwd",
             "nul\x00.srt", "é.vtt", "a" * 300, "semi;colon.srt", 'quo"te.srt']  # fmt: skip
CONTENT = st.one_of(
    st.just(SUBTITLE), st.just(b""), st.just(b"\x00" * 8), st.binary(max_size=64),
    st.sampled_from([b"demo", b"en", b"es,fr", b"high", b"9" * 40, b"\xff\xfe", b"en,es\na,b\n",
                     SPEECH[:1000], SPEECH[:44]]),
)  # fmt: skip
BOUNDARIES = ["b0undary", "x", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "a" * 70, "a" * 200,
              "with space", "", "--", "é"]  # fmt: skip
HEADER_STYLES = ["plain", "plain", "plain", "typed", "base64", "unquoted", "rfc2231", "none"]


def part_bytes(name: str, filename: str | None, content: bytes, style: str) -> bytes:
    disposition = f'form-data; name="{name}"' + (
        f'; filename="{filename}"' if filename is not None else ""
    )
    headers = {
        "plain": [f"Content-Disposition: {disposition}"],
        "typed": [f"Content-Disposition: {disposition}", "Content-Type: application/x-subrip"],
        "base64": [f"Content-Disposition: {disposition}", "Content-Transfer-Encoding: base64"],
        "unquoted": [f"Content-Disposition: form-data; name={name}; filename={filename}"],
        "rfc2231": [f"Content-Disposition: form-data; name={name}; filename*=UTF-8''%C3%A9.srt"],
        "none": ["Content-Type: text/plain"],
    }[style]
    return "\r\n".join(headers).encode("utf-8", "surrogatepass") + b"\r\n\r\n" + content


@st.composite
def changed_part(draw, part: tuple) -> tuple:
    name, filename, content, style = part
    which = draw(st.sampled_from(["name", "filename", "content", "style"]))
    if which == "name":
        name = draw(st.sampled_from(FIELDS))
    elif which == "filename":
        filename = draw(st.sampled_from(FILENAMES))
    elif which == "content":
        content = draw(CONTENT)
    else:
        style = draw(st.sampled_from(HEADER_STYLES))
    return (name, filename, content, style)


@st.composite
def multipart_requests(draw, target: str) -> tuple[bytes, str]:
    """A well-formed request to ``target`` with 0..3 things changed: a part's name, file
    name, content or headers; a part lost, doubled or added; the boundary; the bytes."""
    parts = [(*part, "plain") for part in VALID[target]]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):  # a third stay well-formed
        index = draw(st.integers(0, len(parts) - 1)) if parts else 0
        change = draw(st.sampled_from(["part", "part", "lose", "double", "add"]))
        if change == "part" and parts:
            parts[index] = draw(changed_part(parts[index]))
        elif change == "lose" and parts:
            parts.pop(index)
        elif change == "double" and parts:
            parts.insert(index, parts[index])
        else:
            added = (draw(st.sampled_from(FIELDS)), draw(st.sampled_from(FILENAMES)))
            parts.append((*added, draw(CONTENT), draw(st.sampled_from(HEADER_STYLES))))
    boundary = draw(st.sampled_from(BOUNDARIES[:1] * 6 + BOUNDARIES))
    delimiter = b"--" + boundary.encode()
    body = b"".join(delimiter + b"\r\n" + part_bytes(*part) + b"\r\n" for part in parts)
    body += draw(st.sampled_from([delimiter + b"--\r\n"] * 3 + [delimiter + b"--", delimiter, b""]))
    if not draw(st.integers(0, 3)):  # and now and then broken the ways bytes break
        body = bytes(draw(st.sampled_from(MUTATIONS))(draw, bytearray(body), [body]))
    content_type = draw(
        st.sampled_from([f"multipart/form-data; boundary={boundary}"] * 6 + [
            f'multipart/form-data; boundary="{boundary}"',
            "multipart/form-data",
            f"multipart/form-data; boundary={boundary}; charset=utf-16",
            f"multipart/mixed; boundary={boundary}",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
            "",
        ])
    )  # fmt: skip
    return body, content_type


header_values = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=300)
extra_headers = st.dictionaries(
    st.sampled_from(["Idempotency-Key", "Content-Encoding", "Transfer-Encoding", "Accept",
                     "X-Forwarded-For", "Content-Disposition"]),
    header_values,
    max_size=2,
)  # fmt: skip


@pytest.fixture(scope="module")
def service(tmp_path_factory, data_dir):
    data = tmp_path_factory.mktemp("fuzz-uploads")
    app = create_app({"data_dir": str(data / "var"), "admin_token": ADMIN_TOKEN,
                      "asr_model": "tiny.en"})  # fmt: skip
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    client = app.test_client()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    cast = build_cast(app, client, admin, data_dir)
    claim_spanish(client, cast)
    yield app, client, cast, admin
    app.extensions["locsvc"].db.dispose()


def files_under(app, folder: str) -> list[str]:
    root = app.extensions["locsvc"].storage.root / folder
    return sorted(str(p) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("target", ["episodes", "revisions", "glossaries"])
@given(data=st.data(), headers=extra_headers)
def test_fuzzed_multipart_uploads_are_never_a_5xx(service, target, data, headers):
    app, client, cast, admin = service
    url, who = {
        "episodes": ("/api/v1/episodes", admin),
        "revisions": (f"/api/v1/episodes/{cast.episode_id}/tracks/es/revisions", cast.auth("ana")),
        "glossaries": ("/api/v1/glossaries", admin),
    }[target]
    body, content_type = data.draw(multipart_requests(target), label="request")
    objects_before = files_under(app, "objects")
    EXECUTIONS["multipart"] += 1
    response = client.post(url, data=body, headers={**headers, **who, "Content-Type": content_type})
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert response.is_json and response.json["error"]["code"]
        assert files_under(app, "objects") == objects_before
    assert files_under(app, "tmp") == []
