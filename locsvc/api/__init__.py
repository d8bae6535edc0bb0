"""Flask blueprints for /api/v1: parse the request, call a service, answer JSON."""

from __future__ import annotations

from flask import Flask

from ..http import validation
from . import (
    episodes,
    errors,
    glossaries,
    health,
    memory,
    metrics,
    reviews,
    rollouts,
    shows,
    speakers,
    users,
)


def register_api(app: Flask) -> None:
    errors.register(app)
    app.url_map.converters["row_id"] = validation.RowIdConverter
    app.before_request(validation.reject_nul_bytes)
    app.register_blueprint(health.blueprint, url_prefix="/api/v1")
    app.register_blueprint(episodes.blueprint, url_prefix="/api/v1")
    app.register_blueprint(shows.blueprint, url_prefix="/api/v1")
    app.register_blueprint(speakers.blueprint, url_prefix="/api/v1")
    app.register_blueprint(glossaries.blueprint, url_prefix="/api/v1")
    app.register_blueprint(reviews.blueprint, url_prefix="/api/v1")
    app.register_blueprint(users.blueprint, url_prefix="/api/v1")
    app.register_blueprint(rollouts.blueprint, url_prefix="/api/v1")
    app.register_blueprint(memory.blueprint, url_prefix="/api/v1")
    app.register_blueprint(metrics.blueprint)  # /metrics, where Prometheus looks
