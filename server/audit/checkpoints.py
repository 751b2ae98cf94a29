"""Checkpoints of the audit log's head: signed with the court key, kept outside the database.

The hash chain shows an edit, an insertion or a deletion inside the log, but not a cut
tail or a rewrite that recomputes every later digest: whoever can write the database can
do both. A checkpoint is the log's head at a moment, ``(seq, head digest, at)``, signed
with the court's Ed25519 key over ``courtroom-audit-checkpoint-v1\\n{seq}\\n{head}\\n{at}``
and naming the key by its fingerprint. Without the key nobody can make one, so a log cut
below a checkpoint's seq, or different at its seq, is named by ``verify_anchored``.

The server appends a checkpoint whenever the head moved, at least every minute (the
periodic task of ``AuditCheckpoints``), when a hearing closes and when it stops, to
``<data_dir>/audit-checkpoints.jsonl``: one canonical JSON line each, fsync'd, readable by
the server's user only; a line cut short by a crash is ignored. Checkpoints kept
elsewhere (in a recording's final seal, ``Checkpoint.as_json``; a copy on another
machine) are passed to ``verify_anchored`` too, so deleting this file does not hide a cut.

The server signs only a head that extends its last checkpoint: a log changed while it
was stopped is reported every round, never anchored.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from recordings import statements
from recordings.manifest import SIGNATURE_FILE
from recordings.signing import key_fingerprint
from server.audit.log import AuditLog, VerifyReport, timestamp

logger = logging.getLogger(__name__)

CONTEXT = "courtroom-audit-checkpoint-v1"
DEFAULT_INTERVAL_S = 60.0
MAX_NOTES = 20  # a file stuffed with forged lines must not drown the report
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
_FIELDS = ("seq", "head", "at", "key", "signature")


def signed_message(seq: int, head: str, at: datetime) -> bytes:
    """What a checkpoint's signature covers. The context line keeps a signature made for
    a recording's manifest from ever passing for a checkpoint, and the other way round."""
    return f"{CONTEXT}\n{seq}\n{head}\n{timestamp(at)}".encode()


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int  # the last entry covered; 0 for the empty log
    head: str  # that entry's digest (64 zeros for the empty log)
    at: datetime  # UTC, when it was signed
    key: str  # fingerprint of the signing key (recordings.signing.key_fingerprint)
    signature: str  # Ed25519 over signed_message(seq, head, at), hex

    @classmethod
    def sign(cls, key: Ed25519PrivateKey, seq: int, head: str, at: datetime) -> Checkpoint:
        signature = key.sign(signed_message(seq, head, at)).hex()
        return cls(seq, head, at, key_fingerprint(key), signature)

    def signed_by(self, key: Ed25519PublicKey) -> bool:
        try:
            key.verify(bytes.fromhex(self.signature), signed_message(self.seq, self.head, self.at))
        except InvalidSignature:
            return False
        return True

    def as_json(self) -> dict[str, Any]:
        """The checkpoint as stored and as carried elsewhere (a recording's seal): complete,
        so that it verifies on its own wherever it is found."""
        return {
            "seq": self.seq,
            "head": self.head,
            "at": timestamp(self.at),
            "key": self.key,
            "signature": self.signature,
        }

    @classmethod
    def from_json(cls, data: object) -> Checkpoint:
        """Read what ``as_json`` wrote; ValueError naming what is wrong otherwise."""
        if not isinstance(data, dict) or set(data) != set(_FIELDS):
            raise ValueError(f"not an object with exactly {', '.join(_FIELDS)}")
        seq, head, at, key, signature = (data[name] for name in _FIELDS)
        if type(seq) is not int or seq < 0:
            raise ValueError(f"seq is not a whole number: {seq!r}")
        for name, value, form in (
            ("head", head, _HEX64),
            ("key", key, _HEX64),
            ("signature", signature, _HEX128),
        ):
            if not isinstance(value, str) or not form.fullmatch(value):
                raise ValueError(f"{name} is not lower-case hex of the right length")
        if not isinstance(at, str):
            raise ValueError("at is not a time")
        try:
            moment = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        except ValueError:
            raise ValueError(f"at is not a time like 2026-01-31T09:00:00.000000Z: {at!r}") from None
        if timestamp(moment) != at:  # one text per moment: the signature covers the text
            raise ValueError(f"at is not in its one written form: {at!r}")
        return cls(seq, head, moment, key, signature)


@dataclass(frozen=True, slots=True)
class Found:
    """A checkpoint as read, and where from, so a report can point at it."""

    checkpoint: Checkpoint
    where: str


