"""create_app: the only place the Flask app is wired."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from flask import Flask, Request, Response, request

from .adapters.storage_fs import HashingWriter
from .app_context import context_of, current_context, install_context
from .celery_app import celery_init_app
from .config import Settings
from .wiring import build_context

# Room for the multipart envelope and form fields around the file itself.
FORM_OVERHEAD_BYTES = 1024 * 1024
# The review page loads scripts, styles and media from its own origin only (no inline code),
# and no other site may frame it (clickjacking).
PAGE_POLICY = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
# JSON is never a document: it may load nothing and be framed by nobody.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class StreamingUploadRequest(Request):
    """Streams each uploaded file straight into media storage's temp dir, hashing
    as it goes: an upload is never held whole in memory or copied twice."""

    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        ctx = current_context()
        writer = ctx.storage.writer(max_bytes=ctx.settings.max_upload_bytes)
        self.upload_writers.append(writer)
        return writer

    @property
    def upload_writers(self) -> list[HashingWriter]:
        if "_upload_writers" not in self.__dict__:
            self.__dict__["_upload_writers"] = []
        return self.__dict__["_upload_writers"]


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    from workers.broker import queue_messages
    from workers.canvas import dispatch_episode_stages  # workers import services, not us

    settings = Settings.from_env()
    if test_config:
        settings = settings.with_overrides(test_config)

    app = Flask(__name__)
    app.request_class = StreamingUploadRequest
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes + FORM_OVERHEAD_BYTES
    install_context(app, build_context(settings, dispatch_episode_stages))
    celery = celery_init_app(app, settings)
    app.extensions["queue_messages"] = partial(queue_messages, celery)  # for /metrics

    from .api import register_api
    from .web import register_web

    register_api(app)
    register_web(app)

    app.after_request(_security_headers)

    @app.teardown_request
    def _discard_unused_uploads(_error: BaseException | None) -> None:
        # Whatever a request streamed but did not commit (a rejected upload) is removed.
        for writer in request.upload_writers if isinstance(request, StreamingUploadRequest) else []:
            writer.close()
            context_of(app).storage.discard(writer.path)

    return app


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/app/"):
        headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        if response.mimetype == "text/html":  # pages hold CSRF tokens and unreleased text
            headers.setdefault("Cache-Control", "no-store")
    else:
        headers.setdefault("Content-Security-Policy", API_POLICY)
    return response
