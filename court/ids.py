"""Typed identifiers, so a hearing id is never passed where a participant id is expected."""

from __future__ import annotations

import secrets
from typing import NewType

HearingId = NewType("HearingId", str)
ParticipantId = NewType("ParticipantId", str)
RecordingId = NewType("RecordingId", str)


def new_id(prefix: str) -> str:
    """Return a random, URL-safe identifier such as ``hrg_3fK9...`` (96 bits of entropy)."""
    return f"{prefix}_{secrets.token_urlsafe(12)}"


def new_hearing_id() -> HearingId:
    return HearingId(new_id("hrg"))


def new_participant_id() -> ParticipantId:
    return ParticipantId(new_id("prt"))


def new_recording_id() -> RecordingId:
    return RecordingId(new_id("rec"))
