"""Glossaries in the database: imported from files, versioned, never edited in place."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from sqlalchemy.orm import Session

from ..adapters.db.models import GlossaryRecord, GlossaryVersion
from ..adapters.db.repositories import AuditLog, GlossaryRepository
from ..adapters.glossary_files import glossary_languages, read_glossary_file
from ..domain.access import Principal, Role, require_role, require_show
from ..domain.errors import InvalidRequest, NotFound
from ..domain.glossary import DEFAULT_SCOPE, EntryKind, Glossary, GlossaryEntry, layered
from ..domain.requests import is_show_slug
from ..ports import Context
from .timestamps import iso


def import_glossary(
    ctx: Context,
    data: bytes,
    filename: str,
    show: str,
    source: str,
    target: str,
    principal: Principal,
    glossary_id: int | None = None,
) -> dict:
    """A new version of the show's glossary for the pair (created on first import).
    The default scope (below every show) is changed only by admins and unscoped users."""
    require_role(principal, Role.PRODUCER)
    require_show(principal, show)
    if not is_show_slug(show):
        raise InvalidRequest(
            "`show` must be a slug: lower-case letters, digits, '-' and '_'"
            f" ({DEFAULT_SCOPE!r}: the default scope, below every show).",
            field="show",
        )
    entries = read_glossary_file(data, source, target, filename)
    if not entries:
        raise InvalidRequest("The glossary file has no entries.")
    with ctx.db.session() as session:
        repository = GlossaryRepository(session)
        if glossary_id is not None:
            record = repository.get(glossary_id)
            if (record.show, record.source_language, record.target_language) != (
                show,
                source,
                target,
            ):
                raise InvalidRequest("That glossary is for another show or language pair.")
        else:
            record = repository.get_or_create(show, source, target)
        rows = [_entry_dict(e) for e in entries]
        latest = record.versions[-1] if record.versions else None
        if latest is not None and latest.entries == rows:
            # The same file again (a re-run script, a retried request): no new version.
            return {**_view(record, latest, with_entries=False), "unchanged": True}
        version = repository.add_version(record, rows, filename, principal.name)
        AuditLog(session).record(
            principal.name, "glossary.import", f"glossary:{record.id}",
            {"version": latest.number if latest else None},
            {"version": version.number, "file": filename, "entries": len(rows)},
        )  # fmt: skip
        return {**_view(record, version, with_entries=False), "unchanged": False}


def import_for_targets(
    ctx: Context,
    data: bytes,
    filename: str,
    show: str,
    source: str,
    targets: tuple[str, ...],
    principal: Principal,
) -> list[dict]:
    """One file with columns for several target languages (en,es,pt-BR) imported as the
    show's glossary for each target it covers; an error when it covers none."""
    languages = glossary_languages(data, filename)
    covered = [t for t in targets if t.lower() in languages]
    if source.lower() not in languages or not covered:
        raise InvalidRequest(
            f"The glossary {filename} has terms in {', '.join(sorted(languages)) or 'no language'}"
            f"; it needs {source} and one of {', '.join(targets)}."
        )
    return [
        import_glossary(ctx, data, filename, show, source, target, principal) for target in covered
    ]


GLOSSARY_SUFFIXES = (".csv", ".tsv", ".tbx")


def pair_from_filename(stem: str) -> tuple[str, str] | None:
    """("en", "pt-BR") from "en-pt-BR": the target starts at the first hyphen before a
    lower-case letter (BCP 47 writes languages in lower case, regions and scripts not)."""
    for index, char in enumerate(stem):
        if char == "-" and index > 0 and stem[index + 1 : index + 2].islower():
            return stem[:index], stem[index + 1 :]
    return None


def sync_glossary_dir(ctx: Context, directory: Path, principal: Principal) -> list[dict]:
    """Import every ``<show>/<src>-<tgt>.csv|tsv|tbx`` under ``directory``; a file whose
    entries are already the latest version adds nothing."""
    views = []
    for path in sorted(directory.glob("*/*")):
        pair = pair_from_filename(path.stem)
        if path.suffix.lower() not in GLOSSARY_SUFFIXES or pair is None:
            continue
        show = path.parent.name
        views.append(import_glossary(ctx, path.read_bytes(), path.name, show, *pair, principal))
    return views


