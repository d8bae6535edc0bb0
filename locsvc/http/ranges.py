"""A stored blob served by byte ranges straight from an object store (HTTP 206), so a
player seeks in a long episode without the whole file being fetched first."""

from __future__ import annotations

from flask import Response, request

from ..ports import RangedReads


def ranged_response(storage: RangedReads, sha256: str, mimetype: str) -> Response:
    size = storage.size(sha256)
    byte_range = request.range.range_for_length(size) if request.range else None
    if request.range and byte_range is None:  # a range outside the file
        response = Response(status=416)
        response.headers["Content-Range"] = f"bytes */{size}"
        return response
    start, end, status = (0, size, 200) if byte_range is None else (*byte_range, 206)
    # The GET goes out before the response starts: a missing object is an error page,
    # not a broken 200.
    response = Response(storage.open_range(sha256, start, end), status, mimetype=mimetype,
                        direct_passthrough=True)  # fmt: skip
    response.headers["Accept-Ranges"] = "bytes"
    response.content_length = end - start
    if status == 206:
        response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    return response
