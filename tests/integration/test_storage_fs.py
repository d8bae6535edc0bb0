import hashlib

import pytest

from locsvc.adapters.storage_fs import FsStorage
from locsvc.domain.errors import UploadTooLarge


def test_content_addressed_and_deduplicated(tmp_path):
    storage = FsStorage(tmp_path)
    first = storage.put_bytes(b"episode")
    second = storage.put_bytes(b"episode")
    assert first == second
    assert first.sha256 == hashlib.sha256(b"episode").hexdigest()
    assert storage.read_bytes(first.sha256) == b"episode"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_streamed_writer_hashes_and_commits(tmp_path):
    storage = FsStorage(tmp_path)
    writer = storage.writer(max_bytes=10)
    writer.write(b"abc")
    writer.write(b"def")
    blob = storage.commit_writer(writer)
    assert blob.size == 6 and storage.read_bytes(blob.sha256) == b"abcdef"
    assert not writer.path.exists()


def test_writer_refuses_past_the_limit_and_leaves_nothing_behind(tmp_path):
    storage = FsStorage(tmp_path)
    writer = storage.writer(max_bytes=4)
    with pytest.raises(UploadTooLarge):
        writer.write(b"12345")
    writer.close()
    storage.discard(writer.path)
    assert list((tmp_path / "tmp").iterdir()) == []
    assert list((tmp_path / "objects").iterdir()) == []
