"""Typed, validated payloads of every command, and the two shapes of an acknowledgement.

Validation is strict (no coercion of "yes" to True) and forbids unknown fields, so a client
that sends the wrong thing learns it at once instead of being half-understood.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from court.errors import InvalidRequest
from court.exhibits import MAX_DESCRIPTION
from court.protocol import MAX_ENTRY_TEXT
from signaling.live.attendance import DeviceResult

MAX_SDP_LENGTH = 64 * 1024
MAX_CHAT_LENGTH = 2000
MAX_REASON_LENGTH = 500
MAX_ID_LENGTH = 64

ParticipantRef = Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH)]
Reason = Annotated[str, Field(max_length=MAX_REASON_LENGTH)]

Ack = dict[str, Any]


class Command(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


C = TypeVar("C", bound=Command)


class Join(Command):
    # A judge or clerk already connected from another page is not replaced unless the
    # person, asked on this page, said so (the security review's H1): the first join is
    # answered `bench_already_connected`, the confirmed one takes over.
    take_over: StrictBool = False


class Publish(Command):
    audio: bool = True
    video: bool = True


class Answer(Command):
    revision: int = Field(ge=1)
    type: Literal["answer"]
    sdp: str = Field(min_length=1, max_length=MAX_SDP_LENGTH)


class Leave(Command):
    pass


class RecordingCommand(Command):
    pass


class Empty(Command):
    pass


class SetHearingState(Command):
    state: Literal["open", "in_session", "paused", "suspended", "closed"]
    reason: Reason = ""


class ParticipantCommand(Command):
    participant_id: ParticipantRef


class ParticipantWithReason(Command):
    participant_id: ParticipantRef
    reason: Reason = ""


class RemoveParticipant(Command):
    participant_id: ParticipantRef
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON_LENGTH)]


class DismissWitness(Command):
    participant_id: ParticipantRef
    release: bool = False


class LockHearing(Command):
    locked: bool


class Spotlight(Command):
    participant_id: ParticipantRef | None


class SetMuted(Command):
    muted: bool


class RaiseHand(Command):
    raised: bool


class SendChat(Command):
    text: Annotated[str, Field(min_length=1, max_length=MAX_CHAT_LENGTH)]
    to: ParticipantRef | None = None


# court.protocol.EntryKind's values (a test keeps them equal).
EntryKindName = Literal[
    "statement",
    "question",
    "answer",
    "motion",
    "objection",
    "ruling",
    "note",
    "exhibit",
    "off_the_record",
    "event",
    "correction",
]


class BeganAt(Command):
    """The record time the writer's page saw when typing began, by the record clock it keeps
    in step with the server's (the heartbeat's answer): a stamp that no delay between the
    page and the server moves."""

    recording_id: ParticipantRef
    record_ms: Annotated[int, Field(ge=0, le=7 * 24 * 3600 * 1000)]


class WriteProtocolEntry(Command):
    """A new protocol entry (no ``entry_id``) or a save of one being written."""

    entry_id: ParticipantRef | None = None
    # A string on the wire (strict mode takes no enum instance from JSON); "event" is
    # refused later in words, since only the system writes those.
    kind: EntryKindName
    text: Annotated[str, Field(max_length=MAX_ENTRY_TEXT)] = ""
    speaker_id: ParticipantRef | None = None
    # New entries: how long before this message the writer began it (stamped then).
    began_ms_ago: Annotated[int, Field(ge=0, le=600_000)] = 0
    # New entries: when typing began, by the page's record clock; preferred to
    # began_ms_ago, which is used when this is absent or does not fit the recording.
    began_at: BeganAt | None = None
    # Saves: move the entry's stamp to this record time of its recording.
    record_ms: Annotated[int, Field(ge=0, le=7 * 24 * 3600 * 1000)] | None = None
    # New entries: accept this speech-to-text suggestion (stamped where its words began).
    suggestion_id: ParticipantRef | None = None


class DismissSuggestion(Command):
    suggestion_id: ParticipantRef


Description = Annotated[str, Field(min_length=1, max_length=MAX_DESCRIPTION, pattern=r"\S")]
# court.exhibits.ExhibitStatus's values (a test keeps them equal).
ExhibitStatusName = Literal["offered", "admitted", "excluded"]


class RegisterExhibit(Command):
    description: Description
    offered_by: ParticipantRef | None = None  # None: the court puts it forward itself


class UpdateExhibit(Command):
    exhibit_id: ParticipantRef
    description: Description | None = None
    status: ExhibitStatusName | None = None
    reason: Reason = ""  # of a ruling, written into the protocol with it


class ShowExhibit(Command):
    exhibit_id: ParticipantRef


class ConfirmExhibitOffer(Command):
    """Register a screen offered as an exhibit (its showing is the share's)."""

    offer_id: ParticipantRef
    description: Description | None = None  # None: "Shown on screen by <sharer>"


class ExhibitOfferCommand(Command):
    offer_id: ParticipantRef


class ConsultationMembers(Command):
    participant_ids: Annotated[list[ParticipantRef], Field(min_length=1, max_length=4)]


class RespondConsultation(Command):
    consultation_id: ParticipantRef
    accept: bool


class ConsultationCommand(Command):
    consultation_id: ParticipantRef


class StopScreenShare(Command):
    """Stop one's own share (no ``participant_id``, or one's own) or, for the court, anyone's."""

    participant_id: ParticipantRef | None = None


class DeviceCheck(Command):
    camera: DeviceResult
    microphone: DeviceResult
    speaker: DeviceResult


def parse(model: type[C], payload: object) -> C:
    """Validate ``payload`` (``None`` counts as ``{}``) or raise InvalidRequest."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise InvalidRequest(f"the payload must be an object, not {type(payload).__name__}")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidRequest(f"invalid payload: {problems}") from None


def ok(data: Mapping[str, object] | None = None) -> Ack:
    return {"ok": True, "data": data or {}}


def error(code: str, message: str) -> Ack:
    return {"ok": False, "error": {"code": code, "message": message}}
