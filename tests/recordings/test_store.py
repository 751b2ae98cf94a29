"""Recordings on disk: found again with their durations, and readable after a crash."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from court.ids import HearingId
from recordings import RecordingStore
from tests.recordings.audio import RATE, decode, dominant_frequency

REPO = Path(__file__).resolve().parents[2]


async def test_list_returns_recordings_with_durations_oldest_first(
    store: RecordingStore,
) -> None:
    first = await store.start(HearingId("hrg_one"))
    second = await store.start(HearingId("hrg_two"))
    await asyncio.sleep(0.6)  # both record, in silence
    info_first = await first.stop()
    await asyncio.sleep(0.4)
    info_second = await second.stop()

    found = await asyncio.to_thread(store.list)

    assert found == [info_first, info_second]
    assert [r.hearing_id for r in found] == ["hrg_one", "hrg_two"]
    for info in found:
        assert info.path.name == "master.ogg"
        assert info.path.parent.parent.name == info.hearing_id
        assert info.stopped_at is not None and info.duration_s is not None
        assert info.duration_s == pytest.approx(info.stopped_at - info.started_at, abs=0.03)
    assert info_first.duration_s is not None
    assert info_second.duration_s == pytest.approx(info_first.duration_s + 0.4, abs=0.1)


async def test_the_metadata_beside_the_master_says_whether_it_was_sealed(
    store: RecordingStore,
) -> None:
    recording = await store.start(HearingId("hrg_one"))
    metadata_file = recording.path.parent / "recording.json"
    at_start = json.loads(metadata_file.read_text())
    info = await recording.stop()
    at_stop = json.loads(metadata_file.read_text())

    assert at_start == {
        "recording_id": recording.id,
        "hearing_id": "hrg_one",
        "started_at": recording.started_at,
        "stopped_at": None,
        "file": "master.ogg",
    }
    assert at_stop == {**at_start, "stopped_at": info.stopped_at}


def test_list_skips_broken_metadata_and_reports_an_unreadable_master_without_duration(
    store: RecordingStore,
) -> None:
    broken = store.root / "hrg_x" / "rec_broken"
    broken.mkdir(parents=True)
    (broken / "recording.json").write_text("{not json")
    damaged = store.root / "hrg_x" / "rec_damaged"
    damaged.mkdir(parents=True)
    (damaged / "master.ogg").write_bytes(b"OggS but not really")
    (damaged / "recording.json").write_text(
        json.dumps(
            {
                "recording_id": "rec_damaged",
                "hearing_id": "hrg_x",
                "started_at": 1.0,
                "stopped_at": None,
                "file": "master.ogg",
            }
        )
    )

    (info,) = store.list()

    assert info.recording_id == "rec_damaged"
    assert info.stopped_at is None and info.duration_s is None


def test_list_of_a_store_that_has_never_recorded_is_empty(tmp_path: Path) -> None:
    assert RecordingStore(tmp_path / "nothing here").list() == []


async def test_the_master_is_readable_after_the_process_is_killed_mid_recording(
    store: RecordingStore,
) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.recordings.record_until_killed",
        str(store.root),
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), timeout=30)
        path = Path(line.decode().strip())
        await asyncio.sleep(2.0)  # the hearing goes on for two seconds, then the server dies
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    assert child.returncode == -signal.SIGKILL

    (info,) = await asyncio.to_thread(store.list)

    assert info.path == path
    assert info.stopped_at is None  # unsealed: the process never stopped it
    assert info.duration_s is not None and 1.5 <= info.duration_s <= 2.5
    samples = decode(path)
    assert len(samples) / RATE >= 1.5
    assert abs(dominant_frequency(samples[RATE // 4 :]) - 440.0) < 5.0
