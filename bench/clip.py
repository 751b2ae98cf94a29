"""The publisher's media: a synthetic clip encoded once, then replayed as encoded packets.

The clip is VP8 640x360 at 30 fps (~600 kbit/s, a keyframe every 2 s) plus Opus 20 ms
frames, the format a browser publisher sends. It is encoded once per benchmark run, in
memory, and replayed in real time as ``av.Packet`` objects: aiortc's sender re-packetizes
packets (``encoder.pack``) without encoding, so the publisher costs the load process almost
nothing and every run of the benchmark relays exactly the same bytes.

A replay cannot honour keyframe requests; its regular keyframes (every 2 s, and the clip
loops on a keyframe) bound how long a subscriber waits for its first decodable frame.
"""

from __future__ import annotations

import asyncio
import fractions
from dataclasses import dataclass

import av
import numpy as np
from aiortc import MediaStreamTrack
from av.stream import Stream

WIDTH, HEIGHT, FPS = 640, 360, 30
VIDEO_BITRATE = 600_000
KEYFRAME_INTERVAL_S = 2
VIDEO_CLOCK = 90_000

SAMPLE_RATE = 48_000
OPUS_FRAME = 960  # 20 ms at 48 kHz
AUDIO_BITRATE = 32_000


@dataclass(frozen=True, slots=True)
class Clip:
    """Pre-encoded payloads, one per video frame and one per 20 ms of audio."""

    video: tuple[bytes, ...]
    audio: tuple[bytes, ...]

    @property
    def seconds(self) -> float:
        return len(self.video) / FPS

    @property
    def video_kbps(self) -> float:
        return sum(map(len, self.video)) * 8 / self.seconds / 1000


def _video_frames(count: int) -> list[av.VideoFrame]:
    # A drifting colour gradient, a moving bright bar and a block of fresh noise in every
    # frame: real motion and texture, so the encoder has to spend its bitrate like it
    # does on a camera picture (a static or flat picture would make the packets tiny).
    rng = np.random.default_rng(7)
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH]
    frames = []
    for i in range(count):
        image = np.empty((HEIGHT, WIDTH, 3), dtype=np.uint8)
        image[..., 0] = (xs + 4 * i) % 256
        image[..., 1] = (ys + 2 * i) % 256
        image[..., 2] = (xs + ys + 3 * i) % 256
        bar = (8 * i) % WIDTH
        image[:, bar : bar + 40] = 255
        top, left = 100 + (i * 3) % 120, 200 + (i * 5) % 300
        image[top : top + 96, left : left + 128] = rng.integers(
            0, 256, (96, 128, 3), dtype=np.uint8
        )
        frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")
        frame.pts = i
        frames.append(frame)
    return frames


def _encode_video(seconds: int) -> tuple[bytes, ...]:
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height = WIDTH, HEIGHT
    codec.pix_fmt = "yuv420p"
    codec.time_base = fractions.Fraction(1, FPS)
    codec.framerate = fractions.Fraction(FPS, 1)
    codec.bit_rate = VIDEO_BITRATE
    codec.gop_size = KEYFRAME_INTERVAL_S * FPS
    # Real-time settings like a browser's encoder: no look-ahead (one packet per frame, in
    # order), constant bitrate so each packet carries about the same load as a camera's.
    codec.options = {
        "deadline": "realtime",
        "cpu-used": "8",
        "lag-in-frames": "0",
        "end-usage": "cbr",
        "keyint_min": str(KEYFRAME_INTERVAL_S * FPS),
    }
    packets: list[bytes] = []
    for frame in _video_frames(seconds * FPS):
        if frame.pts is not None and frame.pts % codec.gop_size == 0:
            # Pin keyframes to the grid so the clip loops on a keyframe.
            frame.pict_type = av.video.frame.PictureType.I
        packets.extend(bytes(p) for p in codec.encode(frame))
    packets.extend(bytes(p) for p in codec.encode(None))
    if len(packets) != seconds * FPS:
        raise RuntimeError(f"expected one VP8 packet per frame, got {len(packets)}")
    if packets[0][0] & 0x01:
        raise RuntimeError("the clip must start on a VP8 keyframe")
    return tuple(packets)


def _encode_audio(seconds: int) -> tuple[bytes, ...]:
    codec = av.CodecContext.create("libopus", "w")
    codec.sample_rate = SAMPLE_RATE
    codec.layout = "mono"
    codec.format = "s16"
    codec.bit_rate = AUDIO_BITRATE
    codec.time_base = fractions.Fraction(1, SAMPLE_RATE)
    total = seconds * SAMPLE_RATE
    t = np.arange(total) / SAMPLE_RATE
    # A warbling tone over soft noise: never silent, so Opus sends full frames throughout.
    rng = np.random.default_rng(11)
    signal = 0.25 * np.sin(2 * np.pi * (300 + 100 * np.sin(2 * np.pi * 0.5 * t)) * t)
    signal += 0.05 * rng.standard_normal(total)
    samples = (np.clip(signal, -1, 1) * 32767).astype(np.int16)
    packets: list[bytes] = []
    for start in range(0, total, OPUS_FRAME):
        frame = av.AudioFrame.from_ndarray(
            samples[start : start + OPUS_FRAME].reshape(1, -1),
            format="s16",
            layout="mono",
        )
        frame.sample_rate = SAMPLE_RATE
        frame.pts = start
        packets.extend(bytes(p) for p in codec.encode(frame))
    packets.extend(bytes(p) for p in codec.encode(None))
    # The encoder's look-ahead may leave one packet more than frames fed; keep the grid.
    return tuple(packets[: total // OPUS_FRAME])


def make_clip(seconds: int = 10) -> Clip:
    return Clip(video=_encode_video(seconds), audio=_encode_audio(seconds))


class ReplayTrack(MediaStreamTrack):
    """Releases the clip's packets at their real-time pace, looping with increasing pts."""

    def __init__(self, kind: str, payloads: tuple[bytes, ...], interval: float, clock: int) -> None:
        super().__init__()
        self.kind = kind
        self._payloads = payloads
        self._interval = interval
        self._ticks = round(interval * clock)
        self._time_base = fractions.Fraction(1, clock)
        self._start: float | None = None
        self._index = 0

    async def recv(self) -> av.Packet[Stream]:
        loop = asyncio.get_running_loop()
        if self._start is None:
            self._start = loop.time()
        # Pace against the start time, not the previous packet, so timer jitter never
        # accumulates into a lower frame rate.
        delay = self._start + self._index * self._interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        packet = av.Packet(self._payloads[self._index % len(self._payloads)])
        packet.pts = packet.dts = self._index * self._ticks
        packet.time_base = self._time_base
        self._index += 1
        return packet


def video_track(clip: Clip) -> ReplayTrack:
    return ReplayTrack("video", clip.video, 1 / FPS, VIDEO_CLOCK)


def audio_track(clip: Clip) -> ReplayTrack:
    return ReplayTrack("audio", clip.audio, OPUS_FRAME / SAMPLE_RATE, SAMPLE_RATE)
