"""The OpenAPI 3 document of the implemented part of API v1 (see shared/design/API.md)."""

from __future__ import annotations

from .. import __version__

_ERROR = {"$ref": "#/components/responses/Error"}
_EPISODE_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}

OPENAPI: dict = {
    "openapi": "3.0.3",
    "info": {"title": "locsvc", "version": __version__},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "responses": {
            "Error": {
                "description": "An error, always this shape",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "error": {
                                    "type": "object",
                                    "properties": {
                                        "code": {"type": "string"},
                                        "message": {"type": "string"},
                                        "details": {"type": "object"},
                                    },
                                }
                            },
                        }
                    }
                },
            }
        },
    },
    "paths": {
        "/health": {
            "get": {
                "security": [],
                "summary": "Service, database, broker and worker status",
                "responses": {
                    "200": {"description": "healthy"},
                    "503": {"description": "degraded"},
                },
            }
        },
        "/openapi.json": {
            "get": {
                "security": [],
                "summary": "This document",
                "responses": {"200": {"description": "OK"}},
            }
        },
        "/episodes": {
            "post": {
                "summary": "Upload an episode (video or audio) and start its pipeline",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "description": "repeat an upload safely: the same key answers the "
                        "first episode (header Idempotent-Replayed: true)",
                        "schema": {"type": "string", "maxLength": 200},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "show"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "title": {"type": "string"},
                                    "show": {"type": "string", "pattern": "^[a-z0-9_-]+$"},
                                    "source_language": {"type": "string"},
                                    "targets": {
                                        "type": "string",
                                        "description": "comma list of languages to translate "
                                        "into (400 unsupported_language_pair if none can)",
                                    },
                                    "glossary": {
                                        "type": "string",
                                        "description": "a glossary id, or a show slug whose "
                                        "glossaries to use",
                                    },
                                    "priority": {
                                        "type": "string",
                                        "enum": ["low", "normal", "high", "urgent"],
                                    },
                                    "due": {"type": "string", "format": "date-time"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "202": {"description": "accepted: {id, status_url}"},
                    **{code: _ERROR for code in ("400", "401", "403", "413", "415", "422")},
                },
            },
            "get": {
                "summary": "List episodes",
                "parameters": [
                    {"name": n, "in": "query", "schema": {"type": t}}
                    for n, t in (
                        ("show", "string"),
                        ("status", "string"),
                        ("limit", "integer"),
                        ("offset", "integer"),
                    )
                ],
                "responses": {"200": {"description": "{items, limit, offset}"}, "401": _ERROR},
            },
        },
        "/episodes/{id}": {
            "get": {
                "summary": "Episode status with per-stage progress and tracks",
                "parameters": [_EPISODE_ID],
                "responses": {"200": {"description": "the episode"}, "401": _ERROR, "404": _ERROR},
            }
        },
        "/shows/{slug}/timed-text": {
            "get": {
                "summary": "A show's timed-text overrides and the profile they give a language",
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "language", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "{overrides, profile}"}, "401": _ERROR},
            },
            "put": {
                "summary": "Set a show's overrides: {audience, max_chars_per_line, ..., "
                "languages: {ja: {...}}}",
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": {"description": "{overrides}"},
                    **{code: _ERROR for code in ("400", "401", "403")},
                },
            },
        },
        "/episodes/{id}/tracks/{lang}/qc": {
            "get": {
                "summary": "QC report of a track revision: {summary, issues: [{cue, rule, "
                "severity, value, limit, message}]}",
                "parameters": [
                    _EPISODE_ID,
                    {"name": "lang", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "revision",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],
                "responses": {
                    "200": {"description": "the QC report"},
                    **{code: _ERROR for code in ("400", "401", "404")},
                },
            }
        },
        "/episodes/{id}/tracks/{lang}": {
            "get": {
                "summary": "A track as a subtitle file",
                "parameters": [
                    _EPISODE_ID,
                    {"name": "lang", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["srt", "vtt", "ttml", "xliff"]},
                    },
                    {
                        "name": "revision",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],
                "responses": {
                    "200": {"description": "the subtitle file"},
                    **{code: _ERROR for code in ("400", "401", "404")},
                },
            }
        },
    },
}


