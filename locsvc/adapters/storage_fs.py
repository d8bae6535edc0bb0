"""Content-addressed media storage on the local filesystem.

Blobs live at ``objects/<2 hex>/<sha256>``. Every write goes to a temporary
file under ``tmp/`` first and is renamed into place once complete, so a crash
or a rejected upload never leaves a half-written object behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..domain.errors import NotFound, UploadTooLarge
from ..ports import UploadWriter

CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int


class HashingWriter:
    """A write-only file that hashes and counts what passes through it and refuses
    to grow past ``max_bytes``. Werkzeug's multipart parser streams uploads into it."""

    def __init__(self, path: Path, max_bytes: int | None) -> None:
        self.path = path
        self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by finish/abort
        self._hash = hashlib.sha256()
        self._max_bytes = max_bytes
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self._max_bytes is not None and self.size > self._max_bytes:
            raise UploadTooLarge(
                f"The upload is larger than the limit of {self._max_bytes // (1024 * 1024)} MB.",
                limit_bytes=self._max_bytes,
            )
        self._hash.update(data)
        return self._file.write(data)

    # Werkzeug rewinds the stream it wrote; reading back is never needed here.
    def seek(self, offset: int, whence: int = 0) -> int:
        return self.size

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


class FsStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._objects = self.root / "objects"
        self._tmp = self.root / "tmp"

    def _ensure_dirs(self) -> None:
        self._objects.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self._objects / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self.path(sha256), "rb")  # noqa: SIM115 - caller closes
        except FileNotFoundError as error:
            raise NotFound(f"Stored object {sha256} is missing.", sha256=sha256) from error

    def temp_path(self, suffix: str = "") -> Path:
        """A fresh path in the storage's own temp dir (same filesystem: rename is atomic)."""
        self._ensure_dirs()
        handle, name = tempfile.mkstemp(dir=self._tmp, suffix=suffix)
        os.close(handle)
        return Path(name)

    def temp_dir(self) -> Path:
        """The storage's temp dir (same filesystem as the objects: adopt() is a rename)."""
        self._ensure_dirs()
        return self._tmp

    def writer(self, max_bytes: int | None = None) -> HashingWriter:
        return HashingWriter(self.temp_path(".upload"), max_bytes)

    def commit_writer(self, writer: UploadWriter) -> Blob:
        writer.close()
        return self._move_into_place(writer.path, writer.sha256, writer.size)

    def adopt(self, temp_path: Path) -> Blob:
        """Hash a finished temp file and move it into place."""
        digest = hashlib.sha256()
        with open(temp_path, "rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                digest.update(chunk)
        return self._move_into_place(temp_path, digest.hexdigest(), temp_path.stat().st_size)

    def put_bytes(self, data: bytes) -> Blob:
        temp = self.temp_path()
        temp.write_bytes(data)
        return self._move_into_place(temp, hashlib.sha256(data).hexdigest(), len(data))

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as source:
            return source.read()

    @staticmethod
    def discard(path: Path) -> None:
        path.unlink(missing_ok=True)

    def _move_into_place(self, temp: Path, sha256: str, size: int) -> Blob:
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            temp.unlink()  # same content already stored
        else:
            os.replace(temp, target)
        return Blob(sha256, size)
