from __future__ import annotations

from pathlib import Path

import pytest

from recordings import RecordingStore


@pytest.fixture
def store(tmp_path: Path) -> RecordingStore:
    return RecordingStore(tmp_path / "recordings")
