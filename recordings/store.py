"""Where recordings live on disk, and how to find them again."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from court.clock import Clock, SystemClock
from court.ids import HearingId, RecordingId, new_recording_id
from recordings.info import RecordingInfo, recording_info
from recordings.metadata import (
    METADATA_FILE,
    read_metadata,
    write_metadata,
)
from recordings.recording import HearingRecording

logger = logging.getLogger(__name__)


class RecordingStore:
    """``<root>/<hearing id>/<recording id>/`` holds ``master.ogg`` and ``recording.json``."""

    def __init__(self, root: Path, clock: Clock | None = None) -> None:
        self.root = root
        self._clock = clock or SystemClock()

    async def start(self, hearing_id: HearingId) -> HearingRecording:
        recording_id = new_recording_id()
        directory = self.root / hearing_id / recording_id
        recording = await asyncio.to_thread(self._open, recording_id, hearing_id, directory)
        recording.start()
        return recording

    def _open(
        self, recording_id: RecordingId, hearing_id: HearingId, directory: Path
    ) -> HearingRecording:
        directory.mkdir(parents=True, exist_ok=False)
        recording = HearingRecording(recording_id, hearing_id, directory, self._clock)
        write_metadata(directory, recording.metadata)
        return recording

    def list(self) -> list[RecordingInfo]:
        """Every recording under the root, oldest first. Blocking: probes files with PyAV."""
        found: list[RecordingInfo] = []
        if not self.root.is_dir():
            return found
        for metadata_file in sorted(self.root.glob(f"*/*/{METADATA_FILE}")):
            try:
                metadata = read_metadata(metadata_file.parent)
            except (OSError, ValueError, KeyError) as exc:
                logger.warning("unreadable recording metadata %s: %s", metadata_file, exc)
                continue
            found.append(recording_info(metadata, metadata_file.parent))
        return sorted(found, key=lambda r: r.started_at)
