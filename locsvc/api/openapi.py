"""The OpenAPI 3.1 document of the implemented part of API v1 (see docs/api.md):
its paths here, its schemas in http/schemas.py.

Its request-body schemas are also what the API validates JSON bodies against
(http/validation.py), and tests/integration/test_api_contract.py checks every route is here
and every response matches it, so the document cannot drift from the code."""

from __future__ import annotations

from .. import __version__
from ..domain.requests import PRIORITIES
from ..domain.review import PATH_ACTIONS, ReviewAction
from ..http.schemas import (
    BOOLEAN,
    INT32_MAX,
    INTEGER,
    LANGUAGE_TAG,
    OBJECT,
    ROW_ID,
    SCHEMAS,
    SLUG,
    STRING,
    object_schema,
    ref,
)

_ERROR = {"$ref": "#/components/responses/Error"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _file(*media_types: str, description: str = "the file") -> dict:
    binary = {"type": "string", "format": "binary"}
    return {"description": description, "content": {t: {"schema": binary} for t in media_types}}


# Every authenticated operation may answer these: a malformed parameter (or a NUL byte
# anywhere), no token, a caller out of role or scope, and an id that does not exist.
_COMMON_ERRORS = ("400", "401", "403", "404")
_SUBTITLES = ("application/x-subrip", "text/vtt", "application/ttml+xml",
              "application/x-xliff+xml")  # fmt: skip


def _path(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema or STRING}


def _query(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "schema": schema or STRING}


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
    return {"required": required, "content": {"application/json": {"schema": ref(schema)}}}


def _multipart(required_fields: str = "file", **fields: dict) -> dict:
    schema = object_schema(required_fields, file={"type": "string", "format": "binary"}, **fields)
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


_ID = _path("id")
_LANG = _path("lang")
_REVIEW_ID = _path("id", ROW_ID)
_GLOSSARY_ID = _path("id", ROW_ID)
_REVISION = _query("revision", {"type": "integer", "minimum": 1, "maximum": INT32_MAX})
_CURSOR = _query("cursor", {"type": "integer", "minimum": 0, "maximum": INT32_MAX})
_REVIEW = _json(ref("Review"), "the review")
_GLOSSARY = _json(ref("Glossary"), "the version")
_ROLLOUT = _json(ref("Rollout"), "the rollout")

# One summary per action of the path (a missing one fails at import).
_REVIEW_ACTION_SUMMARIES = {
    ReviewAction.CLAIM: "Claim the track (a lease); 409 when another linguist holds it",
    ReviewAction.RELEASE: "Give the claim back",
    ReviewAction.SUBMIT: "Submit the claimed track for approval",
    ReviewAction.APPROVE: "Approve the latest revision; {waiver: reason} when QC has errors",
    ReviewAction.REQUEST_CHANGES: "Send a submitted track back: {comment}",
    ReviewAction.REOPEN: "Open a new review round on an approved track",
}

PATHS: dict = {
    "/health": {"get": _operation(
        "Service, database, broker and worker status", [],
        {"200": _json(ref("Health"), "healthy"), "503": _json(ref("Health"), "degraded")},
        public=True,
    )},
    "/openapi.json": {"get": _operation(
        "This document", [], {"200": _json(object_schema("openapi paths"), "this document")},
        public=True,
    )},
    "/episodes": {
        "post": _operation(
            "Upload an episode (video or audio) and start its pipeline",
            [{"name": "Idempotency-Key", "in": "header",
              "description": "repeat an upload safely: the same key answers the first "
              "episode (header Idempotent-Replayed: true)",
              "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            {"202": _json(ref("Accepted"), "accepted")},
            ("413", "415", "422", "503"),
            _multipart(
                "file show",
                title={"type": "string", "maxLength": 500},
                show=SLUG,
                source_language=LANGUAGE_TAG,
                targets={"type": "string", "description": "comma list of languages to "
                         "translate into (400 unsupported_language_pair if none can)"},
                glossary={"type": "string", "description": "a glossary id, or a show slug "
                          "whose glossaries to use"},
                priority={"enum": list(PRIORITIES)},
                due={"type": "string", "format": "date-time"},
                speakers={"type": "string", "pattern": "^[0-9]{1,2}$",
                          "description": "how many people speak (exact), 1 to 20"},
                min_speakers={"type": "string", "pattern": "^[0-9]{1,2}$"},
                max_speakers={"type": "string", "pattern": "^[0-9]{1,2}$"},
                source_subtitles={"type": "string", "format": "binary", "description":
                                  "the source language's finished subtitles (SRT, WebVTT, "
                                  "TTML/IMSC, SBV, ASS): the source track, no recognition"},
                script={"type": "string", "format": "binary", "description":
                        "the script or dialogue list, without times: its words are timed "
                        "by the speech"},
                resegment={"enum": ["true", "false"], "description": "with "
                           "source_subtitles: new events and line breaks for the profile"},
            ),
        ),
        "get": _operation(
            "List episodes, newest first",
            [_query("show"), _query("status"),
             _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}),
             _query("offset", {"type": "integer", "minimum": 0, "maximum": INT32_MAX})],
            {"200": _json(object_schema("items limit offset", limit=INTEGER, offset=INTEGER,
                                        items={"type": "array", "items": ref("EpisodeSummary")}))},
        ),
    },
    "/episodes/{id}": {"get": _operation(
        "Episode status with per-stage progress and tracks", [_ID],
        {"200": _json(ref("Episode"), "the episode")},
    )},
    "/episodes/{id}/me-stem": {"put": _operation(
        "A music-and-effects stem for the episode's dubs (audio of the episode's length)",
        [_ID], {"200": _json(ref("MeStem"), "the stem, kept")}, ("413", "415", "422"),
        _multipart(),
    )},
    "/shows/{slug}/timed-text": {
        "get": _operation(
            "A show's timed-text overrides and the profile they give a language",
            [_path("slug", SLUG), _query("language", LANGUAGE_TAG)],
            {"200": _json(ref("TimedText"))}, ("409",),
        ),
        "put": _operation(
            "Set a show's overrides: {audience, max_chars_per_line, ..., "
            "languages: {ja: {...}}}", [_path("slug", SLUG)],
            {"200": _json(object_schema("overrides", overrides=ref("TimedTextOverrides")))}, (),
            _json_body("TimedTextOverrides"),
        ),
    },
    "/shows/{slug}/review": {
        "get": _operation("A show's review rules: {four_eyes} (on unless switched off)",
                          [_path("slug", SLUG)], {"200": _json(ref("ReviewSettings"))}),
        "put": _operation("Switch a show's review rules", [_path("slug", SLUG)],
                          {"200": _json(ref("ReviewSettings"))}, (),
                          _json_body("ReviewSettings")),
    },
    "/shows/{slug}/translation": {
        "get": _operation("What a translating model (the llm engine) is told about the show: "
                          "{synopsis, tone}", [_path("slug", SLUG)],
                          {"200": _json(ref("TranslationSettings"))}),
        "put": _operation("Set the show's synopsis and tone for translating models",
                          [_path("slug", SLUG)], {"200": _json(ref("TranslationSettings"))}, (),
                          _json_body("TranslationSettings")),
    },
    "/episodes/{id}/tracks/{lang}": {"get": _operation(
        "A track as a subtitle file (speakers as WebVTT voices, TTML agents, XLIFF notes; "
        "speaker_labels=true: SDH-style [Name] labels in SRT)",
        [_ID, _LANG, _query("format", {"enum": ["srt", "vtt", "ttml", "xliff"]}), _REVISION,
         _query("speaker_labels", {"enum": ["true", "false", "1", "0"]})],
        {"200": _file(*_SUBTITLES)},
    )},
    "/episodes/{id}/speakers": {"get": _operation(
        "The episode's speakers: label, name (given, or matched to the show's cast by "
        "voice, with its score), speech time, pitch",
        [_ID], {"200": _json(object_schema(
            "speakers", speakers={"type": "array", "items": ref("Speaker")}))},
    )},
    "/episodes/{id}/speakers/{label}": {"patch": _operation(
        "Name a speaker for the whole episode; the show's character of that name learns "
        "the voice (409 when another speaker of the episode has the name)",
        [_ID, _path("label", {"type": "string", "maxLength": 20})],
        {"200": _json(ref("Speaker"))}, ("409",), _json_body("SpeakerName"),
    )},
    "/shows/{slug}/cast": {"get": _operation(
        "A show's characters: voice print (episodes it was learnt from) and dub voices",
        [_path("slug", SLUG)], {"200": _json(object_schema(
            "characters", characters={"type": "array", "items": ref("Character")}))},
    )},
    "/shows/{slug}/cast/{name}": {"put": _operation(
        "Cast a character's dub voice for a language (or '*'): {language, engine, voice}",
        [_path("slug", SLUG), _path("name", {"type": "string", "maxLength": 200})],
        {"200": _json(ref("Character"))}, (), _json_body("CastVoice"),
    )},
    "/episodes/{id}/tracks/{lang}/qc": {"get": _operation(
        "QC report of a track revision: {summary, issues: [{cue, rule, severity, value, "
        "limit, message}]}", [_ID, _LANG, _REVISION],
        {"200": _json(ref("QcReport"), "the QC report")}, ("409",),
    )},
    "/episodes/{id}/tracks/{lang}/revisions": {"post": _operation(
        "Upload a corrected SRT, WebVTT or XLIFF as a new revision (the claim holder); "
        "returns {revision, diff, qc}; 200 unchanged when the cues are the same",
        [_ID, _LANG],
        {"201": _json(ref("NewRevision"), "the new revision"),
         "200": _json(ref("NewRevision"), "unchanged")},
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
        {"200": _json(ref("Provenance"), "the record")},
    )},
    "/reviews": {"get": _operation(
        "The review queue: {items, next}",
        [_query("state"), _query("language"), _query("show"), _query("due_before"),
         _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}), _CURSOR],
        {"200": _json(ref("ReviewPage"), "a page")},
    )},
    "/reviews/{id}": {"get": _operation("One review", [_REVIEW_ID], {"200": _REVIEW})},
    **{
        f"/reviews/{{id}}/{name}": {"post": _operation(
            _REVIEW_ACTION_SUMMARIES[action], [_REVIEW_ID], {"200": _REVIEW}, ("409",),
            _json_body("ReviewActionBody", required=False),
        )}
        for name, action in PATH_ACTIONS.items()
    },
    "/glossaries": {
        "post": _operation(
            "Import a glossary file (CSV/TSV/TBX) as the show's next version for a pair", [],
            {"201": _GLOSSARY, "200": _json(ref("Glossary"), "unchanged")}, ("413",),
            _multipart("file show source target", show=SLUG, source=LANGUAGE_TAG,
                       target=LANGUAGE_TAG),
        ),
        "get": _operation("Glossaries (?show=)", [_query("show")],
                          {"200": _json(ref("Items"))}),
    },
    "/glossaries/{id}": {"get": _operation(
        "A glossary version (?version=)",
        [_GLOSSARY_ID, _query("version", {"type": "integer", "minimum": 1,
                                          "maximum": INT32_MAX})],
        {"200": _GLOSSARY},
    )},
    "/glossaries/{id}/entries:import": {"post": _operation(
        "A new version of this glossary from a file", [_GLOSSARY_ID],
        {"201": _GLOSSARY, "200": _json(ref("Glossary"), "unchanged")}, ("413",),
        _multipart(),
    )},
    "/users": {"post": _operation(
        "Create a user (admin); the token is in the reply, once", [],
        {"201": _json(object_schema("name role token", name=STRING, role=STRING, token=STRING))},
        (), _json_body("NewUser"),
    )},
    "/users/{name}/rotate": {"post": _operation(
        "A new token (admin, or the user itself)", [_path("name")],
        {"200": _json(object_schema("name token", name=STRING, token=STRING))},
    )},
    "/users/{name}/revoke": {"post": _operation(
        "Revoke a user's token (admin)", [_path("name")],
        {"200": _json(object_schema("name revoked", name=STRING, revoked=BOOLEAN))},
    )},
    "/reports/post-editing": {"get": _operation(
        "Mean post-editing effort of approved tracks",
        [_query("by", {"enum": ["language", "engine", "linguist", "episode", "show"]})],
        {"200": _json(object_schema("by items", by=STRING, items={"type": "array"}))},
    )},
    "/rollouts": {"post": _operation(
        'Roll episodes out into languages: {"episodes": [ids] or "show": slug, '
        '"languages": [...], "priority", "glossary"}; Idempotency-Key honoured',
        [{"name": "Idempotency-Key", "in": "header",
          "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
        {"202": _json(ref("Accepted"), "accepted")}, ("503",), _json_body("NewRollout"),
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
            {"202": _json(ref("DubQueued"), "queued")}, ("409", "503"),
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
        {"200": _json(ref("DubReport"), "the report")},
    )},
    "/shows/{slug}/memory": {
        "get": _operation("The show's translation memory: settings {auto_apply, threshold} "
                          "and memories (pairs, unit counts)", [_path("slug", SLUG)],
                          {"200": _json(ref("Memory"))}),
        "put": _operation("Which memory matches replace the engine (auto_apply 101 | 100 | "
                          "none) and the lowest fuzzy score offered (threshold)",
                          [_path("slug", SLUG)], {"200": _json(ref("MemorySettings"))}, (),
                          _json_body("MemorySettings")),
    },
    "/shows/{slug}/memory/tmx": {
        "post": _operation(
            "Import a TMX 1.4b file into the show's memory (all units or none)",
            [_path("slug", SLUG)],
            {"201": _json(ref("MemoryImport"), "imported"),
             "200": _json(ref("MemoryImport"), "nothing new")}, ("413",),
            _multipart("file", source_language=LANGUAGE_TAG, targets=STRING),
        ),
        "get": _operation(
            "The show's memory as TMX 1.4b (?source_language=, ?target_language=; "
            "?history=true: superseded units too)",
            [_path("slug", SLUG), _query("source_language", LANGUAGE_TAG),
             _query("target_language", LANGUAGE_TAG),
             _query("history", {"enum": ["true", "false", "1", "0"]})],
            {"200": _file("application/x-tmx+xml")},
        ),
    },
    "/episodes/{id}/leverage": {"get": _operation(
        "What the translation memory covers of the episode, per target language "
        "(?languages=es,fr): words and segments per match band, now and at translation",
        [_ID, _query("languages")],
        {"200": _json(object_schema("episode_id source_language languages", episode_id=STRING,
                                    source_language=STRING,
                                    languages={"type": "array", "items": OBJECT}))},
    )},
    "/rollouts/{id}/leverage": {"get": _operation(
        "The rollout's leverage: each cell's, per language and in total", [_ID],
        {"200": _json(object_schema("rollout_id cells languages total", rollout_id=STRING,
                                    cells={"type": "array", "items": OBJECT},
                                    languages=OBJECT, total=ref("Leverage")))},
    )},
    "/episodes/{id}/tracks/{lang}/memory-matches": {"get": _operation(
        "The translation memory's matches for each cue of a translation (?revision=)",
        [_ID, _LANG, _REVISION], {"200": _json(ref("MemoryMatches"))},
    )},
    "/audit": {"get": _operation(
        "The audit log, newest first (admin)", [_CURSOR],
        {"200": _json(object_schema("items next", items={"type": "array", "items": OBJECT},
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
        "responses": {"Error": _json(ref("Error"), "An error, always this shape")},
    },
    "paths": PATHS,
}
