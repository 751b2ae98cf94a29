"""A written event in words, in any language, made from its kind and parameters.

The system writes its protocol entries in English as they happen (``ENGLISH``), and every
document renders them again in its own language from the same event
(server/protocol_document/templates hold the other tables). Nothing here reads a sentence:
what was said in words (a reason, a description, a name) is kept as written, everything else
(states, rooms, statuses, times, numbers) is put in the table's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from court.event_params import (
    Because,
    ChatSent,
    ConsultationEnd,
    ConsultationEnded,
    EventParams,
    ExhibitDescribed,
    ExhibitHidden,
    ExhibitNumber,
    ExhibitOffered,
    ExhibitRuled,
    Gap,
    Joined,
    LeaveReason,
    Left,
    NoParams,
    RecordResumed,
    ShareEnd,
    ShareEnded,
    StateChange,
)
from court.events import EventKind, WrittenEvent
from court.exhibits import EXHIBIT_WORDS, STATUS_LABELS, ExhibitStatus
from court.hearing_state import HearingState
from court.protocol import EVENT_WORDS
from court.record_time import format_record_time
from court.roles import Role
from court.rooms import RoomKind


def _fields(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", template))


@dataclass(frozen=True, slots=True)
class EventWords:
    """One language's words for the events the protocol writes."""

    events: Mapping[EventKind, str]  # what heads an entry (court.protocol.EVENT_WORDS)
    states: Mapping[HearingState, str]
    rooms: Mapping[RoomKind, str]
    leave_reasons: Mapping[LeaveReason, str]  # why someone left, after "Left: "
    roles: Mapping[Role, str]
    share_ends: Mapping[ShareEnd, str]  # {role}: who of the court; {left}: why they left
    consultation_ends: Mapping[ConsultationEnd, str]  # {name}: the member, as named
    exhibits: Mapping[str, str]  # court.exhibits.EXHIBIT_WORDS's phrases, same {fields}
    exhibit_statuses: Mapping[ExhibitStatus, str]  # as they read inside a sentence
    after_gap: str  # a reconnection: "after a gap of {seconds} s"
    after: str  # a connection restored: "after {seconds} s"
    resumed: str  # "the hearing was {state} without a recorder ... {recording_id}"
    off_the_record: str  # a time that is not in the record

    def __post_init__(self) -> None:
        # A new written kind, state, room or phrase must be worded in every language before
        # it can be rendered: failing at import makes that a test failure, not a KeyError
        # (or an English line in a Russian document) later.
        if set(self.events) != set(EVENT_WORDS) or set(self.states) != set(HearingState):
            raise ValueError("every written event and every state needs its words")
        if set(self.rooms) != set(RoomKind) or set(self.exhibit_statuses) != set(ExhibitStatus):
            raise ValueError("every room and every exhibit status needs its words")
        if set(self.leave_reasons) != set(LeaveReason) or set(self.roles) != set(Role):
            raise ValueError("every reason for leaving and every role needs its words")
        if set(self.share_ends) != set(ShareEnd):
            raise ValueError("every way a screen share ends needs its words")
        if set(self.consultation_ends) != set(ConsultationEnd):
            raise ValueError("every way a consultation ends needs its words")
        for phrase, english in EXHIBIT_WORDS.items():
            if _fields(self.exhibits.get(phrase, "")) != _fields(english):
                raise ValueError(f"exhibit phrase {phrase!r} needs words with {english!r}'s fields")


ENGLISH: Final = EventWords(
    events=EVENT_WORDS,
    states={state: state.value.replace("_", " ").capitalize() for state in HearingState},
    rooms={room: room.value for room in RoomKind},
    leave_reasons={reason: reason.value for reason in LeaveReason},
    roles={role: role.label for role in Role},
    share_ends={
        ShareEnd.BY_SHARER: "stopped by the sharer",
        ShareEnd.BY_COURT: "stopped by the court ({role})",
        ShareEnd.TRANSFERRED: "transferred",
        ShareEnd.REMOVED: "removed",
        ShareEnd.SHARER_LEFT: "{left}",
    },
    consultation_ends={
        ConsultationEnd.DECLINED: "declined by {name}",
        ConsultationEnd.ENDED: "ended by {name}",
        ConsultationEnd.HEARING_CLOSED: "the hearing closed",
        ConsultationEnd.MEMBER_REMOVED: "a member was removed",
    },
    exhibits=EXHIBIT_WORDS,
    exhibit_statuses={status: label.lower() for status, label in STATUS_LABELS.items()},
    after_gap="after a gap of {seconds} s",
    after="after {seconds} s",
    resumed="the hearing was {state} without a recorder (the server restarted); "
    "the record resumes in recording {recording_id}",
    off_the_record="off the record",
)


