"""What is known about a recording: identity, times, and the duration measured from its file.

The duration comes from the audio actually on disk, not from the metadata, so a master cut
short by a crash or a full disk shows what it really holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import av

from court.ids import HearingId, RecordingId
from recordings.manifest import MANIFEST_FILE, read_entries
from recordings.metadata import RecordingMetadata

logger = logging.getLogger(__name__)

# Reading every packet of a long master is slow (~0.3 s an hour), so measuring seeks to
# just before the end the container claims and reads from there.
_SEEK_MARGIN_S = 5


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    recording_id: RecordingId
    hearing_id: HearingId
    path: Path  # the recording's directory
    segments: tuple[Path, ...]  # the master's segment files, in record-time order
    tracks: tuple[Path, ...]  # each participant's own audio and video (WebM, as received)
    started_at: float  # Unix seconds (wall-clock anchor)
    stopped_at: float | None  # None while running, or if the process died ("unsealed")
    duration_s: float | None  # of the audio on disk; None if a segment is unreadable
    recovered: bool = False  # sealed on restart after a crash
    refused: str | None = None  # why recovery after a crash refused to sign it


def recording_info(metadata: RecordingMetadata, directory: Path) -> RecordingInfo:
    """Describe a recording directory. Blocking: it reads the manifest and the open segment.

    Sealed segments are measured by their manifest spans; a segment the manifest does not
    list yet (the open one, or one a crash left unsealed) is measured from its packets.
    """
    every = list(read_entries(directory / MANIFEST_FILE))
    entries = [e for e in every if e.file.startswith("segment-")]
    listed = [directory / Path(e.file).name for e in entries]
    unlisted = sorted(
        p for p in directory.glob("segment-*.ogg") if p.name not in {e.file for e in entries}
    )
    tracks = sorted(directory.glob("track-*.webm"))
    duration: float | None = sum(e.end_ms - e.start_ms for e in entries) / 1000
    for path in unlisted:
        measured = measure_duration(path)
        duration = None if duration is None or measured is None else duration + measured
    return RecordingInfo(
        recording_id=metadata.recording_id,
        hearing_id=metadata.hearing_id,
        path=directory,
        segments=tuple(listed + unlisted),
        tracks=tuple(tracks),
        started_at=metadata.started_at,
        stopped_at=metadata.stopped_at,
        duration_s=duration,
        recovered=metadata.recovered,
        refused=metadata.refused,
    )


def measure_duration(path: Path) -> float | None:
    """Seconds of audio in the file, from its packets' timestamps (robust to a cut tail)."""
    try:
        end = _end_of_audio(path, seek=True)
        if end is None:  # the seek found nothing to read: read it all
            end = _end_of_audio(path, seek=False)
    except (av.FFmpegError, OSError, IndexError, ValueError) as exc:
        logger.warning("cannot measure %s: %s", path, exc)
        return None
    return end


def _end_of_audio(path: Path, *, seek: bool) -> float | None:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        time_base = stream.time_base
        if time_base is None:
            return None
        if seek and stream.duration:
            margin = int(_SEEK_MARGIN_S / time_base)
            container.seek(max(0, stream.duration - margin), stream=stream, any_frame=True)
        end: int | None = None
        for packet in container.demux(stream):
            if packet.pts is not None and packet.duration is not None:
                end = max(end or 0, packet.pts + packet.duration)
        if end is None:
            return None if seek else 0.0
        return float(max(end, 0) * time_base)
