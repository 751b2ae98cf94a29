"""Recordings on disk: found again with their durations, and readable after a crash."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from court.ids import HearingId
from recordings import RecordingStore
from recordings.info import recording_info
from recordings.metadata import read_metadata
from recordings.signing import load_or_create_key
from recordings.verification import verify_recording
from tests.recordings.audio import (
    RATE,
    decode,
    dominant_frequency,
    push_in_real_time,
    tone_packets,
)

REPO = Path(__file__).resolve().parents[2]


async def record_then_kill(root: Path) -> Path:
    """Record a tone in a child process for two seconds, then SIGKILL it; returns the
    recording's directory."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.recordings.record_until_killed",
        str(root),
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), timeout=30)
        directory = Path(line.decode().strip())
        await asyncio.sleep(2.0)  # the hearing goes on for two seconds, then the server dies
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    assert child.returncode == -signal.SIGKILL
    return directory


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
        assert info.path.name == info.recording_id
        assert info.path.parent.name == info.hearing_id
        assert [p.name for p in info.segments] == ["segment-000001.ogg"]
        assert info.stopped_at is not None and info.duration_s is not None
        assert info.duration_s == pytest.approx(info.stopped_at - info.started_at, abs=0.03)
    assert info_first.duration_s is not None
    assert info_second.duration_s == pytest.approx(info_first.duration_s + 0.4, abs=0.1)


async def test_the_metadata_beside_the_master_says_whether_it_was_sealed(
    store: RecordingStore,
) -> None:
    recording = await store.start(HearingId("hrg_one"))
    metadata_file = recording.directory / "recording.json"
    at_start = json.loads(metadata_file.read_text())
    info = await recording.stop()
    at_stop = json.loads(metadata_file.read_text())

    assert at_start == {
        "recording_id": recording.id,
        "hearing_id": "hrg_one",
        "started_at": recording.started_at,
        "stopped_at": None,
        "file": "manifest.jsonl",
        "recovered": False,
        "refused": None,
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
    (damaged / "segment-000001.ogg").write_bytes(b"OggS but not really")
    (damaged / "recording.json").write_text(
        json.dumps(
            {
                "recording_id": "rec_damaged",
                "hearing_id": "hrg_x",
                "started_at": 1.0,
                "stopped_at": None,
                "file": "manifest.jsonl",
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
    path = await record_then_kill(store.root)

    (info,) = await asyncio.to_thread(store.list)

    assert info.path == path
    assert info.stopped_at is None  # unsealed: the process never stopped it
    assert info.duration_s is not None and 1.5 <= info.duration_s <= 2.5
    samples = decode(path)
    assert len(samples) / RATE >= 1.5
    assert abs(dominant_frequency(samples[RATE // 4 :]) - 440.0) < 5.0


async def test_a_crashed_recording_is_sealed_on_restart_flagged_and_verifies(
    store: RecordingStore,
) -> None:
    directory = await record_then_kill(store.root)
    key_file = directory.parent.parent / "signing-key.pem"  # the child's key, see the child
    restarted = RecordingStore(store.root, signing_key=load_or_create_key(key_file))

    (recovery,) = await asyncio.to_thread(restarted.recover)
    recovered = recording_info(read_metadata(directory), directory)
    report = verify_recording(directory, recovered.recording_id, restarted.signing_key.public_key())

    assert recovery.refused is None and recovery.files == ("segment-000001.ogg",)
    assert recovered.recovered and recovered.stopped_at is not None
    assert recovered.duration_s is not None and 1.5 <= recovered.duration_s <= 2.5
    assert report.ok, report.lines()
    assert [(s.file, s.sealed) for s in report.segments] == [("segment-000001.ogg", "recovered")]
    assert await asyncio.to_thread(restarted.recover) == []  # once sealed, left alone
    samples = decode(directory)
    assert abs(dominant_frequency(samples[RATE // 4 :]) - 440.0) < 5.0


async def test_segments_close_at_their_length_and_together_hold_every_sample(
    tmp_path: Path,
) -> None:
    store = RecordingStore(tmp_path / "recordings", segment_s=0.5)
    recording = await store.start(HearingId("hrg_segments"))
    source = recording.add_source("prt_judge")
    await push_in_real_time(source, tone_packets(440.0, 1.0) * 2 + tone_packets(440.0, 0.2))
    info = await recording.stop()

    report = verify_recording(info.path, info.recording_id, store.signing_key.public_key())
    samples = decode(info.path)

    assert report.ok, report.lines()
    spans = [(s.start_ms, s.end_ms) for s in report.segments if s.file.startswith("segment-")]
    assert len(spans) >= 4
    assert all(end - start == 500 for start, end in spans[:-1])
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert info.duration_s == pytest.approx(spans[-1][1] / 1000)
    assert len(samples) / RATE == pytest.approx(info.duration_s, abs=0.05)
    # The tone runs on across every boundary: no segment starts or ends in a gap.
    for start, _ in spans[1:]:
        around = samples[int((start / 1000 - 0.1) * RATE) : int((start / 1000 + 0.1) * RATE)]
        assert abs(dominant_frequency(around) - 440.0) < 10.0, start
