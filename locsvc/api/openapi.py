"""The OpenAPI 3.1 document of the implemented part of API v1 (see shared/design/API.md).

Its request-body schemas are also what the API validates JSON bodies against
(api/validation.py), and tests/integration/test_api_contract.py checks every route is here
and every response matches it, so the document cannot drift from the code."""

from __future__ import annotations

from .. import __version__
from ..services.episodes import PRIORITIES, SHOW_SLUG_PATTERN

INT32_MAX = 2**31 - 1  # Integer columns are 32-bit on PostgreSQL
MAX_TIME_MS = 24 * 3600 * 1000  # a cue time: no episode is a day long

_ERROR = {"$ref": "#/components/responses/Error"}
_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
_NUMBER = {"type": "number"}
_BOOLEAN = {"type": "boolean"}
_OBJECT = {"type": "object"}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_SLUG = {"type": "string", "pattern": SHOW_SLUG_PATTERN}
_LANGUAGE_TAG = {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
                 "maxLength": 35}  # fmt: skip
_ROW_ID = {"type": "integer", "minimum": 1, "maximum": INT32_MAX}


def _object(required: str = "", optional: dict | None = None, **properties: dict) -> dict:
    """An object schema: ``required`` names (space separated) must be present."""
    schema: dict = {"type": "object", "properties": {**properties, **(optional or {})}}
    if required:
        schema["required"] = required.split()
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _file(*media_types: str, description: str = "the file") -> dict:
    binary = {"type": "string", "format": "binary"}
    return {"description": description, "content": {t: {"schema": binary} for t in media_types}}


_PROFILE_SETTINGS = {
    "audience": {"enum": ["adult", "children"]},
    "max_chars_per_line": {"type": "number", "exclusiveMinimum": 0, "maximum": 200},
    "max_lines": {"type": "integer", "minimum": 1, "maximum": 10},
    "reading_speed_cps": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
    "min_duration_ms": {"type": "integer", "minimum": 1, "maximum": 60_000},
    "max_duration_ms": {"type": "integer", "minimum": 1, "maximum": 600_000},
    "min_gap_frames": {"type": "integer", "minimum": 0, "maximum": 100},
    "half_width_counts_half": _BOOLEAN,
}

