"""Typed, validated payloads of every command, and the two shapes of an acknowledgement.

Validation is strict (no coercion of "yes" to True) and forbids unknown fields, so a client
that sends the wrong thing learns it at once instead of being half-understood.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from court.errors import InvalidRequest
from court.hearing import Hearing, Participant
from court.permissions import permissions_of
from recordings import HearingRecording, RecordingInfo

MAX_SDP_LENGTH = 64 * 1024

Ack = dict[str, Any]


class Command(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


C = TypeVar("C", bound=Command)


class Join(Command):
    pass


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


def ok(data: dict[str, Any] | None = None) -> Ack:
    return {"ok": True, "data": data or {}}


def error(code: str, message: str) -> Ack:
    return {"ok": False, "error": {"code": code, "message": message}}


def participant_view(participant: Participant, *, with_permissions: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": participant.id,
        "name": participant.name,
        "role": participant.role.value,
        "role_label": participant.role.label,
    }
    if with_permissions:
        view["permissions"] = sorted(p.value for p in permissions_of(participant.role))
    return view


def hearing_view(hearing: Hearing) -> dict[str, Any]:
    return {
        "id": hearing.id,
        "case_number": hearing.case_number,
        "title": hearing.title,
    }


def running_recording_view(recording: HearingRecording) -> dict[str, Any]:
    return {"id": recording.id, "started_at": recording.started_at}


def stopped_recording_view(info: RecordingInfo) -> dict[str, Any]:
    return {"id": info.recording_id, "started_at": info.started_at, "duration_s": info.duration_s}