def glossary_view(ctx: Context, glossary_id: int, version: int | None = None) -> dict:
    with ctx.db.session() as session:
        record = GlossaryRepository(session).get(glossary_id)
        return _view(record, _version(record, version), with_entries=True)


def list_glossaries(ctx: Context, show: str | None) -> list[dict]:
    with ctx.db.session() as session:
        return [
            _view(record, record.versions[-1], with_entries=False)
            for record in GlossaryRepository(session).find_many(show)
            if record.versions
        ]


def load_glossary(
    ctx: Context, glossary_id: int, version: int | None = None
) -> tuple[Glossary, int]:
    """The domain glossary of a version (the latest by default), and that version's number."""
    with ctx.db.session() as session:
        record = GlossaryRepository(session).get(glossary_id)
        chosen = _version(record, version)
        entries = [_entry(e) for e in chosen.entries]
        return Glossary(entries, record.source_language, record.target_language), chosen.number


def resolve_glossary(
    session: Session, requested: str | None, show: str, source: str, target: str
) -> tuple[Glossary | None, list[dict]]:
    """The glossary a translation of ``show`` from ``source`` into ``target`` uses, and the
    versions it was built from (recorded with the track). ``requested`` is what the upload
    asked for: a glossary id (used for its own language pair), or another show's slug
    (a spin-off using its franchise's terms). Below the show's glossary lies the default
    scope's; a show's entry wins over a default one for the same term."""
    repository = GlossaryRepository(session)
    chosen: GlossaryRecord | None = None
    if requested and requested.isdigit():
        record = repository.get(int(requested))
        if (record.source_language, record.target_language) == (source, target):
            chosen = record
    scope = requested if requested and not requested.isdigit() else show
    layers = [
        record
        for record in (
            chosen or repository.find(scope, source, target),
            repository.find(DEFAULT_SCOPE, source, target),
        )
        if record is not None and record.versions
    ]
    return _layered(layers, [r.versions[-1] for r in layers], source, target)


def load_recorded_glossary(session: Session, used: list[dict]) -> Glossary | None:
    """The glossary exactly as a track recorded it (ids and versions)."""
    repository = GlossaryRepository(session)
    records = [repository.get(u["id"]) for u in used]
    versions = [_version(r, u["version"]) for r, u in zip(records, used, strict=True)]
    if not records:
        return None
    return _layered(records, versions, records[0].source_language, records[0].target_language)[0]


def _layered(
    records: list[GlossaryRecord], versions: list[GlossaryVersion], source: str, target: str
) -> tuple[Glossary | None, list[dict]]:
    if not records:
        return None, []
    entries: list[GlossaryEntry] = []
    for version in versions:
        entries = layered(entries, [_entry(e) for e in version.entries])
    used = [
        {"id": r.id, "show": r.show, "version": v.number}
        for r, v in zip(records, versions, strict=True)
    ]
    return Glossary(entries, source, target), used


def _version(record: GlossaryRecord, number: int | None) -> GlossaryVersion:
    versions = {v.number: v for v in record.versions}
    wanted = number if number is not None else max(versions, default=0)
    if wanted not in versions:
        raise NotFound(f"Glossary {record.id} has no version {wanted}.", versions=sorted(versions))
    return versions[wanted]


def _entry_dict(entry: GlossaryEntry) -> dict:
    return {**asdict(entry), "kind": entry.kind.value, "variants": list(entry.variants)}


def _entry(data: dict) -> GlossaryEntry:
    return GlossaryEntry(
        **{**data, "kind": EntryKind(data["kind"]), "variants": tuple(data["variants"])}
    )


def _view(record: GlossaryRecord, version: GlossaryVersion, with_entries: bool) -> dict:
    view = {
        "id": record.id,
        "show": record.show,
        "source_language": record.source_language,
        "target_language": record.target_language,
        "version": version.number,
        "entry_count": len(version.entries),
        "source_file": version.source_file,
        "created_by": version.created_by,
        "created_at": iso(version.created_at),
    }
    if with_entries:
        view["entries"] = version.entries
    return view
