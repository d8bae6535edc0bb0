"""The one place request input is parsed and checked before a service or the database
sees it: integers within their column's bounds, text without NUL bytes and within its
column, JSON bodies against the schemas the OpenAPI document declares (so the document
and the checks cannot drift apart). Every refusal is an InvalidRequest naming the field.
The API and the review page both parse their requests here."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from flask import request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from werkzeug.routing import IntegerConverter, Map

from ..domain.errors import InvalidRequest
from .schemas import INT32_MAX, SCHEMAS


class Limits:
    """Characters a form field may have: its column's size (adapters/db/models.py)."""

    TITLE = FILENAME = 500
    SHOW = GLOSSARY = 200
    LANGUAGE = 35
    TARGETS = 2000
    PRIORITY = 20
    DUE = 64


class RowIdConverter(IntegerConverter):
    """``<row_id:name>``: the id of an Integer column (32 bits on PostgreSQL). No row has
    an id beyond that, so such a path matches no route: 404, not a database error."""

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=1, max=INT32_MAX)


def query_int(name: str, default: int | None, low: int = 0, high: int = INT32_MAX) -> int | None:
    """A whole-number query parameter within [low, high] (at most an Integer column's range)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?[0-9]{1,12}", raw):
        raise InvalidRequest(f"`{name}` must be a whole number from {low} to {high}.", field=name)
    value = int(raw)
    if not low <= value <= high:
        raise InvalidRequest(f"`{name}` must be from {low} to {high}.", field=name)
    return value


def check_text(value: str, field: str, limit: int) -> str:
    """``value`` if it has no NUL byte and fits its column of ``limit`` characters."""
    if "\x00" in value:
        raise InvalidRequest(f"`{field}` contains a NUL byte.", field=field)
    if len(value) > limit:
        raise InvalidRequest(f"`{field}` is at most {limit} characters.", field=field, limit=limit)
    return value


def form_text(name: str, limit: int, default: str = "") -> str:
    """A multipart form field, stripped, checked as ``check_text``."""
    return check_text(request.form.get(name, default).strip(), name, limit)


def form_count(name: str) -> int | None:
    """An optional small whole number in a multipart form field (a speaker count)."""
    raw = form_text(name, 3)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidRequest(f"`{name}` is a whole number.", field=name)
    return int(raw)


def form_flag(name: str) -> bool:
    """An optional yes/no multipart form field: true, 1 or yes; false, 0, no or absent."""
    raw = form_text(name, 5).lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise InvalidRequest(f"`{name}` is true or false.", field=name)


def reject_nul_bytes() -> None:
    """A ``before_request`` hook: no NUL byte in the path, query or headers (PostgreSQL
    refuses them in text, and no legitimate input has one). Form fields and JSON bodies
    are checked where they are read (form_text, json_body): the body is read after auth."""
    for field, value in _url_and_headers():
        if "\x00" in value:
            raise InvalidRequest(f"`{field}` contains a NUL byte.", field=field)


def _url_and_headers() -> Iterator[tuple[str, str]]:
    yield "path", request.path
    for name, value in request.args.items(multi=True):
        yield name, name
        yield name, value
    for name, value in request.headers.items():
        yield name, value


def json_body(schema_name: str, *, optional: bool = False) -> dict:
    """The JSON object in the body, valid against ``#/components/schemas/<schema_name>``
    of the OpenAPI document; ``{}`` for an empty body when ``optional``."""
    if optional and not request.get_data(cache=True):
        return {}
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # json.loads on thousands of nested brackets; silent covers ValueError
        body = None
    if body is None:
        raise InvalidRequest("Send a JSON object (Content-Type: application/json).")
    check_json(body, schema_name)
    return body


def check_json(value: object, schema_name: str) -> None:
    """InvalidRequest naming the first field of ``value`` that breaks the schema."""
    _check_scalars(value, "")
    error = best_match(_validator(schema_name).iter_errors(value))
    if error is not None:
        field = _field(error)
        raise InvalidRequest(_message(error, field), field=field or "body")


def _validator(schema_name: str) -> Draft202012Validator:
    validator = _VALIDATORS.get(schema_name)
    if validator is None:
        # The named schema at the root of its document, so its $refs resolve.
        document = {"$ref": f"#/components/schemas/{schema_name}",
                    "components": {"schemas": SCHEMAS}}  # fmt: skip
        validator = Draft202012Validator(document)
        _VALIDATORS[schema_name] = validator
    return validator


_VALIDATORS: dict[str, Draft202012Validator] = {}


def _check_scalars(value: object, field: str) -> None:
    """No NUL byte in any string or key, no NaN or infinity (Python's JSON reader
    accepts both, and NaN passes every range check)."""
    if isinstance(value, str) and "\x00" in value:
        raise InvalidRequest(f"`{field or 'body'}` contains a NUL byte.", field=field or "body")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidRequest(f"`{field or 'body'}` is not a finite number.", field=field or "body")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_scalars(key, field)
            _check_scalars(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_scalars(item, f"{field}[{index}]")


def _field(error: ValidationError) -> str:
    field = ""
    for part in error.absolute_path:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return field


def _message(error: ValidationError, field: str) -> str:
    name = f"`{field}`" if field else "The body"
    limit = error.validator_value
    templates = {
        "type": "{name} must be of type {limit}.",
        "maxLength": "{name} is at most {limit} characters.",
        "minLength": "{name} is at least {limit} characters.",
        "maxItems": "{name} has at most {limit} items.",
        "minItems": "{name} has at least {limit} items.",
        "minimum": "{name} is at least {limit}.",
        "maximum": "{name} is at most {limit}.",
        "exclusiveMinimum": "{name} is more than {limit}.",
        "enum": "{name} is one of {limit}.",
        "pattern": "{name} does not match {limit}.",
    }
    template = templates.get(str(error.validator))
    if template is None:
        return f"{name}: {error.message[:300]}"
    return template.format(name=name, limit=limit)
