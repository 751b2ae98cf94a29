"""Owner-only data: the data directory, the database and the recordings (0700 directories,
0600 files), whatever the umask of whoever starts the server."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from court.ids import HearingId
from recordings import RecordingStore
from server.cli import main
from server.settings import Settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask an operator might have: nothing may rely on it."""
    before = os.umask(0o000)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.usefixtures("open_umask")
def test_settings_create_the_data_dir_and_the_sqlite_file_owner_only(
    courtroom_env: dict[str, str],
) -> None:
    settings = Settings.from_env(courtroom_env)

    assert mode(settings.data_dir) == 0o700
    assert mode(settings.data_dir / "courtroom.db") == 0o600
    assert mode(settings.data_dir / "secret_key") == 0o600


def test_an_existing_data_dir_and_database_open_to_others_are_tightened(
    courtroom_env: dict[str, str],
) -> None:
    data_dir = Path(courtroom_env["COURTROOM_DATA_DIR"])
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    database = data_dir / "courtroom.db"
    database.touch()
    database.chmod(0o644)

    Settings.from_env(courtroom_env)

    assert mode(data_dir) == 0o700
    assert mode(database) == 0o600


@pytest.mark.usefixtures("open_umask", "cli_environment")
def test_a_command_leaves_nothing_in_the_data_dir_that_others_may_read(
    courtroom_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COURTROOM_DEMO", "1")
    # Migrations, the demo hearing, keys: everything the command writes.
    assert main(["demo"]) == 0
    capsys.readouterr()

    data_dir = Path(courtroom_env["COURTROOM_DATA_DIR"])
    found = [data_dir, *data_dir.rglob("*")]
    assert len(found) > 2
    for path in found:
        assert mode(path) & 0o077 == 0, f"{path} is {oct(mode(path))}"
    # The umask is given back: main is called in this process.
    assert os.umask(0o000) == 0o000


@pytest.mark.usefixtures("open_umask")
async def test_recordings_directories_are_owner_only(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path / "recordings")

    recording = await store.start(HearingId("hrg_private"))
    try:
        await asyncio.sleep(0.2)
    finally:
        info = await recording.stop()

    assert mode(tmp_path / "recordings") == 0o700
    assert mode(info.path.parent) == 0o700
    assert mode(info.path) == 0o700
