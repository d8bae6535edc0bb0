"""create_app: the only place the Flask app is wired."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Request, current_app, request

from .adapters.storage_fs import HashingWriter
from .celery_app import celery_init_app
from .config import Settings
from .wiring import build_context

# Room for the multipart envelope and form fields around the file itself.
FORM_OVERHEAD_BYTES = 1024 * 1024


class StreamingUploadRequest(Request):
    """Streams each uploaded file straight into media storage's temp dir, hashing
    as it goes: an upload is never held whole in memory or copied twice."""

    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        ctx = current_app.extensions["locsvc"]
        writer = ctx.storage.writer(max_bytes=ctx.settings.max_upload_bytes)
        self.upload_writers.append(writer)
        return writer

    @property
    def upload_writers(self) -> list[HashingWriter]:
        if "_upload_writers" not in self.__dict__:
            self.__dict__["_upload_writers"] = []
        return self.__dict__["_upload_writers"]


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    from workers.canvas import dispatch_episode_stages  # workers import services, not us

    settings = Settings.from_env()
    if test_config:
        settings = settings.with_overrides(test_config)

    app = Flask(__name__)
    app.request_class = StreamingUploadRequest
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes + FORM_OVERHEAD_BYTES
    app.extensions["locsvc"] = build_context(settings, dispatch_episode_stages)
    celery_init_app(app, settings)

    from .api import register_api
    from .web import register_web

    register_api(app)
    register_web(app)

    @app.teardown_request
    def _discard_unused_uploads(_error: BaseException | None) -> None:
        # Whatever a request streamed but did not commit (a rejected upload) is removed.
        for writer in request.upload_writers if isinstance(request, StreamingUploadRequest) else []:
            writer.close()
            app.extensions["locsvc"].storage.discard(writer.path)

    return app
