"""The one table from domain errors to HTTP statuses, and JSON for every error."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..domain import errors as domain

log = logging.getLogger(__name__)

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
)


def status_for(error: domain.LocsvcError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 500)


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def register(app: Flask) -> None:
    @app.errorhandler(domain.LocsvcError)
    def _domain_error(error: domain.LocsvcError):
        status = status_for(error)
        response = jsonify(error_body(error.code, error.message, error.details))
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="locsvc"'
        return response, status

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge):
        limit = app.extensions["locsvc"].settings.max_upload_mb
        message = f"The upload is larger than the limit of {limit} MB."
        return jsonify(error_body("upload_too_large", message, {"limit_mb": limit})), 413

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
        response = jsonify(error_body(code, error.description or error.name))
        # werkzeug's own headers (a 405's Allow, a 416's Content-Range), not its HTML type.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers.add(name, value)
        return response, error.code or 500

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unexpected error")
        return jsonify(error_body("internal_error", "Something went wrong on our side.")), 500
