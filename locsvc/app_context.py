"""The process's Context, held by its Flask app: ``current_context()`` is the one way views
and tasks reach it (the shape of Flask's tutorial ``get_db``). Views run inside a request's
app context, and Celery tasks inside the one their Task class opens (celery_app.py)."""

from __future__ import annotations

from flask import Flask, current_app

from .ports import Context

EXTENSION = "locsvc"  # the Context's key in ``app.extensions``


def install_context(app: Flask, ctx: Context) -> None:
    app.extensions[EXTENSION] = ctx


def context_of(app: Flask) -> Context:
    return app.extensions[EXTENSION]


def current_context() -> Context:
    """The Context of the app serving the current request or running the current task."""
    return context_of(current_app)
