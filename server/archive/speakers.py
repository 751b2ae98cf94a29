"""Who spoke when, across a hearing's recordings: each recording's speaker timeline placed
in the joined master's time.

The recorder writes ``speakers.json`` beside a recording's manifest (and chains it into the
manifest)::

    {"version": 1, "recording_id": "rec_...", "turns": [
        {"participant_id": "par_...", "start_ms": 1200, "end_ms": 3400}, ...]}

with times in that recording's record time. Recordings made before the recorder wrote it
simply have none. A file that cannot be read is said to be so, for that recording alone:
the rest of the record, and the other recordings' turns, stay readable.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from recordings.storage import ArchiveStorage, MissingObject, archive_key

logger = logging.getLogger(__name__)

SPEAKERS_FILE: Final = "speakers.json"
FORMAT_VERSION: Final = 1
# A turn a second for ten hours is ~2 MB; anything far larger is not a speaker timeline,
# and is not read into memory to find that out.
MAX_BYTES: Final = 16 * 1024 * 1024
MAX_PARTICIPANT_ID: Final = 100


class TimelineState(StrEnum):
    RECORDED = "recorded"
    ABSENT = "absent"  # an older recording: no speaker timeline was written
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class Turn:
    participant_id: str
    recording_id: str
    start_ms: int  # joined-master time
    end_ms: int


@dataclass(frozen=True, slots=True)
class RecordingSpeakers:
    recording_id: str
    offset_ms: int  # where the recording starts in the joined master
    duration_ms: int
    state: TimelineState
    turns: tuple[Turn, ...]


def _whole(value: Any, what: str) -> int:
    # bool is an int to Python, never a time to the recorder.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} is not a whole number of milliseconds")
    return value


def parse_speakers(data: bytes, recording_id: str) -> list[tuple[str, int, int]]:
    """The turns of a ``speakers.json`` as (participant, start, end) in its recording's
    record time; ValueError for a file that is not a version-1 timeline of that recording."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ValueError(f"not a speaker timeline of version {FORMAT_VERSION}")
    if document.get("recording_id") != recording_id:
        # Copied from another recording, its times would land in the wrong place.
        raise ValueError(f"names recording {document.get('recording_id')!r}")
    turns = document.get("turns")
    if not isinstance(turns, list):
        raise ValueError("holds no list of turns")
    parsed = []
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise ValueError(f"turn {i} is not an object")
        who = turn.get("participant_id")
        if not isinstance(who, str) or not 0 < len(who) <= MAX_PARTICIPANT_ID:
            raise ValueError(f"turn {i} names no participant")
        start = _whole(turn.get("start_ms"), f"turn {i}: start_ms")
        end = _whole(turn.get("end_ms"), f"turn {i}: end_ms")
        if end < start:
            raise ValueError(f"turn {i} ends before it starts")
        parsed.append((who, start, end))
    return parsed


def place(
    recording_id: str, offset_ms: int, duration_ms: int, turns: list[tuple[str, int, int]]
) -> tuple[Turn, ...]:
    """Turns in joined-master time. A turn is cut at its recording's end: past it, the
    master plays the next recording, and a turn drawn there would name the wrong speaker."""
    placed = []
    for who, start, end in turns:
        start, end = min(start, duration_ms), min(end, duration_ms)
        if end > start:
            placed.append(Turn(who, recording_id, offset_ms + start, offset_ms + end))
    return tuple(placed)


async def read_speakers(
    storage: ArchiveStorage, hearing_id: str, recording_id: str, offset_ms: int, duration_ms: int
) -> RecordingSpeakers:
    """One recording's speaker timeline, read from the archive (the one object, not the
    recording's directory: on an object store that would fetch every segment)."""
    key = archive_key(hearing_id, recording_id, SPEAKERS_FILE)

    def result(state: TimelineState, turns: tuple[Turn, ...] = ()) -> RecordingSpeakers:
        return RecordingSpeakers(recording_id, offset_ms, duration_ms, state, turns)

    try:
        stored = await storage.head(key)
        if stored.size > MAX_BYTES:
            raise ValueError(f"{stored.size} bytes")
        chunks = [c async for c in await storage.read(key, 0, stored.size, version=stored.version)]
        turns = parse_speakers(b"".join(chunks), recording_id)
    except MissingObject:
        return result(TimelineState.ABSENT)
    except ValueError as exc:
        logger.warning("the speaker timeline %s is unreadable: %s", key, exc)
        return result(TimelineState.UNREADABLE)
    return result(TimelineState.RECORDED, place(recording_id, offset_ms, duration_ms, turns))
