"""The court's record-signing keys as stored: each key's public half, fingerprint and state,
and for a key that succeeded another, the succession statement with both signatures.

The table is a list of claims, not of trust: anyone who can write the database can add a
row. Which rows are the court's keys is decided in server/court_key.py from the key file
and the signatures. What the table itself guarantees: a fingerprint is stored once, and at
most one key is current (a partial unique index), so of two writers recording a first key
or rotating at the same time, one fails (KeyConflict) and re-reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from server.persistence.models import RecordKeyRow
from server.persistence.repositories.hearings import aware, utc


class RecordKeyState(StrEnum):
    CURRENT = "current"  # the key in the key file, signing now
    RETIRED = "retired"  # succeeded by another; its public key still verifies its records


class KeyConflict(Exception):
    """The keys changed under this writer (another process recorded or rotated first)."""


@dataclass(frozen=True, slots=True)
class Succession:
    statement: str  # the JSON text exactly as signed: {"at", "next", "previous"}
    previous_signature: str  # by the retiring key, hex
    next_signature: str  # by the key that succeeds it, hex


@dataclass(frozen=True, slots=True)
class RecordKey:
    fingerprint: str
    public_key: str  # the raw 32-byte Ed25519 public key, hex
    state: RecordKeyState
    first_used_at: datetime  # UTC
    retired_at: datetime | None = None
    succession: Succession | None = None  # None for the court's first key


def _key(row: RecordKeyRow) -> RecordKey:
    succession = None
    if row.succession is not None:
        succession = Succession(
            statement=row.succession,
            previous_signature=row.previous_signature or "",
            next_signature=row.next_signature or "",
        )
    return RecordKey(
        fingerprint=row.fingerprint,
        public_key=row.public_key,
        state=RecordKeyState(row.state),
        first_used_at=aware(row.first_used_at) or row.first_used_at,
        retired_at=aware(row.retired_at),
        succession=succession,
    )


def _row(key: RecordKey) -> RecordKeyRow:
    succession = key.succession
    return RecordKeyRow(
        fingerprint=key.fingerprint,
        public_key=key.public_key,
        state=key.state.value,
        first_used_at=key.first_used_at.astimezone(UTC),
        retired_at=utc(key.retired_at),
        succession=None if succession is None else succession.statement,
        previous_signature=None if succession is None else succession.previous_signature,
        next_signature=None if succession is None else succession.next_signature,
    )


class RecordKeyRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def all(self) -> list[RecordKey]:
        """Every stored row, oldest first, whatever its claims."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(RecordKeyRow).order_by(RecordKeyRow.first_used_at, RecordKeyRow.fingerprint)
            )
            return [_key(row) for row in rows]

    async def record_first(self, key: RecordKey) -> None:
        """Record the court's first key, if the table is still empty. KeyConflict if it is
        not: then another process recorded a key first, and the caller re-reads."""
        if key.state is not RecordKeyState.CURRENT or key.succession is not None:
            raise ValueError("the court's first key is current and succeeds no other")
        try:
            async with self._sessions.begin() as session:
                if await session.scalar(select(RecordKeyRow.fingerprint).limit(1)) is not None:
                    raise KeyConflict("the court's keys are recorded already")
                session.add(_row(key))
        except IntegrityError:
            raise KeyConflict("another process recorded a key first") from None

    async def rotate(self, previous: str, successor: RecordKey) -> None:
        """In one transaction: the current key ``previous`` retires at the moment the
        ``successor`` is first used, and the successor becomes current. KeyConflict if
        ``previous`` is not the current key (any more)."""
        if successor.state is not RecordKeyState.CURRENT or successor.succession is None:
            raise ValueError("a successor is current and carries its succession statement")
        try:
            async with self._sessions.begin() as session:
                retired = await session.execute(
                    update(RecordKeyRow)
                    .where(
                        RecordKeyRow.fingerprint == previous,
                        RecordKeyRow.state == RecordKeyState.CURRENT.value,
                    )
                    .values(
                        state=RecordKeyState.RETIRED.value,
                        retired_at=successor.first_used_at.astimezone(UTC),
                    )
                )
                if getattr(retired, "rowcount", 0) != 1:
                    raise KeyConflict(f"{previous} is not the court's current key")
                session.add(_row(successor))
        except IntegrityError:
            raise KeyConflict("the court's keys changed during the rotation") from None
