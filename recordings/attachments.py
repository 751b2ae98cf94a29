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

from recordings.manifest import MANIFEST_FILE, ManifestWriter, SegmentEntry, read_entries

ATTACHMENT: Final = re.compile(r"^protocol(-correction-\d{1,6})?\.json$")


def attach(
    directory: Path, recording_id: str, key: Ed25519PrivateKey, name: str, data: bytes
) -> SegmentEntry:
    """Write ``data`` as ``name`` beside the recording and chain it into the manifest at
    the recording's end of record time. Blocking (fsync)."""
    if not ATTACHMENT.fullmatch(name):
        raise ValueError(f"{name!r} is not a document a recording takes")
    entries = list(read_entries(directory / MANIFEST_FILE))
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
    return ManifestWriter(directory, recording_id, key).append(name, end_ms, end_ms)
