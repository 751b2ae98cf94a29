"""Real Opus audio for the recorder tests: tones encoded with PyAV, files decoded with PyAV."""

from __future__ import annotations

import asyncio
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av.audio.codeccontext import AudioCodecContext

from recordings import AudioSource
from tests.support.master import decode_mono

RATE = 48_000
PACKET = 960  # 20 ms, as browsers send
TIME_BASE = Fraction(1, RATE)

Signal = npt.NDArray[np.float64]


def tone_packets(frequency: float, seconds: float, *, amplitude: float = 0.3) -> list[bytes]:
    """``seconds`` of a sine tone as 20 ms Opus packets (stereo, like WebRTC sends)."""
    encoder = av.CodecContext.create("libopus", "w")
    assert isinstance(encoder, AudioCodecContext)
    encoder.sample_rate = RATE
    encoder.layout = "stereo"
    encoder.format = "flt"
    encoder.bit_rate = 64_000
    encoder.open()
    count = round(seconds * RATE / PACKET)
    t = np.arange(count * PACKET) / RATE
    wave = (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
    packets: list[bytes] = []
    for i in range(count):
        chunk = wave[i * PACKET : (i + 1) * PACKET]
        frame = av.AudioFrame.from_ndarray(
            np.repeat(chunk[np.newaxis, :], 2, axis=0).reshape(1, -1, order="F"),
            format="flt",
            layout="stereo",
        )
        frame.sample_rate = RATE
        frame.pts = i * PACKET
        packets.extend(bytes(p) for p in encoder.encode(frame))
    packets.extend(bytes(p) for p in encoder.encode(None))
    return packets[:count]


async def push_in_real_time(
    source: AudioSource, packets: list[bytes], *, first_pts: int = 0
) -> None:
    """Push one packet every 20 ms on the event loop, as the relay's tap would."""
    start = time.monotonic()
    for i, data in enumerate(packets):
        delay = start + i * PACKET / RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        source.push(data, (first_pts + i * PACKET) % (1 << 32), TIME_BASE)


def decode(path: Path) -> Signal:
    """The whole master (every segment of a recording directory) as mono float at 48 kHz."""
    samples, rate = decode_mono(path)
    assert rate == RATE
    return samples


def level(samples: Signal, frequency: float) -> float:
    """Spectral magnitude around ``frequency`` (±10 Hz), normalised by length."""
    spectrum, frequencies = _spectrum(samples)
    band = (frequencies > frequency - 10) & (frequencies < frequency + 10)
    return float(spectrum[band].max())


def dominant_frequency(samples: Signal) -> float:
    spectrum, frequencies = _spectrum(samples)
    return float(frequencies[int(np.argmax(spectrum))])


def rms(samples: Signal) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def _spectrum(samples: Signal) -> tuple[Signal, Signal]:
    assert len(samples) > RATE // 10, "too little audio to analyse"
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) / len(samples)
    frequencies: Signal = np.fft.rfftfreq(len(samples), 1 / RATE).astype(np.float64)
    return spectrum, frequencies
