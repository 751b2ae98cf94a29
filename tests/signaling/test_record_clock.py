"""One clock: record time runs on the recording's monotonic clock, so setting the machine's
wall clock in the middle of a hearing (an NTP step, an operator's mistake) moves no protocol
stamp and no timeline entry; only the wall-clock anchor read once at the start says when
record time 0 was."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from court.record_time import RecordClock, format_record_time
from court.roles import Role
from recordings import RecordingStore
from recordings.timeline import read_timeline
from signaling.client import ParticipantClient
from signaling.events import ClientEvent
from tests.signaling.conftest import HearingServer


class SteppedClock:
    """The system's monotonic clock, and a wall clock that a test can set."""

    def __init__(self) -> None:
        self.step_s = 0.0

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time() + self.step_s


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def recording_store(tmp_path: Path, clock: SteppedClock) -> RecordingStore:
    return RecordingStore(tmp_path / "recordings", clock)


async def _write(clerk: ParticipantClient, text: str) -> dict[str, Any]:
    payload = {"kind": "statement", "text": text, "began_ms_ago": 0}
    entry: dict[str, Any] = (await clerk.command(ClientEvent.WRITE_PROTOCOL_ENTRY, payload))[
        "entry"
    ]
    return entry


async def test_a_wall_clock_set_back_an_hour_mid_hearing_moves_no_stamp(
    hearing_server: HearingServer, clock: SteppedClock
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    # Past the master's lag: a stamp in the recording's first milliseconds is held at 0,
    # which would shorten the distance measured below.
    await asyncio.sleep(0.1)
    first = await _write(clerk, "Before the clock was set.")
    assert isinstance(first["record_ms"], int) and first["record_ms"] > 0
    before = time.monotonic()

    clock.step_s = -3600.0  # the machine's clock is set back an hour
    await asyncio.sleep(0.5)
    second = await _write(clerk, "After the clock was set.")
    elapsed_ms = (time.monotonic() - before) * 1000
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "paused", "reason": "a break"})

    assert isinstance(second["record_ms"], int)
    moved = second["record_ms"] - first["record_ms"]
    assert 500 <= moved <= elapsed_ms + 50, (moved, elapsed_ms)  # not an hour back
    (recording,) = await asyncio.to_thread(hearing_server.recordings.list)
    timeline = read_timeline(recording.path)
    assert all(0 <= entry.at_ms <= second["record_ms"] + 1000 for entry in timeline), timeline


def test_record_time_counts_the_monotonic_clock_from_its_start_and_reads_the_wall_once() -> None:
    class Manual:
        def __init__(self) -> None:
            self.mono, self.wall_s, self.wall_reads = 100.0, 1_780_000_000.0, 0

        def monotonic(self) -> float:
            return self.mono

        def wall(self) -> float:
            self.wall_reads += 1
            return self.wall_s

    manual = Manual()
    record = RecordClock(manual)
    manual.mono += 61.2345
    manual.wall_s -= 3600

    assert record.now() == 61_234
    assert record.started_at == 1_780_000_000.0 and manual.wall_reads == 1
    assert record.at(99.0) == 0  # never negative
    assert format_record_time(record.now()) == "00:01:01.234"
    assert format_record_time(3_723_999, millis=False) == "01:02:03"