SCHEMAS: dict = {
    # Request bodies: validated by api/validation.json_body.
    "ProfileSettings": {
        "type": "object", "additionalProperties": False, "properties": _PROFILE_SETTINGS,
    },
    "TimedTextOverrides": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **_PROFILE_SETTINGS,
            "languages": {
                "type": "object", "maxProperties": 200,
                "propertyNames": {"pattern": "^[a-z]{2,3}$"},
                "additionalProperties": _ref("ProfileSettings"),
            },
        },
    },
    "ReviewSettings": {
        "type": "object", "additionalProperties": False,
        "properties": {"four_eyes": _BOOLEAN},  # the approver must differ from the last editor
    },
    "NewUser": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "role"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200,
                     "pattern": r"^[^\s/]([^/]*[^\s/])?$"},
            "role": {"enum": ["admin", "producer", "linguist"]},
            "languages": {"type": "array", "items": _LANGUAGE_TAG, "maxItems": 50},
            "shows": {"type": "array", "items": _SLUG, "maxItems": 100},
        },
    },
    "NewRollout": {
        "type": "object",
        "additionalProperties": False,
        "required": ["languages"],
        "properties": {
            "episodes": {"type": "array", "maxItems": 5000,
                         "items": {"type": "string", "minLength": 1, "maxLength": 32}},
            "show": _SLUG,
            "languages": {"type": "array", "minItems": 1, "maxItems": 200,
                          "items": {**_LANGUAGE_TAG, "maxLength": 30}},
            "priority": {"enum": list(PRIORITIES)},
            "glossary": {"anyOf": [_ROW_ID, {"type": "string", "pattern": r"^[1-9][0-9]{0,9}$"},
                                   _SLUG]},
        },
    },
    "ReviewActionBody": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "waiver": {"type": "string", "maxLength": 2000},
            "comment": {"type": "string", "maxLength": 2000},
        },
    },
    "DubRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "max_speed": {"type": "number", "minimum": 1.0, "maximum": 1.4},
            "voice": {"type": ["string", "null"], "maxLength": 200},
        },
    },
    # The review page's save (POST /app/reviews/{id}/save): not API v1, same checks.
    "EditorSave": {
        "type": "object",
        "required": ["base_revision", "cues"],
        "properties": {
            "base_revision": _ROW_ID,
            "cues": {
                "type": "array", "minItems": 1, "maxItems": 5000,
                "items": {
                    "type": "object", "required": ["start_ms", "end_ms", "text"],
                    "properties": {
                        "start_ms": {"type": "integer", "minimum": 0, "maximum": MAX_TIME_MS},
                        "end_ms": {"type": "integer", "minimum": 0, "maximum": MAX_TIME_MS},
                        "text": {"type": "string", "maxLength": 2000},
                    },
                },
            },
        },
    },
    # Responses.
    "Error": _object(
        "error",
        error=_object("code message details", code=_STRING, message=_STRING, details=_OBJECT),
    ),
    "Health": _object("status database broker workers", status=_STRING, database=_STRING,
                      broker=_STRING, workers=_INTEGER),
    "Accepted": _object("id status_url", id=_STRING, status_url=_STRING),
    "EpisodeSummary": _object("id title show status", id=_STRING, title=_STRING, show=_STRING,
                              status=_STRING),
    "Episode": _object(
        "id title show status stages tracks", id=_STRING, title=_STRING, show=_STRING,
        status=_STRING, source_language={"type": ["string", "null"]}, created_at=_TIME,
        stages={"type": "array", "items": _object(
            "name status progress", name=_STRING, status=_STRING, progress=_NUMBER)},
        tracks={"type": "array", "items": _object(
            "language kind state revision", language=_STRING, kind=_STRING, state=_STRING,
            revision=_INTEGER)},
    ),
    "TimedText": _object("overrides profile", overrides=_OBJECT, profile=_OBJECT),
    "QcReport": _object("summary issues", summary=_OBJECT,
                        issues={"type": "array", "items": _OBJECT}),
    "NewRevision": _object("revision", revision=_INTEGER),
    "Provenance": _object("episode source_media", episode=_OBJECT, source_media=_OBJECT),
    "Review": _object(
        "id episode_id language show state", id=_INTEGER, episode_id=_STRING,
        language=_STRING, show=_STRING, state=_STRING, round=_INTEGER,
        revision={"type": ["integer", "null"]},
    ),
    "ReviewPage": _object("items next", items={"type": "array", "items": _ref("Review")},
                          next={"type": ["integer", "null"]}),
    "Glossary": _object(
        "id show source_language target_language version entry_count", id=_INTEGER,
        show=_STRING, source_language=_STRING, target_language=_STRING, version=_INTEGER,
        entry_count=_INTEGER, entries={"type": "array", "items": _OBJECT},
    ),
    "Items": _object("items", items={"type": "array", "items": _OBJECT}),
    "Rollout": _object("id state cells totals", id=_STRING, state=_STRING,
                       cells={"type": "array", "items": _OBJECT}, totals=_OBJECT),
    "DubQueued": _object("episode_id language status_url", episode_id=_STRING,
                         language=_STRING, status_url=_STRING),
    "DubReport": _object("episode_id language status", episode_id=_STRING, language=_STRING,
                         status=_STRING),
    "MeStem": _object("episode_id me_stem_sha256 duration", episode_id=_STRING,
                      me_stem_sha256=_STRING, duration=_NUMBER),
}  # fmt: skip

# Every authenticated operation may answer these: a malformed parameter (or a NUL byte
# anywhere), no token, a caller out of role or scope, and an id that does not exist.
_COMMON_ERRORS = ("400", "401", "403", "404")
_SUBTITLES = ("application/x-subrip", "text/vtt", "application/ttml+xml",
              "application/x-xliff+xml")  # fmt: skip


