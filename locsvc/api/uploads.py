"""Small uploaded files (glossaries, corrected subtitles), read back whole."""

from __future__ import annotations

from typing import cast

from flask import request

from ..adapters.storage_fs import HashingWriter
from ..domain.errors import InvalidRequest
from ..http.validation import Limits, check_text

MAX_SMALL_FILE_BYTES = 20 * 1024 * 1024  # a feature film's subtitles are well under 1 MB


def small_upload(what: str, max_bytes: int = MAX_SMALL_FILE_BYTES) -> tuple[bytes, str]:
    """(content, file name) of the multipart field `file`. Uploads stream into media
    storage's temp dir (app.StreamingUploadRequest); the temp file goes at teardown."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidRequest(f"Send the {what} as a multipart field named `file`.", field="file")
    return _read_whole(upload, "file", what, max_bytes)


def optional_small_file(field: str, max_bytes: int = MAX_SMALL_FILE_BYTES) -> tuple[bytes, str]:
    """(content, file name) of a small file sent beside another upload, in ``field``."""
    upload = request.files[field]
    if not upload.filename:
        raise InvalidRequest(f"`{field}` must be a file, with its name.", field=field)
    return _read_whole(upload, field, f"`{field}` file", max_bytes)


def _read_whole(upload, field: str, what: str, max_bytes: int) -> tuple[bytes, str]:
    writer = cast(HashingWriter, upload.stream)
    writer.close()
    if writer.size > max_bytes:
        raise InvalidRequest(f"A {what} is at most {max_bytes // 2**20} MB.", field=field)
    return writer.path.read_bytes(), check_text(upload.filename, field, Limits.FILENAME)
