"""/health and /openapi.json: the two endpoints that need no token."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..app_context import current_context
from ..services.workers import live_worker_count
from .openapi import OPENAPI

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health():
    ctx = current_context()
    report = {"status": "ok", "database": "ok", "broker": "ok", "workers": 0}
    try:
        with ctx.db.session() as session:
            session.execute(text("SELECT 1"))
        report["workers"] = live_worker_count(ctx.db, ctx.settings)
    except Exception as error:  # noqa: BLE001 - reported, not raised
        report["status"], report["database"] = "degraded", f"unreachable: {type(error).__name__}"
    try:
        with current_app.extensions["celery"].connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001
        report["status"], report["broker"] = "degraded", f"unreachable: {type(error).__name__}"
    return jsonify(report), 200 if report["status"] == "ok" else 503


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)
