"""The manifest of a recording: its sealed segments, hash-chained and signed.

One JSON line per sealed segment, appended and fsynced as each segment is sealed:

    {"seq", "file", "start_ms", "end_ms", "bytes", "sha256", "sealed", "previous", "digest"}

``sha256`` is the segment file's digest; ``previous`` is the previous line's ``digest``
(64 zeros for the first); ``digest`` is the SHA-256 of the line's other fields in canonical
JSON. Editing, inserting, deleting or reordering a line therefore breaks the chain, and the
signed statement over the chain's head (``manifest.sig``, Ed25519, see
recordings/statements.py) binds the number of lines and the last digest, so a manifest cut
short or rewritten from scratch without the key is detected too; the final seal says that
nothing follows. ``sealed`` is "closed" for a segment the recorder closed, "recovered" for
the file being written at a crash, sealed on restart (flagged, never dropped).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from recordings import statements
from recordings.timeline import covered

MANIFEST_FILE = "manifest.jsonl"
SIGNATURE_FILE = "manifest.sig"
GENESIS = "0" * 64

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
    """What a version 1 signature covered (recordings made before final seals)."""
    return statements.legacy_message(recording_id, lines, head)


class UnvouchedManifest(Exception):
    """A manifest on disk that the recorder's last signature does not describe: lines
    missing, edited or added by someone else. It is never signed again."""


# Written before a line is appended and renamed over the signature after it: a crash
# between the two leaves a signature for the new line beside it, so the recorder can still
# vouch for a line it wrote and had not yet signed over.
NEXT_SIGNATURE_FILE = f".{SIGNATURE_FILE}.next"


class ManifestWriter:
    """Appends sealed segments to a recording's manifest and signs a statement about the
    whole record after each change (recordings/statements.py): progress while it runs, the
    final seal from :meth:`seal` on.

    Blocking (file writes and fsync): used from the recorder's threads, never the event loop.
    """

    def __init__(
        self,
        directory: Path,
        recording_id: str,
        key: Ed25519PrivateKey,
        *,
        hearing_id: str = "",
        started_at: float | None = None,
        on_seal: Callable[[statements.Statement], None] | None = None,
    ) -> None:
        """A new recording's manifest (empty), or one this process is writing."""
        self._directory = directory
        self._recording_id = recording_id
        self._key = key
        self._hearing_id = hearing_id
        self._started_at = started_at
        self._on_seal = on_seal
        self._entries = list(read_entries(directory / MANIFEST_FILE))
        self._open: dict[str, None] = {}  # files being written, in the order they opened
        self._final: statements.Statement | None = None  # set by seal()
        self.statement: statements.Statement | None = None
        # The master's segments (mixer thread) and the tracks (track thread) both append.
        self._lock = threading.Lock()

    @classmethod
    def reopen(
        cls,
        directory: Path,
        key: Ed25519PrivateKey,
        *,
        on_seal: Callable[[statements.Statement], None] | None = None,
        legacy: tuple[str, float, float | None] | None = None,
    ) -> ManifestWriter:
        """The manifest of a recording this process did not start (recovery after a crash,
        a document attached after the hearing), vouched for first: its lines must be
        exactly what the court key last signed. Raises UnvouchedManifest otherwise.

        ``legacy``: (hearing id, started at, stopped at) from ``recording.json``, to take
        over a recording signed before final seals existed; without it such a recording is
        refused. Its first seal then states what that file says."""
        statement, entries = vouch(directory, [key.public_key()], legacy=legacy is not None)
        hearing_id, started_at = statement.hearing_id, statement.started_at
        if statement.kind == statements.LEGACY and legacy is not None:
            hearing_id, started_at, _ = legacy
        writer = cls(
            directory,
            statement.recording_id,
            key,
            hearing_id=hearing_id,
            started_at=started_at,
            on_seal=on_seal,
        )
        writer._entries = entries
        writer._open = dict.fromkeys(statement.open)
        writer.statement = statement
        if statement.final:
            writer._final = statement
        elif statement.kind == statements.LEGACY and legacy is not None and legacy[2] is not None:
            writer._final = statements.Statement(
                kind=statements.SEAL, recording_id="", lines=0, head=GENESIS, stopped_at=legacy[2]
            )
        return writer

    @property
    def entries(self) -> list[SegmentEntry]:
        return list(self._entries)

    @property
    def head(self) -> str:
        return self._entries[-1].digest if self._entries else GENESIS

    @property
    def open_files(self) -> tuple[str, ...]:
        return tuple(self._open)

    def opening(self, file: str) -> None:
        """Say that the recorder is about to write ``file``: signed, so that after a crash
        this file, and no other, is sealed as recovered."""
        with self._lock:
            self._open[file] = None
            self._write(self._statement(self._entries))

    def discard(self, file: str) -> None:
        """``file`` was opened but removed unwritten (an empty last segment)."""
        with self._lock:
            self._open.pop(file, None)

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
        self._open.pop(file, None)
        statement = self._statement([*self._entries, entry])
        following = self._directory / NEXT_SIGNATURE_FILE
        statements.write(following, statement)
        with (self._directory / MANIFEST_FILE).open("ab") as f:
            f.write(canonical({**fields, "digest": entry.digest}) + b"\n")
            f.flush()
            os.fsync(f.fileno())
        self._entries.append(entry)
        os.replace(following, self._directory / SIGNATURE_FILE)
        self._signed(statement)
        return entry

    def sign(self) -> None:
        """Sign the record as it is now (after recovery, or to cover new timeline lines)."""
        with self._lock:
            self._write(self._statement(self._entries))

    def seal(
        self,
        stopped_at: float,
        *,
        recovered: bool = False,
        audit_checkpoint: dict[str, Any] | None = None,
    ) -> statements.Statement:
        """Sign the final seal: the recording is over. Documents attached later (the
        signed protocol, corrections) re-seal it with the same stop."""
        with self._lock:
            self._open.clear()
            self._final = statements.Statement(
                kind=statements.SEAL,
                recording_id=self._recording_id,
                lines=0,
                head=GENESIS,
                stopped_at=stopped_at,
                recovered=recovered,
                audit_checkpoint=audit_checkpoint,
            )
            statement = self._statement(self._entries)
            self._write(statement)
            return statement

    def _statement(self, entries: list[SegmentEntry]) -> statements.Statement:
        timeline_lines, timeline_sha256 = covered(self._directory)
        final = self._final
        unsigned = statements.Statement(
            kind=statements.PROGRESS if final is None else statements.SEAL,
            hearing_id=self._hearing_id,
            recording_id=self._recording_id,
            started_at=self._started_at,
            stopped_at=None if final is None else final.stopped_at,
            recovered=False if final is None else final.recovered,
            lines=len(entries),
            head=entries[-1].digest if entries else GENESIS,
            timeline_lines=timeline_lines,
            timeline_sha256=timeline_sha256,
            open=() if final is not None else tuple(self._open),
            audit_checkpoint=None if final is None else final.audit_checkpoint,
        )
        return statements.sign(unsigned, self._key)

    def _write(self, statement: statements.Statement) -> None:
        statements.write(self._directory / SIGNATURE_FILE, statement)
        self._signed(statement)

    def _signed(self, statement: statements.Statement) -> None:
        self.statement = statement
        if statement.final and self._on_seal is not None:
            self._on_seal(statement)


