"""The audit log: append-only, each entry chained to the previous one by SHA-256.

An entry's digest is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of
its seq, time (``YYYY-MM-DDTHH:MM:SS.ffffffZ``, UTC), actor, action, object, outcome,
reason and the previous entry's digest (64 zeros for the first entry). Changing, removing,
inserting or reordering an entry therefore breaks the chain at that entry, and ``verify``
names it. The chain cannot fork: ``previous_digest`` is UNIQUE in the table, so of two
writers appending at the same head only one succeeds; the other re-reads the head.

What a chain alone cannot show is a cut tail, or a rewrite of every digest after an
edit. For those, ``verify`` takes anchors: heads the chain must have at given seqs, which
server.audit.checkpoints reads from checkpoints signed with the court key and kept outside
the database. An anchor beyond the last entry names a cut; an entry at an anchor's seq
with another digest names a rewrite, and the entries that must hold it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

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
    CUT = "cut"  # a trusted checkpoint covers entries the log no longer has
    REWRITTEN = "rewritten"  # the entry at a trusted checkpoint's seq is not the one it signed


class Anchor(Protocol):
    """A head the chain must have at ``seq``: what a trusted checkpoint states. Whether to
    trust it (its signature) is decided before it is passed to ``verify``."""

    @property
    def seq(self) -> int: ...

    @property
    def head(self) -> str: ...

    @property
    def at(self) -> datetime: ...


def moment(at: datetime) -> str:
    """A checkpoint's time as a person reads it in a report."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int  # the first entry found wrong (for MISSING: the first missing seq)
    problem: Problem
    detail: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    # Entries found good, counted from the first: the seq of the last of them (all of them
    # when intact; up to the break, or to the last anchor that still holds, otherwise).
    entries: int
    head: str  # digest of the last entry found good; 64 zeros for an empty log
    first_break: ChainBreak | None
    anchor: Anchor | None = None  # the highest trusted checkpoint the chain still holds
    notes: tuple[str, ...] = ()  # checkpoints not trusted, unreadable lines: reported, ignored

    @property
    def ok(self) -> bool:
        return self.first_break is None

    @property
    def unanchored(self) -> int:
        """Entries after the last anchor: a cut or rewrite of these would not show yet."""
        return self.entries - (0 if self.anchor is None else self.anchor.seq)

    @property
    def warnings(self) -> list[str]:
        found = list(self.notes)
        if self.ok and self.unanchored > 0:
            verb = "is" if self.unanchored == 1 else "are"
            if self.anchor is None:
                found.append(
                    f"{_entries(self.unanchored)} {verb} not yet anchored: "
                    "no trusted checkpoint covers any entry"
                )
            else:
                found.append(
                    f"{_entries(self.unanchored)} after checkpoint at seq {self.anchor.seq} "
                    f"{verb} not yet anchored"
                )
        return found

    def summary(self) -> str:
        """The one line a script reads: OK, or where the log is broken and how."""
        if self.first_break is None:
            return f"OK: {self.entries} entries, chain intact, head {self.head}"
        found = self.first_break
        return f"BROKEN at entry {found.seq} ({found.problem.value}): {found.detail}"

    def lines(self) -> list[str]:
        """The whole report for a person: the summary, the anchor, then every warning."""
        lines = [self.summary()]
        if self.ok and self.anchor is not None:
            lines.append(
                f"Anchored up to entry {self.anchor.seq} by the checkpoint of "
                f"{moment(self.anchor.at)}"
            )
        return lines + [f"Warning: {text}" for text in self.warnings]


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

    async def verify(self, anchors: Iterable[Anchor] = ()) -> VerifyReport:
        """Walk the chain from the first entry and report the first one that is wrong.

        ``anchors`` (trusted checkpoints) must each find their head at their seq, and the
        log must reach the highest of them."""
        return await self._verify(anchors, start=None)

    async def extends(self, anchor: Anchor) -> VerifyReport:
        """Whether the chain still holds ``anchor`` and runs intact after it: what a new
        checkpoint may sign. Reads only the entries from ``anchor.seq`` on."""
        if anchor.seq > 0:
            found = await self.entries.page(after=anchor.seq - 1, limit=1)
            held = (
                bool(found)
                and found[0].seq == anchor.seq
                and found[0].digest == anchor.head == digest_of(found[0])
            )
            if not held:
                # Rare (someone changed the table): the whole walk names what happened in
                # the words `courtroom audit verify` will use.
                return await self.verify([anchor])
        return await self._verify([anchor], start=anchor)

    async def _verify(self, anchors: Iterable[Anchor], start: Anchor | None) -> VerifyReport:
        claims: dict[int, list[Anchor]] = {}
        for anchor in anchors:
            if anchor.seq > 0:  # a checkpoint of the empty log claims no entry
                claims.setdefault(anchor.seq, []).append(anchor)
        # From ``start`` on, the entries before it are vouched for by its signed head.
        held = start if start is not None and start.seq > 0 else None
        count, previous = (0, GENESIS) if held is None else (held.seq, held.head)
        async for entry in self.entries.walk(after=None if held is None else held.seq):
            found = _check(entry, count + 1, previous)
            if found is not None:
                return VerifyReport(count, previous, found, held)
            for anchor in claims.get(entry.seq, ()):
                if anchor.head != entry.digest:
                    return _rewritten(entry, anchor, held)
            if entry.seq in claims:
                held = claims[entry.seq][0]
            count, previous = entry.seq, entry.digest
        beyond = max(
            (a for group in claims.values() for a in group), key=lambda a: a.seq, default=None
        )
        if beyond is not None and beyond.seq > count:
            return VerifyReport(count, previous, _cut_tail(count, beyond), held)
        return VerifyReport(count, previous, None, held)


