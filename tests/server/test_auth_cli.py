"""``courtroom users add|list`` and the accounts the server creates on its own."""

from __future__ import annotations

import asyncio
import io
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from court.staff import StaffRole
from server.auth.bootstrap import (
    DEMO_STAFF_FILE,
    INITIAL_ADMIN_FILE,
    ensure_demo_staff,
    ensure_first_administrator,
    read_passwords,
)
from server.auth.passwords import Passwords
from server.cli import bootstrap_accounts, main
from server.court_data import CourtData, open_court_data
from server.settings import Settings

# The command reads COURTROOM_* from the process environment, as a user's shell gives it.
pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
async def data(settings: Settings) -> AsyncIterator[CourtData]:
    async with open_court_data(settings) as data:
        yield data


async def verifies(data: CourtData, username: str, password: str) -> bool:
    credentials = await data.staff.credentials(username)
    assert credentials is not None
    return (await Passwords().verify(credentials.password_hash, password)).ok


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


# ---- users add / list ------------------------------------------------------------------


def test_a_script_adds_a_staff_account_with_the_password_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))

    code = main(
        ["users", "add", "amina", "--role", "judge", "--name", "Judge Amina", "--password-stdin"]
    )

    assert code == 0
    assert capsys.readouterr().out.strip() == "Created judge amina (Judge Amina)."
    assert main(["users", "list"]) == 0
    header, row = capsys.readouterr().out.strip().splitlines()
    assert header.split() == ["USERNAME", "ROLE", "NAME", "CREATED", "STATE"]
    assert row.split()[:4] == ["amina", "judge", "Judge", "Amina"]
    assert row.split()[-1] == "active"


async def test_the_added_account_has_an_argon2id_hash_of_that_password(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    argv = ["users", "add", "carla", "--role", "clerk", "--password-stdin"]
    assert await asyncio.to_thread(main, argv) == 0

    async with open_court_data(settings) as data:
        credentials = await data.staff.credentials("carla")
        assert credentials is not None
        assert credentials.account.display_name == "carla"
        assert credentials.account.role is StaffRole.CLERK
        assert credentials.password_hash.startswith("$argon2id$")
        assert await verifies(data, "carla", "a-long-enough-password")


def test_the_password_is_asked_twice_and_must_match(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["first-long-password", "second-long-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    assert main(["users", "add", "carla", "--role", "clerk"]) == 1

    assert "differ" in capsys.readouterr().err
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out.strip() == "No staff accounts yet."


def test_a_typed_password_entered_twice_creates_the_account(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "typed-long-password")

    assert main(["users", "add", "carla", "--role", "archivist"]) == 0
    assert "Created archivist carla" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "password", "message"),
    [
        (["Carla", "--role", "clerk"], "a-long-enough-password", "username"),
        (["carla", "--role", "clerk"], "short", "password"),
        (["carla", "--role", "clerk", "--name", "x" * 201], "a-long-enough-password", "name"),
    ],
)
def test_a_bad_account_is_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    password: str,
    message: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))

    assert main(["users", "add", *argv, "--password-stdin"]) == 2

    err = capsys.readouterr().err
    assert message in err
    assert password not in err


def test_an_unknown_role_is_refused_by_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["users", "add", "carla", "--role", "bailiff", "--password-stdin"])

    assert exited.value.code == 2
    assert "bailiff" in capsys.readouterr().err


def test_a_taken_username_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
        code = main(["users", "add", "carla", "--role", "clerk", "--password-stdin"])

    assert code == 1
    assert "already a staff account 'carla'" in capsys.readouterr().err


# ---- the first administrator ---------------------------------------------------------


async def test_the_first_administrator_is_created_once_with_a_private_password_file(
    data: CourtData, settings: Settings
) -> None:
    password = await ensure_first_administrator(data, Passwords(), settings.data_dir)

    assert password is not None and len(password) >= 20
    admin = await data.staff.by_username("admin")
    assert admin is not None and admin.role is StaffRole.ADMINISTRATOR
    assert admin.must_change_password  # the printed password is for the first login only
    assert await verifies(data, "admin", password)
    path = settings.data_dir / INITIAL_ADMIN_FILE
    assert path.read_text() == f"{password}\n"
    assert private(path)

    assert await ensure_first_administrator(data, Passwords(), settings.data_dir) is None
    assert path.read_text() == f"{password}\n"
    assert await data.staff.count() == 1


async def test_no_administrator_is_created_once_any_account_exists(
    data: CourtData, settings: Settings
) -> None:
    await data.staff.add(
        username="carla", display_name="Carla", role=StaffRole.CLERK, password_hash="h"
    )

    assert await ensure_first_administrator(data, Passwords(), settings.data_dir) is None
    assert await data.staff.by_username("admin") is None
    assert not (settings.data_dir / INITIAL_ADMIN_FILE).exists()


# ---- the demo's staff -----------------------------------------------------------------


async def test_the_demo_judge_and_clerk_are_created_once(
    data: CourtData, settings: Settings
) -> None:
    created = await ensure_demo_staff(data, Passwords(), settings.data_dir)

    assert set(created) == {"judge", "clerk"}
    judge = await data.staff.by_username("judge")
    clerk = await data.staff.by_username("clerk")
    assert judge is not None and judge.role is StaffRole.JUDGE
    assert clerk is not None and clerk.role is StaffRole.CLERK
    for username, password in created.items():
        assert await verifies(data, username, password)
    path = settings.data_dir / DEMO_STAFF_FILE
    assert read_passwords(path) == created
    assert private(path)

    assert await ensure_demo_staff(data, Passwords(), settings.data_dir) == {}
    assert read_passwords(path) == created


async def test_serving_creates_the_administrator_first_and_names_the_files_of_the_passwords(
    courtroom_env: dict[str, str],
) -> None:
    settings = Settings.from_env({**courtroom_env, "COURTROOM_DEMO": "1"})  # as make run
    first = await bootstrap_accounts(settings)

    login_url = "http://127.0.0.1:8080/login"
    admin_password = (settings.data_dir / INITIAL_ADMIN_FILE).read_text().strip()
    demo = read_passwords(settings.data_dir / DEMO_STAFF_FILE)
    assert "username admin" in first and login_url in first
    assert INITIAL_ADMIN_FILE in first and DEMO_STAFF_FILE in first
    async with open_court_data(settings) as data:
        assert [a.username for a in await data.staff.list()] == ["admin", "clerk", "judge"]

    second = await bootstrap_accounts(settings)

    for text in (first, second):
        assert admin_password not in text
        assert not any(password in text for password in demo.values())
    assert DEMO_STAFF_FILE in second


async def test_with_the_demo_off_only_the_administrator_is_created(
    courtroom_env: dict[str, str],
) -> None:
    settings = Settings.from_env({**courtroom_env, "COURTROOM_DEMO": "0"})

    text = await bootstrap_accounts(settings)

    assert "username admin" in text
    assert not (settings.data_dir / DEMO_STAFF_FILE).exists()
    async with open_court_data(settings) as data:
        assert [a.username for a in await data.staff.list()] == ["admin"]
