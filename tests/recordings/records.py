"""Recording directories made by hand for verification tests: a manifest with its metadata,
sealed the way the recorder seals one."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from court.ids import HearingId, RecordingId
from recordings.manifest import MANIFEST_FILE, ManifestWriter
from recordings.metadata import RecordingMetadata, read_metadata, write_metadata

HEARING = "hrg_test"
STARTED_AT = 1_780_000_000.0


def new_manifest(
    directory: Path, recording_id: str, key: Ed25519PrivateKey, hearing_id: str = HEARING
) -> ManifestWriter:
    """An empty recording directory with its metadata, and the writer of its manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    metadata = RecordingMetadata(
        RecordingId(recording_id), HearingId(hearing_id), STARTED_AT, None, MANIFEST_FILE
    )
    write_metadata(directory, metadata)
    return ManifestWriter(
        directory, recording_id, key, hearing_id=hearing_id, started_at=STARTED_AT
    )


def finish(directory: Path, manifest: ManifestWriter, seconds: float = 60.0) -> None:
    """Stop the recording as the recorder does: the metadata, then the final seal."""
    metadata = read_metadata(directory).stopped(STARTED_AT + seconds)
    write_metadata(directory, metadata)
    manifest.seal(STARTED_AT + seconds)
