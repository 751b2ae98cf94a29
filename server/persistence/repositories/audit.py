"""The audit log as stored: rows appended at the head of the chain, read in order.

The repository knows nothing of digests; server.audit computes them. It only guarantees
what the table guarantees: ``seq`` and ``previous_digest`` are unique, so of two writers
that read the same head, one insert fails (ChainConflict) and that writer re-reads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from server.persistence.models import AuditEntryRow
from server.persistence.repositories.hearings import aware


class ChainConflict(Exception):
    """Another writer appended at the same head first: re-read the head and try again."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime  # UTC
    actor: str
    action: str
    object: str
    outcome: str
    reason: str
    previous_digest: str
    digest: str


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=aware(row.at) or row.at,
        actor=row.actor,
        action=row.action,
        object=row.object,
        outcome=row.outcome,
        reason=row.reason,
        previous_digest=row.previous_digest,
        digest=row.digest,
    )


class AuditRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def head(self) -> AuditEntry | None:
        """The newest entry, or None while the log is empty."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1)
            )
            return None if row is None else _entry(row)

    async def append(self, entry: AuditEntry) -> None:
        """Insert ``entry``; ChainConflict if its seq or previous digest is already taken."""
        row = AuditEntryRow(**asdict(entry))
        try:
            async with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError as exc:
            raise ChainConflict(str(exc.orig)) from exc

    async def page(
        self, *, after: int = 0, limit: int = 100, action: str | None = None
    ) -> list[AuditEntry]:
        """Entries with seq > ``after`` in order, at most ``limit``, optionally of one action."""
        query = select(AuditEntryRow).where(AuditEntryRow.seq > after)
        if action is not None:
            query = query.where(AuditEntryRow.action == action)
        async with self._sessions() as session:
            rows = await session.scalars(query.order_by(AuditEntryRow.seq).limit(limit))
            return [_entry(r) for r in rows]

    async def latest(self, limit: int) -> list[AuditEntry]:
        """The newest ``limit`` entries, oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(limit)
            )
            return sorted((_entry(r) for r in rows), key=lambda e: e.seq)

    async def mentioning(self, text: str, limit: int = 10_000) -> list[AuditEntry]:
        """Entries whose object names ``text`` (a hearing id: ``hearing:<id>``,
        ``hearing:<id>/archive``...), oldest first: an export's audit extract."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(AuditEntryRow)
                .where(AuditEntryRow.object.contains(text, autoescape=True))
                .order_by(AuditEntryRow.seq)
                .limit(limit)
            )
            return [_entry(r) for r in rows]

    async def objects_of(self, action: str) -> set[str]:
        """The objects of every allowed entry with ``action`` (``recording.sealed``: which
        recordings were ever sealed)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(AuditEntryRow.object).where(
                    AuditEntryRow.action == action, AuditEntryRow.outcome == "allowed"
                )
            )
            return set(rows)

    async def count(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(AuditEntryRow)) or 0)

    async def walk(self, batch: int = 1000, after: int | None = None) -> AsyncIterator[AuditEntry]:
        """Every entry in seq order (only those past seq ``after`` if given), read in
        batches so a long log never sits in memory."""
        while True:
            query = select(AuditEntryRow).order_by(AuditEntryRow.seq).limit(batch)
            if after is not None:
                query = query.where(AuditEntryRow.seq > after)
            async with self._sessions() as session:
                rows = [_entry(r) for r in await session.scalars(query)]
            for entry in rows:
                yield entry
            if len(rows) < batch:
                return
            after = rows[-1].seq
