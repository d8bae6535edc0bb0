"""`locsvc tm import|export`: a show's translation memory in and out as TMX."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..domain.errors import LocsvcError
from .support import console, context, fail


@click.group("tm")
def tm() -> None:
    """Translation memories (TMX 1.4b in and out)."""


@tm.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--show", required=True, help="The show (or _default, or a franchise's slug).")
@click.option("--source", "source_language", default=None,
              help="Source language, when the file's header says srclang=*all*.")  # fmt: skip
@click.option("--to", "targets", default=None,
              help="Comma list of target languages to take (default: all).")  # fmt: skip
def tm_import(file: Path, show: str, source_language: str | None, targets: str | None) -> None:
    """Import a TMX file's units into the show's memory: all of them or none."""
    from ..services.episodes import LOCAL_PRINCIPAL
    from ..services.memory import import_tmx

    wanted = [t.strip() for t in targets.split(",") if t.strip()] if targets else None
    try:
        result = import_tmx(context(), file.read_bytes(), file.name, show, LOCAL_PRINCIPAL,
                            source_language, wanted)  # fmt: skip
    except LocsvcError as error:
        fail(error, exit_code=2)
    for pair in result["pairs"]:
        pair_name = f"{pair['source_language']}->{pair['target_language']}"
        console.print(f"{show} {pair_name}: {pair['added']} units added, "
                      f"{pair['unchanged']} already there")  # fmt: skip
    if result["skipped"]:
        console.print(f"{result['skipped']} translation units skipped (no source or target text)")


@tm.command("export")
@click.option("--show", required=True)
@click.option("--source", "source_language", default=None, help="Source language.")
@click.option("--to", "target_language", default=None, help="One target language (default: all).")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="The TMX file to write (default: standard output).")  # fmt: skip
def tm_export(show: str, source_language: str | None, target_language: str | None,
              out_path: Path | None) -> None:  # fmt: skip
    """Write the show's memory as TMX 1.4b for any CAT tool."""
    from ..services.episodes import LOCAL_PRINCIPAL
    from ..services.memory import export_tmx

    try:
        document, _ = export_tmx(context(), show, LOCAL_PRINCIPAL, source_language,
                                 target_language)  # fmt: skip
    except LocsvcError as error:
        fail(error, exit_code=2)
    if out_path is None:
        sys.stdout.buffer.write(document)
        return
    temp = out_path.with_name(out_path.name + ".part")
    temp.write_bytes(document)
    temp.replace(out_path)
    click.echo(str(out_path))
