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
import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from court.errors import InvalidRequest, NotFound, PermissionDenied
from court.event_text import event_text
from court.events import EventActor, HearingEvent, WrittenEvent
from court.hearing import Participant
from court.permissions import Permission
from court.protocol import (
    MAX_ENTRY_TEXT,
    WRITTEN_KINDS,
    EntryKind,
    ProtocolEntry,
    ProtocolRevision,
    folds_into,
    revision_of,
    same_content,
    written,
)
from recordings.source import MASTER_LAG_MS
from recordings.speech import Transcript
from signaling.live.notices import EntryView, SpeechView, SuggestionView
from signaling.live.ports import Audience, Feature
from signaling.live.presence import PRESENCE, PresenceEntries, Stamp
from signaling.live.server_events import ServerEvent

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.hearing import LiveHearing


class BeganAt(Protocol):
    """When a writer's page says typing began, by the record clock it keeps."""

    @property
    def recording_id(self) -> str: ...

    @property
    def record_ms(self) -> int: ...


class EntryWrite(Protocol):
    """What a writer sends to write an entry (the edge's WriteProtocolEntry is one)."""

    @property
    def entry_id(self) -> str | None: ...

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def speaker_id(self) -> str | None: ...

    @property
    def began_ms_ago(self) -> int: ...

    @property
    def began_at(self) -> BeganAt | None: ...

    @property
    def record_ms(self) -> int | None: ...

    @property
    def suggestion_id(self) -> str | None: ...


def actor_of(participant: Participant | None) -> str:
    """The label the protocol's ``author`` names a participant by."""
    return EventActor.of(participant).label


class ProtocolStore(Protocol):
    """Where entries are kept (the server's database; memory for tests and tools)."""

    async def add(self, entry: ProtocolEntry) -> ProtocolEntry:
        """Store a new entry, its author's revision 1; the store numbers it
        (``entry.number`` is ignored)."""
        ...

    async def update(self, entry: ProtocolEntry, by: str) -> ProtocolEntry:
        """Replace the entry with this id of this hearing, saved by ``by`` (an actor label),
        keeping the version it replaces as court.protocol.folds_into says (NotFound if there
        is no such entry). The entry returned counts its revisions."""
        ...

    async def of_hearing(self, hearing_id: str) -> list[ProtocolEntry]: ...


class MemoryProtocolStore:
    def __init__(self) -> None:
        self._entries: dict[str, list[ProtocolEntry]] = {}
        self._revisions: dict[str, list[ProtocolRevision]] = {}
        self._lock = asyncio.Lock()

    async def add(self, entry: ProtocolEntry) -> ProtocolEntry:
        async with self._lock:
            entries = self._entries.setdefault(entry.hearing_id, [])
            stored = replace(entry, number=len(entries) + 1, revisions=1)
            entries.append(stored)
            self._revisions[stored.id] = [revision_of(stored, 1, stored.author)]
            return stored

    async def update(self, entry: ProtocolEntry, by: str) -> ProtocolEntry:
        entries = self._entries.get(entry.hearing_id, [])
        for i, current in enumerate(entries):
            if current.id == entry.id:
                kept = self._revisions.setdefault(entry.id, [])
                saved = revision_of(entry, len(kept) + 1, by)
                if same_content(revision_of(current, 0, by), saved):
                    return current
                if kept and folds_into(kept[-1], saved):
                    kept[-1] = replace(kept[-1], text=saved.text, saved_at=saved.saved_at)
                else:
                    kept.append(saved)
                entries[i] = replace(entry, number=current.number, revisions=len(kept))
                return entries[i]
        raise NotFound(f"There is no protocol entry {entry.id!r} in this hearing.")

    async def of_hearing(self, hearing_id: str) -> list[ProtocolEntry]:
        return list(self._entries.get(hearing_id, []))

    async def revisions(self, entry_id: str) -> list[ProtocolRevision]:
        return list(self._revisions.get(entry_id, []))


logger = logging.getLogger(__name__)

# A page's record clock is believed within these bounds of the server's: typing begun up to
# ten minutes ago (as began_ms_ago allows), and up to 2 s ahead (a clock synchronised over a
# slow link errs by at most half its round trip).
MAX_BEGAN_AGO_MS = 600_000
CLOCK_SLACK_MS = 2_000

_ids = itertools.count(1)

# Suggestions nobody has accepted or dismissed are kept for the bench up to this many; the
# oldest go first. They are proposals, not the record: the recording holds the words.
MAX_SUGGESTIONS = 50


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What speech to text heard one participant say: a draft entry the bench may accept."""

    id: str
    speaker_id: str
    recording_id: str
    record_ms: int  # master time the words began
    end_ms: int
    text: str
    created_at: float


def suggestion_view(suggestion: Suggestion) -> SuggestionView:
    return {
        "id": suggestion.id,
        "speaker_id": suggestion.speaker_id,
        "recording_id": suggestion.recording_id,
        "record_ms": suggestion.record_ms,
        "end_ms": suggestion.end_ms,
        "text": suggestion.text,
        "created_at": suggestion.created_at,
    }


def new_entry_id(wall: float) -> str:
    """Ordered by creation: the hearing clock's wall time, then a counter."""
    return f"ent_{round(wall * 1e9):x}{next(_ids):04x}"