class CheckpointFile:
    """The append-only file of checkpoints. Blocking: call it in a thread."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, checkpoint: Checkpoint) -> None:
        """Append one line, fsync'd before returning (0600, created if there is none)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            # One writer at a time even across processes: the torn-tail check below reads
            # the end of the file, and must not see another writer's half line.
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._mend_torn_tail(fd)
            os.write(fd, canonical(checkpoint.as_json()) + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            # The new name lives in the directory: without this a crash could lose the file.
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def _mend_torn_tail(self, fd: int) -> None:
        size = os.fstat(fd).st_size
        if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
            return
        # A crash cut the last write short. Only whole lines are appended, so the fragment
        # after the last newline is that write; drop it, unless it is whole but its newline.
        data = os.pread(fd, size, 0)
        start = data.rfind(b"\n") + 1
        try:
            Checkpoint.from_json(json.loads(data[start:]))
        except (ValueError, RecursionError):
            logger.warning(
                "%s ended in a line cut short (%s bytes), left by a crash; dropped it",
                self.path,
                size - start,
            )
            os.ftruncate(fd, start)
        else:
            os.write(fd, b"\n")

    def read(self) -> tuple[list[Found], list[str]]:
        """Every checkpoint in the file, and a note for each line that is not one. A last
        line cut short by a crash is ignored without a note."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return [], []
        lines = data.split(b"\n")
        torn = lines.pop()  # what follows the last newline: empty unless a write was cut
        found: list[Found] = []
        notes: list[str] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"line {number} of {self.path.name}"
            try:
                found.append(Found(Checkpoint.from_json(json.loads(line)), where))
            except (ValueError, RecursionError) as exc:  # JSON and UTF-8 errors are ValueErrors
                notes.append(f"{where} is not a checkpoint ({type(exc).__name__}: {exc}): ignored")
        if torn.strip():
            # Whole but for its newline, it still counts; anything less carries nothing.
            with contextlib.suppress(ValueError, RecursionError):
                where = f"line {len(lines) + 1} of {self.path.name}"
                found.append(Found(Checkpoint.from_json(json.loads(torn)), where))
        return found, notes


def trusted_only(
    found: Iterable[Found], trusted: Sequence[Ed25519PublicKey]
) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints whose signature verifies against a trusted key, and a note for
    every other one: reported, never trusted."""
    keys = {key_fingerprint(key): key for key in trusted}
    valid: list[Checkpoint] = []
    notes: list[str] = []
    for item in found:
        checkpoint = item.checkpoint
        key = keys.get(checkpoint.key)
        named = f"the checkpoint at seq {checkpoint.seq} ({item.where})"
        if key is None:
            notes.append(
                f"{named} is signed by key {checkpoint.key[:16]}…, which is not trusted: ignored"
            )
        elif not checkpoint.signed_by(key):
            notes.append(f"{named} has a signature that does not verify: ignored")
        else:
            valid.append(checkpoint)
    return valid, notes


def _capped(notes: list[str]) -> tuple[str, ...]:
    if len(notes) <= MAX_NOTES:
        return tuple(notes)
    return (*notes[:MAX_NOTES], f"and {len(notes) - MAX_NOTES} more such notes")


async def verify_anchored(
    audit: AuditLog,
    trusted: Sequence[Ed25519PublicKey],
    files: Sequence[Path],
    extra: Iterable[Checkpoint] = (),
) -> VerifyReport:
    """Verify the chain against every trusted checkpoint in ``files`` and ``extra`` (those
    carried by recording seals, or copies kept elsewhere): a cut below the highest, or a
    rewrite at any, is the report's first break; entries after the highest are reported
    as not yet anchored."""

    def read() -> tuple[list[Found], list[str]]:
        found: list[Found] = []
        notes: list[str] = []
        for path in files:
            in_file, unreadable = CheckpointFile(path).read()
            found += in_file
            notes += unreadable
        return found, notes

    found, notes = await asyncio.to_thread(read)
    found += [Found(checkpoint, "given") for checkpoint in extra]
    # Signature checks are CPU work; a year of checkpoints is tens of thousands of them.
    valid, untrusted = await asyncio.to_thread(trusted_only, found, trusted)
    report = await audit.verify(valid)
    return replace(report, notes=_capped(notes + untrusted))


def sealed_checkpoints(recordings_dir: Path) -> list[Checkpoint]:
    """The checkpoints carried by every recording's final seal: each signs itself, so an
    insider who deletes the checkpoint file is still caught by the record. Blocking."""
    found: list[Checkpoint] = []
    for path in sorted(recordings_dir.glob(f"*/*/{SIGNATURE_FILE}")):
        try:
            carried = statements.read(path).audit_checkpoint
            if carried is not None:
                found.append(Checkpoint.from_json(carried))
        except (OSError, ValueError, statements.BadStatement):
            continue  # not a statement that carries one; verification of the record says so
    return found


class AnchorBroken(Exception):
    """The log no longer extends the last checkpoint: nothing is signed until a person
    has looked (``courtroom audit verify`` names what changed)."""

    def __init__(self, report: VerifyReport) -> None:
        super().__init__(report.summary())
        self.report = report


class AuditCheckpoints:
    """Signs the audit log's head into the checkpoint file: on demand (``checkpoint``),
    every ``interval_s`` while the head moves (``start``/``stop``), and once at stop."""

    def __init__(
        self,
        audit: AuditLog,
        path: Path,
        key: Ed25519PrivateKey,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        trusted: Sequence[Ed25519PublicKey] = (),
    ) -> None:
        self._audit = audit
        self._file = CheckpointFile(path)
        self._key = key
        # Checkpoints of an earlier key (after a key change) still anchor the log.
        self._trusted = (key.public_key(), *trusted)
        self._interval_s = interval_s
        self._latest: Checkpoint | None = None
        self._loaded = False
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.rounds = 0  # times the periodic task looked at the head (monitoring, tests)

    @property
    def path(self) -> Path:
        return self._file.path

    def latest(self) -> Checkpoint | None:
        """The newest checkpoint this server signed or found in the file (None before
        ``start`` or the first ``checkpoint``, or if there is none)."""
        return self._latest

    async def checkpoint(self) -> Checkpoint:
        """Sign the current head, unless the latest checkpoint already covers it; either
        way return the checkpoint that does. AnchorBroken if the log was cut or rewritten
        since the latest checkpoint: that head is not signed."""
        async with self._lock:
            await self._load()
            return await self._signed(await self._grown())

    async def verify(self, extra: Iterable[Checkpoint] = ()) -> VerifyReport:
        """``verify_anchored`` with this server's file and trusted keys."""
        return await verify_anchored(self._audit, self._trusted, [self.path], extra)

    async def start(self) -> None:
        """Read the latest checkpoint from the file and start the periodic task; its first
        round anchors what was written while the server was stopped."""
        if self._task is not None:
            return
        async with self._lock:
            await self._load()
        self._task = asyncio.create_task(self._run(), name="audit checkpoints")

    async def stop(self) -> None:
        """Stop the periodic task and anchor the last entries written before the stop."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await self._round()

    async def _run(self) -> None:
        while True:
            await self._round()
            self.rounds += 1
            await asyncio.sleep(self._interval_s)

    async def _round(self) -> None:
        """Checkpoint if the head moved. Errors are logged: a database away for a moment
        must not end the checkpoints, and a broken anchor is said every round."""
        try:
            async with self._lock:
                grown = await self._grown()
                if self._latest is not None or grown.entries > 0:
                    await self._signed(grown)
        except AnchorBroken as exc:
            logger.error("the audit log no longer extends its last checkpoint: %s", exc)
        except Exception:
            logger.exception("the audit log could not be checkpointed")

    async def _load(self) -> None:
        if not self._loaded:
            self._latest = await asyncio.to_thread(self._newest_in_file)
            self._loaded = True

    def _newest_in_file(self) -> Checkpoint | None:
        found, _ = self._file.read()
        # Newest first: usually only the last line's signature is checked.
        for item in sorted(found, key=lambda f: f.checkpoint.seq, reverse=True):
            valid, _ = trusted_only([item], self._trusted)
            if valid:
                return valid[0]
        return None

    async def _grown(self) -> VerifyReport:
        """The head the chain has grown to from the latest checkpoint, checked entry by
        entry from there, so that a cut or forged chain is never signed. Lock held."""
        latest = self._latest
        report = await (self._audit.verify() if latest is None else self._audit.extends(latest))
        if not report.ok:
            raise AnchorBroken(report)
        return report

    async def _signed(self, grown: VerifyReport) -> Checkpoint:
        latest = self._latest
        if latest is not None and (latest.seq, latest.head) == (grown.entries, grown.head):
            return latest
        checkpoint = Checkpoint.sign(self._key, grown.entries, grown.head, datetime.now(UTC))
        await asyncio.to_thread(self._file.append, checkpoint)
        self._latest = checkpoint
        return checkpoint
