"""A real recording on disk, for tests of what is built from one (joined master, viewing copy).

``record`` drives a :class:`~recordings.RecordingStore` recording as the live hearing does:
Opus packets of a tone into the mixed master and VP8 frames (libvpx, one solid colour per
participant) into per-participant tracks, each camera present from ``start_s`` to
``stop_s``. The store runs on a :class:`SteppedClock` that the recording advances itself, so
a ten-second hearing is recorded in well under a second and every time is exact: a camera's
first frame is at exactly ``start_s`` of record time, the master lasts exactly ``seconds``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import numpy as np
from av.audio.codeccontext import AudioCodecContext
from av.video.codeccontext import VideoCodecContext

from court.ids import HearingId
from recordings import HearingRecording, RecordingInfo, RecordingStore
from recordings.tracks import TrackInput

RATE = 48_000
AUDIO_PACKET = 960  # 20 ms, as browsers send
FPS = 15
VIDEO_SIZE = (160, 120)
VIDEO_CLOCK = 90_000  # RTP clock of video
STEP_S = 0.2  # record time per step; below the playout's 300 ms capacity
RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Camera:
    """One participant's video track: a solid ``colour`` from ``start_s`` until ``stop_s``.

    Two cameras of one participant at different times are two track files (a reconnect).
    Times are multiples of STEP_S. ``kind`` "screen" records it as a shared screen."""

    participant_id: str
    colour: RGB
    start_s: float
    stop_s: float
    kind: Literal["video", "screen"] = "video"


@dataclass(frozen=True, slots=True)
class Recorded:
    info: RecordingInfo
    cameras: tuple[Camera, ...]
    tone_hz: float

    @property
    def path(self) -> Path:
        return self.info.path

    @property
    def duration_s(self) -> float:
        assert self.info.duration_s is not None
        return self.info.duration_s


class SteppedClock:
    """A Clock that stands still until :meth:`advance` moves it."""

    def __init__(self) -> None:
        self._now = 1_000.0
        self._wall = time.time()

    def monotonic(self) -> float:
        return self._now

    def wall(self) -> float:
        return self._wall + self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


def stepped_store(root: Path, *, segment_s: float) -> tuple[RecordingStore, SteppedClock]:
    clock = SteppedClock()
    return RecordingStore(root, clock, segment_s=segment_s), clock


async def record(
    store: RecordingStore,
    clock: SteppedClock,
    hearing_id: str,
    *,
    seconds: float,
    cameras: Sequence[Camera] = (),
    tone_hz: float = 440.0,
) -> Recorded:
    """Record ``seconds`` of a hearing in which someone holds a tone of ``tone_hz`` throughout
    and ``cameras`` come and go; returns the stopped recording."""
    recording = await store.start(HearingId(hearing_id))
    source = recording.add_source("prt_speaker")
    tone = _tone_packets(tone_hz, seconds)
    frames = {camera: _camera_frames(camera) for camera in cameras}
    inputs: dict[Camera, TrackInput] = {}
    steps = round(seconds / STEP_S)
    for step in range(steps):
        now, until = step * STEP_S, (step + 1) * STEP_S
        for i in range(round(now * RATE / AUDIO_PACKET), round(until * RATE / AUDIO_PACKET)):
            if i < len(tone):
                source.push(tone[i], i * AUDIO_PACKET, Fraction(1, RATE))
        for camera in cameras:
            if _at(camera.stop_s, now) and camera in inputs:
                inputs.pop(camera).close()
            if _at(camera.start_s, now):
                inputs[camera] = recording.add_track(camera.participant_id, camera.kind)
            if camera in inputs:
                _push_frames(inputs[camera], frames[camera], camera, now, until)
        clock.advance(STEP_S)
        await _mixed_until(recording, round(until * RATE))
    for track in inputs.values():
        track.close()
    source.close()
    return Recorded(await recording.stop(), tuple(cameras), tone_hz)


def record_blocking(
    root: Path,
    hearing_id: str,
    recordings: Sequence[tuple[float, Sequence[Camera]]],
    *,
    segment_s: float = 2.0,
    tone_hz: float = 440.0,
) -> list[Recorded]:
    """One hearing recorded several times in a row (the record resumed after a restart), for
    module-scoped fixtures: ``recordings`` gives each one's seconds and cameras."""

    async def run() -> list[Recorded]:
        store, clock = stepped_store(root, segment_s=segment_s)
        done = []
        for seconds, cameras in recordings:
            done.append(
                await record(
                    store, clock, hearing_id, seconds=seconds, cameras=cameras, tone_hz=tone_hz
                )
            )
            clock.advance(5.0)  # the restart
        return done

    return asyncio.run(run())


