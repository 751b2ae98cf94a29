"""A real LiveHearing with fakes of every interface around it (tests/signaling/live/fakes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.signaling.live.fakes import LiveUnderTest, hearing_with_fakes


@pytest.fixture
def hearing(tmp_path: Path) -> LiveUnderTest:
    return hearing_with_fakes(tmp_path)
