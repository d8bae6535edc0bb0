"""`locsvc localize`, `translate` and `qc`: the pipeline and its parts on local files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..domain.errors import InvalidRequest, LocsvcError
from .admin import sync_glossaries
from .support import console, fail, load_settings, own_worker_unless_one_is_alive, require_schema


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
)
@click.option("--show", default="local", show_default=True)
@click.option("--title", default=None)
@click.option(
    "--language",
    "source_language",
    default=None,
    help="Source language (BCP 47); detected if not given.",
)
@click.option("--to", "targets", default="", help="Target languages, a comma list: es,pt-BR.")
@click.option(
    "--glossary",
    "glossary_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV/TSV/TBX glossary, imported as the show's for each target it has (needs --language).",
)
@click.option(
    "--source-subs", "source_subs", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The source language's subtitles (SRT, VTT, TTML...): the source track, no ASR.",
)  # fmt: skip
@click.option(
    "--script", "script", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The script or dialogue list (no times): its words are timed by the speech.",
)  # fmt: skip
@click.option(
    "--resegment",
    is_flag=True,
    help="With --source-subs: new events and line breaks for the profile.",
)
def localize(file: Path, out_dir: Path, show: str, title: str | None, source_language: str | None,
             targets: str, glossary_path: Path | None, source_subs: Path | None,
             script: Path | None, resegment: bool) -> None:  # fmt: skip
    """Run the whole pipeline on FILE and write the drafts and QC reports into OUT; from
    the producer's subtitles (--source-subs) or script (--script) when given."""
    from ..app import create_app
    from ..app_context import context_of
    from ..domain.requests import NewEpisode, parse_targets
    from ..services.drafts import write_drafts
    from ..services.episodes import LOCAL_PRINCIPAL, submit_file
    from ..services.glossaries import import_for_targets
    from .progress import follow_episode

    settings = load_settings()
    require_schema(settings)
    ctx = context_of(create_app())
    wanted = parse_targets(targets)
    meta = NewEpisode(title or file.stem, show, file.name, source_language, targets=wanted)
    try:
        source_text = _source_text(source_subs, script, resegment)
        meta.validated(ctx.translators)  # before anything is imported
        sync_glossaries(ctx)
        if glossary_path is not None:
            if source_language is None or not wanted:
                raise InvalidRequest("--glossary needs --language and --to.")
            for view in import_for_targets(
                ctx, glossary_path.read_bytes(), glossary_path.name, show,
                source_language, wanted, LOCAL_PRINCIPAL,
            ):  # fmt: skip
                console.print(
                    f"glossary {show} {view['source_language']}->{view['target_language']} "
                    f"version {view['version']}: {view['entry_count']} entries"
                )
        episode_id = submit_file(ctx, file, meta, source_text)
    except LocsvcError as error:
        fail(error, exit_code=2)
    console.print(f"episode {episode_id}: {file.name}")
    worker_log = settings.data_dir / "logs" / "worker.log"
    with own_worker_unless_one_is_alive(ctx, worker_log) as spawned:
        try:
            follow_episode(ctx, episode_id, console, spawned, worker_log)
        except LocsvcError as error:
            fail(error)
    for path in write_drafts(ctx, episode_id, out_dir, file.stem):
        click.echo(str(path.resolve()))


def _source_text(source_subs: Path | None, script: Path | None, resegment: bool):
    """The producer's subtitles or script for `localize`, checked (one of them, at most)."""
    from ..domain.pipeline import SourceText
    from ..services.source_text import SourceTextFile

    if source_subs and script:
        raise InvalidRequest("Give --source-subs or --script, not both.")
    if resegment and not source_subs:
        raise InvalidRequest("--resegment needs --source-subs.")
    path, kind = (source_subs, SourceText.SUBTITLES) if source_subs else (script, SourceText.SCRIPT)
    if path is None:
        return None
    return SourceTextFile(kind, path.read_bytes(), path.name, resegment).checked()


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", "language", required=True, help="Language of the file (BCP 47).")
@click.option("--frame-rate", default=None, help="Frames per second (25, 24000/1001).")
@click.option("--audience", type=click.Choice(["adult", "children"]), default="adult")
@click.option("--format", "fmt", default=None, help="srt, vtt, sbv, ass (default: by name).")
@click.option("--encoding", default=None, help="Text encoding, when not UTF-8/16/32.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def qc(file: Path, language: str, frame_rate: str | None, audience: str, fmt: str | None,
       encoding: str | None, as_json: bool) -> None:  # fmt: skip
    """QC report of a subtitle file: exit 0 clean, 1 with errors, 2 unreadable."""
    from ..services.qc import qc_file
    from .reports import print_qc

    rate = frame_rate or load_settings().default_frame_rate
    try:
        result = qc_file(file.read_bytes(), language, rate, file.name, fmt, audience, encoding)
    except LocsvcError as error:
        fail(error, exit_code=2)
    print_qc(result, as_json)
    sys.exit(0 if result.report.passed else 1)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "source", required=True, help="Source language (BCP 47).")
@click.option("--to", "target", required=True, help="Target language (BCP 47).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--glossary", "glossary_path", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--engine",
    default=None,
    help="apertium, bergamot, transformers or llm (default: by language pair).",
)
@click.option("--frame-rate", default=None, help="Frames per second (25, 24000/1001).")
@click.option("--show", default=None, help="Use the show's translation memory and glossaries.")
@click.option(
    "--tm", "tm_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None, help="A TMX file to use as translation memory for this run.",
)  # fmt: skip
def translate(file: Path, source: str, target: str, out_path: Path, glossary_path: Path | None,
              engine: str | None, frame_rate: str | None, show: str | None,
              tm_path: Path | None) -> None:  # fmt: skip
    """Translate a subtitle file, with glossary enforcement, re-fitted to the target rules;
    exact matches of a translation memory (--show, --tm) are taken as they are."""
    from ..services.memory import memory_for_file
    from ..services.translate import translate_file
    from ..wiring import translators_for
    from .reports import print_translation
    from .support import context

    suffix = out_path.suffix.lstrip(".").lower()
    out_format = {"webvtt": "vtt", "xml": "ttml"}.get(suffix, suffix)
    glossary = (glossary_path.read_bytes(), glossary_path.name) if glossary_path else None
    try:
        settings = load_settings()
        tmx = (tm_path.read_bytes(), tm_path.name) if tm_path else None
        memory, show_glossary = memory_for_file(context() if show else None, show, tmx,
                                                source, target)  # fmt: skip
        result = translate_file(
            translators_for(settings), file.read_bytes(), file.name, source, target,
            out_format, frame_rate or settings.default_frame_rate, glossary, engine,
            memory, show_glossary,
        )  # fmt: skip
    except LocsvcError as error:
        fail(error, exit_code=2)
    temp = out_path.with_name(out_path.name + ".part")
    temp.write_text(result.body, encoding="utf-8")
    temp.replace(out_path)
    print_translation(result)
    click.echo(str(out_path))