def entry_view(entry: ProtocolEntry) -> EntryView:
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
        "revisions": entry.revisions,
        # What the system wrote the entry from (kind and parameters), for a page that words
        # it in its own language; ``text`` is it in English.
        "event": None if entry.event is None else entry.event.as_json(),
    }


def _require_writer(by: Participant) -> None:
    if not by.can(Permission.WRITE_PROTOCOL):
        raise PermissionDenied("Only the judge and the clerk write the protocol.")


class CourtProtocol(Feature):
    """Implements ports.ProtocolWriter for the exhibit register."""

    def __init__(self, live: LiveHearing, store: ProtocolStore, *, audience: Audience) -> None:
        self._live = live
        self._audience = audience
        self._store = store
        self._presence = PresenceEntries(live.clock, self._write_event_now)
        self._suggestions: OrderedDict[str, Suggestion] = OrderedDict()
        self._sending: set[asyncio.Task[None]] = set()

    # ---- hooks -------------------------------------------------------------------------

    async def on_event(self, event: HearingEvent, by: Participant | None) -> None:
        await self.write_event(event, by)

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        """For those who write it, the protocol so far and speech to text; nothing (empty)
        for everyone else."""
        return {
            "protocol": await self.entries(attendance.participant),
            "speech_to_text": self.speech_view(attendance.participant),
        }

    # ---- writing -----------------------------------------------------------------------

    async def write(self, by: Participant, command: EntryWrite) -> ProtocolEntry:
        _require_writer(by)
        kind = EntryKind(command.kind)
        if kind not in WRITTEN_KINDS:
            raise InvalidRequest(f"kind: {kind.value!r} entries are written by the system")
        if command.speaker_id is not None and command.speaker_id not in self._live.attendance:
            raise InvalidRequest("speaker_id: not a participant of this hearing")
        now = self._live.clock.wall()
        if command.entry_id is None:
            recording = self._live.recorder.recording
            recording_id: str | None = None if recording is None else recording.id
            record_ms = self._stamp(command)
            accepted = None
            if command.suggestion_id is not None:
                # Stamped where the words began in the record, not when they were accepted.
                accepted = self._suggestion(command.suggestion_id)
                recording_id, record_ms = accepted.recording_id, accepted.record_ms
            entry = await self._store.add(
                ProtocolEntry(
                    id=new_entry_id(now),
                    hearing_id=self._live.hearing.id,
                    number=0,
                    kind=kind,
                    recording_id=recording_id,
                    record_ms=record_ms,
                    speaker_id=command.speaker_id
                    if accepted is None or command.speaker_id is not None
                    else accepted.speaker_id,
                    text=command.text,
                    author=actor_of(by),
                    automatic=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            if accepted is not None:
                await self._resolve(accepted.id, accepted=True)
        else:
            if command.suggestion_id is not None:
                raise InvalidRequest("suggestion_id: a suggestion begins a new entry")
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
                ),
                actor_of(by),
            )
        await self._audience.to_court(ServerEvent.PROTOCOL_ENTRY, {"entry": entry_view(entry)})
        return entry

    async def write_event(self, event: HearingEvent, by: Participant | None) -> None:
        """Write a hearing event down, if it is one the protocol keeps (court.protocol
        .EVENT_WORDS; NOT_WRITTEN says why the others are not); someone's comings and
        goings one per participant per window (signaling.live.presence)."""
        if not written(event.kind):
            return
        recording = self._live.recorder.recording
        stamp = Stamp(None if recording is None else recording.id, self.heard_ms())
        if event.kind in PRESENCE:
            await self._presence.offer(event, by, stamp)
        else:
            await self._write_event_now(event, by, stamp)

    async def _write_event_now(
        self, event: HearingEvent, by: Participant | None, stamp: Stamp
    ) -> None:
        written_event = WrittenEvent(event.kind, event.params)
        speaker = event.subject.participant_id
        await self._write_automatic(EntryKind.EVENT, by, speaker, written_event, stamp)

    async def hearing_closing(self) -> None:
        await self._presence.flush()

    async def close(self) -> None:
        """The live hearing ends here (nobody left, or the server stops): what is held is
        written now, not lost."""
        await self._presence.flush()

    async def write_exhibit(
        self, by: Participant | None, subject: str | None, event: WrittenEvent
    ) -> None:
        """Write a change of the exhibit register down (signaling.live.features.exhibits)."""
        await self._write_automatic(EntryKind.EXHIBIT, by, subject, event)

    async def _write_automatic(
        self,
        kind: EntryKind,
        by: Participant | None,
        speaker: str | None,
        event: WrittenEvent,
        stamp: Stamp | None = None,
    ) -> None:
        """A system entry: its text is the event in English (court.event_text), and the
        event is kept with it, so every language renders it from its parameters. Stamped
        where the court hears it now, or at ``stamp`` (an event written later)."""
        recording = self._live.recorder.recording
        if stamp is None:
            stamp = Stamp(None if recording is None else recording.id, self.heard_ms())
        now = self._live.clock.wall()
        entry = await self._store.add(
            ProtocolEntry(
                id=new_entry_id(now),
                hearing_id=self._live.hearing.id,
                number=0,
                kind=kind,
                recording_id=stamp.recording_id,
                record_ms=stamp.record_ms,
                speaker_id=speaker,
                text=event_text(event),
                author=actor_of(by),
                automatic=True,
                created_at=now,
                updated_at=now,
                event=event,
            )
        )
        await self._audience.to_court(ServerEvent.PROTOCOL_ENTRY, {"entry": entry_view(entry)})

    # ---- speech to text: suggestions for the bench ------------------------------------

    def suggest(self, recording_id: str, transcript: Transcript) -> None:
        """What the recogniser heard (on the event loop): offered to the bench as a draft."""
        suggestion = Suggestion(
            id=f"sug_{round(self._live.clock.wall() * 1e9):x}{next(_ids):04x}",
            speaker_id=transcript.participant_id,
            recording_id=recording_id,
            record_ms=transcript.start_ms,
            end_ms=transcript.end_ms,
            text=transcript.text[:MAX_ENTRY_TEXT],
            created_at=self._live.clock.wall(),
        )
        self._suggestions[suggestion.id] = suggestion
        while len(self._suggestions) > MAX_SUGGESTIONS:
            self._suggestions.popitem(last=False)
        self._tell_court(
            ServerEvent.PROTOCOL_SUGGESTION, {"suggestion": suggestion_view(suggestion)}
        )

    async def dismiss(self, by: Participant, suggestion_id: str) -> None:
        _require_writer(by)
        self._suggestion(suggestion_id)
        await self._resolve(suggestion_id, accepted=False)

    def speech_view(self, by: Participant) -> SpeechView:
        """For the bench's editor: whether suggestions are made, and those still open."""
        if not by.can(Permission.WRITE_PROTOCOL):
            return {"enabled": False, "note": "", "suggestions": []}
        status = self._live.recorder.speech
        return {
            "enabled": status.enabled,
            "note": status.note,
            "suggestions": [suggestion_view(s) for s in self._suggestions.values()],
        }

    def _suggestion(self, suggestion_id: str) -> Suggestion:
        found = self._suggestions.get(suggestion_id)
        if found is None:
            raise NotFound("That suggestion was accepted or dismissed already, or has expired.")
        return found

    async def _resolve(self, suggestion_id: str, *, accepted: bool) -> None:
        if self._suggestions.pop(suggestion_id, None) is not None:
            await self._audience.to_court(
                ServerEvent.PROTOCOL_SUGGESTION_RESOLVED,
                {"suggestion_id": suggestion_id, "accepted": accepted},
            )

    def _tell_court(self, event: str, data: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._audience.to_court(event, data))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def entries(self, by: Participant) -> list[EntryView]:
        if not by.can(Permission.WRITE_PROTOCOL):
            return []
        return [entry_view(e) for e in await self._store.of_hearing(self._live.hearing.id)]

    def _stamp(self, command: EntryWrite) -> int | None:
        """Where a new entry's words are in the master: when its writer began it, by the
        page's record clock if it sent one that fits this recording, else the server's
        clock less how long ago the page says typing began (moved by any delay on the way
        and in the server)."""
        recording, now = self._live.recorder.recording, self._live.recorder.record_time_ms()
        if recording is None or now is None:
            return None
        began = command.began_at
        if (
            began is not None
            and began.recording_id == recording.id
            and now - MAX_BEGAN_AGO_MS <= began.record_ms <= now + CLOCK_SLACK_MS
        ):
            return began.record_ms + MASTER_LAG_MS
        if began is not None:
            logger.info(
                "hearing %s: a page's record clock is off; stamped by the server's",
                self._live.hearing.id,
            )
        return max(0, now + MASTER_LAG_MS - command.began_ms_ago)

    def record_clock(self, by: Participant) -> dict[str, Any]:
        """For a writer of the protocol, the running recording and its record time now:
        the page keeps its own record clock in step with these (halfway through the
        fastest round trip), and stamps entries by it (``began_at``). Nothing for others."""
        recording, now = self._live.recorder.recording, self._live.recorder.record_time_ms()
        if not by.can(Permission.WRITE_PROTOCOL) or recording is None or now is None:
            return {}
        return {"recording_id": recording.id, "record_ms": now}

    def heard_ms(self) -> int | None:
        """Where what the court hears now lands in the master (record time, ms)."""
        now = self._live.recorder.record_time_ms()
        return None if now is None else now + MASTER_LAG_MS

    async def _find(self, entry_id: str) -> ProtocolEntry:
        for entry in await self._store.of_hearing(self._live.hearing.id):
            if entry.id == entry_id:
                return entry
        raise NotFound(f"There is no protocol entry {entry_id!r} in this hearing.")
