"""How the live hearing shows its things on the wire: a participant, the hearing, a recording.

Each view is the one shape of its thing in every notification and acknowledgement.
"""

from __future__ import annotations

from typing import Any

from court.hearing import Hearing, Participant
from court.hearing_state import STATE_LABELS
from court.permissions import permissions_of
from recordings import HearingRecording, RecordingInfo


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
        "state": hearing.state.value,
        "state_label": STATE_LABELS[hearing.state],
    }


def running_recording_view(recording: HearingRecording) -> dict[str, Any]:
    return {"id": recording.id, "started_at": recording.started_at}


def stopped_recording_view(info: RecordingInfo) -> dict[str, Any]:
    return {"id": info.recording_id, "started_at": info.started_at, "duration_s": info.duration_s}
