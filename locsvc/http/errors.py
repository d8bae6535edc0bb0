"""The one table from domain errors to HTTP statuses, and the JSON shape of every error:
the API answers with it (api/errors.py), and so does the review page to its script."""

from __future__ import annotations

from ..domain import errors as domain

STATUS: tuple[tuple[type[domain.LocsvcError], int], ...] = (
    # most specific first
    (domain.NotFound, 404),
    (domain.Unauthorized, 401),
    (domain.Forbidden, 403),
    (domain.Conflict, 409),
    (domain.NotMedia, 415),
    (domain.UploadTooLarge, 413),
    (domain.EmptyUpload, 422),
    (domain.UnusableMedia, 422),
    (domain.InvalidRequest, 400),
    (domain.SchemaOutOfDate, 503),
    (domain.ModelUnavailable, 503),
    (domain.QueueUnavailable, 503),
    (domain.StorageUnavailable, 503),
)


def status_for(error: domain.LocsvcError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 500)


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}
