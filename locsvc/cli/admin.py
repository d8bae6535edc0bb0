"""`locsvc users ...` and `locsvc glossary ...`."""

from __future__ import annotations

from pathlib import Path

import click

from ..domain.access import Role
from ..domain.errors import LocsvcError
from .support import console, context, fail, load_settings, require_schema


@click.group()
def users() -> None:
    """API users and their tokens."""


@users.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--languages", default="", help="Comma list of languages (linguists).")
@click.option("--shows", default="", help="Comma list of show slugs.")
def users_create(name: str, role: str, languages: str, shows: str) -> None:
    """Create a user and print its API token (shown only once)."""
    from ..adapters.db.engine import Database
    from ..services.auth import create_user

    settings = load_settings()
    require_schema(settings)
    database = Database(settings.effective_database_url)
    try:
        _, token = create_user(database, name, role, languages, shows)
    except LocsvcError as error:
        fail(error)
    click.echo(token)


@users.command("rotate")
@click.argument("name")
def users_rotate(name: str) -> None:
    """Print a new token for NAME; the old one stops working."""
    from ..adapters.db.engine import Database
    from ..services.auth import rotate_token

    settings = load_settings()
    require_schema(settings)
    try:
        click.echo(rotate_token(Database(settings.effective_database_url), name, "cli"))
    except LocsvcError as error:
        fail(error)


@users.command("revoke")
@click.argument("name")
def users_revoke(name: str) -> None:
    """Revoke NAME's token (the user and its history stay)."""
    from ..adapters.db.engine import Database
    from ..services.auth import revoke_user

    settings = load_settings()
    require_schema(settings)
    try:
        revoke_user(Database(settings.effective_database_url), name, "cli")
    except LocsvcError as error:
        fail(error)
    click.echo(f"{name}: revoked")


@click.group()
def glossary() -> None:
    """Show glossaries."""


@glossary.command("sync")
def glossary_sync() -> None:
    """Import every <show>/<src>-<tgt>.csv|tsv|tbx under LOCSVC_GLOSSARY_DIR."""
    ctx = context()
    try:
        sync_glossaries(ctx, quiet=False)
    except LocsvcError as error:
        fail(error, exit_code=2)


def sync_glossaries(ctx, quiet: bool = True) -> None:
    from ..services.episodes import LOCAL_PRINCIPAL
    from ..services.glossaries import sync_glossary_dir

    directory = ctx.settings.glossary_dir
    if not directory.is_dir():
        return
    for view in sync_glossary_dir(ctx, directory, LOCAL_PRINCIPAL):
        if not quiet or not view["unchanged"]:
            console.print(
                f"glossary {view['show']} {view['source_language']}->{view['target_language']}"
                f" version {view['version']}{' (unchanged)' if view['unchanged'] else ''}:"
                f" {view['entry_count']} entries"
            )


@glossary.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--show", required=True)
@click.option("--source", required=True, help="Source language (a column of the file).")
@click.option("--target", required=True, help="Target language (a column of the file).")
def glossary_import(file: Path, show: str, source: str, target: str) -> None:
    """Import a CSV/TSV glossary as the show's newest version for the pair."""
    from ..services.episodes import LOCAL_PRINCIPAL
    from ..services.glossaries import import_glossary

    ctx = context()
    try:
        view = import_glossary(
            ctx, file.read_bytes(), file.name, show, source, target, LOCAL_PRINCIPAL
        )
    except LocsvcError as error:
        fail(error, exit_code=2)
    click.echo(
        f"glossary {view['id']} ({show}, {source}->{target}) version {view['version']}: "
        f"{view['entry_count']} entries"
    )