def vouch(
    directory: Path, trusted: list[Ed25519PublicKey], *, legacy: bool = False
) -> tuple[statements.Statement, list[SegmentEntry]]:
    """The last statement the court key signed about ``directory`` and the manifest lines
    it covers, if the manifest on disk is exactly those lines. A crash between appending a
    line and renaming its signature into place is told apart by the signature written
    ahead (``NEXT_SIGNATURE_FILE``). Raises UnvouchedManifest naming what does not match."""
    entries, torn = _chain(directory / MANIFEST_FILE)
    reasons = []
    for name in (SIGNATURE_FILE, NEXT_SIGNATURE_FILE):
        try:
            statement = statements.read(directory / name)
        except FileNotFoundError:
            continue
        except (OSError, statements.BadStatement) as exc:
            reasons.append(f"{name}: {exc}")
            continue
        wrong = statements.check(statement, trusted)
        if wrong is None and statement.kind == statements.LEGACY and not legacy:
            wrong = "signed before final seals existed (version 1)"
        if wrong is None and (
            statement.lines != len(entries)
            or statement.head != (entries[-1].digest if entries else GENESIS)
        ):
            wrong = (
                f"it covers {statement.lines} lines, the manifest has {len(entries)} "
                "(lines missing, edited or added since it was signed)"
            )
        if wrong is None and torn:
            wrong = torn
        if wrong is None:
            return statement, entries
        reasons.append(f"{name}: {wrong}")
    raise UnvouchedManifest("; ".join(reasons) or "it has no signature")


def _chain(path: Path) -> tuple[list[SegmentEntry], str | None]:
    """The manifest's lines, each checked against its digest and the line before it.
    Returns the lines up to the first that is wrong, and what is wrong with it."""
    entries: list[SegmentEntry] = []
    if not path.exists():
        return entries, None
    previous = GENESIS
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            entry = SegmentEntry(**json.loads(line))
        except (ValueError, TypeError):
            return entries, f"manifest line {number} is not a manifest line"
        if (
            line_digest(entry.fields()) != entry.digest
            or entry.previous != previous
            or entry.seq != number
        ):
            return entries, f"manifest line {number} does not hold in the chain"
        previous = entry.digest
        entries.append(entry)
    return entries, None


def read_entries(path: Path) -> Iterator[SegmentEntry]:
    """The manifest's lines as written (no checking: that is verification's job)."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield SegmentEntry(**json.loads(line))
