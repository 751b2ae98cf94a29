"""A participant's packets, decoded and kept in step by their RTP timestamps."""

from __future__ import annotations

import numpy as np

from recordings import AudioSource
from tests.recordings.audio import PACKET, TIME_BASE, tone_packets


def loudness_per_tick(source: AudioSource, ticks: int) -> list[float]:
    """Read as the mixer thread does; None (not started yet) counts as silence."""
    levels = []
    for _ in range(ticks):
        samples = source.take(PACKET)
        levels.append(0.0 if samples is None else float(np.sqrt(np.mean(samples**2))))
    return levels


def in_real_time(source: AudioSource, packets: dict[int, bytes], ticks: int) -> list[float]:
    """Each tick one packet arrives (unless lost), then the mixer takes 20 ms."""
    levels = []
    for tick in range(ticks):
        if tick in packets:
            source.push(packets[tick], FIRST + tick * PACKET, TIME_BASE)
        levels.extend(loudness_per_tick(source, 1))
    return levels


FIRST = 1_234_567  # RTP timestamps start anywhere
DELAY_TICKS = 2  # 60 ms of playout delay: the third packet starts the source


def test_lost_packets_leave_silence_of_their_length_and_keep_the_source_in_step() -> None:
    tone = dict(enumerate(tone_packets(440.0, 1.0)))
    for lost in range(20, 30):  # 200 ms lost in the network
        del tone[lost]

    levels = in_real_time(AudioSource("prt_witness"), tone, 50 + DELAY_TICKS)
    silent = [tick - DELAY_TICKS for tick, level in enumerate(levels) if level < 0.01]

    assert silent == [-2, -1, *range(20, 30)]


def test_rtp_timestamps_that_wrap_around_do_not_break_the_stream() -> None:
    source = AudioSource("prt_judge")
    first = (1 << 32) - 10 * PACKET  # the 32-bit timestamp wraps after ten packets
    levels = []
    for i, data in enumerate(tone_packets(440.0, 0.6)):
        source.push(data, (first + i * PACKET) % (1 << 32), TIME_BASE)
        levels.extend(loudness_per_tick(source, 1))

    assert all(level > 0.1 for level in levels[DELAY_TICKS + 1 :])


def test_a_closed_source_plays_out_what_it_has_then_is_finished() -> None:
    source = AudioSource("prt_defence")
    source.push(tone_packets(440.0, 0.02)[0], 0, TIME_BASE)  # less than the playout delay
    source.close()
    source.push(tone_packets(440.0, 0.02)[0], PACKET, TIME_BASE)  # after close: ignored

    assert loudness_per_tick(source, 1)[0] > 0.05
    assert source.is_finished
