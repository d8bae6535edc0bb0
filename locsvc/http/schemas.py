"""The JSON Schemas of the service's bodies, the data of the OpenAPI document's
``components/schemas`` (api/openapi.py adds the paths). Request bodies are what
http/validation.json_body checks, for the API and the review page alike; responses are
what tests/integration/test_api_contract.py checks every reply against."""

from __future__ import annotations

from ..domain.requests import PRIORITIES, SHOW_SLUG_PATTERN

INT32_MAX = 2**31 - 1  # Integer columns are 32-bit on PostgreSQL
MAX_TIME_MS = 24 * 3600 * 1000  # a cue time: no episode is a day long

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
OBJECT = {"type": "object"}
TIME = {"type": ["string", "null"], "format": "date-time"}
SLUG = {"type": "string", "pattern": SHOW_SLUG_PATTERN}
LANGUAGE_TAG = {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
                "maxLength": 35}  # fmt: skip
ROW_ID = {"type": "integer", "minimum": 1, "maximum": INT32_MAX}


def object_schema(required: str = "", optional: dict | None = None, **properties: dict) -> dict:
    """An object schema: ``required`` names (space separated) must be present."""
    schema: dict = {"type": "object", "properties": {**properties, **(optional or {})}}
    if required:
        schema["required"] = required.split()
    return schema


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_PROFILE_SETTINGS = {
    "audience": {"enum": ["adult", "children"]},
    "max_chars_per_line": {"type": "number", "exclusiveMinimum": 0, "maximum": 200},
    "max_lines": {"type": "integer", "minimum": 1, "maximum": 10},
    "reading_speed_cps": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
    "min_duration_ms": {"type": "integer", "minimum": 1, "maximum": 60_000},
    "max_duration_ms": {"type": "integer", "minimum": 1, "maximum": 600_000},
    "min_gap_frames": {"type": "integer", "minimum": 0, "maximum": 100},
    "half_width_counts_half": BOOLEAN,
}

