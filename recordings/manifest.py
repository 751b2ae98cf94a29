"""The manifest of a recording: its sealed segments, hash-chained and signed.

One JSON line per sealed segment, appended and fsynced as each segment is sealed:

    {"seq", "file", "start_ms", "end_ms", "bytes", "sha256", "sealed", "previous", "digest"}

``sha256`` is the segment file's digest; ``previous`` is the previous line's ``digest``
(64 zeros for the first); ``digest`` is the SHA-256 of the line's other fields in canonical
JSON. Editing, inserting, deleting or reordering a line therefore breaks the chain, and the
signature over the chain's head (``manifest.sig``, Ed25519) binds the number of lines and the
last digest, so a manifest cut short or rewritten from scratch without the key is detected
too. ``sealed`` is "closed" for a segment the recorder closed, "recovered" for an unsealed
tail sealed after a crash (flagged, never dropped).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

MANIFEST_FILE = "manifest.jsonl"
SIGNATURE_FILE = "manifest.sig"
GENESIS = "0" * 64
SIGNATURE_CONTEXT = "courtroom-manifest-v1"

Sealed = Literal["closed", "recovered"]


@dataclass(frozen=True, slots=True)
class SegmentEntry:
    seq: int
    file: str
    start_ms: int  # record time
    end_ms: int
    bytes: int
    sha256: str
    sealed: Sealed
    previous: str
    digest: str

    def fields(self) -> dict[str, Any]:
        data = asdict(self)
        del data["digest"]
        return data


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def line_digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in blocks (segments are small, archives are not)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def signed_message(recording_id: str, lines: int, head: str) -> bytes:
    return f"{SIGNATURE_CONTEXT}\n{recording_id}\n{lines}\n{head}".encode()


class ManifestWriter:
    """Appends sealed segments to a recording's manifest and re-signs its head.

    Blocking (file writes and fsync): used from the recorder's thread, never the event loop.
    """

    def __init__(self, directory: Path, recording_id: str, key: Ed25519PrivateKey) -> None:
        self._directory = directory
        self._recording_id = recording_id
        self._key = key
        self._entries = list(read_entries(directory / MANIFEST_FILE))
        # The master's segments (mixer thread) and the tracks (track thread) both append.
        self._lock = threading.Lock()

    @property
    def entries(self) -> list[SegmentEntry]:
        return list(self._entries)

    @property
    def head(self) -> str:
        return self._entries[-1].digest if self._entries else GENESIS

    def append(
        self, file: str, start_ms: int, end_ms: int, *, sealed: Sealed = "closed"
    ) -> SegmentEntry:
        sha256, size = file_digest(self._directory / file)
        with self._lock:
            return self._append(file, start_ms, end_ms, sealed, sha256, size)

    def _append(
        self, file: str, start_ms: int, end_ms: int, sealed: Sealed, sha256: str, size: int
    ) -> SegmentEntry:
        fields: dict[str, Any] = {
            "seq": len(self._entries) + 1,
            "file": file,
            "start_ms": start_ms,
            "end_ms": end_ms,
            "bytes": size,
            "sha256": sha256,
            "sealed": sealed,
            "previous": self.head,
        }
        entry = SegmentEntry(**fields, digest=line_digest(fields))
        with (self._directory / MANIFEST_FILE).open("ab") as f:
            f.write(canonical({**fields, "digest": entry.digest}) + b"\n")
            f.flush()
            os.fsync(f.fileno())
        self._entries.append(entry)
        self.sign()
        return entry

    def sign(self) -> None:
        """Sign the chain's head as it is now (after each append, and after recovery).
        Called with the lock held, or when nothing else appends (recovery)."""
        lines = len(self._entries)
        signature = self._key.sign(signed_message(self._recording_id, lines, self.head))
        public = self._key.public_key().public_bytes_raw()
        document = {
            "algorithm": "Ed25519",
            "recording_id": self._recording_id,
            "lines": lines,
            "head": self.head,
            "public_key": public.hex(),
            "signature": signature.hex(),
        }
        target = self._directory / SIGNATURE_FILE
        temporary = self._directory / f".{SIGNATURE_FILE}.tmp"
        with temporary.open("wb") as f:
            f.write(canonical(document) + b"\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)


def read_entries(path: Path) -> Iterator[SegmentEntry]:
    """The manifest's lines as written (no checking: that is verification's job)."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield SegmentEntry(**json.loads(line))
