"""The `locsvc` command line: the `main` group and its commands, one module per concern.

    serve      db upgrade, worker, api, up (and the hidden prepare-serving)
    localize   localize, translate, qc: the pipeline and its parts on local files
    admin      users, glossary
    rollout    rollout create|status
    llm        llm-server: the packaged small LLM served for the `llm` engine
    memory     tm import|export: translation memories as TMX
    storage    storage init: the object store's bucket
    progress, reports, support: what the commands share

Every command imports this package, gunicorn's master included: its modules import only
click, rich and the domain at the top; the app and its services load inside commands."""

from __future__ import annotations

import click

from .admin import glossary, users
from .llm import llm_server
from .localize import localize, qc, translate
from .memory import tm
from .rollout import rollout
from .serve import api, db, prepare_serving, up, worker
from .storage import storage
from .support import stop_on_config_error


class _Main(click.Group):
    def invoke(self, ctx: click.Context):
        with stop_on_config_error():
            return super().invoke(ctx)


@click.group(cls=_Main)
def main() -> None:
    """locsvc: localization pipeline service for TV and film."""


for command in (db, worker, api, prepare_serving, up, localize, qc, translate,
                users, glossary, rollout, llm_server, tm, storage):  # fmt: skip
    main.add_command(command)