def _operation(summary: str, params: tuple[str, ...], ok: str, errors: str, body: str = "") -> dict:
    """A compact operation: path parameters named in ``params``, error codes listed."""
    operation: dict = {
        "summary": summary,
        "parameters": [
            {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
            for p in params
        ],
        "responses": {ok.split(" ", 1)[0]: {"description": ok.split(" ", 1)[1]}}
        | {code: _ERROR for code in errors.split()},
    }
    if body:
        operation["requestBody"] = {"content": {body: {"schema": {"type": "object"}}}}
    return operation


_REVIEW_ACTIONS = {
    "claim": "Claim the track (a lease); 409 when another linguist holds it",
    "release": "Give the claim back",
    "submit": "Submit the claimed track for approval",
    "approve": "Approve the latest revision; {waiver: reason} when QC has errors",
    "request-changes": "Send a submitted track back: {comment}",
    "reopen": "Open a new review round on an approved track",
}

OPENAPI["paths"].update(
    {
        "/episodes/{id}/tracks/{lang}/revisions": {
            "post": _operation(
                "Upload a corrected SRT, WebVTT or XLIFF as a new revision (the claim holder); "
                "returns {revision, diff, qc}; 200 unchanged when the cues are the same",
                ("id", "lang"), "201 the new revision", "400 401 403 404 409",
                "multipart/form-data",
            )
        },
        "/episodes/{id}/deliverables/{lang}": {
            "get": _operation(
                "The approved revision as srt, vtt, ttml or xliff (?format=); "
                "Link: rel=provenance", ("id", "lang"), "200 the file", "400 401 403 404",
            )
        },
        "/episodes/{id}/provenance": {
            "get": _operation(
                "Source media hash, models and engines with versions and hashes, glossary "
                "versions, QC per revision, every human action", ("id",), "200 the record",
                "401 403 404",
            )
        },
        "/reviews": {
            "get": _operation(
                "The review queue (?state=&language=&show=&limit=&cursor=): "
                "{items, next}", (), "200 a page", "400 401 403",
            )
        },
        "/reviews/{id}": {
            "get": _operation("One review", ("id",), "200 the review", "401 403 404")
        },
        **{
            f"/reviews/{{id}}/{action}": {
                "post": _operation(summary, ("id",), "200 the review", "400 401 403 404 409",
                                   "application/json")
            }
            for action, summary in _REVIEW_ACTIONS.items()
        },
        "/glossaries": {
            "post": _operation(
                "Import a glossary file (CSV/TSV/TBX) as the show's next version for a pair",
                (), "201 the version (200 unchanged)", "400 401 403", "multipart/form-data",
            ),
            "get": _operation("Glossaries (?show=)", (), "200 {items}", "401"),
        },
        "/glossaries/{id}": {
            "get": _operation("A glossary version (?version=)", ("id",), "200 with entries",
                              "400 401 404")
        },
        "/glossaries/{id}/entries:import": {
            "post": _operation("A new version of this glossary from a file", ("id",),
                               "201 the version", "400 401 403 404", "multipart/form-data")
        },
        "/users": {
            "post": _operation("Create a user (admin): {name, role, languages, shows}; "
                               "the token is in the reply, once", (), "201 {name, role, token}",
                               "400 401 403", "application/json")
        },
        "/users/{name}/rotate": {
            "post": _operation("A new token (admin, or the user itself)", ("name",),
                               "200 {token}", "401 403 404")
        },
        "/users/{name}/revoke": {
            "post": _operation("Revoke a user's token (admin)", ("name",), "200 revoked",
                               "401 403 404")
        },
        "/reports/post-editing": {
            "get": _operation("Mean post-editing effort of approved tracks "
                              "(?by=language|engine|linguist|episode|show)", (),
                              "200 {by, items}", "400 401 403")
        },
        "/rollouts": {
            "post": _operation(
                'Roll episodes out into languages: {"episodes": [ids] or "show": slug, '
                '"languages": [...], "priority", "glossary"}; Idempotency-Key honoured',
                (), "202 {id, status_url}", "400 401 403 404", "application/json",
            )
        },
        "/rollouts/{id}": {
            "get": _operation(
                "The matrix: cells {episode_id, language, state, progress, engine, error}, "
                "totals, throughput_per_minute, eta (s)", ("id",), "200 the rollout",
                "401 404",
            )
        },
        "/rollouts/{id}/cancel": {
            "post": _operation("Open cells stop; finished work is kept", ("id",),
                               "200 the rollout", "401 403 404")
        },
        "/rollouts/{id}/retry": {
            "post": _operation("Failed cells run again", ("id",), "200 the rollout",
                               "401 403 404")
        },
        "/episodes/{id}/dubs/{lang}": {
            "post": _operation(
                "Dub the track's approved revision (?draft=1: its latest) on the tts queue; "
                "{max_speed: 1.0-1.4}; voice cloning is refused without a consent record",
                ("id", "lang"), "202 {revision, draft, max_speed, status_url}",
                "400 401 403 404 409", "application/json",
            ),
            "get": _operation(
                "The dub: ?format=wav (mix, the episode's exact length) | m4a | mp4 (the "
                "video with the dub as an extra, language-tagged audio track) | stem (the dub "
                "alone) | json (the dub script)", ("id", "lang"), "200 the file",
                "400 401 403 404",
            ),
        },
        "/episodes/{id}/dubs/{lang}/report": {
            "get": _operation("The dub's state, voice, fit report and flagged lines",
                              ("id", "lang"), "200 the report", "401 403 404")
        },
        "/audit": {
            "get": _operation("The audit log, newest first (admin; ?cursor=)", (),
                              "200 {items, next}", "401 403")
        },
    }
)  # fmt: skip
