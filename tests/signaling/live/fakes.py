"""Fakes of the live hearing's narrow interfaces (signaling.live.ports), for fast feature tests.

Each fake records what it was asked to do, so a test states what a feature told whom,
published, transferred or disconnected, without a relay, a Socket.IO server or WebRTC. The
LiveHearing under them is real (its rooms and Routers cost nothing until media connects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from court.errors import NotFound
from court.event_params import EventParams, Left
from court.events import EventKind, Subject
from court.hearing import Hearing, Participant
from court.hearing_state import HearingState
from court.ids import HearingId, ParticipantId
from court.roles import Role
from court.rooms import RoomKind
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling.live.attendance import Attendance
from signaling.live.decisions import MemoryDecisions
from signaling.live.hearing import LiveHearing
from signaling.live.notices import ParticipantView
from signaling.live.ports import Payload, RoomExit
from signaling.live.rooms import LiveRoom
from signaling.live.session import Session


class ManualClock:
    """The hearing's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_800_000_000.0 + self.now


@dataclass(frozen=True, slots=True)
class Told:
    to: str  # a participant id, "room:<kind>", "court" or "everyone"
    event: str
    data: Payload


@dataclass(frozen=True, slots=True)
class Published:
    kind: EventKind
    by: Participant | None
    subject: Subject
    params: EventParams


class FakeAudience:
    def __init__(self, live: LiveHearing) -> None:
        self._live = live
        self.told: list[Told] = []

    def court(self) -> list[Attendance]:
        return [
            a
            for a in self._live.attendance.values()
            if a.present and a.participant.role in {Role.JUDGE, Role.CLERK}
        ]

    async def send(self, attendance: Attendance, event: str, data: Payload) -> None:
        self.told.append(Told(str(attendance.id), event, data))

    async def to_room(
        self, room: LiveRoom, event: str, data: Payload, *, skip: Attendance | None = None
    ) -> None:
        self.told.append(Told(f"room:{room.kind.value}", event, data))

    async def about_members(
        self, room: LiveRoom, event: str, data: Payload, *, skip: Attendance | None = None
    ) -> None:
        if room.members_see_each_other:  # the rule is the room's, not the audience's
            await self.to_room(room, event, data, skip=skip)

    async def to_court(self, event: str, data: Payload) -> None:
        self.told.append(Told("court", event, data))

    async def to_everyone(self, event: str, data: Payload) -> None:
        self.told.append(Told("everyone", event, data))

    def events_to(self, to: str) -> list[str]:
        return [t.event for t in self.told if t.to == to]


class FakeRoster:
    def __init__(self, live: LiveHearing) -> None:
        self._live = live
        self.changes = 0
        self.updated: list[str] = []

    def attendance_of(self, participant_id: str) -> Attendance:
        attendance = self._live.find(participant_id)
        if attendance is None:
            raise NotFound("No participant with that id has joined this hearing.")
        return attendance

    def participant_view(self, attendance: Attendance) -> ParticipantView:
        return {
            "id": attendance.id,
            "name": attendance.participant.name,
            "role": attendance.participant.role.value,
            "role_label": attendance.participant.role.label,
            "hand_raised": attendance.hand_raised,
            "muted": attendance.muted,
            "muted_by_court": attendance.muted_by_court,
            "sharing_screen": False,
        }

    async def roster_changed(self) -> None:
        self.changes += 1

    async def participant_updated(self, attendance: Attendance) -> None:
        self.updated.append(str(attendance.id))


class FakeTransfers:
    """Moves the attendance between rooms as the LiveHearing does, and keeps the list."""

    def __init__(self) -> None:
        self.done: list[tuple[str, RoomKind, str]] = []

    async def transfer(self, attendance: Attendance, room: LiveRoom, reason: str) -> None:
        attendance.room.members.pop(attendance.id, None)
        attendance.room = room
        room.members[attendance.id] = attendance
        self.done.append((str(attendance.id), room.kind, reason))


class FakeEventBus:
    def __init__(self) -> None:
        self.published: list[Published] = []

    async def publish(
        self, kind: EventKind, by: Participant | None, subject: Subject, params: EventParams
    ) -> None:
        self.published.append(Published(kind, by, subject, params))

    def kinds(self) -> list[EventKind]:
        return [p.kind for p in self.published]


class FakeDisconnect:
    def __init__(self) -> None:
        self.dropped: list[tuple[str, Left]] = []

    async def __call__(self, session: Session, left: Left, *, after_ack: bool = False) -> None:
        self.dropped.append((str(session.participant.id), left))


class FakeExits:
    def __init__(self) -> None:
        self.exits: list[tuple[str, RoomExit]] = []

    async def leaving_room(self, attendance: Attendance, exit: RoomExit) -> None:
        self.exits.append((str(attendance.id), exit))


@dataclass
class LiveUnderTest:
    """A live hearing with fakes around it, and helpers to put people in its rooms."""

    live: LiveHearing
    clock: ManualClock
    audience: FakeAudience
    roster: FakeRoster
    transfers: FakeTransfers = field(default_factory=FakeTransfers)
    events: FakeEventBus = field(default_factory=FakeEventBus)
    disconnect: FakeDisconnect = field(default_factory=FakeDisconnect)
    exits: FakeExits = field(default_factory=FakeExits)
    decisions: MemoryDecisions = field(default_factory=MemoryDecisions)
    _count: int = 0

    def attend(
        self, role: Role, room: RoomKind = RoomKind.HEARING, *, present: bool = True
    ) -> Attendance:
        self._count += 1
        participant = Participant(
            id=ParticipantId(f"par_{role.value}{self._count}"),
            hearing_id=self.live.hearing.id,
            name=f"{role.label} {self._count}",
            role=role,
        )
        target = self.live.hearing_room if room is RoomKind.HEARING else self.live.waiting_room
        attendance = Attendance(participant=participant, room=target)
        if present:
            attendance.session = Session(f"sid{self._count}", self.live.hearing, participant)
        target.members[participant.id] = attendance
        self.live.attendance[participant.id] = attendance
        return attendance


async def _dropped(session: Session, left: Left) -> None:
    raise AssertionError("the LiveHearing drops nobody in these tests")


async def _emitted(sid: str, event: str, data: Payload) -> None:
    raise AssertionError("features send through the Audience, never the LiveHearing")


def hearing_with_fakes(root: Path, state: HearingState = HearingState.OPEN) -> LiveUnderTest:
    clock = ManualClock()
    hearing = Hearing(
        id=HearingId("hrg_unit"), case_number="1-9/2026", title="State v. Unit", state=state
    )
    live = LiveHearing(
        hearing,
        media=MediaSettings(),
        recordings=RecordingStore(root, clock),
        send_to=_emitted,
        drop=_dropped,
    )
    return LiveUnderTest(
        live=live, clock=clock, audience=FakeAudience(live), roster=FakeRoster(live)
    )