SCHEMAS: dict = {
    # Request bodies: validated by http/validation.json_body.
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
                "additionalProperties": ref("ProfileSettings"),
            },
        },
    },
    "SpeakerName": {
        "type": "object", "additionalProperties": False, "required": ["name"],
        "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200,
                                "pattern": r"^[^<>\n\r\t]+$"}},
    },
    "CastVoice": {
        "type": "object", "additionalProperties": False, "required": ["engine", "voice"],
        "properties": {
            "language": {"type": "string", "maxLength": 35},  # a BCP 47 tag, or "*"
            "engine": {"type": "string", "minLength": 1, "maxLength": 40},
            "voice": {"type": "string", "minLength": 1, "maxLength": 100},
        },
    },
    "Speaker": object_schema(
        "label name speech_seconds", label=STRING, name={"type": ["string", "null"]},
        speech_seconds=NUMBER, pitch_hz={"type": ["number", "null"]},
        name_source={"type": ["string", "null"]}, match_score={"type": ["number", "null"]},
    ),
    "Character": object_schema(
        "name voice_print_episodes voices", name=STRING, voice_print_episodes=INTEGER,
        pitch_hz={"type": ["number", "null"]}, voices=OBJECT,
    ),
    "ReviewSettings": {
        "type": "object", "additionalProperties": False,
        "properties": {"four_eyes": BOOLEAN},  # the approver must differ from the last editor
    },
    "MemorySettings": {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "properties": {"auto_apply": {"enum": ["101", "100", "none"]},
                       "threshold": {"type": "integer", "minimum": 50, "maximum": 99}},
    },
    "TranslationSettings": {
        "type": "object", "additionalProperties": False,
        "properties": {"synopsis": {"type": ["string", "null"], "maxLength": 2000},
                       "tone": {"type": ["string", "null"], "maxLength": 2000}},
    },
    "NewUser": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "role"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200,
                     "pattern": r"^[^\s/]([^/]*[^\s/])?$"},
            "role": {"enum": ["admin", "producer", "linguist"]},
            "languages": {"type": "array", "items": LANGUAGE_TAG, "maxItems": 50},
            "shows": {"type": "array", "items": SLUG, "maxItems": 100},
        },
    },
    "NewRollout": {
        "type": "object",
        "additionalProperties": False,
        "required": ["languages"],
        "properties": {
            "episodes": {"type": "array", "maxItems": 5000,
                         "items": {"type": "string", "minLength": 1, "maxLength": 32}},
            "show": SLUG,
            "languages": {"type": "array", "minItems": 1, "maxItems": 200,
                          "items": {**LANGUAGE_TAG, "maxLength": 30}},
            "priority": {"enum": list(PRIORITIES)},
            "glossary": {"anyOf": [ROW_ID, {"type": "string", "pattern": r"^[1-9][0-9]{0,9}$"},
                                   SLUG]},
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
            "base_revision": ROW_ID,
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
    "Error": object_schema(
        "error",
        error=object_schema("code message details", code=STRING, message=STRING, details=OBJECT),
    ),
    "Health": object_schema("status database broker workers", status=STRING, database=STRING,
                            broker=STRING, workers=INTEGER),
    "Accepted": object_schema("id status_url", id=STRING, status_url=STRING),
    "EpisodeSummary": object_schema("id title show status", id=STRING, title=STRING, show=STRING,
                                    status=STRING),
    "Episode": object_schema(
        "id title show status stages tracks", id=STRING, title=STRING, show=STRING,
        status=STRING, source_language={"type": ["string", "null"]}, created_at=TIME,
        stages={"type": "array", "items": object_schema(
            "name status progress", name=STRING, status=STRING, progress=NUMBER)},
        tracks={"type": "array", "items": object_schema(
            "language kind state revision", language=STRING, kind=STRING, state=STRING,
            revision=INTEGER)},
    ),
    "TimedText": object_schema("overrides profile", overrides=OBJECT, profile=OBJECT),
    "QcReport": object_schema("summary issues", summary=OBJECT,
                              issues={"type": "array", "items": OBJECT}),
    "NewRevision": object_schema("revision", revision=INTEGER),
    "Provenance": object_schema("episode source_media", episode=OBJECT, source_media=OBJECT),
    "Review": object_schema(
        "id episode_id language show state", id=INTEGER, episode_id=STRING,
        language=STRING, show=STRING, state=STRING, round=INTEGER,
        revision={"type": ["integer", "null"]},
    ),
    "ReviewPage": object_schema("items next", items={"type": "array", "items": ref("Review")},
                                next={"type": ["integer", "null"]}),
    "Glossary": object_schema(
        "id show source_language target_language version entry_count", id=INTEGER,
        show=STRING, source_language=STRING, target_language=STRING, version=INTEGER,
        entry_count=INTEGER, entries={"type": "array", "items": OBJECT},
    ),
    "Items": object_schema("items", items={"type": "array", "items": OBJECT}),
    "Rollout": object_schema("id state cells totals", id=STRING, state=STRING,
                             cells={"type": "array", "items": OBJECT}, totals=OBJECT),
    "DubQueued": object_schema("episode_id language status_url", episode_id=STRING,
                               language=STRING, status_url=STRING),
    "DubReport": object_schema("episode_id language status", episode_id=STRING, language=STRING,
                               status=STRING),
    "Leverage": object_schema(
        "bands segments words", segments=INTEGER, words=INTEGER,
        bands={"type": "array", "items": object_schema(
            "band segments words share", band=STRING, segments=INTEGER, words=INTEGER,
            share=NUMBER)},
    ),
    "Memory": object_schema("show settings memories", show=STRING, settings=OBJECT,
                            memories={"type": "array", "items": OBJECT}),
    "MemoryImport": object_schema("show file pairs skipped", show=STRING, file=STRING,
                                  pairs={"type": "array", "items": OBJECT}, skipped=INTEGER),
    "MemoryMatches": object_schema("episode_id language revision cues", episode_id=STRING,
                                   language=STRING, revision=INTEGER,
                                   cues={"type": "array", "items": OBJECT}),
    "MeStem": object_schema("episode_id me_stem_sha256 duration", episode_id=STRING,
                            me_stem_sha256=STRING, duration=NUMBER),
}  # fmt: skip
