"""The court protocol in a live hearing: the bench writes entries, the court's actions are
written down by themselves, and both editors see every change at once.

An entry is stamped when its writer begins it: the running recording and the record time,
less the moment the writer says they began typing before sending (``began_ms_ago``), and
the writer may move the stamp afterwards. Stamps are where what the court hears at that
moment lands in the master (``MASTER_LAG_MS`` later), so playing an entry plays its words.
Each save is stored before anyone is told, so a browser that crashes or reconnects loses
nothing it had sent.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from court.errors import InvalidRequest, NotFound, PermissionDenied
from court.hearing import Participant
from court.permissions import Permission
from court.protocol import EVENT_WORDS, WRITTEN_KINDS, EntryKind, ProtocolEntry
from recordings.source import MASTER_LAG_MS
from signaling import messages
from signaling.courtroom import actor_of
from signaling.events import ServerEvent

if TYPE_CHECKING:
    from signaling.courtroom import Courtroom


class ProtocolStore(Protocol):
    """Where entries are kept (the server's database; memory for tests and tools)."""

    async def add(self, entry: ProtocolEntry) -> ProtocolEntry:
        """Store a new entry; the store numbers it (``entry.number`` is ignored)."""
        ...

    async def update(self, entry: ProtocolEntry) -> ProtocolEntry:
        """Replace the entry with this id of this hearing (NotFound if there is none)."""
        ...

    async def of_hearing(self, hearing_id: str) -> list[ProtocolEntry]: ...


class MemoryProtocolStore:
    def __init__(self) -> None:
        self._entries: dict[str, list[ProtocolEntry]] = {}
        self._lock = asyncio.Lock()

    async def add(self, entry: ProtocolEntry) -> ProtocolEntry:
        async with self._lock:
            entries = self._entries.setdefault(entry.hearing_id, [])
            stored = replace(entry, number=len(entries) + 1)
            entries.append(stored)
            return stored

    async def update(self, entry: ProtocolEntry) -> ProtocolEntry:
        entries = self._entries.get(entry.hearing_id, [])
        for i, current in enumerate(entries):
            if current.id == entry.id:
                entries[i] = replace(entry, number=current.number)
                return entries[i]
        raise NotFound(f"There is no protocol entry {entry.id!r} in this hearing.")

    async def of_hearing(self, hearing_id: str) -> list[ProtocolEntry]:
        return list(self._entries.get(hearing_id, []))


_ids = itertools.count(1)


def new_entry_id() -> str:
    return f"ent_{time.time_ns():x}{next(_ids):04x}"


def entry_view(entry: ProtocolEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "number": entry.number,
        "kind": entry.kind.value,
        "recording_id": entry.recording_id,
        "record_ms": entry.record_ms,
        "speaker_id": entry.speaker_id,
        "text": entry.text,
        "author": entry.author,
        "automatic": entry.automatic,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _event_text(kind: str, words: str, reason: str) -> str:
    """An event in words: a state change reads "Open → In session", not the audit's
    "open -> in_session: "; an empty reason leaves no dangling colon."""
    reason = reason.strip().removesuffix(":").strip()
    if kind == "hearing_state_changed":
        transition, _, why = reason.partition(": ")
        before, _, after = transition.partition(" -> ")
        if before and after:
            states = f"{_state(before)} → {_state(after)}"
            return f"{words}: {states}" + (f" ({why.strip()})" if why.strip() else "")
    return f"{words}: {reason}" if reason else words


def _state(value: str) -> str:
    return value.replace("_", " ").capitalize()


class CourtProtocol:
    def __init__(self, courtroom: Courtroom, store: ProtocolStore) -> None:
        self._court = courtroom
        self._store = store

    async def write(self, by: Participant, command: messages.WriteProtocolEntry) -> ProtocolEntry:
        if not by.can(Permission.WRITE_PROTOCOL):
            raise PermissionDenied("Only the judge and the clerk write the protocol.")
        kind = EntryKind(command.kind)
        if kind not in WRITTEN_KINDS:
            raise InvalidRequest(f"kind: {kind.value!r} entries are written by the system")
        if command.speaker_id is not None and command.speaker_id not in self._court.live.attendance:
            raise InvalidRequest("speaker_id: not a participant of this hearing")
        now = time.time()
        if command.entry_id is None:
            recording = self._court.live.recording
            record_ms = self._heard_ms()
            if record_ms is not None:
                record_ms = max(0, record_ms - command.began_ms_ago)
            entry = await self._store.add(
                ProtocolEntry(
                    id=new_entry_id(),
                    hearing_id=self._court.hearing.id,
                    number=0,
                    kind=kind,
                    recording_id=None if recording is None else recording.id,
                    record_ms=record_ms,
                    speaker_id=command.speaker_id,
                    text=command.text,
                    author=actor_of(by),
                    automatic=False,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            current = await self._find(command.entry_id)
            if current.automatic:
                raise InvalidRequest("entry_id: the system's entries are not edited")
            record_ms = current.record_ms
            if command.record_ms is not None:
                if current.recording_id is None:
                    raise InvalidRequest("record_ms: the entry was written off the record")
                record_ms = command.record_ms
            entry = await self._store.update(
                replace(
                    current,
                    kind=kind,
                    text=command.text,
                    speaker_id=command.speaker_id,
                    record_ms=record_ms,
                    updated_at=now,
                )
            )
        await self._court.to_court(ServerEvent.PROTOCOL_ENTRY, {"entry": entry_view(entry)})
        return entry

    async def write_event(
        self, kind: str, by: Participant | None, subject: str | None, reason: str
    ) -> None:
        """Write a hearing event down, if it is one the protocol keeps (EVENT_WORDS)."""
        words = EVENT_WORDS.get(kind)
        if words is None:
            return
        recording = self._court.live.recording
        now = time.time()
        speaker = subject.removeprefix("participant:") if subject else None
        entry = await self._store.add(
            ProtocolEntry(
                id=new_entry_id(),
                hearing_id=self._court.hearing.id,
                number=0,
                kind=EntryKind.EVENT,
                recording_id=None if recording is None else recording.id,
                record_ms=self._heard_ms(),
                speaker_id=speaker if subject and subject.startswith("participant:") else None,
                text=_event_text(kind, words, reason),
                author=actor_of(by),
                automatic=True,
                created_at=now,
                updated_at=now,
            )
        )
        await self._court.to_court(ServerEvent.PROTOCOL_ENTRY, {"entry": entry_view(entry)})

    async def entries(self, by: Participant) -> list[dict[str, Any]]:
        if not by.can(Permission.WRITE_PROTOCOL):
            return []
        return [entry_view(e) for e in await self._store.of_hearing(self._court.hearing.id)]

    def _heard_ms(self) -> int | None:
        """Where what the court hears now lands in the master (record time, ms)."""
        now = self._court.live.record_time_ms()
        return None if now is None else now + MASTER_LAG_MS

    async def _find(self, entry_id: str) -> ProtocolEntry:
        for entry in await self._store.of_hearing(self._court.hearing.id):
            if entry.id == entry_id:
                return entry
        raise NotFound(f"There is no protocol entry {entry_id!r} in this hearing.")
