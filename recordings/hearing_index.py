"""The hearing's signed index: which recordings the hearing has, in order, and how far each
was sealed.

Each recording's final seal proves that recording whole, but not that the hearing had no
other recording, nor that a recording was not cut back to an earlier seal of its own (a
protocol attached later re-seals the last recording; the seal before it stays valid). The
index closes both: ``<hearing>/hearing-index.json`` lists every sealed recording (id, start,
stop, line count and head of its final seal) and is signed with the court key each time a
recording of the hearing is sealed. Verification names a recording that is missing, one it
does not list (added, perhaps from another hearing), and one whose seal is older than the
index says (rolled back).

Blocking (file writes): called from the recorder's threads.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from recordings import statements
from recordings.signing import key_fingerprint

INDEX_FILE: Final = "hearing-index.json"
INDEX_CONTEXT: Final = "courtroom-hearing-index-v1"

logger = logging.getLogger(__name__)

# One writer at a time per process: two recordings of a hearing may seal at once.
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class IndexedRecording:
    recording_id: str
    started_at: float | None
    stopped_at: float | None
    lines: int
    head: str

    def as_json(self) -> dict[str, Any]:
        return {
            "recording_id": self.recording_id,
            "started_at": self.started_at,
            "stopped_at": self.stopped_at,
            "lines": self.lines,
            "head": self.head,
        }


@dataclass(frozen=True, slots=True)
class HearingIndex:
    hearing_id: str
    version: int
    recordings: tuple[IndexedRecording, ...]
    document: dict[str, Any]  # as read or written, signature included

    def of(self, recording_id: str) -> IndexedRecording | None:
        return next((r for r in self.recordings if r.recording_id == recording_id), None)


class BadIndex(ValueError):
    """An index that cannot be read, or whose signature does not hold."""


def _message(document: dict[str, Any]) -> bytes:
    signed = {k: v for k, v in document.items() if k != "signature"}
    return INDEX_CONTEXT.encode() + b"\n" + statements.canonical(signed)


def parse(data: bytes, trusted: Sequence[Ed25519PublicKey] | None) -> HearingIndex:
    """Read and check an index. ``trusted`` None accepts the key it names. Raises BadIndex."""
    try:
        document = json.loads(data)
        recordings = tuple(
            IndexedRecording(
                recording_id=str(r["recording_id"]),
                started_at=None if r["started_at"] is None else float(r["started_at"]),
                stopped_at=None if r["stopped_at"] is None else float(r["stopped_at"]),
                lines=int(r["lines"]),
                head=str(r["head"]),
            )
            for r in document["recordings"]
        )
        index = HearingIndex(str(document["hearing_id"]), int(document["version"]), recordings, {})
        named = Ed25519PublicKey.from_public_bytes(bytes.fromhex(document["public_key"]))
        signature = bytes.fromhex(document["signature"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadIndex(f"not a hearing index ({exc})") from exc
    if trusted is not None and not any(
        k.public_bytes_raw() == named.public_bytes_raw() for k in trusted
    ):
        raise BadIndex("signed by a key other than the court's")
    try:
        named.verify(signature, _message(document))
    except InvalidSignature:
        raise BadIndex("its signature does not match what it lists (edited)") from None
    return HearingIndex(index.hearing_id, index.version, index.recordings, document)


def read(hearing_dir: Path, trusted: Sequence[Ed25519PublicKey] | None) -> HearingIndex | None:
    """The hearing's index, None if it has none. Raises BadIndex."""
    try:
        data = (hearing_dir / INDEX_FILE).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BadIndex(f"unreadable ({exc})") from exc
    return parse(data, trusted)


def record_seal(hearing_dir: Path, seal: statements.Statement, key: Ed25519PrivateKey) -> None:
    """Add or update ``seal``'s recording in the hearing's index and sign it anew.

    An index that does not hold (edited, or signed by another key) is never re-signed:
    that would launder the edit. It is left as it is, and verification names both it and
    the recording it does not list. Raises BadIndex then."""
    entry = IndexedRecording(
        seal.recording_id, seal.started_at, seal.stopped_at, seal.lines, seal.head
    )
    with _lock:
        current = read(hearing_dir, [key.public_key()])
        if current is not None and current.hearing_id != seal.hearing_id:
            raise BadIndex(f"the index in {hearing_dir} is that of hearing {current.hearing_id}")
        others = (
            []
            if current is None
            else [r for r in current.recordings if r.recording_id != entry.recording_id]
        )
        ordered = sorted([*others, entry], key=lambda r: (r.started_at or 0.0, r.recording_id))
        public = key.public_key()
        document: dict[str, Any] = {
            "format": 1,
            "hearing_id": seal.hearing_id,
            "version": 1 if current is None else current.version + 1,
            "recordings": [r.as_json() for r in ordered],
            "key": key_fingerprint(public),
            "public_key": public.public_bytes_raw().hex(),
        }
        document["signature"] = key.sign(_message(document)).hex()
        hearing_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = hearing_dir / INDEX_FILE
        temporary = hearing_dir / f".{INDEX_FILE}.tmp"
        with temporary.open("wb") as f:
            f.write(statements.canonical(document) + b"\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)


def indexer(hearing_dir: Path, key: Ed25519PrivateKey) -> Callable[[statements.Statement], None]:
    """What a recording calls with each final seal: the seal put into the index. A failure
    is logged, never raised: the recording itself is sealed, and verification names an
    index that does not list it."""

    def index(seal: statements.Statement) -> None:
        try:
            record_seal(hearing_dir, seal, key)
        except (BadIndex, OSError):
            logger.exception(
                "recording %s: the hearing index in %s was not updated",
                seal.recording_id,
                hearing_dir,
            )

    return index
