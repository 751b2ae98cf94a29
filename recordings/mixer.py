"""The clock-driven audio mixer: 20 ms ticks on the monotonic clock, never waiting for anyone.

Every tick produces exactly 20 ms of output, whatever the inputs do: a participant who is
silent, slow, reconnecting or gone contributes silence. The amount of audio written is
therefore a function of elapsed time alone, which is what makes the master uninterrupted.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from fractions import Fraction

import av
import numpy as np
import numpy.typing as npt
from av.audio.codeccontext import AudioCodecContext

logger = logging.getLogger(__name__)

RATE = 48_000
TICK_SAMPLES = 960  # 20 ms at 48 kHz
JITTER_SAMPLES = int(0.06 * RATE)  # buffered before an input starts to count (network jitter)
MAX_BUFFERED_SAMPLES = int(0.3 * RATE)  # beyond this an input's oldest audio is dropped
MAX_QUEUED_PACKETS = 64

Samples = npt.NDArray[np.float32]


class MixerInput:
    """One participant's audio: encoded packets in from the event loop, PCM out to the mixer.

    ``push`` only appends to a bounded deque (atomic in CPython), so the event loop never
    waits for the mixer thread; decoding happens on the mixer thread.
    """

    def __init__(self) -> None:
        self._packets: deque[tuple[bytes, int, Fraction]] = deque(maxlen=MAX_QUEUED_PACKETS)
        self._pcm: Samples = np.zeros(0, dtype=np.float32)
        self._decoder: AudioCodecContext = av.CodecContext.create("opus", "r")
        self._next_pts: int | None = None
        self._primed = False
        self.closed = False
        self.undecodable = 0

    def push(self, data: bytes, pts: int, time_base: Fraction) -> None:
        self._packets.append((data, pts, time_base))

    def take(self) -> Samples | None:
        """The next 20 ms of this input, or None while it is still filling its jitter buffer."""
        self._decode_pending()
        if not self._primed:
            if len(self._pcm) < JITTER_SAMPLES:
                return None
            self._primed = True
        out: Samples = np.zeros(TICK_SAMPLES, dtype=np.float32)
        n = min(TICK_SAMPLES, len(self._pcm))
        out[:n] = self._pcm[:n]
        self._pcm = self._pcm[n:]
        return out

    def _decode_pending(self) -> None:
        while self._packets:
            data, pts, time_base = self._packets.popleft()
            at = int(pts * time_base * RATE)
            if self._next_pts is not None:
                if at < self._next_pts - TICK_SAMPLES // 2:
                    continue  # a late duplicate: its time has already been written
                if at > self._next_pts + TICK_SAMPLES // 2:
                    # Lost packets or suppressed silence: hold the source's alignment.
                    gap = min(at - self._next_pts, MAX_BUFFERED_SAMPLES)
                    self._append(np.zeros(gap, dtype=np.float32))
            try:
                frames = self._decoder.decode(av.Packet(data))
            except (av.FFmpegError, ValueError) as exc:
                self.undecodable += 1
                logger.debug("skipped an undecodable audio packet: %s", exc)
                continue
            for frame in frames:
                self._append(_to_mono(frame))
                self._next_pts = at + frame.samples
        if len(self._pcm) > MAX_BUFFERED_SAMPLES:
            self._pcm = self._pcm[-MAX_BUFFERED_SAMPLES:]

    def _append(self, samples: Samples) -> None:
        self._pcm = np.concatenate([self._pcm, samples])


def _to_mono(frame: av.AudioFrame) -> Samples:
    samples = frame.to_ndarray()
    if samples.dtype.kind == "i":
        samples = samples.astype(np.float32) / 32768.0
    channels = len(frame.layout.channels)
    if frame.format.is_planar:
        mono = samples.reshape(channels, -1).mean(axis=0)
    else:
        mono = samples.reshape(-1, channels).mean(axis=1)
    result: Samples = mono.astype(np.float32)
    return result


class Mixer:
    """Sums the inputs tick by tick; thread-safe registry of inputs."""

    def __init__(self) -> None:
        self._inputs: dict[str, MixerInput] = {}
        self._lock = threading.Lock()

    def add(self, key: str) -> MixerInput:
        mixer_input = MixerInput()
        with self._lock:
            previous = self._inputs.get(key)
            if previous is not None:
                previous.closed = True
            self._inputs[key] = mixer_input
        return mixer_input

    def remove(self, key: str, mixer_input: MixerInput) -> None:
        with self._lock:
            if self._inputs.get(key) is mixer_input:
                del self._inputs[key]

    def tick(self) -> Samples:
        with self._lock:
            inputs = [i for i in self._inputs.values() if not i.closed]
        out: Samples = np.zeros(TICK_SAMPLES, dtype=np.float32)
        for mixer_input in inputs:
            samples = mixer_input.take()
            if samples is not None:
                out += samples
        np.clip(out, -1.0, 1.0, out=out)
        return out
