"""Tampering with the audit log as an insider with database access would (security review,
H5): raw SQL on the table, digests recomputed with the published entry_digest."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import text

from server.audit import entry_digest
from tests.server.conftest import Database


async def cut_tail(database: Database, count: int) -> None:
    """The first demonstration of H5: delete the last ``count`` entries."""
    async with database.engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) FROM audit_log) - :n"),
            {"n": count},
        )


async def rewrite(database: Database, seq: int, reason: str) -> None:
    """The second demonstration of H5: change one entry's reason, then recompute its digest
    and every later digest and previous digest, so that the chain is consistent again."""
    entries = await database.audit.entries.page(after=0, limit=10_000)
    previous = entries[seq - 2].digest if seq > 1 else "0" * 64
    async with database.engine.begin() as connection:
        for entry in entries[seq - 1 :]:
            changed = reason if entry.seq == seq else entry.reason
            digest = entry_digest(
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                object=entry.object,
                outcome=entry.outcome,
                reason=changed,
                previous_digest=previous,
            )
            await connection.execute(
                text(
                    "UPDATE audit_log SET reason = :reason, previous_digest = :previous, "
                    "digest = :digest WHERE seq = :seq"
                ),
                {"reason": changed, "previous": previous, "digest": digest, "seq": entry.seq},
            )
            previous = digest
    assert (await database.audit.verify()).ok  # the chain alone sees nothing


async def until(condition: Callable[[], bool], within_s: float = 10.0) -> None:
    """Await ``condition`` (polled: the periodic task says nothing when it finishes a round)."""
    async with asyncio.timeout(within_s):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)
