"""`courtroom audit verify` and `courtroom audit list` on a real database file.

verify is also run on the two demonstrations of the security review's H5: a tail of the
log deleted, and an entry rewritten with every later digest recomputed. The checkpoints
are signed as the server signs them, with the court key in the data directory.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recordings.signing import key_fingerprint, load_or_create_key
from server.audit import AuditCheckpoints, Checkpoint, Outcome
from server.audit.checkpoints import CheckpointFile
from server.audit.log import moment
from server.cli import main
from server.court_data import open_court_data
from server.settings import Settings
from tests.server.audit_support import rewrite

# The command reads COURTROOM_* from the process environment, as a user's shell gives it.
pytestmark = pytest.mark.usefixtures("cli_environment")


def record(count: int) -> str:
    """Append ``count`` entries (the last one denied); return the head digest."""

    async def append() -> str:
        async with open_court_data(Settings.from_env()) as data:
            entry = None
            for i in range(1, count + 1):
                entry = await data.audit.record(
                    actor="staff:clerk",
                    action="hearing.create",
                    object=f"hearing:hrg_{i}",
                    reason=f"case {i}/2026\nsecond line",
                    outcome=Outcome.DENIED if i == count else Outcome.ALLOWED,
                )
            assert entry is not None
            return entry.digest

    return asyncio.run(append())


def tamper(sql: str) -> None:
    with sqlite3.connect(Settings.from_env().data_dir / "courtroom.db") as db:
        db.execute(sql)


def checkpoint() -> Checkpoint:
    """Sign the head as the running server does, with the court key of the data dir."""

    async def sign() -> Checkpoint:
        settings = Settings.from_env()
        key = load_or_create_key(settings.record_signing_key_file)
        async with open_court_data(settings) as data:
            return await AuditCheckpoints(
                data.audit, settings.audit_checkpoints_file, key
            ).checkpoint()

    return asyncio.run(sign())


def rewrite_entry(seq: int, reason: str) -> None:
    async def forge() -> None:
        async with open_court_data(Settings.from_env()) as data:
            await rewrite(data, seq, reason)

    asyncio.run(forge())


def test_verify_says_ok_with_the_count_and_head_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    head = record(3)

    assert main(["audit", "verify"]) == 0

    assert capsys.readouterr().out.splitlines() == [
        f"OK: 3 entries, chain intact, head {head}",
        "Warning: 3 entries are not yet anchored: no trusted checkpoint covers any entry",
    ]


def test_verify_on_a_new_database_says_ok_with_no_entries(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", "verify"]) == 0

    assert capsys.readouterr().out.strip() == f"OK: 0 entries, chain intact, head {'0' * 64}"


def test_verify_names_an_edited_entry_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    record(4)
    tamper("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2")

    assert main(["audit", "verify"]) == 1

    out = capsys.readouterr().out.strip()
    assert out.startswith("BROKEN at entry 2 (edited): ")


def test_verify_names_a_deleted_entry_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    record(4)
    tamper("DELETE FROM audit_log WHERE seq = 3")

    assert main(["audit", "verify"]) == 1

    out = capsys.readouterr().out.strip()
    assert out.startswith("BROKEN at entry 3 (missing): entry 3 is missing before entry 4")


def test_list_prints_the_newest_entries_oldest_first(capsys: pytest.CaptureFixture[str]) -> None:
    record(5)

    assert main(["audit", "list", "--limit", "2"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "SEQ",
        "AT",
        "(UTC)",
        "ACTOR",
        "ACTION",
        "OBJECT",
        "OUTCOME",
        "REASON",
    ]
    assert [line.split()[0] for line in lines[1:]] == ["4", "5"]
    assert "hearing:hrg_5  denied   case 5/2026 second line" in lines[2]


def test_list_of_an_empty_log_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "list"]) == 0

    assert capsys.readouterr().out.strip() == "The audit log is empty."


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_list_refuses_a_limit_that_is_not_positive(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["audit", "list", "--limit", limit])

    assert exit_.value.code == 2
    assert "--limit" in capsys.readouterr().err


def test_verify_names_the_last_twenty_entries_deleted_after_a_checkpoint_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(50)
    signed = checkpoint()
    tamper("DELETE FROM audit_log WHERE seq > (SELECT MAX(seq)-20 FROM audit_log)")

    assert main(["audit", "verify"]) == 1

    assert capsys.readouterr().out.splitlines() == [
        "BROKEN at entry 31 (cut): entries 31..50 are missing: the log was cut after entry 30 "
        f"(checkpoint of {moment(signed.at)} covers up to 50)"
    ]


def test_verify_names_a_rewritten_entry_with_every_later_digest_recomputed_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(10)
    before = checkpoint()
    record(10)
    after = checkpoint()
    rewrite_entry(15, "the defendant was never told")

    assert main(["audit", "verify"]) == 1

    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(
        "BROKEN at entry 11 (rewritten): entry 20 is not the entry the checkpoint of "
        f"{moment(after.at)} signed"
    )
    assert line.endswith(
        f"the log was rewritten in entries 11..20, after the checkpoint of {moment(before.at)} "
        "at entry 10: one was changed or replaced and every later digest recomputed"
    )


def test_verify_warns_of_entries_after_the_last_checkpoint_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(5)
    signed = checkpoint()
    head = record(3)

    assert main(["audit", "verify"]) == 0

    assert capsys.readouterr().out.splitlines() == [
        f"OK: 8 entries, chain intact, head {head}",
        f"Anchored up to entry 5 by the checkpoint of {moment(signed.at)}",
        "Warning: 3 entries after checkpoint at seq 5 are not yet anchored",
    ]


def test_verify_reports_a_checkpoint_forged_with_another_key_and_does_not_trust_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(4)
    signed = checkpoint()
    forger = Ed25519PrivateKey.generate()
    file = Settings.from_env().audit_checkpoints_file
    CheckpointFile(file).append(Checkpoint.sign(forger, 60, "cd" * 32, signed.at))

    assert main(["audit", "verify"]) == 0

    assert capsys.readouterr().out.splitlines()[1:] == [
        f"Anchored up to entry 4 by the checkpoint of {moment(signed.at)}",
        "Warning: the checkpoint at seq 60 (line 2 of audit-checkpoints.jsonl) is signed by "
        f"key {key_fingerprint(forger)[:16]}…, which is not trusted: ignored",
    ]


def test_verify_catches_a_cut_with_a_copy_of_the_checkpoints_when_the_file_is_deleted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    record(30)
    checkpoint()
    file = Settings.from_env().audit_checkpoints_file
    copy = tmp_path / "kept-elsewhere.jsonl"
    shutil.copyfile(file, copy)
    tamper("DELETE FROM audit_log WHERE seq > 10")
    file.unlink()

    assert main(["audit", "verify"]) == 0  # the file alone is gone: nothing to compare with
    assert main(["audit", "verify", "--checkpoints", str(copy)]) == 1

    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("BROKEN at entry 11 (cut): entries 11..30 are missing")


def test_verify_refuses_a_checkpoint_file_that_is_not_there(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["audit", "verify", "--checkpoints", str(tmp_path / "nowhere.jsonl")]) == 2

    assert "no checkpoint file at" in capsys.readouterr().err
