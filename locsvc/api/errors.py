"""JSON for every error the API answers (the status table: http/errors.py)."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..app_context import context_of
from ..domain import errors as domain
from ..http.errors import error_body, status_for

log = logging.getLogger(__name__)


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
        limit = context_of(app).settings.max_upload_mb
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
