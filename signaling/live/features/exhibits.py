"""The exhibit register in a live hearing: the bench registers what is offered in evidence
and rules on it, and what a participant shows on screen is registered by itself.

A screen shared in the hearing room shows an exhibit: the one the bench marked as next to
be shown (``show_exhibit``), or else a new one, offered by the sharer, that the bench then
describes. The share's start and end in record time are kept as the exhibit's showing.
Every change is written into the court protocol as an ``exhibit`` entry, stamped like any
automatic entry, and sent to the bench as ``exhibit_changed``.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from court.errors import InvalidRequest, NotFound, PermissionDenied
from court.event_params import (
    ExhibitDescribed,
    ExhibitHidden,
    ExhibitNumber,
    ExhibitOffered,
    ExhibitRuled,
)
from court.events import EventKind, HearingEvent, WrittenEvent
from court.exhibits import Exhibit, ExhibitStatus, Showing
from court.hearing import Participant
from court.permissions import Permission
from signaling.live.notices import ExhibitView
from signaling.live.ports import Audience, Feature, ProtocolWriter
from signaling.live.server_events import ServerEvent

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.hearing import LiveHearing


class ExhibitRegistration(Protocol):
    """What the bench sends to register an exhibit (the edge's RegisterExhibit is one)."""

    @property
    def description(self) -> str: ...

    @property
    def offered_by(self) -> str | None: ...


class ExhibitUpdate(Protocol):
    """What the bench sends to describe an exhibit again or rule on it."""

    @property
    def exhibit_id(self) -> str: ...

    @property
    def description(self) -> str | None: ...

    @property
    def status(self) -> str | None: ...

    @property
    def reason(self) -> str: ...


class ExhibitStore(Protocol):
    """Where the register is kept (the server's database; memory for tests and tools)."""

    async def add(self, exhibit: Exhibit) -> Exhibit:
        """Store a new exhibit; the store numbers it (``exhibit.number`` is ignored)."""
        ...

    async def update(self, exhibit: Exhibit) -> Exhibit:
        """Replace the exhibit with this id of this hearing (NotFound if there is none)."""
        ...

    async def of_hearing(self, hearing_id: str) -> list[Exhibit]: ...


class MemoryExhibitStore:
    def __init__(self) -> None:
        self._exhibits: dict[str, list[Exhibit]] = {}
        self._lock = asyncio.Lock()

    async def add(self, exhibit: Exhibit) -> Exhibit:
        async with self._lock:
            exhibits = self._exhibits.setdefault(exhibit.hearing_id, [])
            stored = replace(exhibit, number=len(exhibits) + 1)
            exhibits.append(stored)
            return stored

    async def update(self, exhibit: Exhibit) -> Exhibit:
        exhibits = self._exhibits.get(exhibit.hearing_id, [])
        for i, current in enumerate(exhibits):
            if current.id == exhibit.id:
                exhibits[i] = replace(exhibit, number=current.number)
                return exhibits[i]
        raise NotFound(f"There is no exhibit {exhibit.id!r} in this hearing.")

    async def of_hearing(self, hearing_id: str) -> list[Exhibit]:
        return list(self._exhibits.get(hearing_id, []))


_ids = itertools.count(1)


def new_exhibit_id(wall: float) -> str:
    """Ordered by creation: the hearing clock's wall time, then a counter."""
    return f"exh_{round(wall * 1e9):x}{next(_ids):04x}"


def exhibit_view(exhibit: Exhibit) -> ExhibitView:
    return {
        "id": exhibit.id,
        "number": exhibit.number,
        "description": exhibit.description,
        "offered_by": exhibit.offered_by,
        "status": exhibit.status.value,
        "on_screen": exhibit.on_screen,
        "showings": [
            {
                "shown_by": s.shown_by,
                "recording_id": s.recording_id,
                "start_ms": s.start_ms,
                "end_ms": s.end_ms,
                "ended": s.ended,
            }
            for s in exhibit.showings
        ],
        "created_at": exhibit.created_at,
        "updated_at": exhibit.updated_at,
    }


_SHARES = frozenset({EventKind.SCREEN_SHARE_STARTED, EventKind.SCREEN_SHARE_STOPPED})


class ExhibitRegister(Feature):
    def __init__(
        self,
        live: LiveHearing,
        store: ExhibitStore,
        *,
        audience: Audience,
        protocol: ProtocolWriter,
    ) -> None:
        self._live = live
        self._audience = audience
        self._protocol = protocol
        self._store = store
        self._next_shown: str | None = None  # exhibit id the bench marked for the next share
        self._lock = asyncio.Lock()  # one change at a time: numbers and showings stay whole

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        return {"exhibits": await self.views(attendance.participant)}  # the bench's only

    async def views(self, by: Participant) -> list[ExhibitView]:
        if not by.can(Permission.WRITE_PROTOCOL):
            return []
        return [exhibit_view(e) for e in await self._store.of_hearing(self._live.hearing.id)]

    # ---- the bench's commands ----------------------------------------------------------

    async def register(self, by: Participant, command: ExhibitRegistration) -> Exhibit:
        self._check(by)
        offered_by = self._participant(command.offered_by, "offered_by")
        async with self._lock:
            return await self._add(by, command.description.strip(), offered_by)

    async def update(self, by: Participant, command: ExhibitUpdate) -> Exhibit:
        """Describe an exhibit again, or rule on it; each change is its own entry."""
        self._check(by)
        if command.description is None and command.status is None:
            raise InvalidRequest("give a new description, a new status, or both")
        async with self._lock:
            exhibit = await self._find(command.exhibit_id)
            number = exhibit.number
            said: list[WrittenEvent] = []
            description = exhibit.description
            if command.description is not None and command.description.strip() != description:
                description = command.description.strip()
                said.append(
                    WrittenEvent(EventKind.EXHIBIT_DESCRIBED, ExhibitDescribed(number, description))
                )
            status = exhibit.status
            if command.status is not None and command.status != status.value:
                status = ExhibitStatus(command.status)
                reason = command.reason.strip()
                said.append(
                    WrittenEvent(EventKind.EXHIBIT_RULED, ExhibitRuled(number, status, reason))
                )
            if not said:
                return exhibit
            exhibit = await self._store.update(
                replace(
                    exhibit,
                    description=description,
                    status=status,
                    updated_at=self._live.clock.wall(),
                )
            )
            for event in said:
                await self._changed(by, exhibit, event)
        return exhibit

    async def show(self, by: Participant, exhibit_id: str) -> Exhibit:
        """The bench says which exhibit is on screen: the share now running shows it from
        now on; with no share running, the next share will."""
        self._check(by)
        async with self._lock:
            exhibit = await self._find(exhibit_id)
            sharer = self._live.hearing_room.screen_sharer
            if sharer is None:
                self._next_shown = exhibit.id
                return exhibit
            current = await self._showing_now()
            if current is not None and current.id == exhibit.id:
                return exhibit
            at_ms = self._protocol.heard_ms()  # one moment: one ends as the next begins
            if current is not None:
                await self._end_showing(current, by, at_ms)
            return await self._begin_showing(exhibit, sharer, by, at_ms)

    # ---- screens shared in the hearing room --------------------------------------------

    async def on_event(self, event: HearingEvent, by: Participant | None) -> None:
        """Called with every hearing event; a screen share starts or ends a showing."""
        sharer = event.subject.participant_id
        if event.kind not in _SHARES or sharer is None:
            return
        async with self._lock:
            at_ms = self._protocol.heard_ms()
            current = await self._showing_now()
            if current is not None:
                await self._end_showing(current, by, at_ms)
            if event.kind is EventKind.SCREEN_SHARE_STOPPED:
                return
            wanted, self._next_shown = self._next_shown, None
            exhibit = None
            if wanted is not None:
                exhibit = next((e for e in await self._all() if e.id == wanted), None)
            if exhibit is None:
                exhibit = await self._shown_unannounced(sharer, by)
            await self._begin_showing(exhibit, sharer, by, at_ms)

    async def _shown_unannounced(self, sharer: str, by: Participant | None) -> Exhibit:
        attendance = self._live.find(sharer)
        name = attendance.participant.name if attendance is not None else "a participant"
        return await self._add(by, f"Shown on screen by {name}", sharer)

    async def _add(
        self, by: Participant | None, description: str, offered_by: str | None
    ) -> Exhibit:
        """Register a new exhibit, offered and not yet shown, and write it down."""
        now = self._live.clock.wall()
        exhibit = await self._store.add(
            Exhibit(
                id=new_exhibit_id(self._live.clock.wall()),
                hearing_id=self._live.hearing.id,
                number=0,
                description=description,
                offered_by=offered_by,
                status=ExhibitStatus.OFFERED,
                showings=(),
                created_at=now,
                updated_at=now,
            )
        )
        await self._changed(by, exhibit, self._offered(exhibit))
        return exhibit

    async def _begin_showing(
        self, exhibit: Exhibit, sharer: str, by: Participant | None, at_ms: int | None
    ) -> Exhibit:
        recording = self._live.recorder.recording
        showing = Showing(
            shown_by=sharer,
            recording_id=None if recording is None else recording.id,
            start_ms=at_ms,
            end_ms=None,
            ended=False,
        )
        exhibit = await self._store.update(
            replace(
                exhibit,
                showings=(*exhibit.showings, showing),
                updated_at=self._live.clock.wall(),
            )
        )
        shown = WrittenEvent(EventKind.EXHIBIT_SHOWN, ExhibitNumber(exhibit.number))
        await self._changed(by, exhibit, shown)
        return exhibit

    async def _end_showing(
        self, exhibit: Exhibit, by: Participant | None, at_ms: int | None
    ) -> None:
        *before, last = exhibit.showings
        start = last.start_ms
        recording = self._live.recorder.recording
        # Record times refer to one recording: a showing that began in another (or off the
        # record) has no end in it.
        same = recording is not None and recording.id == last.recording_id
        end = at_ms if same else None
        ended = replace(last, end_ms=end, ended=True)
        exhibit = await self._store.update(
            replace(exhibit, showings=(*before, ended), updated_at=self._live.clock.wall())
        )
        # The span only when it is one in the record ("no longer on screen" otherwise).
        hidden = ExhibitHidden(exhibit.number, start if end is not None else None, end)
        await self._changed(by, exhibit, WrittenEvent(EventKind.EXHIBIT_HIDDEN, hidden))

    # ---- helpers -----------------------------------------------------------------------

    async def _showing_now(self) -> Exhibit | None:
        return next((e for e in await self._all() if e.on_screen), None)

    async def _all(self) -> list[Exhibit]:
        return await self._store.of_hearing(self._live.hearing.id)

    def _check(self, by: Participant) -> None:
        if not by.can(Permission.WRITE_PROTOCOL):
            raise PermissionDenied("Only the judge and the clerk keep the exhibit register.")

    def _participant(self, participant_id: str | None, field: str) -> str | None:
        if participant_id is not None and participant_id not in self._live.attendance:
            raise InvalidRequest(f"{field}: not a participant of this hearing")
        return participant_id

    def _offered(self, exhibit: Exhibit) -> WrittenEvent:
        """The entry that registers ``exhibit``."""
        if exhibit.offered_by is None:
            put = ExhibitDescribed(exhibit.number, exhibit.description)
            return WrittenEvent(EventKind.EXHIBIT_PUT_FORWARD, put)
        attendance = self._live.find(exhibit.offered_by)
        who = (
            f"{attendance.participant.name} ({attendance.participant.role.label})"
            if attendance is not None
            else "a participant"
        )
        offered = ExhibitOffered(exhibit.number, who, exhibit.description)
        return WrittenEvent(EventKind.EXHIBIT_OFFERED, offered)

    async def _find(self, exhibit_id: str) -> Exhibit:
        for exhibit in await self._all():
            if exhibit.id == exhibit_id:
                return exhibit
        raise NotFound(f"There is no exhibit {exhibit_id!r} in this hearing.")

    async def _changed(self, by: Participant | None, exhibit: Exhibit, event: WrittenEvent) -> None:
        """Written into the protocol from the event (court.event_text words it)."""
        await self._protocol.write_exhibit(by, exhibit.offered_by, event)
        await self._audience.to_court(
            ServerEvent.EXHIBIT_CHANGED, {"exhibit": exhibit_view(exhibit)}
        )
