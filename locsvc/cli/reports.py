"""How the command line shows reports."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from ..domain.qc import QcReport
from ..services.qc import FileQc
from ..services.translate import TranslatedFile


def print_translation(result: TranslatedFile) -> None:
    console = Console(stderr=True)
    translation = result.translation
    engine = ", ".join(f"{key} {value}" for key, value in translation.engine.items())
    console.print(
        f"{translation.sentences} sentences translated ({engine}) into "
        f"{len(translation.cues)} cues; {len(translation.glossary_issues)} glossary issues"
    )
    if translation.memory is not None:
        _print_leverage(translation.memory["leverage"], console)
    _print_report(result.report, console)


def _print_leverage(leverage: dict, console: Console) -> None:
    table = Table("memory match", "segments", "words", "share of words", title="Leverage")
    for row in leverage["bands"]:
        table.add_row(row["band"], str(row["segments"]), str(row["words"]), f"{row['share']:.1%}")
    table.add_row("total", str(leverage["segments"]), str(leverage["words"]), "")
    console.print(table)


def print_qc(result: FileQc, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    console = Console()
    for warning in result.parsed.warnings:
        console.print(f"[yellow]reading:[/] {warning}")
    _print_report(result.report, console)


def _print_report(report: QcReport, console: Console) -> None:
    if report.issues:
        table = Table("cue", "rule", "severity", "value", "limit", "message")
        for issue in report.issues:
            colour = "red" if issue.severity == "error" else "yellow"
            table.add_row(
                str(issue.cue), issue.rule.value, f"[{colour}]{issue.severity.value}[/]",
                _show(issue.value), _show(issue.limit), issue.message,
            )  # fmt: skip
        console.print(table)
    profile = report.profile
    console.print(
        f"{report.cue_count} cues, {report.errors} errors, "
        f"{len(report.issues) - report.errors} warnings "
        f"({profile.language}, {profile.audience.value}: "
        f"{profile.max_chars_per_line:g} chars/line, "
        f"{profile.reading_speed_cps:g} chars/s, {report.frame_rate:g} fps)"
    )


def _show(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