def event_text(event: WrittenEvent, words: EventWords = ENGLISH) -> str:
    """The entry the protocol holds for ``event``, in the language of ``words``."""
    params = event.params
    if isinstance(
        params, ExhibitOffered | ExhibitDescribed | ExhibitRuled | ExhibitNumber | ExhibitHidden
    ):
        return _exhibit_text(event.kind, params, words)
    heading = words.events[event.kind]
    detail = _detail(event.kind, params, words)
    return f"{heading}: {detail}" if detail else heading


def _detail(kind: EventKind, params: EventParams, words: EventWords) -> str:
    """Why it happened: a reason as written, or the system's own in the table's words."""
    match params:
        case StateChange(before, after, reason):
            why = _said(reason)
            states = f"{words.states[before]} → {words.states[after]}"
            return states + (f" ({why})" if why else "")
        case Because(reason):
            return _said(reason)
        case Left(cause, detail):
            return _left(cause, detail, words)
        case ShareEnded(ended, role, left, detail):
            role_words = "" if role is None else words.roles[role]
            left_words = "" if left is None else _left(left, detail, words)
            return words.share_ends[ended].format(role=role_words, left=left_words)
        case ConsultationEnded(ended, name):
            return words.consultation_ends[ended].format(name=name)
        case _:
            return _circumstance(kind, params, words)


def _circumstance(kind: EventKind, params: EventParams, words: EventWords) -> str:
    """Where, how long, in which recording: facts in the table's words."""
    match params:
        case Joined(room):
            return words.rooms[room]
        case Gap(seconds):
            template = words.after_gap if kind is EventKind.PARTICIPANT_RECONNECTED else words.after
            return template.format(seconds=f"{seconds:.1f}")
        case RecordResumed(state, recording_id):
            return words.resumed.format(
                state=words.states[state].lower(), recording_id=recording_id
            )
        case NoParams() | ChatSent():
            return ""
    raise TypeError(f"{kind.value}: no words for {type(params).__name__}")


def _left(cause: LeaveReason, detail: str, words: EventWords) -> str:
    said = words.leave_reasons[cause]
    return f"{said}: {detail}" if detail else said


def _said(reason: str) -> str:
    """A reason as written, without the dangling colon an empty one once left."""
    return reason.strip().removesuffix(":").strip()


def _exhibit_text(
    kind: EventKind,
    params: ExhibitOffered | ExhibitDescribed | ExhibitRuled | ExhibitNumber | ExhibitHidden,
    words: EventWords,
) -> str:
    phrases = words.exhibits
    match params:
        case ExhibitOffered(number, who, description):
            return phrases["offered"].format(number=number, who=who, description=description)
        case ExhibitDescribed(number, description):
            phrase = "put_forward" if kind is EventKind.EXHIBIT_PUT_FORWARD else "described"
            return phrases[phrase].format(number=number, description=description)
        case ExhibitRuled(number, status, reason):
            phrase = "ruled_because" if reason else "ruled"
            status_words = words.exhibit_statuses[status]
            return phrases[phrase].format(number=number, status=status_words, reason=reason)
        case ExhibitNumber(number):
            return phrases["shown"].format(number=number)
        case ExhibitHidden(number, start_ms, end_ms):
            start, end = _clock(start_ms, words), _clock(end_ms, words)
            phrase = "hidden" if end_ms is None else "hidden_span"
            return phrases[phrase].format(number=number, start=start, end=end)
    raise TypeError(f"{kind.value}: no words for {type(params).__name__}")  # pragma: no cover


def _clock(ms: int | None, words: EventWords) -> str:
    """hh:mm:ss of a showing, as the register has always written it."""
    return words.off_the_record if ms is None else format_record_time(ms, millis=False)
