"""The small JSON file beside each master that says what it is and whether it was sealed.

Written at start (``stopped_at`` null) and again at stop. A file still saying null after
the process is gone marks a recording cut by a crash: "unsealed", never silently complete.
"""

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
    started_at: float  # Unix seconds: the wall-clock anchor of record time 0
    stopped_at: float | None
    file: str  # the master's manifest file name, relative to this directory
    # Sealed on restart after a crash: the stop time is where the record on disk ends.
    recovered: bool = False
    # Why crash recovery refused to sign it (the files are not what the recorder signed);
    # shown in lists and pages. Not trusted by verification, which finds the fault itself.
    refused: str | None = None

    def stopped(self, at: float) -> RecordingMetadata:
        return replace(self, stopped_at=at)


def write_metadata(directory: Path, metadata: RecordingMetadata) -> None:
    """Replace the metadata atomically: a crash leaves the old or the new file, never half."""
    target = directory / METADATA_FILE
    temporary = directory / f".{METADATA_FILE}.tmp"
    with temporary.open("w", encoding="utf-8") as f:
        json.dump(asdict(metadata), f, indent=2)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, target)
    _fsync_directory(directory)


def read_metadata(directory: Path) -> RecordingMetadata:
    """Raises OSError, ValueError, KeyError or TypeError on a missing or malformed file."""
    data = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    stopped_at = data.get("stopped_at")
    return RecordingMetadata(
        recording_id=RecordingId(str(data["recording_id"])),
        hearing_id=HearingId(str(data["hearing_id"])),
        started_at=float(data["started_at"]),
        stopped_at=None if stopped_at is None else float(stopped_at),
        file=Path(str(data["file"])).name,  # never a path out of the directory
        recovered=bool(data.get("recovered", False)),
        refused=None if data.get("refused") is None else str(data["refused"]),
    )


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