def _check(entry: AuditEntry, expected_seq: int, previous: str) -> ChainBreak | None:
    """Why ``entry`` cannot follow an entry with digest ``previous``, if it cannot."""
    if entry.seq < expected_seq:  # only a tampered seq (zero, negative) gets here
        detail = f"entry {entry.seq} is out of sequence, where {expected_seq} should be"
        return ChainBreak(entry.seq, Problem.BROKEN_LINK, detail)
    if entry.seq > expected_seq:
        missing = (
            f"entry {expected_seq} is"
            if entry.seq == expected_seq + 1
            else f"entries {expected_seq} to {entry.seq - 1} are"
        )
        detail = f"{missing} missing before entry {entry.seq}: deleted"
        return ChainBreak(expected_seq, Problem.MISSING, detail)
    if entry.previous_digest != previous:
        before = "the chain's start" if entry.seq == 1 else f"entry {entry.seq - 1}"
        detail = (
            f"its previous digest {entry.previous_digest[:12]}… is not the digest of "
            f"{before} ({previous[:12]}…): an entry was inserted, deleted or moved here"
        )
        return ChainBreak(entry.seq, Problem.BROKEN_LINK, detail)
    recomputed = digest_of(entry)
    if entry.digest != recomputed:
        detail = (
            f"its stored digest {entry.digest[:12]}… does not match its contents "
            f"({recomputed[:12]}…): the entry or its digest was edited"
        )
        return ChainBreak(entry.seq, Problem.EDITED, detail)
    return None


def _rewritten(entry: AuditEntry, anchor: Anchor, held: Anchor | None) -> VerifyReport:
    # The chain is consistent, so every digest from the rewritten entry on was recomputed:
    # the rewrite lies after the last checkpoint that still holds, up to this one.
    first = 1 if held is None else held.seq + 1
    since = (
        "" if held is None else f", after the checkpoint of {moment(held.at)} at entry {held.seq}"
    )
    detail = (
        f"entry {entry.seq} is not the entry the checkpoint of {moment(anchor.at)} signed "
        f"(digest {entry.digest[:12]}…, signed {anchor.head[:12]}…): the log was rewritten "
        f"in entries {first}..{entry.seq}{since}: one was changed or replaced and every "
        "later digest recomputed"
    )
    found = ChainBreak(first, Problem.REWRITTEN, detail)
    return (
        VerifyReport(0, GENESIS, found)
        if held is None
        else VerifyReport(held.seq, held.head, found, held)
    )


def _cut_tail(last: int, anchor: Anchor) -> ChainBreak:
    first = last + 1
    missing = f"entry {first} is" if first == anchor.seq else f"entries {first}..{anchor.seq} are"
    after = "to nothing" if last == 0 else f"after entry {last}"
    detail = (
        f"{missing} missing: the log was cut {after} "
        f"(checkpoint of {moment(anchor.at)} covers up to {anchor.seq})"
    )
    return ChainBreak(first, Problem.CUT, detail)
