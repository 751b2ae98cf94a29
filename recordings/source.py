"""One participant's audio as it reaches the recorder: encoded Opus packets, as forwarded.

Two threads touch a source. The event loop calls :meth:`AudioSource.push` for every packet
of every participant, so it only appends to a bounded deque (atomic under the GIL: no lock,
no wake-up, no codec work). The mixer thread drains that deque, decodes with the source's
own Opus decoder and places the PCM in a :class:`~recordings.playout.Playout` buffer.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from fractions import Fraction

import av
import numpy as np
from av.audio.codeccontext import AudioCodecContext

from recordings.playout import Playout, Samples

logger = logging.getLogger(__name__)

RATE = 48_000
PLAYOUT_DELAY = RATE * 60 // 1000  # start-up buffer that absorbs network jitter
PLAYOUT_CAPACITY = RATE * 300 // 1000  # beyond this a source's oldest audio is dropped
# A packet lands in the master the jitter delay after it reaches the relay; a listener in the
# hearing hears it some 70-80 ms after the relay forwards it (the way to them and their own
# jitter buffer: measured with a listening aiortc clerk, tests/signaling/
# test_protocol_alignment.py). So what the court hears "now" is in the master this much
# earlier or later; whatever is stamped "now", the court protocol's entries first of all,
# adds it, so the stamp plays what was heard. (It was +80 ms while audio was placed when
# the mixer read it, which on a busy machine was up to 170 ms after it arrived.)
LISTENER_LAG_MS = 75
MASTER_LAG_MS = (PLAYOUT_DELAY * 1000 // RATE) - LISTENER_LAG_MS
# The hand-off queue only has to cover one late wake-up of the mixer thread; it is bounded
# so that a mixer that died cannot make the event loop hoard packets.
MAX_QUEUED_PACKETS = 50  # one second of 20 ms packets

# How many recent packets say when a packet arrives on time: one second of 20 ms packets.
TRANSIT_WINDOW = 50

_RTP_WRAP = 1 << 32
_RTP_HALF = 1 << 31
_FLOAT_FORMATS = frozenset({"flt", "fltp"})  # 32-bit float, packed or planar (same for mono)


class AudioSource:
    """A participant's audio input to the mixed master. Create with ``add_source``."""

    def __init__(self, key: str, now: Callable[[], int] | None = None) -> None:
        """``now``: the master's position in samples now (record time), read as each
        packet arrives, so its audio is placed by its arrival, not by when the mixer
        thread gets to it."""
        self.key = key
        self._now = now
        self._packets: deque[tuple[bytes, int, Fraction, int | None]] = deque(
            maxlen=MAX_QUEUED_PACKETS
        )
        self._closed = False
        # Mixer-thread state from here on.
        self._decoder: AudioCodecContext = _new_decoder()
        self._playout = Playout(PLAYOUT_DELAY, PLAYOUT_CAPACITY)
        self._last_pts: int | None = None
        # Arrival less position (samples) of the recent packets: their least is the path's
        # own delay, free of the moments the event loop was too busy to take a packet.
        self._transits: deque[int] = deque(maxlen=TRANSIT_WINDOW)
        self._unwrapped = 0
        self.undecodable = 0

    def push(self, data: bytes, pts: int, time_base: Fraction) -> None:
        """Hand over one encoded Opus packet. Never blocks; never raises on bad input.

        ``pts`` is in ``time_base`` units; the RTP timestamp with ``Fraction(1, 48000)`` is
        what WebRTC gives and needs no conversion. It may start anywhere and wrap at 2**32.
        """
        if data and not self._closed:  # an empty packet would put the decoder into drain
            arrived = None if self._now is None else self._now()
            self._packets.append((data, pts, time_base, arrived))

    def close(self) -> None:
        """The participant left. What is already buffered is still played out, then the
        mixer forgets the source; it never waits for it either way."""
        self._closed = True

    @property
    def is_closed(self) -> bool:
        return self._closed

    # Called on the mixer thread only.

    def take(self, n: int, at: int | None = None) -> Samples | None:
        """The source's next ``n`` samples, or None while it contributes nothing yet.
        ``at``: the master position they are mixed at (with ``now``, audio lands at its
        arrival plus the jitter delay, however late this call comes)."""
        self._decode_pending(at)
        if self._closed:
            self._playout.prime_now()
        return self._playout.read(n)

    @property
    def is_finished(self) -> bool:
        """Closed, and everything it sent has been mixed."""
        return self._closed and not self._packets and self._playout.buffered == 0

    def _decode_pending(self, at: int | None) -> None:
        while self._packets:
            data, pts, time_base, arrived = self._packets.popleft()
            position = self._position(pts, time_base)
            lead = None
            if at is not None and arrived is not None:
                self._transits.append(arrived - position)
                # Samples it belongs ahead of the next read: the delay, less how long ago it
                # would have arrived on the path's fastest recent showing.
                due = position + min(self._transits)
                lead = max(0, PLAYOUT_DELAY - (at - due))
            try:
                frames = self._decoder.decode(av.Packet(data))
            except EOFError:
                self._decoder = _new_decoder()  # a drained decoder accepts nothing more
                frames = []
            except (av.FFmpegError, ValueError) as exc:
                self.undecodable += 1
                if self.undecodable in (1, 10, 100) or self.undecodable % 1000 == 0:
                    logger.warning(
                        "source %s: %d undecodable packets, latest: %s",
                        self.key,
                        self.undecodable,
                        exc,
                    )
                continue
            for frame in frames:
                if frame.sample_rate != RATE:
                    continue  # the Opus decoder always outputs 48 kHz; anything else is junk
                self._playout.write(position, _to_mono(frame), lead)
                position += frame.samples

    def _position(self, pts: int, time_base: Fraction) -> int:
        """The packet's position in 48 kHz samples, unwrapping 32-bit RTP timestamps."""
        if self._last_pts is None:
            self._unwrapped = pts
        else:
            delta = (pts - self._last_pts + _RTP_HALF) % _RTP_WRAP - _RTP_HALF
            self._unwrapped += delta
        self._last_pts = pts
        # Compared by its parts: Fraction's __eq__ costs more than the rest of this method,
        # and a Fraction is always in lowest terms.
        if time_base.numerator == 1 and time_base.denominator == RATE:
            return self._unwrapped
        return round(self._unwrapped * time_base * RATE)


