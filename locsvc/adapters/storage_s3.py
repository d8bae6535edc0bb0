"""Content-addressed media storage in an S3-compatible object store, with a bounded
local cache: the ``Storage`` port for hosts that share no filesystem.

Objects live at ``<prefix>/objects/<2 hex>/<sha256>`` in the bucket of an
``s3://bucket/prefix`` URL, laid out as ``FsStorage`` lays them out on disk. Each host
keeps a local directory (``cache_dir``) with the same layout plus ``tmp/``:

- uploads stream into a ``HashingWriter`` in ``tmp/`` (hashed as they arrive, the size
  limit enforced there), then go up with boto3's managed multipart upload (memory flat in
  the file's size) unless the object is already stored (HEAD), and stay in the cache;
- ``path()`` returns a local file: the cached one, or the object downloaded into
  ``tmp/``, checked against its name (sha256) and renamed into the cache, so a crash or
  an error mid-download never leaves a half file where a reader would find it;
- the cache is bounded by bytes: least recently used files (mtime, touched on every hit)
  are evicted after each insert, never the file that insert is returning;
- ``open_range``/``read_range``/``size`` serve a media player from the store with ranged
  GETs, without downloading the whole file.

How the web player (``locsvc/web``, ``GET /media/<episode_id>``, today a
``send_file(path, conditional=True)``) could use it without a local copy::

    size = storage.size(sha256)
    byte_range = request.range.range_for_length(size) if request.range else None
    if byte_range is None:  # no (or an unsatisfiable) Range header: the whole file
        start, end, status = 0, size, 200
    else:
        (start, end), status = byte_range, 206
    response = Response(storage.open_range(sha256, start, end), status, mimetype=mimetype,
                        direct_passthrough=True)
    response.headers["Accept-Ranges"] = "bytes"
    response.content_length = end - start
    if status == 206:
        response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"

(``open_range`` sends the GET before it returns, so a missing object or an unreachable
store is an error response, not a broken 200.) Another route: redirect the player to a
presigned URL (``client.generate_presigned_url``) when the store is reachable by browsers.

Errors: a missing object is ``NotFound``; a store that cannot be used (unreachable
endpoint, refused or missing credentials, missing bucket, a corrupt download) is
``StorageUnavailable``. The bucket is checked once, on first use, not in the constructor.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from ..domain.errors import ConfigError, InvalidRequest, NotFound, StorageUnavailable
from ..ports import UploadWriter
from .storage_fs import CHUNK_BYTES, Blob, HashingWriter

DEFAULT_REGION = "us-east-1"
# Parts of 16 MiB, 4 at a time: boto3 holds about one part per thread, whatever the file's
# size (a 1 GB upload is 64 parts); S3 allows 10,000 parts, so files up to 160 GB.
PART_BYTES = 16 * 1024 * 1024
TRANSFER_THREADS = 4
# Ranged reads for a player: chunks small enough to start playing at once.
RANGE_CHUNK_BYTES = 256 * 1024
# Connection problems fail in seconds, not after botocore's default minute of retries.
CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 60
MAX_ATTEMPTS = 3
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
MISSING_CODES = {"404", "NoSuchKey", "NotFound"}
REFUSED_CODES = {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                 "InvalidToken", "ExpiredToken"}  # fmt: skip
NO_BUCKET_CODES = {"NoSuchBucket"}


def parse_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ("bucket", "some/prefix"); ConfigError otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"Not an object storage URL (s3://bucket/prefix): {url!r}.", url=url)
    return parts.netloc, parts.path.strip("/")


class S3Storage:
    """The ``Storage`` port on any S3-compatible service (AWS S3, SeaweedFS, MinIO, ...).

    Credentials and endpoint not given here come from boto3's usual places:
    ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL``,
    ``AWS_DEFAULT_REGION`` (else us-east-1), ~/.aws, an instance role."""

    def __init__(
        self,
        url: str,
        cache_dir: Path,
        cache_max_bytes: int,
        endpoint_url: str | None = None,
        *,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        region: str | None = None,
        transfer_config: TransferConfig | None = None,
        progress: Callable[[int], None] | None = None,
        verify_downloads: bool = True,
    ) -> None:
        self.bucket, self.prefix = parse_url(url)
        self.cache_dir = Path(cache_dir)
        self.cache_max_bytes = cache_max_bytes
        self._objects = self.cache_dir / "objects"
        self._tmp = self.cache_dir / "tmp"
        self._endpoint_url = endpoint_url
        self._credentials = {"aws_access_key_id": access_key_id,
                             "aws_secret_access_key": secret_access_key}  # fmt: skip
        self._region = region
        self.transfer_config = transfer_config or TransferConfig(
            multipart_threshold=PART_BYTES,
            multipart_chunksize=PART_BYTES,
            max_concurrency=TRANSFER_THREADS,
        )
        self._progress = progress  # bytes moved, from transfer threads (a bar, a test)
        self.verify_downloads = verify_downloads
        self._lock = threading.Lock()
        self._client_pid: int | None = None
        self._client_value: Any = None
        self._bucket_checked = False

    # -- the connection ------------------------------------------------------------------

    @property
    def _client(self) -> Any:
        """boto3's S3 client, made on first use and again in a forked child (a Celery
        pool process must not share its parent's connections)."""
        with self._lock:
            if self._client_pid != os.getpid():
                session = boto3.session.Session(**self._credentials, region_name=self._region)
                self._client_value = session.client(
                    "s3",
                    endpoint_url=self._endpoint_url,
                    region_name=session.region_name or DEFAULT_REGION,
                    config=Config(
                        connect_timeout=CONNECT_TIMEOUT_S,
                        read_timeout=READ_TIMEOUT_S,
                        retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
                        s3={"addressing_style": "path"},  # no bucket DNS names needed
                    ),
                )
                self._client_pid = os.getpid()
            return self._client_value

    @property
    def endpoint(self) -> str:
        return str(self._client.meta.endpoint_url)

    def _where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix} at {self.endpoint}"

    def _unavailable(
        self, error: Exception, doing: str, missing_bucket: bool = False
    ) -> StorageUnavailable:
        details = {"bucket": self.bucket, "endpoint": self.endpoint, "doing": doing}
        if missing_bucket:
            details["code"] = "NoSuchBucket"
            why = f"bucket {self.bucket!r} does not exist"
        elif isinstance(error, NoCredentialsError):
            why = "no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
        elif isinstance(error, ClientError):
            code = _code(error)
            details["code"] = code
            if code in REFUSED_CODES:
                why = f"the store refused the credentials ({code})"
            elif code in NO_BUCKET_CODES:
                why = f"bucket {self.bucket!r} does not exist"
            else:
                why = f"the store answered {code}: {error}"
        elif isinstance(error, Boto3Error):  # a transfer that failed, retries spent
            why = f"the transfer failed ({type(error).__name__}: {error})"
        elif isinstance(error, BotoConnectionError | HTTPClientError):
            why = f"it cannot be reached ({type(error).__name__}: {error})"
        else:
            why = f"the client failed ({type(error).__name__}: {error})"
        return StorageUnavailable(f"Object storage {self._where()}: {doing}: {why}.", **details)

    def check(self) -> None:
        """Raise StorageUnavailable unless the bucket exists and the credentials may use it
        (done once, before the first request that needs it; call it at start-up to fail
        early)."""
        if self._bucket_checked:
            return
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            missing = _code(error) in MISSING_CODES  # HEAD answers a bare 404
            raise self._unavailable(error, "checking the bucket", missing_bucket=missing) from error
        except BotoCoreError as error:
            raise self._unavailable(error, "checking the bucket") from error
        self._bucket_checked = True

    def ensure_bucket(self) -> None:
        """Create the bucket unless it exists (tests, a first start)."""
        region = self._client.meta.region_name
        extra = {} if region == DEFAULT_REGION else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}  # fmt: skip
        try:
            self._client.create_bucket(Bucket=self.bucket, **extra)
        except ClientError as error:
            if _code(error) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise self._unavailable(error, "creating the bucket") from error
        except BotoCoreError as error:
            raise self._unavailable(error, "creating the bucket") from error
        self._bucket_checked = False
        self.check()

    def key(self, sha256: str) -> str:
        name = f"objects/{sha256[:2]}/{sha256}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def _head(self, sha256: str) -> dict | None:
        """The object's HEAD answer; None when it is not stored."""
        self.check()
        try:
            return dict(self._client.head_object(Bucket=self.bucket, Key=self.key(sha256)))
        except ClientError as error:
            if _code(error) in MISSING_CODES:
                return None
            raise self._unavailable(error, f"looking up {sha256}") from error
        except BotoCoreError as error:
            raise self._unavailable(error, f"looking up {sha256}") from error

    # -- the Storage port ----------------------------------------------------------------

    def path(self, sha256: str) -> Path:
        """A local file with the blob's bytes: the cached copy, else downloaded into the
        cache (NotFound when the store does not have it)."""
        cached = self._cache_path(sha256)
        if _touch(cached):
            return cached
        temp = Path(self.temp_path(".download"))
        try:
            self._download(sha256, temp)
            cached.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, cached)
        finally:
            temp.unlink(missing_ok=True)
        self._evict(keep=cached)
        return cached

    def exists(self, sha256: str) -> bool:
        if not SHA256_HEX.fullmatch(sha256):
            return False
        return self._cache_path(sha256).is_file() or self._head(sha256) is not None

    def open(self, sha256: str) -> BinaryIO:
        path = self.path(sha256)
        try:
            return open(path, "rb")  # noqa: SIM115 - caller closes
        except FileNotFoundError:  # evicted by another process meanwhile: fetch again
            return open(self.path(sha256), "rb")  # noqa: SIM115 - caller closes

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as source:
            return source.read()

    def put_bytes(self, data: bytes) -> Blob:
        temp = self.temp_path()
        try:
            temp.write_bytes(data)
            return self._store(temp, hashlib.sha256(data).hexdigest(), len(data))
        finally:
            temp.unlink(missing_ok=True)

    def temp_path(self, suffix: str = "") -> Path:
        """A fresh path in the cache's temp dir (same filesystem: rename is atomic)."""
        handle, name = tempfile.mkstemp(dir=self.temp_dir(), suffix=suffix)
        os.close(handle)
        return Path(name)

    def temp_dir(self) -> Path:
        self._objects.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)
        return self._tmp

    def writer(self, max_bytes: int | None = None) -> HashingWriter:
        return HashingWriter(self.temp_path(".upload"), max_bytes)

    def commit_writer(self, writer: UploadWriter) -> Blob:
        writer.close()
        return self._store(writer.path, writer.sha256, writer.size)

    def adopt(self, temp_path: Path) -> Blob:
        """Hash a finished temp file, upload it and move it into the cache."""
        digest = hashlib.sha256()
        with open(temp_path, "rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                digest.update(chunk)
        return self._store(temp_path, digest.hexdigest(), temp_path.stat().st_size)

    @staticmethod
    def discard(path: Path) -> None:
        path.unlink(missing_ok=True)

    # -- ranged reads (a media player) ---------------------------------------------------

    def size(self, sha256: str) -> int:
        cached = self._cache_path(sha256)
        if _touch(cached):
            return cached.stat().st_size
        head = self._head(sha256)
        if head is None:
            raise NotFound(f"Stored object {sha256} is missing.", sha256=sha256)
        return int(head["ContentLength"])

    def open_range(
        self, sha256: str, start: int, end: int | None = None, chunk_bytes: int = RANGE_CHUNK_BYTES
    ) -> Iterator[bytes]:
        """Bytes ``start`` up to, not including, ``end`` (None: to the end) in chunks:
        from the cached file when there is one, else one ranged GET, sent before this
        returns (errors surface here, not in the middle of a response)."""
        if start < 0 or (end is not None and end < start):
            raise InvalidRequest(f"Bad byte range {start}-{end}.", field="range")
        if end == start:
            return iter(())
        cached = self._cache_path(sha256)
        if _touch(cached):
            try:
                file = open(cached, "rb")  # noqa: SIM115 - closed by _file_chunks
            except FileNotFoundError:
                pass  # evicted meanwhile: ask the store
            else:
                if start >= os.fstat(file.fileno()).st_size:
                    file.close()
                    raise InvalidRequest(
                        f"Byte range {start}-{end} is past the end of {sha256}.", field="range"
                    )
                return _file_chunks(file, start, end, chunk_bytes)
        self.check()
        byte_range = f"bytes={start}-{'' if end is None else end - 1}"
        try:
            answer = self._client.get_object(
                Bucket=self.bucket, Key=self.key(sha256), Range=byte_range
            )
        except ClientError as error:
            if _code(error) in MISSING_CODES:
                raise NotFound(f"Stored object {sha256} is missing.", sha256=sha256) from error
            if _code(error) == "InvalidRange":
                raise InvalidRequest(
                    f"Byte range {start}-{end} is past the end of {sha256}.", field="range"
                ) from error
            raise self._unavailable(error, f"reading {sha256}") from error
        except BotoCoreError as error:
            raise self._unavailable(error, f"reading {sha256}") from error
        return _body_chunks(answer["Body"], chunk_bytes)

    def read_range(self, sha256: str, start: int, end: int | None = None) -> bytes:
        return b"".join(self.open_range(sha256, start, end))

    # -- internals -----------------------------------------------------------------------

    def _cache_path(self, sha256: str) -> Path:
        if not SHA256_HEX.fullmatch(sha256):
            raise NotFound(f"Stored object {sha256!r} is missing.", sha256=sha256)
        return self._objects / sha256[:2] / sha256

    def _store(self, temp: Path, sha256: str, size: int) -> Blob:
        """Upload ``temp`` as the blob (unless stored already), then move it into the
        cache. On an error ``temp`` stays where it is, for its owner to discard."""
        if self._head(sha256) is None:
            try:
                self._client.upload_file(
                    str(temp), self.bucket, self.key(sha256),
                    Config=self.transfer_config, Callback=self._progress,
                )  # fmt: skip
            except (BotoCoreError, ClientError, Boto3Error) as error:
                raise self._unavailable(error, f"uploading {sha256}") from error
        cached = self._cache_path(sha256)
        if size > self.cache_max_bytes:
            temp.unlink()  # larger than the whole cache: kept in the store only
            return Blob(sha256, size)
        cached.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, cached)
        self._evict(keep=cached)
        return Blob(sha256, size)

    def _download(self, sha256: str, target: Path) -> None:
        self.check()
        try:
            self._client.download_file(
                self.bucket, self.key(sha256), str(target),
                Config=self.transfer_config, Callback=self._progress,
            )  # fmt: skip
        except ClientError as error:
            if _code(error) in MISSING_CODES:
                raise NotFound(f"Stored object {sha256} is missing.", sha256=sha256) from error
            raise self._unavailable(error, f"downloading {sha256}") from error
        except (BotoCoreError, Boto3Error) as error:
            raise self._unavailable(error, f"downloading {sha256}") from error
        if self.verify_downloads and _sha256_of(target) != sha256:
            raise StorageUnavailable(
                f"Object storage {self._where()}: {sha256} downloaded with other content.",
                bucket=self.bucket, sha256=sha256,
            )  # fmt: skip

    def _evict(self, keep: Path) -> None:
        """Delete least recently used cache files until the cache fits its bound; never
        ``keep``. Other processes on the host share the directory: a file one of them
        has opened stays readable after it is deleted."""
        entries = []
        total = 0
        for bucket_dir in _scan(self._objects):
            for entry in _scan(Path(bucket_dir.path)):
                try:
                    stat = entry.stat()
                except FileNotFoundError:
                    continue
                total += stat.st_size
                entries.append((stat.st_mtime_ns, stat.st_size, Path(entry.path)))
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.cache_max_bytes:
                break
            if path != keep:
                path.unlink(missing_ok=True)
                total -= size


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _touch(path: Path) -> bool:
    """Mark a cached file as just used; False when it is not cached."""
    try:
        os.utime(path)
        return True
    except FileNotFoundError:
        return False


def _scan(directory: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(directory) as entries:
            return list(entries)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _file_chunks(file: BinaryIO, start: int, end: int | None, chunk_bytes: int) -> Iterator[bytes]:
    with file:
        file.seek(start)
        left = None if end is None else end - start
        while left is None or left > 0:
            chunk = file.read(chunk_bytes if left is None else min(chunk_bytes, left))
            if not chunk:
                return
            if left is not None:
                left -= len(chunk)
            yield chunk


def _body_chunks(body: Any, chunk_bytes: int) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(chunk_bytes)
    finally:
        body.close()
