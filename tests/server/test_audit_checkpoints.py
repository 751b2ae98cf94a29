"""Signed checkpoints of the audit log's head: what they are, where they live, when they are
written, and the cut tail and rewritten chain they name that the chain alone cannot.

Tampering is done the way an insider with database access would: raw SQL on the table, on
SQLite and on PostgreSQL, with digests recomputed by the published entry_digest.
"""

from __future__ import annotations

import json
import logging
import stat
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from court.ids import HearingId
from recordings import RecordingStore
from recordings.signing import key_fingerprint
from server.audit import (
    AnchorBroken,
    AuditCheckpoints,
    AuditLog,
    Checkpoint,
    Problem,
    verify_anchored,
)
from server.audit.checkpoints import CheckpointFile, sealed_checkpoints, signed_message
from server.audit.log import moment, timestamp
from tests.server.audit_support import cut_tail, rewrite, until
from tests.server.conftest import Database


async def record_some(audit: AuditLog, count: int) -> None:
    for i in range(count):
        await audit.record(
            actor="staff:clerk", action="hearing.create", object=f"hearing:hrg_{i}", reason="r"
        )


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "checkpoints" / "audit-checkpoints.jsonl"


@pytest.fixture
async def checkpoints(
    database: Database, path: Path, key: Ed25519PrivateKey
) -> AsyncIterator[AuditCheckpoints]:
    found = AuditCheckpoints(database.audit, path, key, interval_s=0.02)
    yield found
    await found.stop()


