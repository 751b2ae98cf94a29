"""The audit log: append-only, each entry chained to the previous one by SHA-256.

An entry's digest is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of
its seq, time (``YYYY-MM-DDTHH:MM:SS.ffffffZ``, UTC), actor, action, object, outcome,
reason and the previous entry's digest (64 zeros for the first entry). Changing, removing,
inserting or reordering an entry therefore breaks the chain at that entry, and ``verify``
names it. The chain cannot fork: ``previous_digest`` is UNIQUE in the table, so of two
writers appending at the same head only one succeeds; the other re-reads the head.

What a chain alone cannot show is a cut tail, or a rewrite of every digest after an
edit: keep the head digest that ``verify`` prints somewhere else (a ticket, an e-mail)
to detect those.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from server.persistence.repositories.audit import AuditEntry, AuditRepository, ChainConflict

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
# Column lengths of the audit_log table: longer text is cut before hashing, so what is
# stored is exactly what was hashed (an audit entry is never refused for being long).
LIMITS = {"actor": 200, "action": 100, "object": 200, "reason": 1000}
MAX_APPEND_TRIES = 100


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


def timestamp(at: datetime) -> str:
    """The one text form of an entry's time that its digest covers."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object: str,
    outcome: str,
    reason: str,
    previous_digest: str,
) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "at": timestamp(at),
            "actor": actor,
            "action": action,
            "object": object,
            "outcome": outcome,
            "reason": reason,
            "previous_digest": previous_digest,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def digest_of(entry: AuditEntry) -> str:
    """What ``entry``'s digest must be, recomputed from its stored fields."""
    fields = asdict(entry)
    del fields["digest"]
    return entry_digest(**fields)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Problem(StrEnum):
    MISSING = "missing"  # a gap in seq: entries were deleted
    BROKEN_LINK = "broken_link"  # previous_digest is not the digest of the entry before
    EDITED = "edited"  # the stored digest is not the digest of the stored fields


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int  # the first entry found wrong (for MISSING: the first missing seq)
    problem: Problem
    detail: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    entries: int  # entries read (all of them when intact, up to the break otherwise)
    head: str  # digest of the last entry read; 64 zeros for an empty log
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None

    def as_json(self) -> dict[str, Any]:
        found = self.first_break
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": self.head,
            "first_break": None
            if found is None
            else {"seq": found.seq, "problem": found.problem.value, "detail": found.detail},
        }

    def summary(self) -> str:
        if self.first_break is None:
            return f"OK: {self.entries} entries, chain intact, head {self.head}"
        found = self.first_break
        return f"BROKEN at entry {found.seq} ({found.problem.value}): {found.detail}"


class AuditLog:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self.entries = AuditRepository(sessions)
        # Appends of this process wait for each other instead of racing to the same head;
        # other processes are kept linear by the UNIQUE previous_digest (ChainConflict).
        self._append_lock = asyncio.Lock()

    async def record(
        self,
        *,
        actor: str,
        action: str,
        object: str,
        reason: str = "",
        outcome: Outcome = Outcome.ALLOWED,
    ) -> AuditEntry:
        """Append one entry: who (``staff:alice``, ``token:ecourt``, ``participant:prt_..``),
        did what (``hearing.create``), to what (``hearing:hrg_..``), why, and whether it was
        allowed or denied."""
        fields = {
            "actor": _cut(actor, LIMITS["actor"]),
            "action": _cut(action, LIMITS["action"]),
            "object": _cut(object, LIMITS["object"]),
            "reason": _cut(reason, LIMITS["reason"]),
        }
        async with self._append_lock:
            for attempt in range(MAX_APPEND_TRIES):
                head = await self.entries.head()
                seq, previous = (1, GENESIS) if head is None else (head.seq + 1, head.digest)
                at = datetime.now(UTC)
                digest = entry_digest(
                    seq=seq, at=at, outcome=outcome.value, previous_digest=previous, **fields
                )
                entry = AuditEntry(
                    seq=seq,
                    at=at,
                    outcome=outcome.value,
                    previous_digest=previous,
                    digest=digest,
                    **fields,
                )
                try:
                    await self.entries.append(entry)
                    return entry
                except ChainConflict:
                    # Another process appended first; a little jitter keeps two writers
                    # from colliding again and again.
                    await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise RuntimeError(f"could not append to the audit log after {MAX_APPEND_TRIES} tries")

    async def verify(self) -> VerifyReport:
        """Walk the chain from the first entry and report the first one that is wrong."""
        expected_seq, previous, count = 1, GENESIS, 0
        async for entry in self.entries.walk():
            if entry.seq < expected_seq:  # only a tampered seq (zero, negative) gets here
                detail = f"entry {entry.seq} is out of sequence, where {expected_seq} should be"
                found = ChainBreak(entry.seq, Problem.BROKEN_LINK, detail)
                return VerifyReport(count, previous, found)
            if entry.seq > expected_seq:
                missing = (
                    f"entry {expected_seq} is"
                    if entry.seq == expected_seq + 1
                    else f"entries {expected_seq} to {entry.seq - 1} are"
                )
                detail = f"{missing} missing before entry {entry.seq}: deleted"
                found = ChainBreak(expected_seq, Problem.MISSING, detail)
                return VerifyReport(count, previous, found)
            if entry.previous_digest != previous:
                before = "the chain's start" if entry.seq == 1 else f"entry {entry.seq - 1}"
                detail = (
                    f"its previous digest {entry.previous_digest[:12]}… is not the digest of "
                    f"{before} ({previous[:12]}…): an entry was inserted, deleted or moved here"
                )
                return VerifyReport(
                    count, previous, ChainBreak(entry.seq, Problem.BROKEN_LINK, detail)
                )
            recomputed = digest_of(entry)
            if entry.digest != recomputed:
                detail = (
                    f"its stored digest {entry.digest[:12]}… does not match its contents "
                    f"({recomputed[:12]}…): the entry or its digest was edited"
                )
                return VerifyReport(count, previous, ChainBreak(entry.seq, Problem.EDITED, detail))
            expected_seq, previous, count = entry.seq + 1, entry.digest, count + 1
        return VerifyReport(count, previous, None)