def _at(instant_s: float, now_s: float) -> bool:
    return abs(instant_s - now_s) < STEP_S / 2


async def _mixed_until(recording: HearingRecording, samples: int) -> None:
    """Wait for the mixer thread to catch up with the clock: it wakes every 20 ms of real
    time, and the tone pushed for the next step would overflow its playout buffer if it
    had not mixed this one. (HearingRecording does not expose this; the writer does.)"""
    deadline = time.monotonic() + 10
    while recording._writer.samples_written < samples:
        if not recording.is_running or time.monotonic() > deadline:
            raise RuntimeError("the mixer did not catch up with the clock")
        await asyncio.sleep(0.002)


def _push_frames(
    track: TrackInput,
    frames: list[tuple[bytes, bool]],
    camera: Camera,
    now_s: float,
    until_s: float,
) -> None:
    # Frame n of a camera is due at start_s + n / FPS; all due in this step go now: the
    # first one's arrival anchors the file, the rest are placed by their RTP timestamps.
    first = round((now_s - camera.start_s) * FPS)
    last = round((min(until_s, camera.stop_s) - camera.start_s) * FPS)
    for n in range(max(0, first), min(last, len(frames))):
        data, keyframe = frames[n]
        track.push(data, n * VIDEO_CLOCK // FPS, Fraction(1, VIDEO_CLOCK), keyframe)


def _camera_frames(camera: Camera) -> list[tuple[bytes, bool]]:
    """The camera's VP8 frames as a browser sends them: a keyframe, then inter frames."""
    codec = av.CodecContext.create("libvpx", "w")
    assert isinstance(codec, VideoCodecContext)
    codec.width, codec.height = VIDEO_SIZE
    codec.pix_fmt = "yuv420p"
    codec.time_base = Fraction(1, FPS)
    codec.bit_rate = 200_000
    codec.gop_size = 100_000
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    image = np.zeros((VIDEO_SIZE[1], VIDEO_SIZE[0], 3), dtype=np.uint8)
    image[:, :] = camera.colour
    picture = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")
    frames: list[tuple[bytes, bool]] = []
    for n in range(round((camera.stop_s - camera.start_s) * FPS)):
        picture.pts = n
        frames.extend((bytes(p), p.is_keyframe) for p in codec.encode(picture))
    frames.extend((bytes(p), p.is_keyframe) for p in codec.encode(None))
    return frames


def _tone_packets(frequency: float, seconds: float) -> list[bytes]:
    """``seconds`` of a sine tone as 20 ms Opus packets, mono."""
    encoder = av.CodecContext.create("libopus", "w")
    assert isinstance(encoder, AudioCodecContext)
    encoder.sample_rate = RATE
    encoder.layout = "mono"
    encoder.format = "flt"
    encoder.bit_rate = 48_000
    encoder.open()
    count = round(seconds * RATE / AUDIO_PACKET)
    t = np.arange((count + 1) * AUDIO_PACKET) / RATE
    wave = (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
    packets: list[bytes] = []
    for i in range(count + 1):  # one more: the encoder's look-ahead holds one back
        frame = av.AudioFrame.from_ndarray(
            wave[i * AUDIO_PACKET : (i + 1) * AUDIO_PACKET].reshape(1, -1),
            format="flt",
            layout="mono",
        )
        frame.sample_rate = RATE
        frame.pts = i * AUDIO_PACKET
        packets.extend(bytes(p) for p in encoder.encode(frame))
    return packets[:count]
