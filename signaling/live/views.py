"""How the live hearing shows its things on the wire: a participant, the hearing, a recording.

Each view is the one shape of its thing in every notification and acknowledgement; the
shapes are declared in signaling.live.notices.
"""

from __future__ import annotations

from court.hearing import Hearing, Participant
from court.hearing_state import STATE_LABELS
from recordings import HearingRecording, RecordingInfo
from signaling.live.notices import (
    HearingView,
    ParticipantCard,
    RunningRecordingView,
    StoppedRecordingView,
)


def participant_view(participant: Participant) -> ParticipantCard:
    return {
        "id": participant.id,
        "name": participant.name,
        "role": participant.role.value,
        "role_label": participant.role.label,
    }


def hearing_view(hearing: Hearing) -> HearingView:
    return {
        "id": hearing.id,
        "case_number": hearing.case_number,
        "title": hearing.title,
        "state": hearing.state.value,
        "state_label": STATE_LABELS[hearing.state],
    }


def running_recording_view(recording: HearingRecording) -> RunningRecordingView:
    return {"id": recording.id, "started_at": recording.started_at}


def stopped_recording_view(info: RecordingInfo) -> StoppedRecordingView:
    return {"id": info.recording_id, "started_at": info.started_at, "duration_s": info.duration_s}
