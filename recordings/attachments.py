"""Documents attached to a sealed recording: written beside its files and appended to its
hash-chained, signed manifest, so they are verified with the record (the signed court
protocol, and each correction appended to it later).

Only appended, never replaced: a name already in the manifest is refused.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recordings.hearing_index import indexer
from recordings.manifest import ManifestWriter, SegmentEntry
from recordings.metadata import read_metadata

ATTACHMENT: Final = re.compile(r"^protocol(-correction-\d{1,6})?\.json$")


def attach(
    directory: Path, recording_id: str, key: Ed25519PrivateKey, name: str, data: bytes
) -> SegmentEntry:
    """Write ``data`` as ``name`` beside the recording and chain it into the manifest at
    the recording's end of record time; the recording is sealed again, and the hearing's
    index with it. Blocking (fsync).

    Raises UnvouchedManifest if the manifest is not what the court key last signed: a
    document is never chained onto a record that was altered."""
    if not ATTACHMENT.fullmatch(name):
        raise ValueError(f"{name!r} is not a document a recording takes")
    metadata = read_metadata(directory)
    legacy = (metadata.hearing_id, metadata.started_at, metadata.stopped_at)
    manifest = ManifestWriter.reopen(
        directory, key, on_seal=indexer(directory.parent, key), legacy=legacy
    )
    statement = manifest.statement
    if statement is not None and statement.recording_id != recording_id:
        raise ValueError(f"{directory} is not recording {recording_id}")
    if statement is not None and statement.kind == "progress":
        raise ValueError(f"recording {recording_id} is not sealed yet")
    entries = manifest.entries
    if any(e.file == name for e in entries):
        raise FileExistsError(f"{name} is already part of recording {recording_id}")
    end_ms = max((e.end_ms for e in entries), default=0)
    path = directory / name
    temporary = directory / f".{name}.tmp"
    with temporary.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
    return manifest.append(name, end_ms, end_ms)
