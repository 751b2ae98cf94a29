"""Synthetic publishers for tests: real Opus and VP8, paced in real time, no browser.

They behave like a browser where the relay can tell: the video track makes a keyframe only
at the start and when a keyframe is requested (browsers do the same), and both keep a record
of the exact payload bytes they sent, so a test can prove the relay forwarded them unchanged.
"""

from __future__ import annotations

import asyncio
import fractions
import os
from typing import Any

import av
import numpy as np
from aiortc import MediaStreamTrack, RTCRtpSender

from media import passthrough

SAMPLE_RATE = 48_000
OPUS_FRAME = 960  # 20 ms


def encode_tone(frequency: float, seconds: float, amplitude: float = 0.3) -> list[bytes]:
    """Opus packets (20 ms each) of a sine tone, mono 48 kHz."""
    codec = av.CodecContext.create("libopus", "w")
    codec.sample_rate = SAMPLE_RATE
    codec.layout = "mono"
    codec.format = "s16"
    codec.bit_rate = 48_000
    codec.time_base = fractions.Fraction(1, SAMPLE_RATE)
    total = int(seconds * SAMPLE_RATE) // OPUS_FRAME * OPUS_FRAME
    t = np.arange(total) / SAMPLE_RATE
    samples = (np.sin(2 * np.pi * frequency * t) * amplitude * 32767).astype(np.int16)
    packets: list[bytes] = []
    for i in range(0, total, OPUS_FRAME):
        frame = av.AudioFrame.from_ndarray(
            samples[i : i + OPUS_FRAME].reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = SAMPLE_RATE
        frame.pts = i
        packets.extend(bytes(p) for p in codec.encode(frame))
    packets.extend(bytes(p) for p in codec.encode(None))
    return packets


class _Paced(MediaStreamTrack):
    """Releases one item every ``interval`` seconds on the loop's clock."""

    def __init__(self, interval: float) -> None:
        super().__init__()
        self._interval = interval
        self._start: float | None = None
        self._count = 0
        self.sent: list[bytes] = []

    async def _pace(self) -> int:
        loop = asyncio.get_running_loop()
        if self._start is None:
            self._start = loop.time()
        due = self._start + self._count * self._interval
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        index = self._count
        self._count += 1
        return index


class ToneTrack(_Paced):
    """An Opus microphone playing a sine tone, looping 1 s of pre-encoded packets."""

    kind = "audio"

    def __init__(self, frequency: float = 440.0) -> None:
        super().__init__(OPUS_FRAME / SAMPLE_RATE)
        self._packets = encode_tone(frequency, 1.0)

    async def recv(self) -> av.Packet[Any]:
        index = await self._pace()
        data = self._packets[index % len(self._packets)]
        self.sent.append(data)
        packet = av.Packet(data)
        packet.pts = index * OPUS_FRAME
        packet.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return packet


class ColourCamera(_Paced):
    """A VP8 camera showing one solid colour at 160x120, 30 fps, encoded live.

    Keyframes come only first and on request, so a subscriber that joins later sees video
    only if the relay forwards its keyframe request to this publisher.
    """

    kind = "video"

    def __init__(self, rgb: tuple[int, int, int] = (255, 0, 0), fps: int = 30) -> None:
        super().__init__(1 / fps)
        self._fps = fps
        self._codec = av.CodecContext.create("libvpx", "w")
        self._codec.width, self._codec.height = 160, 120
        self._codec.pix_fmt = "yuv420p"
        self._codec.time_base = fractions.Fraction(1, fps)
        self._codec.bit_rate = 200_000
        self._codec.gop_size = 100_000
        self._codec.options = {
            "deadline": "realtime",
            "cpu-used": "8",
            "lag-in-frames": "0",
        }
        image = np.zeros((120, 160, 3), dtype=np.uint8)
        image[:, :] = rgb
        self._image = image
        self._keyframe_wanted = True
        self.keyframes_sent = 0

    def attach_to(self, sender: RTCRtpSender) -> None:
        """Make keyframe requests that reach ``sender`` produce a keyframe here."""
        passthrough.on_keyframe_request(sender, self.request_keyframe)

    def request_keyframe(self) -> None:
        self._keyframe_wanted = True

    async def recv(self) -> av.Packet[Any]:
        while True:
            index = await self._pace()
            frame = av.VideoFrame.from_ndarray(self._image, format="rgb24").reformat(
                format="yuv420p"
            )
            frame.pts = index
            if self._keyframe_wanted:
                frame.pict_type = av.video.frame.PictureType.I
                self._keyframe_wanted = False
            packets = self._codec.encode(frame)
            if packets:
                packet = packets[0]
                if packet.is_keyframe:
                    self.keyframes_sent += 1
                self.sent.append(bytes(packet))
                packet.pts = index * (90_000 // self._fps)
                packet.time_base = fractions.Fraction(1, 90_000)
                return packet


class BeepTrack(_Paced):
    """An Opus microphone that is silent until told to beep: ``beep()`` queues 100 ms of a
    1 kHz tone and returns the loop time at which its first packet goes out."""

    kind = "audio"
    BEEP_HZ = 1000.0

    def __init__(self) -> None:
        super().__init__(OPUS_FRAME / SAMPLE_RATE)
        self._silence = encode_tone(self.BEEP_HZ, 0.2, amplitude=0.0)[-1]
        self._beep = encode_tone(self.BEEP_HZ, 0.1, amplitude=0.5)[:5]
        self._queued: list[bytes] = []
        self._started: asyncio.Future[float] | None = None

    async def beep(self, seconds: float = 0.1) -> float:
        """Queue a beep (100 ms, or ``seconds`` long); the loop time its first packet was
        sent."""
        self._started = asyncio.get_running_loop().create_future()
        if seconds == 0.1:
            self._queued = list(self._beep)
        else:
            count = round(seconds * SAMPLE_RATE / OPUS_FRAME)
            self._queued = encode_tone(self.BEEP_HZ, seconds + 0.1, amplitude=0.5)[:count]
        return await self._started

    async def recv(self) -> av.Packet[Any]:
        index = await self._pace()
        if self._queued:
            data = self._queued.pop(0)
            if self._started is not None and not self._started.done():
                self._started.set_result(asyncio.get_running_loop().time())
        else:
            data = self._silence
        self.sent.append(data)
        packet = av.Packet(data)
        packet.pts = index * OPUS_FRAME
        packet.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return packet


class Flood(MediaStreamTrack):
    """A crafted "camera": ``frame_bytes`` of noise a frame (20 KB at 30 fps: 4.8 Mbit/s), a
    keyframe a second. A test may lower ``frame_bytes`` to bring it within a cap."""

    kind = "video"

    def __init__(self, frame_bytes: int = 20_000) -> None:
        super().__init__()
        self.frame_bytes = frame_bytes
        self.frames = 0
        self.sent_bytes = 0

    async def recv(self) -> av.Packet[Any]:
        await asyncio.sleep(1 / 30)
        index, self.frames = self.frames, self.frames + 1
        tag = 0x10 if index % 30 == 0 else 0x11  # VP8 frame tag: bit 0 clear on a keyframe
        data = bytes([tag]) + os.urandom(self.frame_bytes - 1)
        self.sent_bytes += len(data)
        packet = av.Packet(data)
        packet.pts = index * 3000
        packet.time_base = fractions.Fraction(1, 90_000)
        return packet
