"""Hearing events as values: what the court did, or what happened to whom, as it happened.

Every moderation action, transfer, state change, connection gap, consultation and change of
the exhibit register is one event of an ``EventKind``, done by an ``EventActor`` to a
``Subject``, with the parameters its kind carries (``PARAMS_OF``; the values are in
court.event_params: a state change carries before, after and the reason). The audit log,
the court protocol, the exhibit register and the recording's timeline all take the event
as this value; none of them parses a sentence or a ``"participant:<id>"`` string back. The
words an event is written in come from its parameters, in any language (court.event_text).

The labels (``EventActor.label``, ``Subject.label``, ``audit_reason``) are the strings the
audit log has always recorded, so its hash-chained rows keep their form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from court.event_params import (
    Because,
    ChatSent,
    ConsultationEnded,
    EventParams,
    ExhibitDescribed,
    ExhibitHidden,
    ExhibitNumber,
    ExhibitOffered,
    ExhibitRuled,
    Gap,
    Joined,
    Left,
    NoParams,
    RecordResumed,
    ShareEnded,
    StateChange,
    enum_fields,
    params_json,
)
from court.hearing import Participant
from court.roles import Role


class EventKind(StrEnum):
    """Every kind of hearing event (the value is the audit log's ``hearing.<kind>``)."""

    HEARING_STATE_CHANGED = "hearing_state_changed"
    RECORDING_STARTED = "recording_started"
    RECORDING_STOPPED = "recording_stopped"
    RECORDING_RESUMED = "recording_resumed"
    RECORDING_FAILED = "recording_failed"
    PARTICIPANT_JOINED = "participant_joined"
    PARTICIPANT_RECONNECTED = "participant_reconnected"
    PARTICIPANT_LEFT = "participant_left"
    CONNECTION_LOST = "connection_lost"
    CONNECTION_RESTORED = "connection_restored"
    PARTICIPANT_ADMITTED = "participant_admitted"
    PARTICIPANT_SENT_TO_WAITING_ROOM = "participant_sent_to_waiting_room"
    PARTICIPANT_MUTED = "participant_muted"
    UNMUTE_REQUESTED = "unmute_requested"
    PARTICIPANT_REMOVED = "participant_removed"
    PARTICIPANT_READMITTED = "participant_readmitted"
    HEARING_LOCKED = "hearing_locked"
    HEARING_UNLOCKED = "hearing_unlocked"
    SPOTLIGHT_CHANGED = "spotlight_changed"
    HAND_RAISED = "hand_raised"
    HAND_LOWERED = "hand_lowered"
    WITNESS_CALLED = "witness_called"
    WITNESS_DISMISSED = "witness_dismissed"
    WITNESS_RELEASED = "witness_released"
    CONSULTATION_REQUESTED = "consultation_requested"
    CONSULTATION_STARTED = "consultation_started"
    CONSULTATION_ENDED = "consultation_ended"
    SCREEN_SHARE_STARTED = "screen_share_started"
    SCREEN_SHARE_STOPPED = "screen_share_stopped"
    CHAT_MESSAGE = "chat_message"
    # Changes of the exhibit register: written into the protocol by the register itself
    # (signaling.live.features.exhibits), never published to the audit log or the timeline.
    EXHIBIT_OFFERED = "exhibit_offered"
    EXHIBIT_PUT_FORWARD = "exhibit_put_forward"
    EXHIBIT_DESCRIBED = "exhibit_described"
    EXHIBIT_RULED = "exhibit_ruled"
    EXHIBIT_SHOWN = "exhibit_shown"
    EXHIBIT_HIDDEN = "exhibit_hidden"


EXHIBIT_KINDS: Final = frozenset(
    {
        EventKind.EXHIBIT_OFFERED,
        EventKind.EXHIBIT_PUT_FORWARD,
        EventKind.EXHIBIT_DESCRIBED,
        EventKind.EXHIBIT_RULED,
        EventKind.EXHIBIT_SHOWN,
        EventKind.EXHIBIT_HIDDEN,
    }
)


# ---- who did it, and to whom ------------------------------------------------------------


class ActorKind(StrEnum):
    PARTICIPANT = "participant"
    SYSTEM = "system"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class EventActor:
    """Who did it: a participant (with the role they had), a staff account, or the system.
    (court.access.Actor is someone asking the REST API; this is someone in the record.)"""

    kind: ActorKind
    id: str | None = None  # participant id or staff account name; None for the system
    role: Role | None = None  # a participant's role

    @classmethod
    def of(cls, participant: Participant | None) -> EventActor:
        if participant is None:
            return SYSTEM
        return cls(ActorKind.PARTICIPANT, participant.id, participant.role)

    @classmethod
    def staff(cls, account: str) -> EventActor:
        return cls(ActorKind.STAFF, account)

    @property
    def label(self) -> str:
        """As the audit log and the protocol's ``author`` name it."""
        if self.kind is ActorKind.PARTICIPANT:
            role = "" if self.role is None else f" ({self.role.value})"
            return f"participant:{self.id}{role}"
        if self.kind is ActorKind.STAFF:
            return f"staff:{self.id}"
        return "system"

    @classmethod
    def from_label(cls, label: str) -> EventActor | None:
        """The actor a label names (None: not a label this module writes)."""
        if label == "system":
            return SYSTEM
        if label.startswith("staff:"):
            return cls.staff(label.removeprefix("staff:"))
        if label.startswith("participant:"):
            ident, _, role = label.removeprefix("participant:").partition(" ")
            role = role.removeprefix("(").removesuffix(")")
            known = role in {r.value for r in Role}
            return cls(ActorKind.PARTICIPANT, ident, Role(role) if known else None)
        return None


SYSTEM: Final = EventActor(ActorKind.SYSTEM)


class SubjectKind(StrEnum):
    HEARING = "hearing"  # the hearing itself (a state change, the door, the recording)
    PARTICIPANT = "participant"
    CONSULTATION = "consultation"
    EXHIBIT = "exhibit"
    CLERK = "clerk"  # whoever keeps the hearing's chat for the court (a message to the clerk)


@dataclass(frozen=True, slots=True)
class Subject:
    """To whom or what it happened."""

    kind: SubjectKind
    id: str | None = None

    @classmethod
    def participant(cls, participant_id: str) -> Subject:
        return cls(SubjectKind.PARTICIPANT, participant_id)

    @classmethod
    def consultation(cls, consultation_id: str) -> Subject:
        return cls(SubjectKind.CONSULTATION, consultation_id)

    @classmethod
    def exhibit(cls, exhibit_id: str) -> Subject:
        return cls(SubjectKind.EXHIBIT, exhibit_id)

    @property
    def participant_id(self) -> str | None:
        return self.id if self.kind is SubjectKind.PARTICIPANT else None

    @property
    def label(self) -> str | None:
        """As the audit log's object and the timeline name it (None: the hearing itself)."""
        if self.kind is SubjectKind.HEARING:
            return None
        if self.kind is SubjectKind.CLERK:
            return "the clerk"
        return f"{self.kind.value}:{self.id}"


HEARING: Final = Subject(SubjectKind.HEARING)
CLERK: Final = Subject(SubjectKind.CLERK)


# The parameters of each kind: an event with others is a programming error.
PARAMS_OF: Final[Mapping[EventKind, type[EventParams]]] = {
    EventKind.HEARING_STATE_CHANGED: StateChange,
    EventKind.RECORDING_STARTED: NoParams,
    EventKind.RECORDING_STOPPED: NoParams,
    EventKind.RECORDING_RESUMED: RecordResumed,
    EventKind.RECORDING_FAILED: Because,
    EventKind.PARTICIPANT_JOINED: Joined,
    EventKind.PARTICIPANT_RECONNECTED: Gap,
    EventKind.PARTICIPANT_LEFT: Left,
    EventKind.CONNECTION_LOST: NoParams,
    EventKind.CONNECTION_RESTORED: Gap,
    EventKind.PARTICIPANT_ADMITTED: NoParams,
    EventKind.PARTICIPANT_SENT_TO_WAITING_ROOM: Because,
    EventKind.PARTICIPANT_MUTED: Because,
    EventKind.UNMUTE_REQUESTED: NoParams,
    EventKind.PARTICIPANT_REMOVED: Because,
    EventKind.PARTICIPANT_READMITTED: NoParams,
    EventKind.HEARING_LOCKED: NoParams,
    EventKind.HEARING_UNLOCKED: NoParams,
    EventKind.SPOTLIGHT_CHANGED: NoParams,
    EventKind.HAND_RAISED: NoParams,
    EventKind.HAND_LOWERED: NoParams,
    EventKind.WITNESS_CALLED: NoParams,
    EventKind.WITNESS_DISMISSED: NoParams,
    EventKind.WITNESS_RELEASED: NoParams,
    EventKind.CONSULTATION_REQUESTED: NoParams,
    EventKind.CONSULTATION_STARTED: NoParams,
    EventKind.CONSULTATION_ENDED: ConsultationEnded,
    EventKind.SCREEN_SHARE_STARTED: NoParams,
    EventKind.SCREEN_SHARE_STOPPED: ShareEnded,
    EventKind.CHAT_MESSAGE: ChatSent,
    EventKind.EXHIBIT_OFFERED: ExhibitOffered,
    EventKind.EXHIBIT_PUT_FORWARD: ExhibitDescribed,
    EventKind.EXHIBIT_DESCRIBED: ExhibitDescribed,
    EventKind.EXHIBIT_RULED: ExhibitRuled,
    EventKind.EXHIBIT_SHOWN: ExhibitNumber,
    EventKind.EXHIBIT_HIDDEN: ExhibitHidden,
}


def check_params(kind: EventKind, params: EventParams) -> None:
    expected = PARAMS_OF[kind]
    if type(params) is not expected:
        raise TypeError(f"{kind.value} carries {expected.__name__}, not {type(params).__name__}")


def audit_reason(kind: EventKind, params: EventParams) -> str:
    """The event's reason in the words the audit log and the timeline have always used."""
    if kind is EventKind.PARTICIPANT_RECONNECTED and isinstance(params, Gap):
        return f"after a gap of {params.seconds:.1f} s"
    return params.said


_ENUM_FIELDS: Final = {kind: enum_fields(cls) for kind, cls in PARAMS_OF.items()}


def params_from_json(kind: EventKind, data: Mapping[str, Any]) -> EventParams:
    """The parameters of ``kind`` from their JSON form (ValueError if they do not fit)."""
    cls = PARAMS_OF[kind]
    names = {f.name for f in dataclasses.fields(cls)}
    if set(data) != names:
        raise ValueError(f"{kind.value}: parameters {sorted(data)}, expected {sorted(names)}")
    enums = _ENUM_FIELDS[kind]
    converted: dict[str, Any] = {
        name: (enums[name](value) if name in enums and value is not None else value)
        for name, value in data.items()
    }
    return cls(**converted)


@dataclass(frozen=True, slots=True)
class WrittenEvent:
    """What the system wrote a protocol entry from: the event's kind and its parameters."""

    kind: EventKind
    params: EventParams

    def __post_init__(self) -> None:
        check_params(self.kind, self.params)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "params": params_json(self.params)}

    @classmethod
    def from_json(cls, kind: str, params: Mapping[str, Any]) -> WrittenEvent:
        event_kind = EventKind(kind)
        return cls(event_kind, params_from_json(event_kind, params))


@dataclass(frozen=True, slots=True)
class HearingEvent:
    """One event as published (signaling.live.bus.HearingEventBus.publish)."""

    hearing_id: str
    kind: EventKind
    actor: EventActor
    subject: Subject
    params: EventParams
    at: float  # Unix seconds
    record_time_ms: int | None  # milliseconds into the running recording, if any

    def __post_init__(self) -> None:
        check_params(self.kind, self.params)

    @property
    def reason(self) -> str:
        return audit_reason(self.kind, self.params)
