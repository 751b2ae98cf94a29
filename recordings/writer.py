"""Encodes the mixed master to Opus in Ogg, written so that a crash loses almost nothing.

Measured (libraries.md 2.2): an Ogg file without ``flush_packets`` is 0 bytes after a
SIGKILL; with it, everything up to the last complete page is readable. The Ogg muxer holds
packets until a page is full or ``page_duration`` is reached (1 s by default), so pages are
capped at 200 ms: a kill loses at most that much, for about 2 % of extra container bytes.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
from av.audio.stream import AudioStream

from recordings.playout import Samples
from recordings.source import RATE

BIT_RATE = 48_000  # mono speech; transparent for a room mix at this rate
PAGE_DURATION_US = 200_000
_TIME_BASE = Fraction(1, RATE)


class OggOpusWriter:
    """Not thread-safe: owned by the mixer thread from open to close."""

    def __init__(self, path: Path) -> None:
        self._container = av.open(
            str(path),
            "w",
            format="ogg",
            options={"flush_packets": "1", "page_duration": str(PAGE_DURATION_US)},
        )
        try:
            stream = self._container.add_stream("libopus", rate=RATE)
            assert isinstance(stream, AudioStream)
            stream.layout = "mono"
            stream.bit_rate = BIT_RATE
            stream.time_base = _TIME_BASE
            self._stream = stream
        except BaseException:
            self._container.close()
            raise
        self.samples_written = 0

    def write(self, samples: Samples) -> None:
        """Encode and mux ``samples`` (float mono, 48 kHz); any length, PyAV re-frames."""
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = RATE
        frame.time_base = _TIME_BASE
        frame.pts = self.samples_written
        self.samples_written += frame.samples
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        """Flush the encoder (the last partial frame is kept, trimmed) and seal the file."""
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
        finally:
            self._container.close()
