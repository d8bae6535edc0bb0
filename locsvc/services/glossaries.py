"""Glossaries in the database: imported from files, versioned, never edited in place."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.orm import Session

from ..adapters.db.models import GlossaryRecord, GlossaryVersion
from ..adapters.db.repositories import GlossaryRepository
from ..adapters.glossary_files import read_glossary_file
from ..domain.access import Principal, Role, require_role
from ..domain.errors import InvalidRequest, NotFound
from ..domain.glossary import DEFAULT_SCOPE, EntryKind, Glossary, GlossaryEntry, layered
from ..wiring import Context
from .episodes import is_show_slug


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
    """A new version of the show's glossary for the pair (created on first import)."""
    require_role(principal, Role.PRODUCER)
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
        version = repository.add_version(
            record, [_entry_dict(e) for e in entries], filename, principal.name
        )
        return _view(record, version, with_entries=False)


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
        "created_at": version.created_at.isoformat().replace("+00:00", "Z"),
    }
    if with_entries:
        view["entries"] = version.entries
    return view
