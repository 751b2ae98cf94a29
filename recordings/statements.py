"""What the recorder signs: a progress statement while a recording runs, a final seal when
it stops.

A hash chain alone proves nothing against someone who can write the files: they can
recompute it. What they cannot make without the court's key is a signature, so everything
the record promises is put into the one thing that is signed, ``manifest.sig``:

- who and when: the hearing id, the recording id and the wall-clock anchor of record time
  (``started_at``), so that ``recording.json`` can be checked against it;
- how far: the manifest's line count and head, and the timeline's line count and the
  SHA-256 of those lines (the timeline is covered up to the moment of signing);
- whether it is finished: ``kind`` is "progress" while recording and "seal" once stopped
  (with ``stopped_at``), so an earlier signature, which stays valid forever, can never pass
  for a finished record: a manifest cut back to it is INCOMPLETE, never verified;
- what is being written: ``open`` names the files the recorder has open, so that crash
  recovery seals those and nothing an intruder adds;
- the audit log's latest signed checkpoint at the seal, which carries the log's head into
  the record.

The signed message is the context string, a newline, and the canonical JSON of every field
of the document but ``signature``. The export bundle's verify.py rebuilds it the same way.
Recordings made before seals existed carry a version 1 signature (``recording_id``,
``lines``, ``head`` only): read as :data:`LEGACY`, "signed, no final seal".
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from recordings.signing import key_fingerprint

STATEMENT_CONTEXT: Final = "courtroom-record-v2"
LEGACY_CONTEXT: Final = "courtroom-manifest-v1"
FORMAT: Final = 2

Kind = Literal["progress", "seal", "legacy"]
PROGRESS: Final = "progress"
SEAL: Final = "seal"
LEGACY: Final = "legacy"


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def legacy_message(recording_id: str, lines: int, head: str) -> bytes:
    """What a version 1 signature covers (recordings made before final seals)."""
    return f"{LEGACY_CONTEXT}\n{recording_id}\n{lines}\n{head}".encode()


@dataclass(frozen=True, slots=True)
class Statement:
    """One signed statement about a recording (see the module's docstring)."""

    kind: Kind
    recording_id: str
    lines: int
    head: str
    hearing_id: str = ""
    started_at: float | None = None
    stopped_at: float | None = None
    recovered: bool = False
    timeline_lines: int = 0
    timeline_sha256: str = ""
    open: tuple[str, ...] = ()
    audit_checkpoint: dict[str, Any] | None = None
    signed_at: float = 0.0
    key: str = ""  # the signer's fingerprint
    public_key: str = ""  # hex of the raw public key
    signature: str = ""
    # The exact bytes a parsed document's signature covers (rebuilt from the document as
    # read, so a number written as 1 or 1.0 is checked as it was signed).
    signed_bytes: bytes = b""

    @property
    def final(self) -> bool:
        return self.kind == SEAL

    def document(self) -> dict[str, Any]:
        if self.kind == LEGACY:
            return {
                "algorithm": "Ed25519",
                "recording_id": self.recording_id,
                "lines": self.lines,
                "head": self.head,
                "public_key": self.public_key,
                "signature": self.signature,
            }
        return {**self._signed_fields(), "signature": self.signature}

    def _signed_fields(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "algorithm": "Ed25519",
            "kind": self.kind,
            "hearing_id": self.hearing_id,
            "recording_id": self.recording_id,
            "started_at": self.started_at,
            "stopped_at": self.stopped_at,
            "recovered": self.recovered,
            "lines": self.lines,
            "head": self.head,
            "timeline_lines": self.timeline_lines,
            "timeline_sha256": self.timeline_sha256,
            "open": list(self.open),
            "audit_checkpoint": self.audit_checkpoint,
            "signed_at": self.signed_at,
            "key": self.key,
            "public_key": self.public_key,
        }

    def message(self) -> bytes:
        if self.signed_bytes:
            return self.signed_bytes
        if self.kind == LEGACY:
            return legacy_message(self.recording_id, self.lines, self.head)
        return STATEMENT_CONTEXT.encode() + b"\n" + canonical(self._signed_fields())


def sign(unsigned: Statement, key: Ed25519PrivateKey) -> Statement:
    """``unsigned`` with the signer's key, the time and the signature filled in."""
    public = key.public_key()
    named = Statement(
        **{
            **_fields_of(unsigned),
            "started_at": None if unsigned.started_at is None else float(unsigned.started_at),
            "stopped_at": None if unsigned.stopped_at is None else float(unsigned.stopped_at),
            "signed_at": round(time.time(), 3),
            "key": key_fingerprint(public),
            "public_key": public.public_bytes_raw().hex(),
            "signature": "",
        }
    )
    return Statement(**{**_fields_of(named), "signature": key.sign(named.message()).hex()})


def _fields_of(statement: Statement) -> dict[str, Any]:
    return {
        name: getattr(statement, name) for name in Statement.__slots__ if name != "signed_bytes"
    }


class BadStatement(ValueError):
    """A signature document that cannot be read, or whose signature does not hold."""


def parse(data: bytes) -> Statement:
    """Read a signature document (version 1 or 2). Raises BadStatement."""
    try:
        document = json.loads(data)
        if not isinstance(document, dict):
            raise TypeError("not an object")
        if "format" not in document:
            return Statement(
                kind=LEGACY,
                recording_id=str(document["recording_id"]),
                lines=int(document["lines"]),
                head=str(document["head"]),
                public_key=str(document["public_key"]),
                signature=str(document["signature"]),
            )
        signed = {k: v for k, v in document.items() if k != "signature"}
        if document["format"] != FORMAT or document["kind"] not in (PROGRESS, SEAL):
            raise ValueError(f"format {document['format']!r}, kind {document['kind']!r}")
        stopped = document["stopped_at"]
        started = document["started_at"]
        checkpoint = document["audit_checkpoint"]
        if checkpoint is not None and not isinstance(checkpoint, dict):
            raise TypeError("audit_checkpoint is not an object")
        statement = Statement(
            kind=document["kind"],
            hearing_id=str(document["hearing_id"]),
            recording_id=str(document["recording_id"]),
            started_at=None if started is None else float(started),
            stopped_at=None if stopped is None else float(stopped),
            recovered=bool(document["recovered"]),
            lines=int(document["lines"]),
            head=str(document["head"]),
            timeline_lines=int(document["timeline_lines"]),
            timeline_sha256=str(document["timeline_sha256"]),
            open=tuple(str(name) for name in document["open"]),
            audit_checkpoint=checkpoint,
            signed_at=float(document["signed_at"]),
            key=str(document["key"]),
            public_key=str(document["public_key"]),
            signature=str(document["signature"]),
            signed_bytes=STATEMENT_CONTEXT.encode() + b"\n" + canonical(signed),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BadStatement(f"not a signature document ({exc})") from exc
    if set(document) != set(statement.document()):
        raise BadStatement("it has fields a signature document does not have, or lacks some")
    return statement


def check(statement: Statement, trusted: Sequence[Ed25519PublicKey] | None) -> str | None:
    """Why ``statement``'s signature does not hold, or None. ``trusted``: the court's keys
    (None accepts the key the statement names: integrity without origin)."""
    try:
        named = Ed25519PublicKey.from_public_bytes(bytes.fromhex(statement.public_key))
        signature = bytes.fromhex(statement.signature)
    except ValueError as exc:
        return f"no readable key or signature ({exc})"
    if trusted is not None:
        raw = named.public_bytes_raw()
        if not any(k.public_bytes_raw() == raw for k in trusted):
            return f"signed by a key other than the court's ({key_fingerprint(named)[:16]}…)"
    if statement.kind != LEGACY and statement.key != key_fingerprint(named):
        return "the fingerprint it names is not that of its key"
    try:
        named.verify(signature, statement.message())
    except InvalidSignature:
        return "the signature does not match what it claims to sign"
    return None


def read(path: Path) -> Statement:
    """Raises OSError or BadStatement."""
    return parse(path.read_bytes())


def write(path: Path, statement: Statement) -> None:
    """Replace ``path`` atomically with ``statement`` (fsynced). Blocking."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as f:
        f.write(canonical(statement.document()) + b"\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
