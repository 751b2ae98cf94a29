"""The court protocol: numbered entries, each bound to a moment of the hearing's record.

The clerk (and the judge) write entries as the hearing goes on; the court's own actions are
written down automatically. Every entry carries the recording it refers to and the record
time within it, so anyone reading the protocol later can hear that moment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from court.events import EXHIBIT_KINDS, EventKind, WrittenEvent

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
    CORRECTION = "correction"  # after signing: appended with its reason, nothing rewritten


# What the bench writes during the hearing.
WRITTEN_KINDS: Final = frozenset(EntryKind) - {EntryKind.EVENT, EntryKind.CORRECTION}

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
    EntryKind.CORRECTION: "Correction",
}


class SignerRole(StrEnum):
    JUDGE = "judge"
    CLERK = "clerk"


@dataclass(frozen=True, slots=True)
class ProtocolSignature:
    hearing_id: str
    role: SignerRole
    signer: str  # the staff account, as the audit log names it
    digest: str  # SHA-256 of the protocol as signed (court.protocol.protocol_digest)
    signed_at: float  # Unix seconds


# Which hearing events the protocol writes down, and the words that head each entry (in
# English here; server/protocol_document/templates has them in every language). Chat, raised
# hands, spotlight and requests are conduct of the session, not of the proceedings; a
# consultation's existence is written down, never its content. The changes of the exhibit
# register are written by the register in their own phrases (court.exhibits.EXHIBIT_WORDS).
EVENT_WORDS: Final[Mapping[EventKind, str]] = {
    EventKind.HEARING_STATE_CHANGED: "The hearing's state changed",
    EventKind.RECORDING_STARTED: "The recording started",
    EventKind.RECORDING_STOPPED: "The recording stopped",
    EventKind.RECORDING_RESUMED: "The recording resumed",
    EventKind.RECORDING_FAILED: "The recording failed",
    EventKind.PARTICIPANT_JOINED: "Joined",
    EventKind.PARTICIPANT_ADMITTED: "Admitted to the hearing room",
    EventKind.PARTICIPANT_SENT_TO_WAITING_ROOM: "Sent to the waiting room",
    EventKind.PARTICIPANT_LEFT: "Left",
    EventKind.PARTICIPANT_REMOVED: "Removed from the hearing",
    EventKind.PARTICIPANT_READMITTED: "Readmitted",
    EventKind.PARTICIPANT_RECONNECTED: "Reconnected",
    EventKind.CONNECTION_LOST: "Connection lost",
    EventKind.CONNECTION_RESTORED: "Connection restored",
    EventKind.PARTICIPANT_MUTED: "Muted by the court",
    EventKind.WITNESS_CALLED: "Witness called",
    EventKind.WITNESS_DISMISSED: "Witness dismissed",
    EventKind.WITNESS_RELEASED: "Witness released",
    EventKind.CONSULTATION_STARTED: "Private consultation started",
    EventKind.CONSULTATION_ENDED: "Private consultation ended",
    EventKind.HEARING_LOCKED: "The hearing's door was locked",
    EventKind.HEARING_UNLOCKED: "The hearing's door was unlocked",
    EventKind.SCREEN_SHARE_STARTED: "Screen shared",
    EventKind.SCREEN_SHARE_STOPPED: "Screen sharing ended",
}

# The events the protocol leaves out, each with the reason. Every EventKind is in
# EVENT_WORDS, in EXHIBIT_KINDS or here (tests/court/test_event_text.py holds it so): a new
# kind is never lost silently.
NOT_WRITTEN: Final[Mapping[EventKind, str]] = {
    EventKind.UNMUTE_REQUESTED: "conduct of the session: the court asks, the muting was written",
    EventKind.SPOTLIGHT_CHANGED: "conduct of the session: whose picture is large",
    EventKind.HAND_RAISED: "conduct of the session: the court gives the floor in words",
    EventKind.HAND_LOWERED: "conduct of the session",
    EventKind.CONSULTATION_REQUESTED: "only a consultation that takes place is written down",
    EventKind.CHAT_MESSAGE: "the chat is not part of the proceedings (audited, never written)",
}


def written(kind: EventKind) -> bool:
    """Whether the protocol writes an event of this kind down."""
    return kind in EVENT_WORDS or kind in EXHIBIT_KINDS


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
    revisions: int = 1  # versions kept of it (ProtocolRevision); more than 1: edited
    # What the system wrote the entry from (its text is that, in English); None for what
    # people wrote, and for the system's entries written before events were kept.
    event: WrittenEvent | None = None


# Saves come as the writer types (every few hundred ms). A revision per save would bury an
# edit among hundreds of keystrokes, so one writer's saves of an entry within this window of
# their last save fold into that writer's latest revision (its text and time replaced).
# Anything else adds a revision: another writer, a pause as long as the window, another
# record time, speaker or kind. So every version that stood unchanged for the window is
# kept, and so is every version that another writer or a new stamp, speaker or kind
# replaced; what is lost is only one writer's typing on its way to the next version.
REVISION_WINDOW_S: Final = 10.0


@dataclass(frozen=True, slots=True)
class ProtocolRevision:
    """One version of an entry as saved before the protocol was signed (1: as begun)."""

    entry_id: str
    revision: int
    kind: EntryKind
    speaker_id: str | None
    text: str
    record_ms: int | None
    saved_by: str  # "participant:<id> (<role>)", "staff:<account>" or "system"
    saved_at: float  # Unix seconds: the last save folded into this revision


def revision_of(entry: ProtocolEntry, revision: int, saved_by: str) -> ProtocolRevision:
    """The entry as it stands, as its ``revision``-th version, saved by ``saved_by``."""
    return ProtocolRevision(
        entry_id=entry.id,
        revision=revision,
        kind=entry.kind,
        speaker_id=entry.speaker_id,
        text=entry.text,
        record_ms=entry.record_ms,
        saved_by=saved_by,
        saved_at=entry.updated_at,
    )


def same_content(a: ProtocolRevision, b: ProtocolRevision) -> bool:
    """Whether the two say the same (whoever saved them, whenever)."""
    return _content(a) == _content(b)


def _content(r: ProtocolRevision) -> tuple[EntryKind, str | None, str, int | None]:
    return r.kind, r.speaker_id, r.text, r.record_ms


def folds_into(latest: ProtocolRevision, saved: ProtocolRevision) -> bool:
    """Whether ``saved`` replaces the text of ``latest`` instead of becoming a revision of
    its own (REVISION_WINDOW_S says why and when)."""
    return (
        saved.saved_by == latest.saved_by
        and (saved.kind, saved.speaker_id, saved.record_ms)
        == (latest.kind, latest.speaker_id, latest.record_ms)
        # In whole milliseconds: a stored time keeps microseconds, a float more.
        and 0 <= round((saved.saved_at - latest.saved_at) * 1000) < REVISION_WINDOW_S * 1000
    )


def protocol_json(hearing_id: str, entries: Sequence[ProtocolEntry]) -> bytes:
    """The protocol's content in one canonical form (sorted keys, no spaces, ASCII): what
    its signers sign, and what goes into the record's manifest. Times of saving are left
    out; what was written, when in the record, by and about whom, is in. A system entry
    written from an event also holds the event (its kind and parameters, what every
    language renders it from); an entry without one has no ``event`` key, so protocols
    signed before events were kept keep their digest."""
    document = {
        "hearing_id": hearing_id,
        "entries": [entry_json(e) for e in sorted(entries, key=lambda e: e.number)],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def entry_json(e: ProtocolEntry) -> dict[str, Any]:
    """One entry as protocol_json holds it."""
    entry: dict[str, Any] = {
        "number": e.number,
        "kind": e.kind.value,
        "recording_id": e.recording_id,
        "record_ms": e.record_ms,
        "speaker_id": e.speaker_id,
        "text": e.text,
        "author": e.author,
        "automatic": e.automatic,
    }
    if e.event is not None:
        entry["event"] = e.event.as_json()
    return entry


def protocol_digest(hearing_id: str, entries: Sequence[ProtocolEntry]) -> str:
    return hashlib.sha256(protocol_json(hearing_id, entries)).hexdigest()
