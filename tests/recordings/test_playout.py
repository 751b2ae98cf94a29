"""The per-source jitter buffer: audio placed by its timestamps, read at the mixer's pace."""

from __future__ import annotations

import numpy as np

from recordings.playout import Playout, Samples

DELAY = 30
CAPACITY = 100


def block(value: float, n: int = 10) -> Samples:
    return np.full(n, value, dtype=np.float32)


def test_nothing_is_read_until_the_playout_delay_is_buffered() -> None:
    playout = Playout(DELAY, CAPACITY)
    assert playout.read(10) is None
    playout.write(1000, block(1.0, 20))
    assert playout.read(10) is None
    playout.write(1020, block(2.0, 10))
    out = playout.read(10)
    assert out is not None and list(out) == [1.0] * 10


def test_a_gap_in_timestamps_is_silence_and_later_audio_stays_aligned() -> None:
    playout = Playout(DELAY, CAPACITY)
    playout.write(0, block(1.0))
    playout.write(30, block(3.0))  # the packet at 10..20 was lost
    out = playout.read(40)
    assert out is not None
    assert list(out) == [1.0] * 10 + [0.0] * 20 + [3.0] * 10


def test_a_reordered_packet_fills_the_silence_left_for_it() -> None:
    playout = Playout(DELAY, CAPACITY)
    playout.write(0, block(1.0))
    playout.write(20, block(3.0))
    playout.write(10, block(2.0))
    out = playout.read(30)
    assert out is not None and list(out) == [1.0] * 10 + [2.0] * 10 + [3.0] * 10


def test_a_packet_whose_turn_passed_behind_newer_audio_is_dropped() -> None:
    playout = Playout(DELAY, CAPACITY)
    for position in (0, 20, 30):
        playout.write(position, block(1.0))
    assert playout.read(20) is not None  # the hole at 10..20 went out as silence
    playout.write(10, block(9.0))
    assert playout.late_samples == 10
    out = playout.read(20)
    assert out is not None and 9.0 not in out


def test_the_newest_audio_arriving_after_a_stall_is_kept_not_dropped() -> None:
    playout = Playout(DELAY, CAPACITY)
    playout.write(0, block(1.0, 30))
    assert playout.read(60) is not None  # 30 samples of underrun: the network stalled
    playout.write(30, block(2.0))  # the stalled packets arrive at last
    playout.write(40, block(3.0))
    out = playout.read(20)
    assert out is not None and list(out) == [2.0] * 10 + [3.0] * 10
    assert playout.late_samples == 0


def test_speech_after_a_pause_starts_again_at_the_playout_delay() -> None:
    playout = Playout(DELAY, CAPACITY)
    playout.write(0, block(1.0, 30))
    assert playout.read(30) is not None
    assert playout.read(500) is not None  # a long pause: nothing arrives
    playout.write(2000, block(2.0))  # far ahead of the cursor after the pause
    out = playout.read(DELAY + 10)
    assert out is not None and list(out) == [0.0] * DELAY + [2.0] * 10


def test_beyond_capacity_the_oldest_audio_is_dropped() -> None:
    playout = Playout(DELAY, CAPACITY)
    for i in range(15):
        playout.write(i * 10, block(float(i)))
    assert playout.buffered == CAPACITY
    assert playout.dropped_samples == 50
    out = playout.read(10)
    assert out is not None and list(out) == [5.0] * 10
