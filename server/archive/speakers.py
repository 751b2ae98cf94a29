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

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from recordings.speakers import SPEAKERS_FILE, SpeakerTurn, parse_speakers
from recordings.storage import ArchiveStorage, MissingObject, archive_key

logger = logging.getLogger(__name__)

# A turn a second for ten hours is ~2 MB; anything far larger is not a speaker timeline,
# and is not read into memory to find that out.
MAX_BYTES: Final = 16 * 1024 * 1024


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


def place(
    recording_id: str, offset_ms: int, duration_ms: int, turns: list[SpeakerTurn]
) -> tuple[Turn, ...]:
    """Turns in joined-master time. A turn is cut at its recording's end: past it, the
    master plays the next recording, and a turn drawn there would name the wrong speaker."""
    placed = []
    for turn in turns:
        start, end = min(turn.start_ms, duration_ms), min(turn.end_ms, duration_ms)
        if end > start:
            placed.append(
                Turn(turn.participant_id, recording_id, offset_ms + start, offset_ms + end)
            )
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
