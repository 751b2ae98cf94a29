"""The court protocol as stored: the signaling layer's ProtocolStore, over the database.

Entries are numbered in the order they were begun, per hearing, in the transaction that
stores them; the UNIQUE (hearing_id, number) constraint keeps two writers from ever sharing a
number (the loser retries with the next).

Every save keeps the version it replaces: an entry's revisions (protocol_entry_revisions)
are written in the same transaction as the entry, the first with the entry itself, and
``court.protocol.folds_into`` decides when a save replaces its writer's latest revision
instead of adding one.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import InvalidState, NotFound
from court.events import WrittenEvent
from court.protocol import (
    MAX_ENTRY_TEXT,
    EntryKind,
    ProtocolEntry,
    ProtocolRevision,
    ProtocolSignature,
    SignerRole,
    folds_into,
    revision_of,
    same_content,
)
from server.persistence.models import ProtocolEntryRow, ProtocolRevisionRow, ProtocolSignatureRow
from server.persistence.repositories.values import check_text, stored_moment, unix_seconds

MAX_NUMBER_TRIES = 5


def to_entry(row: ProtocolEntryRow, revisions: int) -> ProtocolEntry:
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
        revisions=revisions,
        event=_event(row),
    )


def _event(row: ProtocolEntryRow) -> WrittenEvent | None:
    """The event a system entry was written from; None for the others, and for an entry
    written before events were kept (it renders as written)."""
    if row.event_kind is None or row.event_params is None:
        return None
    return WrittenEvent.from_json(row.event_kind, json.loads(row.event_params))


def event_columns(event: WrittenEvent | None) -> tuple[str | None, str | None]:
    """The event's kind and its parameters as canonical JSON (sorted keys, no spaces)."""
    if event is None:
        return None, None
    params = json.dumps(event.as_json()["params"], sort_keys=True, separators=(",", ":"))
    return event.kind.value, params


def to_revision(row: ProtocolRevisionRow) -> ProtocolRevision:
    return ProtocolRevision(
        entry_id=row.entry_id,
        revision=row.revision,
        kind=EntryKind(row.kind),
        speaker_id=row.speaker_id,
        text=row.text,
        record_ms=row.record_ms,
        saved_by=row.saved_by,
        saved_at=unix_seconds(row.saved_at),
    )


def revision_row(hearing_id: str, revision: ProtocolRevision) -> ProtocolRevisionRow:
    return ProtocolRevisionRow(
        entry_id=revision.entry_id,
        revision=revision.revision,
        hearing_id=hearing_id,
        kind=revision.kind.value,
        speaker_id=revision.speaker_id,
        text=revision.text,
        record_ms=revision.record_ms,
        saved_by=revision.saved_by,
        saved_at=stored_moment(revision.saved_at),
    )


@dataclass(frozen=True, slots=True)
class Revised:
    """What a save did: the entry as saved, and whether it added a revision (False: the
    save changed nothing, or folded into its writer's latest revision)."""

    entry: ProtocolEntry
    added: bool
    changed: tuple[str, ...]  # what the new revision changed: kind, speaker, text, record time


def changes(before: ProtocolRevision, after: ProtocolRevision) -> tuple[str, ...]:
    pairs = (
        ("kind", before.kind, after.kind),
        ("speaker", before.speaker_id, after.speaker_id),
        ("text", before.text, after.text),
        ("record time", before.record_ms, after.record_ms),
    )
    return tuple(name for name, old, new in pairs if old != new)


class ProtocolRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions
        # This process's writers take entry and revision numbers one at a time.
        self._lock = asyncio.Lock()

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
                        event_kind, event_params = event_columns(entry.event)
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
                            event_kind=event_kind,
                            event_params=event_params,
                        )
                        session.add(row)
                        await session.flush()  # the entry before its first revision
                        first = revision_of(to_entry(row, 1), 1, entry.author)
                        session.add(revision_row(entry.hearing_id, first))
                    return to_entry(row, 1)
                except IntegrityError:
                    continue  # another process took the number: take the next
        raise RuntimeError("could not number the protocol entry")

    async def update(self, entry: ProtocolEntry, by: str) -> ProtocolEntry:
        """Save a change to an entry by ``by`` (the writer's actor label), until the protocol
        is signed (InvalidState after)."""
        return (await self.revise(entry, by)).entry

    async def revise(self, entry: ProtocolEntry, by: str) -> Revised:
        """``update``, saying whether the save added a revision. The revision and the entry
        are written in one transaction, the entry's row locked, so that revisions are
        numbered one after another whoever saves."""
        check_text("text", entry.text, MAX_ENTRY_TEXT)
        async with self._lock, self._sessions.begin() as session:
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
            latest_row = await session.scalar(
                select(ProtocolRevisionRow)
                .where(ProtocolRevisionRow.entry_id == entry.id)
                .order_by(ProtocolRevisionRow.revision.desc())
                .limit(1)
            )
            count = await self._count(session, entry.id)
            current = revision_of(to_entry(row, count), 0, by)
            saved = revision_of(entry, (latest_row.revision if latest_row else 0) + 1, by)
            if same_content(current, saved):
                return Revised(to_entry(row, count), False, ())  # nothing to keep
            changed: tuple[str, ...] = ()
            if latest_row is not None and folds_into(to_revision(latest_row), saved):
                latest_row.text = saved.text
                latest_row.saved_at = stored_moment(saved.saved_at)
            else:
                session.add(revision_row(entry.hearing_id, saved))
                count += 1
                changed = changes(current, saved)
            row.kind = entry.kind.value
            row.record_ms = entry.record_ms
            row.speaker_id = entry.speaker_id
            row.text = entry.text
            row.updated_at = stored_moment(entry.updated_at)
            return Revised(to_entry(row, count), bool(changed), changed)

    @staticmethod
    async def _count(session: Any, entry_id: str) -> int:
        counted = await session.scalar(
            select(func.count())
            .select_from(ProtocolRevisionRow)
            .where(ProtocolRevisionRow.entry_id == entry_id)
        )
        return int(counted or 0)

    async def revisions(
        self, hearing_id: str, entry_id: str
    ) -> tuple[ProtocolEntry, list[ProtocolRevision]]:
        """The entry and its versions, oldest first (NotFound if the hearing has no such
        entry)."""
        async with self._sessions() as session:
            row = await session.get(ProtocolEntryRow, entry_id)
            if row is None or row.hearing_id != hearing_id:
                raise NotFound(f"There is no protocol entry {entry_id!r} in this hearing.")
            rows = await session.scalars(
                select(ProtocolRevisionRow)
                .where(ProtocolRevisionRow.entry_id == entry_id)
                .order_by(ProtocolRevisionRow.revision)
            )
            revisions = [to_revision(r) for r in rows]
            return to_entry(row, len(revisions)), revisions

    async def of_hearing(self, hearing_id: str) -> list[ProtocolEntry]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ProtocolEntryRow)
                .where(ProtocolEntryRow.hearing_id == hearing_id)
                .order_by(ProtocolEntryRow.number)
            )
            entries = list(rows)
            counted = await session.execute(
                select(ProtocolRevisionRow.entry_id, func.count())
                .where(ProtocolRevisionRow.hearing_id == hearing_id)
                .group_by(ProtocolRevisionRow.entry_id)
            )
            counts: dict[str, int] = {entry_id: n for entry_id, n in counted}
            return [to_entry(r, counts.get(r.id, 0)) for r in entries]

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
