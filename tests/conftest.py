"""Fixtures shared by every test package. Package-specific ones live in its own conftest."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def courtroom_env(tmp_path: Path) -> dict[str, str]:
    """``COURTROOM_*`` variables for a server whose whole state lives under ``tmp_path``."""
    return {
        "COURTROOM_DATA_DIR": str(tmp_path / "data"),
        "COURTROOM_HOST": "127.0.0.1",
        "COURTROOM_ICE_HOST_ADDRESSES": "127.0.0.1",
    }