def _new_decoder() -> AudioCodecContext:
    decoder = av.CodecContext.create("opus", "r")
    assert isinstance(decoder, AudioCodecContext)
    # The decoder mixes down to mono itself, which costs less than decoding both channels
    # and averaging them here. WebRTC's Opus is stereo on the wire but browsers code mono
    # into it, and there the two give the same samples; for audio coded in stereo the
    # decoder's own mono was as close to the true downmix as the average, or closer
    # (compared on two-tone test signals, CELT and SILK).
    decoder.layout = "mono"
    return decoder


def _to_mono(frame: av.AudioFrame) -> Samples:
    """The frame as float32 mono samples."""
    if frame.format.name in _FLOAT_FORMATS and frame.layout.nb_channels == 1:
        # What our decoder gives: read the one plane as it is, without to_ndarray's
        # general reshaping (copied anyway where the playout buffer places it).
        return np.frombuffer(memoryview(frame.planes[0]), dtype=np.float32, count=frame.samples)
    samples = frame.to_ndarray()
    if samples.dtype == np.int16:  # FFmpeg's Opus decoder gives float; libopus may give s16
        samples = samples.astype(np.float32) / 32768.0
    channels = frame.layout.nb_channels
    if frame.format.is_planar:
        mono = samples.reshape(channels, -1).mean(axis=0)
    else:
        mono = samples.reshape(-1, channels).mean(axis=1)
    result: Samples = mono.astype(np.float32, copy=False)
    return result
