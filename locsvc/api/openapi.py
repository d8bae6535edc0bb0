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
                        "schema": {"type": "string", "enum": ["srt", "vtt"]},
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
