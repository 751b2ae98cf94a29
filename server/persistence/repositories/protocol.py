"""The court protocol as stored: the signaling layer's ProtocolStore, over the database.

Entries are numbered in the order they were begun, per hearing, in the transaction that
stores them; the UNIQUE (hearing_id, number) constraint keeps two writers from ever sharing a
number (the loser retries with the next).
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import InvalidState, NotFound
from court.protocol import (
    MAX_ENTRY_TEXT,
    EntryKind,
    ProtocolEntry,
    ProtocolSignature,
    SignerRole,
)
from server.persistence.models import ProtocolEntryRow, ProtocolSignatureRow
from server.persistence.repositories.values import check_text, stored_moment, unix_seconds

MAX_NUMBER_TRIES = 5


def to_entry(row: ProtocolEntryRow) -> ProtocolEntry:
    return ProtocolEntry(
        id=row.id,
        hearing_id=row.hearing_id,
        number=row.number,
        kind=EntryKind(row.kind),
        recording_id=row.recording_id,
        record_ms=row.record_ms,
        speaker_id=row.speaker_id,
        text=row.text,
        author=row.author,
        automatic=row.automatic,
        created_at=unix_seconds(row.created_at),
        updated_at=unix_seconds(row.updated_at),
    )


class ProtocolRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions
        self._lock = asyncio.Lock()  # this process's writers take numbers one at a time

    async def add(self, entry: ProtocolEntry) -> ProtocolEntry:
        """Number and store the entry. Once the protocol is signed only corrections are
        added (InvalidState otherwise)."""
        check_text("text", entry.text, MAX_ENTRY_TEXT)
        if entry.kind is not EntryKind.CORRECTION and await self.signatures(entry.hearing_id):
            raise InvalidState("The protocol is signed: only corrections may be added.")
        async with self._lock:
            for _ in range(MAX_NUMBER_TRIES):
                try:
                    async with self._sessions.begin() as session:
                        last = await session.scalar(
                            select(func.max(ProtocolEntryRow.number)).where(
                                ProtocolEntryRow.hearing_id == entry.hearing_id
                            )
                        )
                        row = ProtocolEntryRow(
                            id=entry.id,
                            hearing_id=entry.hearing_id,
                            number=(last or 0) + 1,
                            kind=entry.kind.value,
                            recording_id=entry.recording_id,
                            record_ms=entry.record_ms,
                            speaker_id=entry.speaker_id,
                            text=entry.text,
                            author=entry.author,
                            automatic=entry.automatic,
                            created_at=stored_moment(entry.created_at),
                            updated_at=stored_moment(entry.updated_at),
                        )
                        session.add(row)
                    return to_entry(row)
                except IntegrityError:
                    continue  # another process took the number: take the next
        raise RuntimeError("could not number the protocol entry")

    async def update(self, entry: ProtocolEntry) -> ProtocolEntry:
        """Save a change to an entry, until the protocol is signed (InvalidState after)."""
        check_text("text", entry.text, MAX_ENTRY_TEXT)
        async with self._sessions.begin() as session:
            signed = await session.scalar(
                select(func.count())
                .select_from(ProtocolSignatureRow)
                .where(ProtocolSignatureRow.hearing_id == entry.hearing_id)
            )
            if signed:
                raise InvalidState("The protocol is signed: nothing in it is rewritten.")
            row = await session.get(ProtocolEntryRow, entry.id, with_for_update=True)
            if row is None or row.hearing_id != entry.hearing_id:
                raise NotFound(f"There is no protocol entry {entry.id!r} in this hearing.")
            row.kind = entry.kind.value
            row.record_ms = entry.record_ms
            row.speaker_id = entry.speaker_id
            row.text = entry.text
            row.updated_at = stored_moment(entry.updated_at)
            return to_entry(row)

    async def of_hearing(self, hearing_id: str) -> list[ProtocolEntry]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ProtocolEntryRow)
                .where(ProtocolEntryRow.hearing_id == hearing_id)
                .order_by(ProtocolEntryRow.number)
            )
            return [to_entry(r) for r in rows]

    async def sign(self, signature: ProtocolSignature) -> ProtocolSignature:
        """Store one signer's signature (InvalidState if that role has signed already)."""
        try:
            async with self._sessions.begin() as session:
                session.add(
                    ProtocolSignatureRow(
                        hearing_id=signature.hearing_id,
                        role=signature.role.value,
                        signer=signature.signer,
                        digest=signature.digest,
                        signed_at=stored_moment(signature.signed_at),
                    )
                )
        except IntegrityError:
            raise InvalidState(f"The {signature.role.value} has signed this protocol.") from None
        return signature

    async def signatures(self, hearing_id: str) -> list[ProtocolSignature]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ProtocolSignatureRow)
                .where(ProtocolSignatureRow.hearing_id == hearing_id)
                .order_by(ProtocolSignatureRow.signed_at)
            )
            return [
                ProtocolSignature(
                    hearing_id=r.hearing_id,
                    role=SignerRole(r.role),
                    signer=r.signer,
                    digest=r.digest,
                    signed_at=unix_seconds(r.signed_at),
                )
                for r in rows
            ]
