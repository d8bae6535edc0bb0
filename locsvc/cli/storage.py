"""`locsvc storage init`: the object store made ready (its bucket) before the first upload."""

from __future__ import annotations

import click

from ..domain.errors import LocsvcError
from .support import console, fail, load_settings


@click.group()
def storage() -> None:
    """Media storage (LOCSVC_STORAGE_URL)."""


@storage.command("init")
def storage_init() -> None:
    """Create the object store's bucket if it is missing and check that it can be used;
    for local files (no LOCSVC_STORAGE_URL) there is nothing to do."""
    from ..adapters.storage_s3 import S3Storage
    from ..wiring import storage_for

    settings = load_settings()
    store = storage_for(settings)
    if not isinstance(store, S3Storage):
        console.print(f"local files in {settings.media_dir}: nothing to prepare")
        return
    try:
        store.ensure_bucket()
        store.check()
    except LocsvcError as error:
        fail(error, exit_code=2)
    console.print(f"object store {settings.storage_url}: ready")
