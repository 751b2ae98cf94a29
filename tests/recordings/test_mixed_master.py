"""The mixed audio master: what participants say is in it, for exactly as long as it ran.

These tests record in real time (a few seconds each): the clock is the subject under test.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from court.ids import HearingId
from recordings import RecordingStore
from tests.recordings.audio import (
    RATE,
    TIME_BASE,
    decode,
    dominant_frequency,
    level,
    push_in_real_time,
    rms,
    tone_packets,
)

HEARING = HearingId("hrg_test")


async def test_the_tone_one_source_pushes_is_the_dominant_frequency_of_the_recording(
    store: RecordingStore,
) -> None:
    recording = await store.start(HEARING)
    await push_in_real_time(recording.add_source("prt_witness"), tone_packets(440.0, 1.5))
    info = await recording.stop()

    samples = decode(info.path)
    assert abs(dominant_frequency(samples[RATE // 4 : -RATE // 4]) - 440.0) < 5.0
    assert rms(samples[RATE // 4 : RATE]) > 0.1


async def test_two_sources_pushing_together_are_both_heard_in_the_mix(
    store: RecordingStore,
) -> None:
    recording = await store.start(HEARING)
    await asyncio.gather(
        push_in_real_time(recording.add_source("prt_judge"), tone_packets(440.0, 1.5)),
        push_in_real_time(
            recording.add_source("prt_witness"), tone_packets(1000.0, 1.5), first_pts=123_456
        ),
    )
    info = await recording.stop()

    middle = decode(info.path)[RATE // 4 : -RATE // 4]
    low, high, between = level(middle, 440.0), level(middle, 1000.0), level(middle, 700.0)
    assert 0.5 < low / high < 2.0
    assert min(low, high) > 20 * between
    peak = dominant_frequency(middle)
    assert min(abs(peak - 440.0), abs(peak - 1000.0)) < 5.0


@pytest.mark.parametrize("speakers", [0, 1], ids=["with no sources", "with one source"])
async def test_a_recording_lasts_as_long_as_the_wall_time_between_start_and_stop(
    store: RecordingStore, speakers: int
) -> None:
    recording = await store.start(HEARING)
    started = time.monotonic()
    if speakers:
        await push_in_real_time(recording.add_source("prt_judge"), tone_packets(440.0, 2.5))
    else:
        await asyncio.sleep(2.5)  # the hearing goes on, in silence
    elapsed = time.monotonic() - started
    info = await recording.stop()

    assert info.duration_s is not None
    assert info.duration_s == pytest.approx(elapsed, abs=0.1)
    assert info.stopped_at is not None
    assert info.stopped_at - info.started_at == pytest.approx(info.duration_s, abs=0.03)
    assert len(decode(info.path)) / RATE == pytest.approx(elapsed, abs=0.1)


async def test_a_source_that_stops_pushing_halfway_leaves_silence_and_the_duration_right(
    store: RecordingStore,
) -> None:
    recording = await store.start(HEARING)
    started = time.monotonic()
    await push_in_real_time(recording.add_source("prt_witness"), tone_packets(440.0, 1.25))
    await asyncio.sleep(1.25)  # the witness's connection goes quiet; the hearing goes on
    elapsed = time.monotonic() - started
    info = await recording.stop()

    assert info.duration_s == pytest.approx(elapsed, abs=0.1)
    samples = decode(info.path)
    assert rms(samples[RATE // 4 : RATE]) > 0.1
    assert rms(samples[-RATE:]) < 0.001
    assert recording.is_running is False


async def test_a_source_closed_and_added_again_with_the_same_key_continues(
    store: RecordingStore,
) -> None:
    recording = await store.start(HEARING)
    first = recording.add_source("prt_defendant")
    await push_in_real_time(first, tone_packets(440.0, 1.0))
    first.close()
    # The defendant reconnects: a new Producer, a new random RTP timestamp base.
    second = recording.add_source("prt_defendant")
    await push_in_real_time(second, tone_packets(660.0, 1.0), first_pts=3_000_000_000)
    info = await recording.stop()

    samples = decode(info.path)
    before, after = samples[RATE // 4 : RATE - RATE // 10], samples[RATE + RATE // 4 : -RATE // 4]
    assert abs(dominant_frequency(before) - 440.0) < 5.0
    assert abs(dominant_frequency(after) - 660.0) < 5.0
    assert rms(after) > 0.1


async def test_a_second_source_with_the_same_key_closes_the_first(
    store: RecordingStore,
) -> None:
    recording = await store.start(HEARING)
    first = recording.add_source("prt_defence")
    second = recording.add_source("prt_defence")
    await recording.stop()

    assert first.is_closed and second.is_closed  # stop closes what is left


async def test_garbage_packets_do_not_stop_the_recording(store: RecordingStore) -> None:
    recording = await store.start(HEARING)
    started = time.monotonic()
    source = recording.add_source("prt_witness")
    source.push(b"", 0, TIME_BASE)  # an empty packet would drain a decoder for good
    for pts, garbage in enumerate([b"\xff" * 10, b"\xfc", b"\x00" * 3]):
        source.push(garbage, pts * 960, TIME_BASE)
    await push_in_real_time(source, tone_packets(440.0, 2.0), first_pts=10 * 960)
    source.push(b"\xff" * 10, 200 * 960, TIME_BASE)
    elapsed = time.monotonic() - started
    assert recording.is_running
    info = await recording.stop()

    assert info.duration_s == pytest.approx(elapsed, abs=0.1)
    samples = decode(info.path)
    assert abs(dominant_frequency(samples[RATE // 2 : -RATE // 4]) - 440.0) < 5.0


async def test_stop_is_idempotent_and_seals_the_recording_once(store: RecordingStore) -> None:
    recording = await store.start(HEARING)
    assert recording.is_running
    first, second = await asyncio.gather(recording.stop(), recording.stop())
    third = await recording.stop()

    assert first == second == third
    assert first.stopped_at is not None and not recording.is_running
    late = recording.add_source("prt_late")
    late.push(b"\xff", 0, TIME_BASE)  # a tap that fires after stop is harmless
    assert late.is_closed