def _path(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema or _STRING}


def _query(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "schema": schema or _STRING}


def _operation(
    summary: str,
    parameters: list[dict],
    ok: dict[str, dict],
    errors: tuple[str, ...] = (),
    body: dict | None = None,
    public: bool = False,
) -> dict:
    operation: dict = {
        "summary": summary,
        "parameters": parameters,
        "responses": {**ok, **{code: _ERROR for code in (*_COMMON_ERRORS, *errors)}},
    }
    if public:
        operation["security"] = []
    if body is not None:
        operation["requestBody"] = body
    return operation


def _json_body(schema: str, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": _ref(schema)}}}


def _multipart(required_fields: str = "file", **fields: dict) -> dict:
    schema = _object(required_fields, file={"type": "string", "format": "binary"}, **fields)
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


_ID = _path("id")
_LANG = _path("lang")
_REVIEW_ID = _path("id", _ROW_ID)
_GLOSSARY_ID = _path("id", _ROW_ID)
_REVISION = _query("revision", {"type": "integer", "minimum": 1, "maximum": INT32_MAX})
_CURSOR = _query("cursor", {"type": "integer", "minimum": 0, "maximum": INT32_MAX})
_REVIEW = _json(_ref("Review"), "the review")
_GLOSSARY = _json(_ref("Glossary"), "the version")
_ROLLOUT = _json(_ref("Rollout"), "the rollout")

_REVIEW_ACTIONS = {
    "claim": "Claim the track (a lease); 409 when another linguist holds it",
    "release": "Give the claim back",
    "submit": "Submit the claimed track for approval",
    "approve": "Approve the latest revision; {waiver: reason} when QC has errors",
    "request-changes": "Send a submitted track back: {comment}",
    "reopen": "Open a new review round on an approved track",
}

PATHS: dict = {
    "/health": {"get": _operation(
        "Service, database, broker and worker status", [],
        {"200": _json(_ref("Health"), "healthy"), "503": _json(_ref("Health"), "degraded")},
        public=True,
    )},
    "/openapi.json": {"get": _operation(
        "This document", [], {"200": _json(_object("openapi paths"), "this document")},
        public=True,
    )},
    "/episodes": {
        "post": _operation(
            "Upload an episode (video or audio) and start its pipeline",
            [{"name": "Idempotency-Key", "in": "header",
              "description": "repeat an upload safely: the same key answers the first "
              "episode (header Idempotent-Replayed: true)",
              "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            {"202": _json(_ref("Accepted"), "accepted")},
            ("413", "415", "422", "503"),
            _multipart(
                "file show",
                title={"type": "string", "maxLength": 500},
                show=_SLUG,
                source_language=_LANGUAGE_TAG,
                targets={"type": "string", "description": "comma list of languages to "
                         "translate into (400 unsupported_language_pair if none can)"},
                glossary={"type": "string", "description": "a glossary id, or a show slug "
                          "whose glossaries to use"},
                priority={"enum": list(PRIORITIES)},
                due={"type": "string", "format": "date-time"},
            ),
        ),
        "get": _operation(
            "List episodes, newest first",
            [_query("show"), _query("status"),
             _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}),
             _query("offset", {"type": "integer", "minimum": 0, "maximum": INT32_MAX})],
            {"200": _json(_object("items limit offset", limit=_INTEGER, offset=_INTEGER,
                                  items={"type": "array", "items": _ref("EpisodeSummary")}))},
        ),
    },
    "/episodes/{id}": {"get": _operation(
        "Episode status with per-stage progress and tracks", [_ID],
        {"200": _json(_ref("Episode"), "the episode")},
    )},
    "/episodes/{id}/me-stem": {"put": _operation(
        "A music-and-effects stem for the episode's dubs (audio of the episode's length)",
        [_ID], {"200": _json(_ref("MeStem"), "the stem, kept")}, ("413", "415", "422"),
        _multipart(),
    )},
    "/shows/{slug}/timed-text": {
        "get": _operation(
            "A show's timed-text overrides and the profile they give a language",
            [_path("slug", _SLUG), _query("language", _LANGUAGE_TAG)],
            {"200": _json(_ref("TimedText"))}, ("409",),
        ),
        "put": _operation(
            "Set a show's overrides: {audience, max_chars_per_line, ..., "
            "languages: {ja: {...}}}", [_path("slug", _SLUG)],
            {"200": _json(_object("overrides", overrides=_ref("TimedTextOverrides")))}, (),
            _json_body("TimedTextOverrides"),
        ),
    },
    "/shows/{slug}/review": {
        "get": _operation("A show's review rules: {four_eyes} (on unless switched off)",
                          [_path("slug", _SLUG)], {"200": _json(_ref("ReviewSettings"))}),
        "put": _operation("Switch a show's review rules", [_path("slug", _SLUG)],
                          {"200": _json(_ref("ReviewSettings"))}, (),
                          _json_body("ReviewSettings")),
    },
    "/episodes/{id}/tracks/{lang}": {"get": _operation(
        "A track as a subtitle file",
        [_ID, _LANG, _query("format", {"enum": ["srt", "vtt", "ttml", "xliff"]}), _REVISION],
        {"200": _file(*_SUBTITLES)},
    )},
    "/episodes/{id}/tracks/{lang}/qc": {"get": _operation(
        "QC report of a track revision: {summary, issues: [{cue, rule, severity, value, "
        "limit, message}]}", [_ID, _LANG, _REVISION],
        {"200": _json(_ref("QcReport"), "the QC report")}, ("409",),
    )},
    "/episodes/{id}/tracks/{lang}/revisions": {"post": _operation(
        "Upload a corrected SRT, WebVTT or XLIFF as a new revision (the claim holder); "
        "returns {revision, diff, qc}; 200 unchanged when the cues are the same",
        [_ID, _LANG],
        {"201": _json(_ref("NewRevision"), "the new revision"),
         "200": _json(_ref("NewRevision"), "unchanged")},
        ("409", "413"), _multipart(),
    )},
    "/episodes/{id}/deliverables/{lang}": {"get": _operation(
        "The approved revision as srt, vtt, ttml or xliff (?format=); Link: rel=provenance",
        [_ID, _LANG, _query("format", {"enum": ["srt", "vtt", "ttml", "xliff"]})],
        {"200": _file(*_SUBTITLES)}, ("409",),
    )},
    "/episodes/{id}/provenance": {"get": _operation(
        "Source media hash, models and engines with versions and hashes, glossary "
        "versions, QC per revision, every human action", [_ID],
        {"200": _json(_ref("Provenance"), "the record")},
    )},
    "/reviews": {"get": _operation(
        "The review queue: {items, next}",
        [_query("state"), _query("language"), _query("show"), _query("due_before"),
         _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}), _CURSOR],
        {"200": _json(_ref("ReviewPage"), "a page")},
    )},
    "/reviews/{id}": {"get": _operation("One review", [_REVIEW_ID], {"200": _REVIEW})},
    **{
        f"/reviews/{{id}}/{action}": {"post": _operation(
            summary, [_REVIEW_ID], {"200": _REVIEW}, ("409",),
            _json_body("ReviewActionBody", required=False),
        )}
        for action, summary in _REVIEW_ACTIONS.items()
    },
    "/glossaries": {
        "post": _operation(
            "Import a glossary file (CSV/TSV/TBX) as the show's next version for a pair", [],
            {"201": _GLOSSARY, "200": _json(_ref("Glossary"), "unchanged")}, ("413",),
            _multipart("file show source target", show=_SLUG, source=_LANGUAGE_TAG,
                       target=_LANGUAGE_TAG),
        ),
        "get": _operation("Glossaries (?show=)", [_query("show")],
                          {"200": _json(_ref("Items"))}),
    },
    "/glossaries/{id}": {"get": _operation(
        "A glossary version (?version=)",
        [_GLOSSARY_ID, _query("version", {"type": "integer", "minimum": 1,
                                          "maximum": INT32_MAX})],
        {"200": _GLOSSARY},
    )},
    "/glossaries/{id}/entries:import": {"post": _operation(
        "A new version of this glossary from a file", [_GLOSSARY_ID],
        {"201": _GLOSSARY, "200": _json(_ref("Glossary"), "unchanged")}, ("413",),
        _multipart(),
    )},
    "/users": {"post": _operation(
        "Create a user (admin); the token is in the reply, once", [],
        {"201": _json(_object("name role token", name=_STRING, role=_STRING, token=_STRING))},
        (), _json_body("NewUser"),
    )},
    "/users/{name}/rotate": {"post": _operation(
        "A new token (admin, or the user itself)", [_path("name")],
        {"200": _json(_object("name token", name=_STRING, token=_STRING))},
    )},
    "/users/{name}/revoke": {"post": _operation(
        "Revoke a user's token (admin)", [_path("name")],
        {"200": _json(_object("name revoked", name=_STRING, revoked=_BOOLEAN))},
    )},
    "/reports/post-editing": {"get": _operation(
        "Mean post-editing effort of approved tracks",
        [_query("by", {"enum": ["language", "engine", "linguist", "episode", "show"]})],
        {"200": _json(_object("by items", by=_STRING, items={"type": "array"}))},
    )},
    "/rollouts": {"post": _operation(
        'Roll episodes out into languages: {"episodes": [ids] or "show": slug, '
        '"languages": [...], "priority", "glossary"}; Idempotency-Key honoured',
        [{"name": "Idempotency-Key", "in": "header",
          "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
        {"202": _json(_ref("Accepted"), "accepted")}, ("503",), _json_body("NewRollout"),
    )},
    "/rollouts/{id}": {"get": _operation(
        "The matrix: cells {episode_id, language, state, progress, engine, error}, totals, "
        "throughput_per_minute, eta (s)", [_ID], {"200": _ROLLOUT},
    )},
    "/rollouts/{id}/cancel": {"post": _operation(
        "Open cells stop; finished work is kept", [_ID], {"200": _ROLLOUT}, ("409",),
    )},
    "/rollouts/{id}/retry": {"post": _operation(
        "Failed cells run again", [_ID], {"200": _ROLLOUT}, ("409", "503"),
    )},
    "/episodes/{id}/dubs/{lang}": {
        "post": _operation(
            "Dub the track's approved revision (?draft=1: its latest) on the tts queue; "
            "voice cloning is refused without a consent record",
            [_ID, _LANG, _query("draft")],
            {"202": _json(_ref("DubQueued"), "queued")}, ("409", "503"),
            _json_body("DubRequest", required=False),
        ),
        "get": _operation(
            "The dub: ?format=wav (mix, the episode's exact length) | m4a | mp4 (the video "
            "with the dub as an extra, language-tagged audio track) | stem (the dub alone) "
            "| json (the dub script)",
            [_ID, _LANG, _query("format", {"enum": ["wav", "m4a", "mp4", "stem", "json"]})],
            {"200": _file("audio/wav", "audio/mp4", "video/mp4", "application/json")},
            ("409",),
        ),
    },
    "/episodes/{id}/dubs/{lang}/report": {"get": _operation(
        "The dub's state, voice, fit report and flagged lines", [_ID, _LANG],
        {"200": _json(_ref("DubReport"), "the report")},
    )},
    "/audit": {"get": _operation(
        "The audit log, newest first (admin)", [_CURSOR],
        {"200": _json(_object("items next", items={"type": "array", "items": _OBJECT},
                              next={"type": ["integer", "null"]}))},
    )},
}  # fmt: skip

OPENAPI: dict = {
    "openapi": "3.1.0",
    "info": {"title": "locsvc", "version": __version__},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": SCHEMAS,
        "responses": {"Error": _json(_ref("Error"), "An error, always this shape")},
    },
    "paths": PATHS,
}
