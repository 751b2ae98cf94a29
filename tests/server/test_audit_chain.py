"""The audit log's hash chain: appended in one line, and every kind of tampering named.

Tampering is done the way an intruder with database access would: raw SQL on the table,
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from server.audit import GENESIS, AuditEntry, AuditLog, Outcome, Problem, entry_digest
from server.persistence.database import sessions
from server.persistence.repositories.audit import ChainConflict
from tests.server.conftest import Database


async def record_some(audit: AuditLog, count: int) -> list[AuditEntry]:
    return [
        await audit.record(
            actor=f"staff:clerk{i}",
            action="hearing.create",
            object=f"hearing:hrg_{i}",
            reason=f"case {i}-1/2026",
        )
        for i in range(1, count + 1)
    ]


async def execute(database: Database, sql: str, **params: Any) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text(sql), params)


async def test_entries_are_chained_from_sixty_four_zeros(database: Database) -> None:
    entries = await record_some(database.audit, 4)

    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].previous_digest == GENESIS == "0" * 64
    for before, after in itertools.pairwise(entries):
        assert after.previous_digest == before.digest
    stored = await database.audit.entries.page()
    assert stored == entries  # what was hashed is what was stored, microseconds included


async def test_the_digest_is_sha256_over_the_canonical_json_of_the_entry(
    database: Database,
) -> None:
    (entry,) = await record_some(database.audit, 1)

    canonical = json.dumps(
        {
            "action": "hearing.create",
            "actor": "staff:clerk1",
            "at": entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "object": "hearing:hrg_1",
            "outcome": "allowed",
            "previous_digest": GENESIS,
            "reason": "case 1-1/2026",
            "seq": 1,
        },
        separators=(",", ":"),
    )
    assert entry.digest == hashlib.sha256(canonical.encode()).hexdigest()


async def test_an_intact_chain_verifies_and_reports_its_head(database: Database) -> None:
    entries = await record_some(database.audit, 5)
    await database.audit.record(
        actor="staff:bob",
        action="audit.read",
        object="audit_log",
        reason="lacks read_audit",
        outcome=Outcome.DENIED,
    )

    report = await database.audit.verify()

    assert report.ok
    assert report.entries == 6
    assert report.head == (await database.audit.entries.head()).digest  # type: ignore[union-attr]
    assert report.head != entries[-1].digest
    assert report.summary() == f"OK: 6 entries, chain intact, head {report.head}"


async def test_an_empty_log_verifies(database: Database) -> None:
    report = await database.audit.verify()

    assert report.ok
    assert (report.entries, report.head) == (0, GENESIS)


@pytest.mark.parametrize("column", ["actor", "action", "object", "outcome", "reason"])
async def test_editing_a_field_names_the_edited_entry(database: Database, column: str) -> None:
    await record_some(database.audit, 5)
    await execute(database, f"UPDATE audit_log SET {column} = 'forged' WHERE seq = 3")

    report = await database.audit.verify()

    assert not report.ok
    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (3, Problem.EDITED)
    assert report.entries == 2
    assert report.summary().startswith("BROKEN at entry 3 (edited)")


async def test_editing_the_time_names_the_edited_entry(database: Database) -> None:
    await record_some(database.audit, 3)
    await execute(
        database,
        "UPDATE audit_log SET at = :at WHERE seq = 2",
        at=datetime(2020, 1, 1, tzinfo=UTC),
    )

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (2, Problem.EDITED)


async def test_editing_a_digest_names_that_entry(database: Database) -> None:
    await record_some(database.audit, 5)
    await execute(database, "UPDATE audit_log SET digest = :d WHERE seq = 4", d="f" * 64)

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (4, Problem.EDITED)


async def test_an_entry_edited_with_its_digest_recomputed_breaks_the_next_link(
    database: Database,
) -> None:
    entries = await record_some(database.audit, 4)
    forged = entries[1]
    digest = entry_digest(
        seq=forged.seq,
        at=forged.at,
        actor=forged.actor,
        action=forged.action,
        object=forged.object,
        outcome=forged.outcome,
        reason="nothing happened",
        previous_digest=forged.previous_digest,
    )
    await execute(
        database,
        "UPDATE audit_log SET reason = 'nothing happened', digest = :d WHERE seq = 2",
        d=digest,
    )

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (3, Problem.BROKEN_LINK)


async def test_deleting_an_entry_names_the_missing_one(database: Database) -> None:
    await record_some(database.audit, 5)
    await execute(database, "DELETE FROM audit_log WHERE seq = 3")

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (3, Problem.MISSING)
    assert "entry 3 is missing before entry 4" in report.first_break.detail


async def test_deleting_the_first_entries_is_noticed(database: Database) -> None:
    await record_some(database.audit, 5)
    await execute(database, "DELETE FROM audit_log WHERE seq <= 2")

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (1, Problem.MISSING)
    assert "entries 1 to 2 are missing" in report.first_break.detail


async def test_deleting_an_entry_and_renumbering_the_rest_is_noticed(database: Database) -> None:
    await record_some(database.audit, 5)
    await execute(database, "DELETE FROM audit_log WHERE seq = 2")
    await execute(database, "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2")

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (2, Problem.BROKEN_LINK)


async def test_inserting_an_entry_names_the_inserted_one(database: Database) -> None:
    await record_some(database.audit, 4)
    # Make room at seq 3 (in two steps: PostgreSQL checks the key row by row).
    await execute(database, "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3")
    await execute(database, "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000")
    at = datetime.now(UTC)
    forged_previous = "a" * 64  # entry 2's digest is taken: previous_digest is UNIQUE
    fields = {
        "actor": "staff:intruder",
        "action": "recording.delete",
        "object": "recording:rec_x",
        "outcome": "allowed",
        "reason": "approved",
    }
    digest = entry_digest(seq=3, at=at, previous_digest=forged_previous, **fields)
    await execute(
        database,
        "INSERT INTO audit_log (seq, at, actor, action, object, outcome, reason, "
        "previous_digest, digest) VALUES (3, :at, :actor, :action, :object, :outcome, "
        ":reason, :previous, :digest)",
        at=at,
        previous=forged_previous,
        digest=digest,
        **fields,
    )

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (3, Problem.BROKEN_LINK)
    assert "inserted, deleted or moved" in report.first_break.detail


async def test_an_entry_appended_past_the_head_leaves_a_gap(database: Database) -> None:
    entries = await record_some(database.audit, 2)
    at = datetime.now(UTC)
    fields = {"actor": "x", "action": "y", "object": "z", "outcome": "allowed", "reason": ""}
    digest = entry_digest(seq=7, at=at, previous_digest=entries[-1].digest, **fields)
    await execute(
        database,
        "INSERT INTO audit_log (seq, at, actor, action, object, outcome, reason, "
        "previous_digest, digest) VALUES (7, :at, :actor, :action, :object, :outcome, "
        ":reason, :previous, :digest)",
        at=at,
        previous=entries[-1].digest,
        digest=digest,
        **fields,
    )

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (3, Problem.MISSING)


async def test_reordering_two_entries_names_the_first_moved_one(database: Database) -> None:
    await record_some(database.audit, 5)
    await execute(database, "UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3)")
    await execute(database, "UPDATE audit_log SET seq = 5 + seq WHERE seq < 0")

    report = await database.audit.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (2, Problem.BROKEN_LINK)


async def test_fifty_concurrent_appends_make_one_linear_chain(database: Database) -> None:
    await asyncio.gather(
        *(
            database.audit.record(actor=f"staff:u{i}", action="test.append", object=f"n:{i}")
            for i in range(50)
        )
    )

    entries = await database.audit.entries.page(limit=100)
    assert [e.seq for e in entries] == list(range(1, 51))
    assert sorted(e.object for e in entries) == sorted(f"n:{i}" for i in range(50))
    assert (await database.audit.verify()).ok


async def test_two_writers_on_one_database_never_fork_the_chain(database: Database) -> None:
    # A second AuditLog has its own lock, as another server process would.
    other = AuditLog(sessions(database.engine))

    await asyncio.gather(
        *(
            (database.audit if i % 2 else other).record(
                actor="staff:a", action="test.append", object=f"n:{i}"
            )
            for i in range(40)
        )
    )

    entries = await database.audit.entries.page(limit=100)
    assert [e.seq for e in entries] == list(range(1, 41))
    assert (await database.audit.verify()).ok


async def test_the_table_refuses_a_second_entry_after_the_same_one(database: Database) -> None:
    (first,) = await record_some(database.audit, 1)
    at = datetime.now(UTC)
    fields = {"actor": "x", "action": "y", "object": "z", "outcome": "allowed", "reason": ""}
    fork = AuditEntry(
        seq=99,
        at=at,
        previous_digest=first.previous_digest,
        digest=entry_digest(seq=99, at=at, previous_digest=first.previous_digest, **fields),
        **fields,
    )

    with pytest.raises(ChainConflict):
        await database.audit.entries.append(fork)


async def test_overlong_text_is_cut_to_fit_and_still_verifies(database: Database) -> None:
    entry = await database.audit.record(
        actor="staff:" + "a" * 300, action="x" * 150, object="o" * 300, reason="r" * 5000
    )

    assert (len(entry.actor), len(entry.action), len(entry.object), len(entry.reason)) == (
        200,
        100,
        200,
        1000,
    )
    assert entry.reason.endswith("…")
    assert (await database.audit.verify()).ok


async def test_reading_pages_after_a_seq_and_by_action(database: Database) -> None:
    await record_some(database.audit, 3)
    await database.audit.record(actor="staff:a", action="webhook.create", object="webhook:w")

    assert [e.seq for e in await database.audit.entries.page(after=1, limit=2)] == [2, 3]
    assert [e.seq for e in await database.audit.entries.page(action="webhook.create")] == [4]
    assert [e.seq for e in await database.audit.entries.latest(2)] == [3, 4]
    assert await database.audit.entries.count() == 4
