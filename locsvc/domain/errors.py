"""The one exception tree of locsvc.

    LocsvcError
    ├── NotFound                  an id that does not exist
    ├── Unauthorized              no or unknown credentials
    ├── Forbidden                 known caller, not allowed
    ├── Conflict                  the thing changed under the caller (a review claimed first)
    ├── InvalidRequest            a malformed or unsupported parameter
    │   ├── UnsupportedFormat     an output format we do not write
    │   ├── UnsupportedLanguagePair  no MT engine translates this pair
    │   ├── SubtitleUnreadable    a subtitle file we cannot parse (details name the line)
    │   └── TmxUnreadable         a TMX translation memory we cannot read (details name the line)
    ├── MediaRejected             an upload that is not usable media
    │   ├── NotMedia              not audio or video at all (wrong file type)
    │   ├── EmptyUpload           zero bytes
    │   ├── UploadTooLarge        over LOCSVC_MAX_UPLOAD_MB
    │   └── UnusableMedia         media, but broken, truncated, silent or too short
    ├── StageFailed               a pipeline stage could not produce its artifact
    ├── ModelUnavailable          a configured model cannot be found or assembled
    ├── QueueUnavailable          the broker refused a job; nothing was kept, try again
    ├── StorageUnavailable        the object store is unreachable, refuses us or has no bucket
    ├── SchemaOutOfDate           the database needs `locsvc db upgrade`
    └── ConfigError               a bad LOCSVC_* variable: the operator's, not a client's

HTTP statuses live in http/errors.py, not here. Every exception keeps its
constructor arguments in ``args`` so that it pickles across Celery processes.
"""

from __future__ import annotations


class LocsvcError(Exception):
    """Base of every error locsvc raises on purpose."""

    code = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message, details)
        self.message = message
        self.details = details

    def __reduce__(self):  # keyword details survive pickling
        return (_rebuild, (type(self), self.message, self.details))

    def __str__(self) -> str:
        return self.message


def _rebuild(cls: type[LocsvcError], message: str, details: dict) -> LocsvcError:
    return cls(message, **details)


class NotFound(LocsvcError):
    code = "not_found"


class Unauthorized(LocsvcError):
    code = "unauthorized"


class Forbidden(LocsvcError):
    code = "forbidden"


class Conflict(LocsvcError):
    code = "conflict"


class InvalidRequest(LocsvcError):
    code = "invalid_request"


class UnsupportedFormat(InvalidRequest):
    code = "unsupported_format"


class UnsupportedLanguagePair(InvalidRequest):
    code = "unsupported_language_pair"


class SubtitleUnreadable(InvalidRequest):
    code = "invalid_subtitle"


class TmxUnreadable(InvalidRequest):
    code = "tmx_unreadable"


class MediaRejected(LocsvcError):
    code = "media_rejected"


class NotMedia(MediaRejected):
    code = "unsupported_media_type"


class EmptyUpload(MediaRejected):
    code = "empty_upload"


class UploadTooLarge(MediaRejected):
    code = "upload_too_large"


class UnusableMedia(MediaRejected):
    code = "unusable_media"


class StageFailed(LocsvcError):
    code = "stage_failed"


class ModelUnavailable(LocsvcError):
    code = "model_unavailable"


class QueueUnavailable(LocsvcError):
    code = "queue_unavailable"


class StorageUnavailable(LocsvcError):
    code = "storage_unavailable"


class SchemaOutOfDate(LocsvcError):
    code = "schema_out_of_date"


class ConfigError(LocsvcError):
    """Raised at start-up: the process stops, naming the variable (never a client's 400)."""

    code = "config_error"
