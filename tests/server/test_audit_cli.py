"""`courtroom audit verify` and `courtroom audit list` on a real database file."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from server.audit import Outcome
from server.cli import main
from server.court_data import open_court_data
from server.settings import Settings

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


def test_verify_says_ok_with_the_count_and_head_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    head = record(3)

    assert main(["audit", "verify"]) == 0

    assert capsys.readouterr().out.strip() == f"OK: 3 entries, chain intact, head {head}"


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
