"""The court protocol: numbered entries, each bound to a moment of the hearing's record.

The clerk (and the judge) write entries as the hearing goes on; the court's own actions are
written down automatically. Every entry carries the recording it refers to and the record
time within it, so anyone reading the protocol later can hear that moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

MAX_ENTRY_TEXT: Final = 10_000  # characters: a long statement, summarised as clerks do


class EntryKind(StrEnum):
    STATEMENT = "statement"
    QUESTION = "question"
    ANSWER = "answer"
    MOTION = "motion"
    OBJECTION = "objection"
    RULING = "ruling"
    NOTE = "note"
    EXHIBIT = "exhibit"
    OFF_THE_RECORD = "off_the_record"
    EVENT = "event"  # written by the system, never by a person


WRITTEN_KINDS: Final = frozenset(EntryKind) - {EntryKind.EVENT}

KIND_LABELS: Final[Mapping[EntryKind, str]] = {
    EntryKind.STATEMENT: "Statement",
    EntryKind.QUESTION: "Question",
    EntryKind.ANSWER: "Answer",
    EntryKind.MOTION: "Motion",
    EntryKind.OBJECTION: "Objection",
    EntryKind.RULING: "Ruling",
    EntryKind.NOTE: "Note",
    EntryKind.EXHIBIT: "Exhibit",
    EntryKind.OFF_THE_RECORD: "Off the record",
    EntryKind.EVENT: "Event",
}

# Which hearing events the protocol writes down, in words. Chat, raised hands, spotlight
# and requests are conduct of the session, not of the proceedings; a consultation's
# existence is written down, never its content.
EVENT_WORDS: Final[Mapping[str, str]] = {
    "hearing_state_changed": "The hearing's state changed",
    "recording_started": "The recording started",
    "recording_stopped": "The recording stopped",
    "recording_resumed": "The recording resumed",
    "recording_failed": "The recording failed",
    "participant_joined": "Joined",
    "participant_admitted": "Admitted to the hearing room",
    "participant_sent_to_waiting_room": "Sent to the waiting room",
    "participant_left": "Left",
    "participant_removed": "Removed from the hearing",
    "participant_readmitted": "Readmitted",
    "participant_reconnected": "Reconnected",
    "connection_lost": "Connection lost",
    "connection_restored": "Connection restored",
    "participant_muted": "Muted by the court",
    "witness_called": "Witness called",
    "witness_dismissed": "Witness dismissed",
    "consultation_started": "Private consultation started",
    "consultation_ended": "Private consultation ended",
    "hearing_locked": "The hearing's door was locked or unlocked",
}


@dataclass(frozen=True, slots=True)
class ProtocolEntry:
    id: str
    hearing_id: str
    number: int  # 1, 2, 3... in the order entries were begun
    kind: EntryKind
    recording_id: str | None  # the recording the record time refers to; None: not recorded
    record_ms: int | None  # milliseconds into that recording
    speaker_id: str | None  # the participant speaking, or the subject of an event
    text: str
    author: str  # "participant:<id> (<role>)" or "system"
    automatic: bool
    created_at: float  # Unix seconds
    updated_at: float
