"""What is known about a recording once written: identity, times, measured duration."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import av

from court.ids import HearingId, RecordingId
from recordings.metadata import RecordingMetadata

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    recording_id: RecordingId
    hearing_id: HearingId
    path: Path
    started_at: float
    stopped_at: float | None  # None: still running, or the process died before stopping
    duration_s: float | None  # measured from the file; None if it cannot be read


def recording_info(metadata: RecordingMetadata, directory: Path) -> RecordingInfo:
    """Describe a recording directory. Blocking: it reads the audio file."""
    path = directory / metadata.file
    return RecordingInfo(
        recording_id=metadata.recording_id,
        hearing_id=metadata.hearing_id,
        path=path,
        started_at=metadata.started_at,
        stopped_at=metadata.stopped_at,
        duration_s=measure_duration(path),
    )


def measure_duration(path: Path) -> float | None:
    """Duration of the audio actually in the file, from its packets (robust to a cut tail)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            end = 0
            for packet in container.demux(stream):
                if packet.pts is not None and packet.duration is not None:
                    end = max(end, packet.pts + packet.duration)
            if stream.time_base is None:
                return None
            return float(end * stream.time_base)
    except (av.FFmpegError, OSError, IndexError) as exc:
        logger.warning("cannot read %s: %s", path, exc)
        return None
