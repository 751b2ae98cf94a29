"""Fixtures shared by every test package. Package-specific ones live in its own conftest."""

from __future__ import annotations

from pathlib import Path

import pytest

# `make test` runs the suite in two passes (tests/run): everything else over several workers,
# then these alone, one at a time. They measure media as it flows (frame rates, tone levels,
# alignment within 100 ms, packets that must or must not arrive within seconds, a recording's
# length against real time) and fail when other tests take the cores; or they build network
# namespaces, firewalls and servers on fixed addresses. A path ending in "/" is a folder.
SERIAL = (
    "tests/bench/",
    "tests/deploy/",
    "tests/network/",
    "tests/media/",
    "tests/signaling/",
    "tests/recordings/test_mixed_master.py",
    "tests/recordings/test_speakers.py",
    "tests/recordings/test_speech.py",
    "tests/recordings/test_store.py",
    "tests/recordings/test_track_segments.py",
    "tests/server/test_crash_recovery.py",
    "tests/e2e/test_presence.py",
    "tests/e2e/test_protocol_editor.py",
    "tests/e2e/test_screen_share.py",
    "tests/e2e/test_three_participants.py",
    "tests/e2e/test_whole_hearing.py",
)
# Under a serial folder, these send no media and measure no time: they run with the others.
NOT_SERIAL = (
    "tests/signaling/live/",
    "tests/signaling/test_command_matrix.py",
    "tests/signaling/test_command_rows.py",
    "tests/signaling/test_limits.py",
    "tests/signaling/test_protocol.py",
    "tests/signaling/test_record_clock.py",
    "tests/signaling/test_turn.py",
)


def _under(path: str, places: tuple[str, ...]) -> bool:
    return any(path.startswith(p) if p.endswith("/") else path == p for p in places)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        if _under(path, SERIAL) and not _under(path, NOT_SERIAL):
            item.add_marker(pytest.mark.serial)


@pytest.fixture
def courtroom_env(tmp_path: Path) -> dict[str, str]:
    """``COURTROOM_*`` variables for a server whose whole state lives under ``tmp_path``."""
    return {
        "COURTROOM_DATA_DIR": str(tmp_path / "data"),
        "COURTROOM_HOST": "127.0.0.1",
        "COURTROOM_ICE_HOST_ADDRESSES": "127.0.0.1",
    }
