"""What each kind of hearing event carries (court.events.PARAMS_OF says which): frozen
values, the reasons among them as enums, and their plain JSON form.

A reason the court gives in words is kept as written (``Because``); a reason the system
chooses is an enum (``LeaveReason``, ``ShareEnd``, ``ConsultationEnd``), so every language
words it (court.event_text) and nothing parses an English sentence back. ``said`` is each
one as the room is told and the audit log has always recorded it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, get_args, get_type_hints

from court.exhibits import ExhibitStatus
from court.hearing_state import HearingState
from court.roles import Role
from court.rooms import RoomKind

# ---- why someone left -------------------------------------------------------------------


class LeaveReason(StrEnum):
    """Why a participant's connection left the hearing (the wire's ``reason`` too)."""

    LEFT = "left"  # they left (and wait in the waiting room if they come back)
    DISCONNECTED = "disconnected"  # the connection dropped: a gap until they return
    REPLACED = "replaced"  # they joined again from another page, which took over
    REMOVED = "removed"  # the court removed them
    RELEASED = "released"  # the court released them as a witness
    CLOSED = "closed"  # the hearing closed
    NEGOTIATION_FAILED = "negotiation failed"  # their media could not be connected


class ShareEnd(StrEnum):
    """Why a screen share ended."""

    BY_SHARER = "stopped by the sharer"
    BY_COURT = "stopped by the court"
    TRANSFERRED = "transferred"  # the sharer was transferred to another room
    REMOVED = "removed"  # the court removed the sharer
    SHARER_LEFT = "sharer left"  # the sharer's connection left the hearing (LeaveReason)


class ConsultationEnd(StrEnum):
    """Why a consultation ended (or never began)."""

    DECLINED = "declined"  # a member declined it
    ENDED = "ended"  # a member or the court ended it
    HEARING_CLOSED = "hearing closed"
    MEMBER_REMOVED = "member removed"


# ---- what each kind carries -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoParams:
    """The kind and its subject say it all."""

    @property
    def said(self) -> str:
        """As the audit log records it (every kind of parameters has ``said``)."""
        return ""


@dataclass(frozen=True, slots=True)
class Because:
    """A reason given (by the court, or by the system for what it did), kept as written."""

    reason: str

    @property
    def said(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True)
class Left:
    """A participant's connection left the hearing."""

    cause: LeaveReason
    detail: str = ""  # what failed, when their media could not be connected

    @property
    def said(self) -> str:
        """As the room is told and the audit log records it: "negotiation failed: <what>"."""
        return f"{self.cause.value}: {self.detail}" if self.detail else self.cause.value


@dataclass(frozen=True, slots=True)
class ShareEnded:
    ended: ShareEnd
    role: Role | None = None  # BY_COURT: the role of whoever of the court stopped it
    left: LeaveReason | None = None  # SHARER_LEFT: why the sharer's connection left
    detail: str = ""  # SHARER_LEFT: what failed, when their media could not be connected

    @property
    def said(self) -> str:
        """As the room is told and the audit log records it."""
        if self.ended is ShareEnd.BY_COURT and self.role is not None:
            return f"{self.ended.value} ({self.role.label})"
        if self.ended is ShareEnd.SHARER_LEFT and self.left is not None:
            return Left(self.left, self.detail).said
        return self.ended.value


@dataclass(frozen=True, slots=True)
class ConsultationEnded:
    ended: ConsultationEnd
    name: str = ""  # DECLINED, ENDED: the participant, as named in the hearing

    @property
    def said(self) -> str:
        """As the members are told and the audit log records it."""
        if self.ended is ConsultationEnd.HEARING_CLOSED:
            return "the hearing closed"
        if self.ended is ConsultationEnd.MEMBER_REMOVED:
            return "a member was removed"
        return f"{self.ended.value} by {self.name}"


@dataclass(frozen=True, slots=True)
class StateChange:
    before: HearingState
    after: HearingState
    reason: str

    @property
    def said(self) -> str:
        return f"{self.before.value} -> {self.after.value}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Joined:
    room: RoomKind

    @property
    def said(self) -> str:
        return self.room.value


@dataclass(frozen=True, slots=True)
class Gap:
    """A lost connection ended: how long it was."""

    seconds: float

    @property
    def said(self) -> str:
        """A connection restored; a reconnection says "after a gap of" (audit_reason)."""
        return f"after {self.seconds:.1f} s"


@dataclass(frozen=True, slots=True)
class RecordResumed:
    """A sitting hearing without a recorder (the server restarted) resumed its record."""

    state: HearingState
    recording_id: str

    @property
    def said(self) -> str:
        return (
            f"the hearing was {self.state.value.replace('_', ' ')} without a recorder "
            f"(the server restarted); the record resumes in recording {self.recording_id}"
        )


@dataclass(frozen=True, slots=True)
class ChatSent:
    message_id: str
    characters: int  # never the content

    @property
    def said(self) -> str:
        return f"message {self.message_id}, {self.characters} characters"


@dataclass(frozen=True, slots=True)
class ExhibitOffered:
    number: int
    who: str  # the offering participant as named when it was offered: "Name (Role)"
    description: str

    @property
    def said(self) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class ExhibitDescribed:
    """Put forward by the court, or described anew."""

    number: int
    description: str

    @property
    def said(self) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class ExhibitRuled:
    number: int
    status: ExhibitStatus
    reason: str

    @property
    def said(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True)
class ExhibitNumber:
    number: int

    @property
    def said(self) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class ExhibitHidden:
    number: int
    start_ms: int | None  # the showing's span in record time; both None: not in one recording
    end_ms: int | None

    @property
    def said(self) -> str:
        return ""


EventParams = (
    NoParams
    | Because
    | Left
    | ShareEnded
    | ConsultationEnded
    | StateChange
    | Joined
    | Gap
    | RecordResumed
    | ChatSent
    | ExhibitOffered
    | ExhibitDescribed
    | ExhibitRuled
    | ExhibitNumber
    | ExhibitHidden
)
NO_PARAMS: Final = NoParams()


# ---- the parameters as JSON (the protocol's database rows and signed protocol.json) ----


def enum_fields(cls: type) -> dict[str, type[StrEnum]]:
    """The fields of ``cls`` that hold an enum (or None), by name: JSON holds their values."""
    found = {}
    for name, hint in get_type_hints(cls).items():
        for candidate in (hint, *get_args(hint)):
            if isinstance(candidate, type) and issubclass(candidate, StrEnum):
                found[name] = candidate
    return found


def params_json(params: EventParams) -> dict[str, Any]:
    """Plain JSON values (enums by their value), the keys as the fields are named."""
    return {
        f.name: (value.value if isinstance(value, StrEnum) else value)
        for f in dataclasses.fields(params)
        for value in [getattr(params, f.name)]
    }
