"""The small JSON file beside each recording that says what it is."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from court.ids import HearingId, RecordingId

METADATA_FILE = "recording.json"


@dataclass(frozen=True, slots=True)
class RecordingMetadata:
    recording_id: RecordingId
    hearing_id: HearingId
    started_at: float
    stopped_at: float | None
    file: str

    def stopped(self, at: float) -> RecordingMetadata:
        return replace(self, stopped_at=at)


def write_metadata(directory: Path, metadata: RecordingMetadata) -> None:
    """Replace the metadata atomically: a crash leaves the old or the new file, never half."""
    target = directory / METADATA_FILE
    temporary = target.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as f:
        json.dump(asdict(metadata), f, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, target)


def read_metadata(directory: Path) -> RecordingMetadata:
    data = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    return RecordingMetadata(
        recording_id=RecordingId(str(data["recording_id"])),
        hearing_id=HearingId(str(data["hearing_id"])),
        started_at=float(data["started_at"]),
        stopped_at=None if data.get("stopped_at") is None else float(data["stopped_at"]),
        file=str(data["file"]),
    )
