"""The archive's JSON views (typed as server/views.py explains; the class names are the
OpenAPI document's component names). Built by server/archive/routes.py and
server/archive/proceedings.py."""

from __future__ import annotations

from typing import Annotated, NotRequired

from pydantic import Field, WithJsonSchema, with_config
from typing_extensions import TypedDict

from court.hearing_state import HearingState
from court.roles import Role
from recordings.verification import State
from server.archive.jobs import JobStatus
from server.archive.speakers import TimelineState
from server.views import CLOSED, ProtocolSignature, Timestamp
from signaling.live.notices import EntryView

# An ISO 8601 date, as ``date.isoformat`` writes it.
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
Seconds = Annotated[float, Field(description="seconds from the start of the hearing's record")]

# ---- a hearing in the archive -------------------------------------------------------------


@with_config(CLOSED)
class ArchivedPerson(TypedDict):
    name: str
    role: Role
    role_label: str


@with_config(CLOSED)
class ArchivedParticipant(ArchivedPerson):
    id: str


@with_config(CLOSED)
class Retention(TypedDict):
    """How long the record is kept; ``updated_*`` once anyone has set it."""

    retain_until: Annotated[
        str | None, WithJsonSchema({"type": ["string", "null"], "format": "date"})
    ]
    legal_hold: bool
    updated_by: NotRequired[str]
    updated_at: NotRequired[Timestamp]


@with_config(CLOSED)
class ArchivedHearingSummary(TypedDict):
    id: str
    case_number: str
    title: str
    court: str
    courtroom: str
    scheduled_start: Timestamp | None
    state: HearingState
    state_label: str
    recorded_s: Annotated[
        float | None, Field(description="the recordings' length; null while one is unmeasured")
    ]
    recordings: Annotated[int, Field(description="how many recordings the record holds")]
    participants: list[ArchivedPerson]
    retention: Retention


@with_config(CLOSED)
class ArchivedHearingList(TypedDict):
    """The archived hearings a search found (searchArchive)."""

    hearings: list[ArchivedHearingSummary]


@with_config(CLOSED)
class ArchiveJob(TypedDict):
    """A copy or export built in the background."""

    status: JobStatus
    progress: Annotated[float, Field(ge=0, le=1)]
    error: str | None
    url: Annotated[str | None, Field(description="where to fetch it, once ready")]


@with_config(CLOSED)
class ArchiveJobs(TypedDict):
    """One job of each kind (server.archive.jobs.JobKind)."""

    master_audio: ArchiveJob
    viewing_copy: ArchiveJob
    export: ArchiveJob


@with_config(CLOSED)
class RecordedFile(TypedDict):
    name: str
    kind: Annotated[
        str,
        Field(
            description="segment, track, manifest, signature, timeline, metadata, protocol "
            "or speakers"
        ),
    ]
    participant_id: str | None
    participant_name: str | None
    media: Annotated[str | None, Field(description="audio or video, for segments and tracks")]
    bytes: int
    url: str


@with_config(CLOSED)
class ArchivedRecording(TypedDict):
    id: str
    started_at: Timestamp
    stopped_at: Timestamp | None
    duration_s: float | None
    offset_s: Seconds
    recovered: Annotated[bool, Field(description="sealed after a crash, by recovery")]
    files: list[RecordedFile]


@with_config(CLOSED)
class TimelineEvent(TypedDict):
    recording_id: str
    kind: str
    at_s: Seconds
    end_s: Seconds | None
    subject: str | None
    subject_name: Annotated[str | None, Field(description="the participant it is about")]
    reason: str


@with_config(CLOSED)
class ArchivedRecord(TypedDict):
    """A hearing's record: metadata, participants, recordings and files, timeline, jobs."""

    hearing: ArchivedHearingSummary
    participants: list[ArchivedParticipant]
    recordings: list[ArchivedRecording]
    timeline: list[TimelineEvent]
    jobs: ArchiveJobs


# ---- verification -------------------------------------------------------------------------


@with_config(CLOSED)
class SegmentReport(TypedDict):
    seq: int
    file: str
    start_ms: int
    end_ms: int
    sealed: str
    ok: bool


@with_config(CLOSED)
class RecordFinding(TypedDict):
    problem: str
    subject: Annotated[str, Field(description='e.g. "segment 3 (segment-000003.ogg)"')]
    detail: str


@with_config(CLOSED)
class RecordingReport(TypedDict):
    recording_id: Annotated[str, Field(description="or 'hearing index', about the whole")]
    ok: bool
    state: State
    segments: list[SegmentReport]
    findings: list[RecordFinding]


@with_config(CLOSED)
class RecordVerification(TypedDict):
    ok: bool
    recordings: list[RecordingReport]


# ---- what was said ------------------------------------------------------------------------


@with_config(CLOSED)
class ArchivedProtocolEntry(EntryView):
    master_ms: Annotated[
        int | None, Field(description="where it lies in the joined master; null: off the record")
    ]
    speaker: ArchivedParticipant | None


@with_config(CLOSED)
class ArchivedProtocol(TypedDict):
    hearing_id: str
    entries: list[ArchivedProtocolEntry]
    signatures: list[ProtocolSignature]
    digest: str | None
    locked: Annotated[bool, Field(description="signed at least once: nothing is rewritten")]
    finalised: Annotated[bool, Field(description="signed by both the judge and the clerk")]


@with_config(CLOSED)
class SpeakerLane(TypedDict):
    id: str
    offset_ms: int
    duration_ms: int
    speakers: TimelineState


@with_config(CLOSED)
class SpeakerTurn(TypedDict):
    participant_id: str
    recording_id: str
    start_ms: int
    end_ms: int


@with_config(CLOSED)
class SpeakerTimeline(TypedDict):
    """Who spoke when, in joined-master time."""

    hearing_id: str
    duration_ms: Annotated[int, Field(ge=0)]
    participants: list[ArchivedParticipant]
    recordings: list[SpeakerLane]
    turns: list[SpeakerTurn]
