"""The narrow interfaces a feature of the live hearing is given, and the hooks it may answer.

A feature (signaling.live.features.*) never imports the Courtroom that composes it, nor
another feature: it receives what it needs here, in its constructor, and reacts to what
other parts cause through :class:`Feature`'s hooks. The Courtroom implements the
interfaces (signaling.live.audience, .roster, .transfers, .bus) and calls the hooks; a
feature's unit test gives it fakes of them instead (tests/signaling/live/fakes.py).

The interfaces follow LiveKit's listener interfaces (pkg/rtc/types/interfaces.go): small,
named for what the caller needs, never "the hub".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from court.event_params import EventParams, Left
from court.events import EventKind, HearingEvent, Subject, WrittenEvent
from court.hearing import Participant
from signaling.live.notices import ParticipantView

# A notification's payload: one of signaling.live.notices' shapes.
Payload = Mapping[str, object]

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.rooms import LiveRoom
    from signaling.live.session import Session


class Audience(Protocol):
    """Who is told: one participant, a room, the court, everyone."""

    async def send(self, attendance: Attendance, event: str, data: Payload) -> None: ...

    async def to_room(
        self,
        room: LiveRoom,
        event: str,
        data: Payload,
        *,
        skip: Attendance | None = None,
    ) -> None: ...

    async def about_members(
        self,
        room: LiveRoom,
        event: str,
        data: Payload,
        *,
        skip: Attendance | None = None,
    ) -> None:
        """News of a member (arrived, left, changed) to the room's other members, if the
        room lets its members see each other (the waiting room does not)."""
        ...

    async def to_court(self, event: str, data: Payload) -> None: ...

    async def to_everyone(self, event: str, data: Payload) -> None: ...

    def court(self) -> list[Attendance]:
        """The court's members who are connected now."""
        ...


class Roster(Protocol):
    """Who attends, as the court and the rooms see them."""

    def attendance_of(self, participant_id: str) -> Attendance:
        """The participant's attendance, or NotFound."""
        ...

    def participant_view(self, attendance: Attendance) -> ParticipantView: ...

    async def roster_changed(self) -> None:
        """Send the court its roster again (something on it changed)."""
        ...

    async def participant_updated(self, attendance: Attendance) -> None:
        """Tell the participant's room and the court that their state changed."""
        ...


class Transfers(Protocol):
    async def transfer(self, attendance: Attendance, room: LiveRoom, reason: str) -> None:
        """Transfer a participant to ``room``, telling both rooms and the participant."""
        ...


class EventBus(Protocol):
    async def publish(
        self,
        kind: EventKind,
        by: Participant | None,
        subject: Subject,
        params: EventParams,
    ) -> None:
        """Publish a hearing event to its subscribers (audit, timeline, protocol, ...)."""
        ...


class Disconnect(Protocol):
    async def __call__(self, session: Session, left: Left, *, after_ack: bool = False) -> None:
        """Remove the session from the hearing and close its connection."""


class ProtocolWriter(Protocol):
    """What the exhibit register needs of the court protocol."""

    def heard_ms(self) -> int | None:
        """Where what the court hears now lands in the master (record time, ms)."""
        ...

    async def write_exhibit(
        self, by: Participant | None, subject: str | None, event: WrittenEvent
    ) -> None: ...


class ExitCause(StrEnum):
    """Why a participant leaves the room they are in."""

    TRANSFERRED = "transferred"  # to another room, by the court or a consultation
    LEFT = "left"  # their connection ended (closed, lost, replaced)
    REMOVED = "removed"  # the court removed them from the hearing


@dataclass(frozen=True, slots=True)
class RoomExit:
    cause: ExitCause
    left: Left | None = None  # how the connection ended, for ExitCause.LEFT


class Feature:
    """A part of the live hearing, composed into the Courtroom's list of features.

    Each hook is a moment another part causes; a feature overrides the ones it cares about
    (the others do nothing). Hooks run in the order of the list.
    """

    async def on_event(self, event: HearingEvent, by: Participant | None) -> None:
        """A hearing event was published."""

    async def leaving_room(self, attendance: Attendance, exit: RoomExit) -> None:
        """``attendance`` is about to leave its room (and is still in it)."""

    async def hearing_closing(self) -> None:
        """The court closed the hearing; everyone is about to be disconnected."""

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        """What a participant who joins is told by this feature (merged into the ack)."""
        return {}

    def roster_view(self) -> dict[str, Any]:
        """What this feature adds to the court's roster."""
        return {}


class RoomExits(Protocol):
    """The hook a feature may cause itself (the court removing someone)."""

    async def leaving_room(self, attendance: Attendance, exit: RoomExit) -> None: ...
