"""Translation memories: units stored, superseded and looked up (exact by key, fuzzy
through the token postings), on PostgreSQL and SQLite alike."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from ....domain.translation_memory import (
    MemoryUnit,
    Probe,
    UnitKind,
    context_key,
    index_tokens,
    normalized,
    source_key,
    tokens,
)
from ..models import MemoryPosting, MemoryTokenCount, MemoryUnitRow, TranslationMemory, utcnow

CHUNK = 500  # keys or ids per IN (...): well under every driver's parameter limit
PROBES_PER_QUERY = 25  # a few thousand parameters per postings query
# Lookups read plain rows, not ORM objects: a lookup may read tens of thousands of units.
UNIT_COLUMNS = MemoryUnitRow.__table__


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class MemoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, scope: str, source: str, target: str) -> TranslationMemory | None:
        return self.session.scalar(
            select(TranslationMemory).where(
                TranslationMemory.scope == scope,
                TranslationMemory.source_language == source,
                TranslationMemory.target_language == target,
            )
        )

    def get_or_create(self, scope: str, source: str, target: str) -> TranslationMemory:
        memory = self.find(scope, source, target)
        if memory is None:
            memory = TranslationMemory(scope=scope, source_language=source, target_language=target)
            self.session.add(memory)
            self.session.flush()
        return memory

    def memories(self, scope: str) -> Sequence[TranslationMemory]:
        return self.session.scalars(
            select(TranslationMemory)
            .where(TranslationMemory.scope == scope)
            .order_by(TranslationMemory.id)
        ).all()

    def add(self, memory: TranslationMemory, units: Sequence[MemoryUnit]) -> tuple[int, int]:
        """Store ``units`` in ``memory``: each supersedes the current unit of the same kind,
        source and context (which stays, as history), and a unit that repeats a current
        one exactly (a re-imported file, an approval approved again) is not stored twice.
        (added, unchanged)."""
        now = utcnow()
        latest: dict[tuple[str, str, str], MemoryUnit] = {}
        for unit in units:  # within one batch the last one wins
            context = context_key(unit.previous, unit.following)
            latest[(unit.kind.value, source_key(unit.source), context)] = unit
        current = self._current(memory.id, {key for _, key, _ in latest})
        replaced: list[int | None] = []  # the current unit each fresh one supersedes
        fresh: list[MemoryUnit] = []
        for slot, unit in latest.items():
            row = current.get(slot)
            if row is not None and normalized(row.target_text) == normalized(unit.target):
                continue
            replaced.append(row.id if row is not None else None)
            fresh.append(unit)
        unchanged = len(units) - len(fresh)
        ids = self._insert_units(memory.id, fresh, now)
        superseded = [
            {"id": old, "superseded_at": now, "superseded_by": new}
            for old, new in zip(replaced, ids, strict=True)
            if old is not None
        ]
        if superseded:
            self.session.execute(update(MemoryUnitRow), superseded)  # by primary key
        for chunk in _chunks([row["id"] for row in superseded]):
            self.session.execute(delete(MemoryPosting).where(MemoryPosting.unit_id.in_(chunk)))
        self._index(memory.id, list(zip(ids, fresh, strict=True)))
        return len(fresh), unchanged

    def _current(
        self, memory_id: int, keys: Collection[str]
    ) -> dict[tuple[str, str, str], MemoryUnitRow]:
        rows: dict[tuple[str, str, str], MemoryUnitRow] = {}
        for chunk in _chunks(sorted(keys)):
            for row in self.session.scalars(
                select(MemoryUnitRow).where(
                    MemoryUnitRow.memory_id == memory_id,
                    MemoryUnitRow.source_key.in_(chunk),
                    MemoryUnitRow.superseded_at.is_(None),
                )
            ):
                rows[(row.kind, row.source_key, row.context_key)] = row
        return rows

    def _insert_units(
        self, memory_id: int, units: Sequence[MemoryUnit], now: datetime
    ) -> list[int]:
        ids: list[int] = []
        for chunk in _chunks(units):
            rows = [_row(memory_id, unit, now) for unit in chunk]
            ids += self.session.scalars(
                insert(MemoryUnitRow).returning(MemoryUnitRow.id, sort_by_parameter_order=True),
                rows,
            ).all()
        return ids

    def _index(self, memory_id: int, units: Sequence[tuple[int, MemoryUnit]]) -> None:
        postings = [
            {"memory_id": memory_id, "token": token, "token_count": len(tokens(unit.source)),
             "unit_id": unit_id}
            for unit_id, unit in units
            for token in index_tokens(unit.source)
        ]  # fmt: skip
        for chunk in _chunks(postings, 5000):
            self.session.execute(insert(MemoryPosting), list(chunk))
        counts = Counter(row["token"] for row in postings)
        rows = [{"memory_id": memory_id, "token": t, "units": n} for t, n in sorted(counts.items())]
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        for chunk in _chunks(rows, 5000):
            statement = dialect.insert(MemoryTokenCount)
            self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["memory_id", "token"],
                    set_={"units": MemoryTokenCount.units + statement.excluded.units},
                ),
                list(chunk),
            )

    def units(self, memory: TranslationMemory, with_history: bool = False) -> Iterator[MemoryUnit]:
        """Every current unit (and superseded ones too, ``with_history``), oldest first."""
        query = select(MemoryUnitRow).where(MemoryUnitRow.memory_id == memory.id)
        if not with_history:
            query = query.where(MemoryUnitRow.superseded_at.is_(None))
        rows = self.session.execute(query.order_by(MemoryUnitRow.id).execution_options(
            yield_per=2000)).scalars()  # fmt: skip
        for row in rows:
            yield _unit(row, memory)

    def count(self, memory: TranslationMemory) -> int:
        return self.session.scalar(
            select(func.count()).select_from(MemoryUnitRow).where(
                MemoryUnitRow.memory_id == memory.id, MemoryUnitRow.superseded_at.is_(None))
        ) or 0  # fmt: skip

    def source(self, memories: Sequence[TranslationMemory]) -> MemoryCandidates:
        return MemoryCandidates(self.session, memories)


class MemoryCandidates:
    """The CandidateSource of domain.translation_memory over stored memories."""

    def __init__(self, session: Session, memories: Sequence[TranslationMemory]) -> None:
        self.session = session
        self.memories = {memory.id: memory for memory in memories}

    def exact(self, keys: Collection[str]) -> list[MemoryUnit]:
        if not self.memories:
            return []
        units: list[MemoryUnit] = []
        for chunk in _chunks(sorted(keys)):
            units += [
                _unit(row, self.memories[row.memory_id])
                for row in self.session.execute(
                    select(UNIT_COLUMNS).where(
                        MemoryUnitRow.memory_id.in_(self.memories),
                        MemoryUnitRow.source_key.in_(chunk),
                        MemoryUnitRow.superseded_at.is_(None),
                    )
                )
            ]
        return units

    def token_counts(self, tokens: Collection[str]) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for chunk in _chunks(sorted(tokens)):
            for token, units in self.session.execute(
                select(MemoryTokenCount.token, MemoryTokenCount.units).where(
                    MemoryTokenCount.memory_id.in_(self.memories),
                    MemoryTokenCount.token.in_(chunk),
                )
            ):
                counts[token] += units
        return dict(counts)

    def candidates(self, probes: Sequence[Probe], limit: int) -> list[list[MemoryUnit]]:
        """One query of the postings per PROBES_PER_QUERY probes (each probe its tokens and
        length window), then the units by id."""
        found: list[list[int]] = [[] for _ in probes]
        if not self.memories:
            return [[] for _ in probes]
        memories = list(self.memories)
        for start in range(0, len(probes), PROBES_PER_QUERY):
            batch = probes[start : start + PROBES_PER_QUERY]
            rows: list[str] = []
            values: dict[str, object] = {}
            for offset, probe in enumerate(batch):
                low, high = probe.lengths
                for token in probe.tokens:
                    n = len(rows)
                    rows.append(f"(:q{n}, :t{n}, :lo{n}, :hi{n}, :k{n})")
                    values.update({f"q{n}": start + offset, f"t{n}": token, f"lo{n}": low,
                                   f"hi{n}": high, f"k{n}": probe.needed})  # fmt: skip
            if not rows:
                continue
            # Written by hand: the statement has thousands of rows, and building it as
            # SQLAlchemy expressions cost more than running it. One index range scan per
            # (probe, token) on both databases; an OR or IN over probes reads far more.
            held = text(
                f"WITH asked (probe, token, lo, hi, needed) AS (VALUES {', '.join(rows)}) "
                "SELECT asked.probe, p.unit_id, count(*) FROM asked JOIN tm_postings p"
                f" ON p.memory_id IN ({', '.join(str(int(m)) for m in memories)})"
                " AND p.token = asked.token AND p.token_count BETWEEN asked.lo AND asked.hi"
                " GROUP BY asked.probe, asked.needed, p.unit_id"
                " HAVING count(*) >= asked.needed"
            )
            counted: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for number, unit_id, tokens_held in self.session.execute(held, values):
                counted[number].append((tokens_held, unit_id))
            for number, held_by in counted.items():  # past the limit, those holding most
                found[number] = [unit_id for _, unit_id in sorted(held_by, reverse=True)[:limit]]
        units = self._units({unit_id for ids in found for unit_id in ids})
        return [[units[unit_id] for unit_id in ids if unit_id in units] for ids in found]

    def _units(self, ids: Collection[int]) -> dict[int, MemoryUnit]:
        units: dict[int, MemoryUnit] = {}
        for chunk in _chunks(sorted(ids)):
            for row in self.session.execute(
                select(UNIT_COLUMNS).where(MemoryUnitRow.id.in_(chunk),
                                           MemoryUnitRow.superseded_at.is_(None))
            ):  # fmt: skip
                units[row.id] = _unit(row, self.memories[row.memory_id])
        return units


def _row(memory_id: int, unit: MemoryUnit, now: datetime) -> dict:
    return {
        "memory_id": memory_id,
        "kind": unit.kind.value,
        "source_text": unit.source,
        "target_text": unit.target,
        "source_key": source_key(unit.source),
        "context_key": context_key(unit.previous, unit.following),
        "previous_text": unit.previous,
        "following_text": unit.following,
        "token_count": len(tokens(unit.source)),
        "episode_id": unit.episode_id,
        "revision": unit.revision,
        "origin": unit.origin[:600],
        "created_by": unit.created_by,
        "created_at": _moment(unit.created_at),
        "changed_by": unit.changed_by,
        "changed_at": _moment(unit.changed_at),
        "stored_at": now,
    }


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def _unit(row: MemoryUnitRow | Row, memory: TranslationMemory) -> MemoryUnit:
    return MemoryUnit(
        source=row.source_text,
        target=row.target_text,
        source_language=memory.source_language,
        target_language=memory.target_language,
        kind=UnitKind(row.kind),
        previous=row.previous_text,
        following=row.following_text,
        show=memory.scope,
        episode_id=row.episode_id,
        revision=row.revision,
        created_by=row.created_by,
        created_at=_iso(row.created_at),
        changed_by=row.changed_by,
        changed_at=_iso(row.changed_at),
        origin=row.origin,
        id=row.id,
    )