# The checkpoint file is a few hundred bytes here: read in place, not in a thread.
def content(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in content(path).splitlines()]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def tear(path: Path) -> None:
    """What a crash half way through an append leaves: the last line cut short."""
    whole = path.read_bytes()
    path.write_bytes(whole + whole[: len(whole) // 2])


async def test_a_checkpoint_is_the_head_signed_with_the_court_key_in_a_line_of_its_own(
    database: Database, checkpoints: AuditCheckpoints, path: Path, key: Ed25519PrivateKey
) -> None:
    await record_some(database.audit, 3)
    head = await database.audit.entries.head()
    assert head is not None

    checkpoint = await checkpoints.checkpoint()

    assert (checkpoint.seq, checkpoint.head) == (3, head.digest)
    assert checkpoint.key == key_fingerprint(key)
    message = f"courtroom-audit-checkpoint-v1\n3\n{head.digest}\n{timestamp(checkpoint.at)}"
    assert signed_message(3, head.digest, checkpoint.at) == message.encode()
    key.public_key().verify(bytes.fromhex(checkpoint.signature), message.encode())
    # One canonical JSON line, readable by the server's user only.
    assert content(path) == (
        json.dumps(checkpoint.as_json(), sort_keys=True, separators=(",", ":")).encode() + b"\n"
    )
    assert mode(path) == 0o600
    assert Checkpoint.from_json(checkpoint.as_json()) == checkpoint
    assert checkpoints.latest() == checkpoint


async def test_a_checkpoint_of_an_unmoved_head_is_the_latest_one_and_writes_nothing(
    database: Database, checkpoints: AuditCheckpoints, path: Path
) -> None:
    await record_some(database.audit, 2)
    first = await checkpoints.checkpoint()

    again = await checkpoints.checkpoint()
    await record_some(database.audit, 1)
    moved = await checkpoints.checkpoint()

    assert again == first
    assert moved.seq == 3
    assert [line["seq"] for line in lines(path)] == [2, 3]


async def test_an_intact_log_is_anchored_by_its_last_checkpoint(
    database: Database, checkpoints: AuditCheckpoints
) -> None:
    await record_some(database.audit, 4)
    checkpoint = await checkpoints.checkpoint()

    report = await checkpoints.verify()

    assert report.ok
    assert report.anchor == checkpoint
    assert report.unanchored == 0
    assert report.warnings == []
    assert report.lines()[1] == (
        f"Anchored up to entry 4 by the checkpoint of {moment(checkpoint.at)}"
    )


async def test_entries_after_the_last_checkpoint_are_reported_not_yet_anchored(
    database: Database, checkpoints: AuditCheckpoints
) -> None:
    await record_some(database.audit, 5)
    await checkpoints.checkpoint()
    await record_some(database.audit, 3)

    report = await checkpoints.verify()

    assert report.ok
    assert report.unanchored == 3
    assert report.warnings == ["3 entries after checkpoint at seq 5 are not yet anchored"]


async def test_a_tail_cut_below_a_checkpoint_is_named_with_the_missing_entries(
    database: Database, checkpoints: AuditCheckpoints
) -> None:
    await record_some(database.audit, 30)
    checkpoint = await checkpoints.checkpoint()
    await cut_tail(database, 20)

    report = await checkpoints.verify()

    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.problem) == (11, Problem.CUT)
    assert report.first_break.detail == (
        "entries 11..30 are missing: the log was cut after entry 10 "
        f"(checkpoint of {moment(checkpoint.at)} covers up to 30)"
    )
    assert report.entries == 10


async def test_a_rewrite_is_narrowed_to_the_entries_between_two_checkpoints(
    database: Database, checkpoints: AuditCheckpoints
) -> None:
    await record_some(database.audit, 10)
    before = await checkpoints.checkpoint()
    await record_some(database.audit, 10)
    after = await checkpoints.checkpoint()
    await record_some(database.audit, 5)
    await rewrite(database, 14, "nothing happened")

    report = await checkpoints.verify()

    found = report.first_break
    assert found is not None
    assert (found.seq, found.problem) == (11, Problem.REWRITTEN)
    assert found.detail.startswith(
        f"entry 20 is not the entry the checkpoint of {moment(after.at)} signed"
    )
    assert (
        f"the log was rewritten in entries 11..20, after the checkpoint of {moment(before.at)} "
        "at entry 10: one was changed or replaced and every later digest recomputed"
    ) in found.detail
    assert (report.entries, report.head, report.anchor) == (10, before.head, before)


async def test_a_rewrite_before_the_only_checkpoint_may_lie_anywhere_up_to_it(
    database: Database, checkpoints: AuditCheckpoints
) -> None:
    await record_some(database.audit, 6)
    await checkpoints.checkpoint()
    await rewrite(database, 1, "nothing happened")

    report = await checkpoints.verify()

    assert report.first_break is not None
    assert report.first_break.problem is Problem.REWRITTEN
    assert "rewritten in entries 1..6:" in report.first_break.detail


@pytest.mark.parametrize("claimed", ["its own", "the court's"])
async def test_a_checkpoint_signed_by_another_key_is_reported_and_not_trusted(
    database: Database,
    checkpoints: AuditCheckpoints,
    path: Path,
    key: Ed25519PrivateKey,
    claimed: str,
) -> None:
    await record_some(database.audit, 4)
    await checkpoints.checkpoint()
    # A forger claims the log went on to entry 40 (so that verify would call it cut).
    forger = Ed25519PrivateKey.generate()
    forged = Checkpoint.sign(forger, 40, "ab" * 32, datetime.now(UTC))
    if claimed == "the court's":
        forged = Checkpoint(
            forged.seq, forged.head, forged.at, key_fingerprint(key), forged.signature
        )
    CheckpointFile(path).append(forged)

    report = await checkpoints.verify()

    assert report.ok
    assert report.anchor is not None and report.anchor.seq == 4
    (warning,) = report.warnings
    assert warning.startswith("the checkpoint at seq 40 (line 2 of audit-checkpoints.jsonl) ")
    assert warning.endswith(": ignored")
    if claimed == "its own":
        assert f"signed by key {key_fingerprint(forger)[:16]}…, which is not trusted" in warning
    else:
        assert "has a signature that does not verify" in warning


async def test_a_cut_is_still_caught_by_a_checkpoint_from_elsewhere_when_the_file_is_deleted(
    database: Database, checkpoints: AuditCheckpoints, path: Path, key: Ed25519PrivateKey
) -> None:
    await record_some(database.audit, 30)
    carried = await checkpoints.checkpoint()  # as a recording's seal carries it
    older = Checkpoint.sign(
        key, 5, (await database.audit.entries.page(after=4))[0].digest, carried.at
    )
    await cut_tail(database, 20)
    path.unlink()  # noqa: ASYNC240 (a tiny file)

    alone = await verify_anchored(database.audit, [key.public_key()], [path])
    report = await verify_anchored(
        database.audit,
        [key.public_key()],
        [path],
        extra=[older, Checkpoint.from_json(json.loads(json.dumps(carried.as_json())))],
    )

    assert alone.ok and alone.warnings == [
        "10 entries are not yet anchored: no trusted checkpoint covers any entry"
    ]
    assert report.first_break is not None
    assert report.first_break.problem is Problem.CUT
    assert "entries 11..30 are missing: the log was cut after entry 10" in report.first_break.detail


async def test_a_line_cut_short_by_a_crash_is_ignored_and_mended_by_the_next_append(
    database: Database, path: Path, key: Ed25519PrivateKey
) -> None:
    writer = AuditCheckpoints(database.audit, path, key)
    await record_some(database.audit, 2)
    first = await writer.checkpoint()
    tear(path)

    restarted = AuditCheckpoints(database.audit, path, key)
    await restarted.start()
    await restarted.stop()
    report = await restarted.verify()
    await record_some(database.audit, 1)
    second = await restarted.checkpoint()

    assert report.ok and report.warnings == [] and report.anchor == first
    assert restarted.latest() == second
    assert [line["seq"] for line in lines(path)] == [2, 3]  # the fragment is gone


async def test_a_line_that_is_not_a_checkpoint_is_reported_and_the_rest_still_anchor(
    database: Database, checkpoints: AuditCheckpoints, path: Path
) -> None:
    await record_some(database.audit, 2)
    await checkpoints.checkpoint()
    with path.open("ab") as f:
        f.write(b'{"seq": 99}\n')

    report = await checkpoints.verify()

    assert report.ok and report.anchor is not None and report.anchor.seq == 2
    (warning,) = report.warnings
    assert warning.startswith("line 2 of audit-checkpoints.jsonl is not a checkpoint (")


async def test_the_periodic_task_checkpoints_when_entries_were_written_and_not_otherwise(
    database: Database, checkpoints: AuditCheckpoints, path: Path
) -> None:
    await checkpoints.start()
    await until(lambda: checkpoints.rounds >= 2)
    assert content(path) == b""  # an empty log has nothing to anchor

    await record_some(database.audit, 3)
    await until(lambda: (latest := checkpoints.latest()) is not None and latest.seq == 3)
    written = content(path)
    rounds = checkpoints.rounds
    await until(lambda: checkpoints.rounds >= rounds + 3)

    assert content(path) == written  # nothing moved, nothing written
    assert lines(path)[-1]["seq"] == 3


async def test_stopping_anchors_what_was_written_since_the_last_round(
    database: Database, path: Path, key: Ed25519PrivateKey
) -> None:
    checkpoints = AuditCheckpoints(database.audit, path, key, interval_s=60)
    await checkpoints.start()
    await until(lambda: checkpoints.rounds >= 1)
    await record_some(database.audit, 2)

    await checkpoints.stop()

    assert [line["seq"] for line in lines(path)] == [2]


async def test_a_restarted_server_extends_the_checkpoint_it_finds_in_the_file(
    database: Database, path: Path, key: Ed25519PrivateKey
) -> None:
    await record_some(database.audit, 2)
    first = await AuditCheckpoints(database.audit, path, key).checkpoint()

    restarted = AuditCheckpoints(database.audit, path, key)
    await restarted.start()
    await until(lambda: restarted.rounds >= 1)
    await restarted.stop()

    assert restarted.latest() == first
    assert len(lines(path)) == 1


@pytest.mark.parametrize("tamper", ["cut", "rewrite"])
async def test_a_log_cut_or_rewritten_since_the_last_checkpoint_is_never_signed(
    database: Database,
    checkpoints: AuditCheckpoints,
    path: Path,
    tamper: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await record_some(database.audit, 10)
    await checkpoints.checkpoint()
    if tamper == "cut":
        await cut_tail(database, 3)
    else:
        await rewrite(database, 4, "nothing happened")
    await record_some(database.audit, 5)  # the server writes on as if nothing happened
    written = content(path)

    with pytest.raises(AnchorBroken) as refused:
        await checkpoints.checkpoint()
    with caplog.at_level(logging.ERROR, logger="server.audit.checkpoints"):
        await checkpoints.start()
        await until(lambda: checkpoints.rounds >= 1)

    assert refused.value.report.first_break is not None
    assert refused.value.report.first_break.problem is Problem.REWRITTEN
    assert content(path) == written
    assert "no longer extends its last checkpoint" in caplog.text


async def test_a_cut_is_caught_by_the_checkpoint_a_recordings_final_seal_carries(
    database: Database, checkpoints: AuditCheckpoints, path: Path, key: Ed25519PrivateKey
) -> None:
    """The insider deletes the checkpoint file and cuts the log; the record itself still
    holds the signed head, because the recording's final seal carried it."""
    await record_some(database.audit, 30)
    await checkpoints.checkpoint()
    store = RecordingStore(
        path.parent / "recordings",
        signing_key=key,
        audit_checkpoint=lambda: None if (c := checkpoints.latest()) is None else c.as_json(),
    )
    recording = await store.start(HearingId("hrg_sealed"))
    await recording.stop()
    await cut_tail(database, 20)
    path.unlink()  # noqa: ASYNC240 (a tiny file)

    carried = sealed_checkpoints(path.parent / "recordings")
    report = await verify_anchored(database.audit, [key.public_key()], [path], extra=carried)

    assert [c.seq for c in carried] == [30]
    assert report.first_break is not None and report.first_break.problem is Problem.CUT
    assert "entries 11..30 are missing: the log was cut after entry 10" in report.first_break.detail
