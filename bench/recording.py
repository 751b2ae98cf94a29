"""The recording benchmark: what recording a hearing costs, against what a generic tool pays.

Six participants (by default) publish Opus (20 ms packets, as WebRTC sends) and VP8
640x480 at 30 fps into one real ``HearingRecording`` from ``RecordingStore.start``, fed the
way the relay's tap feeds it (signaling/live/recording_taps.py ``RecordingTaps.tap``): per
participant ``add_track`` for audio and video and ``add_source`` for the master; per packet
``TrackInput.push`` and, for audio, ``AudioSource.push``, on the event loop, each track paced
in real time and the participants staggered as network arrivals are. The media is encoded
once and replayed as packets, so the load costs almost nothing and every run records the
same bytes. Every participant speaks all the time: the worst case for the mix.

CPU is thread CPU time (``pthread_getcpuclockid``) over a window after a warm-up: the
recording's track thread and its mixer thread apart from the feeding code, plus the push
calls timed on the event loop (the relay pays those too). Record time runs on the real
clock (the recorder paces itself on it), so the window is wall time.

Baselines in the same run, on the same packets:

* tracks: stock aiortc's path, its receivers' decoders and ``MediaRecorder('.webm')``
  re-encoding (libvpx and libopus at PyAV defaults), per participant. It cannot run six in
  real time here, so it runs offline: CPU-seconds per media second are the cores it would
  need, a figure that spares it the cost of waking up for every frame;
* mix: a straightforward mixer (``NaiveMixer``) in its own thread beside ours, in the same
  window: aiortc's Opus decoder per packet, a resampler to float mono, a numpy sum every
  20 ms, one Opus encode at PyAV defaults. Both also run offline, ticks back to back, which
  shows how much of the live figure is the cost of waking every 20 ms;
* viewing copy: real time itself (speed = record seconds / wall seconds).
"""

from __future__ import annotations

import asyncio
import fractions
import json
import os
import platform
import random
import resource
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.codecs.opus import OpusDecoder
from aiortc.codecs.vpx import Vp8Decoder
from aiortc.contrib.media import MediaRecorder
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError
from av.frame import Frame
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.measure import OtherProcessesMeter
from court.ids import HearingId, RecordingId, new_participant_id
from court.roles import Role
from recordings import HearingRecording, RecordingStore
from recordings.manifest import ManifestWriter
from recordings.mixer import Mixer
from recordings.segments import SEGMENT_S, SegmentedMaster

WIDTH, HEIGHT, FPS = 640, 480, 30
VIDEO_BITRATE = 800_000  # a browser's 480p camera
VIDEO_CLOCK = 90_000
KEYFRAME_INTERVAL_S = 2
RATE = 48_000
OPUS_FRAME = 960  # 20 ms
AUDIO_BITRATE = 32_000  # WebRTC's default for voice
AUDIO_TIME_BASE = fractions.Fraction(1, RATE)
VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK)


@dataclass(frozen=True, slots=True)
class _Pace:
    interval: float  # seconds between two packets
    ticks: int  # RTP clock ticks between two packets


AUDIO_PACE = _Pace(OPUS_FRAME / RATE, OPUS_FRAME)
VIDEO_PACE = _Pace(1 / FPS, VIDEO_CLOCK // FPS)

TARGET_TRACK_CORES = 0.02  # per participant
TARGET_MIX_CORES = 0.01  # for 6 inputs
TARGET_VIEWING_SPEED = 2.0  # times real time
BUSY_MACHINE_CORES = 0.2


@dataclass(frozen=True, slots=True)
class Media:
    """Pre-encoded payloads: one per video frame, one per 20 ms of audio."""

    video: tuple[bytes, ...]
    audio: tuple[bytes, ...]

    @property
    def video_kbps(self) -> float:
        return sum(map(len, self.video)) * 8 * FPS / len(self.video) / 1000


def _encode_video(seconds: int) -> tuple[bytes, ...]:
    codec = av.CodecContext.create("libvpx", "w")
    assert isinstance(codec, av.VideoCodecContext)
    codec.width, codec.height, codec.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    codec.time_base = fractions.Fraction(1, FPS)
    codec.framerate = fractions.Fraction(FPS, 1)
    codec.bit_rate = VIDEO_BITRATE
    codec.gop_size = KEYFRAME_INTERVAL_S * FPS
    # A browser's real-time encoder: one packet per frame, constant bitrate.
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    codec.options |= {"end-usage": "cbr", "keyint_min": str(codec.gop_size)}
    # Motion and fresh noise in every frame, so the encoder spends its bitrate as on a camera.
    rng = np.random.default_rng(7)
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH]
    packets: list[bytes] = []
    for i in range(seconds * FPS):
        image = np.stack([(xs + 4 * i) % 256, (ys + 2 * i) % 256, (xs + ys + 3 * i) % 256], -1)
        image = image.astype(np.uint8)
        top, left = 100 + (i * 3) % 200, 200 + (i * 5) % 280
        image[top : top + 128, left : left + 160] = rng.integers(0, 256, (128, 160, 3), np.uint8)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")
        frame.pts = i
        if i % codec.gop_size == 0:  # keyframes on the grid: the clip loops on one
            frame.pict_type = av.video.frame.PictureType.I
        packets.extend(bytes(p) for p in codec.encode(frame))
    packets.extend(bytes(p) for p in codec.encode(None))
    return tuple(packets[: seconds * FPS])


def _encode_audio(seconds: int) -> tuple[bytes, ...]:
    codec = av.CodecContext.create("libopus", "w")
    assert isinstance(codec, av.AudioCodecContext)
    codec.sample_rate, codec.layout, codec.format = RATE, "mono", "flt"
    codec.bit_rate = AUDIO_BITRATE
    codec.options = {"application": "voip"}  # what WebRTC's encoder runs
    total = seconds * RATE
    t = np.arange(total) / RATE
    # A warbling voice over room noise, never silent: every packet is a full one (no DTX).
    rng = np.random.default_rng(11)
    signal = 0.25 * np.sin(2 * np.pi * (200 + 80 * np.sin(2 * np.pi * 0.7 * t)) * t)
    signal = (signal + 0.03 * rng.standard_normal(total)).astype(np.float32)
    packets: list[bytes] = []
    for start in range(0, total, OPUS_FRAME):
        frame = av.AudioFrame.from_ndarray(
            signal[start : start + OPUS_FRAME].reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate, frame.pts = RATE, start
        packets.extend(bytes(p) for p in codec.encode(frame))
    packets.extend(bytes(p) for p in codec.encode(None))
    return tuple(packets[: total // OPUS_FRAME])


def make_media(seconds: int = 10) -> Media:
    return Media(video=_encode_video(seconds), audio=_encode_audio(seconds))


def _is_keyframe(data: bytes) -> bool:
    return not data[0] & 0x01  # RFC 6386 9.1, as media/passthrough.py reads it


# ---- the live run ----------------------------------------------------------------------


def _thread_cpu(thread: threading.Thread) -> float:
    assert thread.ident is not None
    return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


@dataclass
class _LoopShare:
    """CPU the event loop spends in the push calls (the relay's tap pays it), in ns."""

    track: int = 0
    source: int = 0
    naive: int = 0


def _snapshot(threads: dict[str, threading.Thread], share: _LoopShare) -> dict[str, float]:
    """Every CPU counter of the run, in seconds, read together."""
    counters = {name: _thread_cpu(thread) for name, thread in threads.items()}
    counters |= {f"{name} push": ns / 1e9 for name, ns in asdict(share).items()}
    return counters | {
        "wall": time.monotonic(),
        "main": time.thread_time(),
        "process": time.process_time(),
    }


@dataclass(frozen=True, slots=True)
class LiveResult:
    participants: int
    window_s: float
    tracks_thread_cores: float
    track_push_cores: float
    mixer_thread_cores: float
    source_push_cores: float
    naive_mix_cores: float  # the baseline mixer, fed the same packets in the same window
    feeder_cores: float  # the event loop's own pacing work, push calls excluded
    other_threads_cores: float  # executor and codec threads of the process
    other_processes_cores: float
    recorded_s: float
    master_s: float | None
    packets_pushed: int
    packets_in_tracks: int
    master_rms: float

    @property
    def track_cores_per_participant(self) -> float:
        return (self.tracks_thread_cores + self.track_push_cores) / self.participants

    @property
    def mix_cores(self) -> float:
        return self.mixer_thread_cores + self.source_push_cores


class _Feed:
    """One participant's inputs, pushed as the relay's tap pushes them, timed on the loop."""

    def __init__(
        self, recording: HearingRecording, index: int, naive: NaiveMixer, share: _LoopShare
    ) -> None:
        participant = self.participant = new_participant_id()
        self._video = recording.add_track(participant, "video")
        self._audio = recording.add_track(participant, "audio")
        self._source = recording.add_source(participant)
        self._index = index
        self._naive = naive
        self._share = share

    def push_video(self, data: bytes, pts: int) -> None:
        t0 = time.thread_time_ns()
        self._video.push(data, pts, VIDEO_TIME_BASE, _is_keyframe(data))
        self._share.track += time.thread_time_ns() - t0

    def push_audio(self, data: bytes, pts: int) -> None:
        t0 = time.thread_time_ns()
        self._audio.push(data, pts, AUDIO_TIME_BASE, True)
        t1 = time.thread_time_ns()
        self._source.push(data, pts, AUDIO_TIME_BASE)
        t2 = time.thread_time_ns()
        self._naive.push(self._index, data, pts)
        self._share.naive += time.thread_time_ns() - t2
        self._share.source += t2 - t1
        self._share.track += t1 - t0

    def close(self) -> None:
        self._video.close()
        self._audio.close()
        self._source.close()


async def _publish(
    push: Callable[[bytes, int], None],
    payloads: tuple[bytes, ...],
    first: int,
    pace: _Pace,
    start: float,
    stop: float,
    rtp: random.Random,
) -> int:
    """Push ``payloads`` from index ``first`` at ``pace`` from ``start`` until ``stop``."""
    loop = asyncio.get_running_loop()
    pts = rtp.randrange(1 << 32)  # RTP timestamps start anywhere and wrap
    pushed = 0
    while (due := start + pushed * pace.interval) < stop:
        # Paced against the start, not the previous packet, so timer jitter never adds up.
        if (delay := due - loop.time()) > 0:
            await asyncio.sleep(delay)
        push(payloads[(first + pushed) % len(payloads)], (pts + pushed * pace.ticks) % (1 << 32))
        pushed += 1
    return pushed


async def _live(
    media: Media, participants: int, warmup_s: float, window_s: float, root: Path
) -> tuple[LiveResult, Path, list[str]]:
    """The recording under load; its result, its directory and its participants."""
    loop = asyncio.get_running_loop()
    before = set(threading.enumerate())
    recording = await RecordingStore(root).start(HearingId("hrg_bench"))
    started = [t for t in threading.enumerate() if t not in before]
    naive = NaiveMixer(participants, root / "naive.ogg")
    threads = {
        "mixer": next(t for t in started if t.name.startswith("mixer ")),
        "tracks": next(t for t in started if t.name == "tracks"),
        "naive": naive.thread,
    }
    # Half a tick after ours: woken together, the second to run would find the caches warm.
    naive.start(time.monotonic() - recording.record_time_ms() / 1000 + 0.01)
    share = _LoopShare()
    rtp = random.Random(3)
    start = loop.time() + 0.1
    stop = start + warmup_s + window_s + 0.2
    publishers: list[asyncio.Task[int]] = []
    feeds = [_Feed(recording, k, naive, share) for k in range(participants)]
    for k, feed in enumerate(feeds):
        # Staggered like network arrivals; each video starts on one of the clip's keyframes.
        phase = k / participants
        for push, payloads, offset, pace in (
            (feed.push_video, media.video, k * KEYFRAME_INTERVAL_S * FPS, VIDEO_PACE),
            (feed.push_audio, media.audio, k * 37, AUDIO_PACE),
        ):
            begin = start + phase * pace.interval
            publishers.append(
                loop.create_task(_publish(push, payloads, offset, pace, begin, stop, rtp))
            )
    others = OtherProcessesMeter({os.getpid()})
    await asyncio.sleep(start + warmup_s - loop.time())
    first = _snapshot(threads, share)
    others.start()
    await asyncio.sleep(window_s)
    last = _snapshot(threads, share)
    other_processes = others.stop()
    pushed = sum(await asyncio.gather(*publishers))
    for feed in feeds:
        feed.close()
    await asyncio.to_thread(naive.close)
    info = await recording.stop()
    cores = {name: (last[name] - first[name]) / (last["wall"] - first["wall"]) for name in last}
    in_tracks, rms = await asyncio.to_thread(_check_files, info.tracks, info.segments)
    loop_pushes = cores["track push"] + cores["source push"] + cores["naive push"]
    result = LiveResult(
        participants=participants,
        window_s=last["wall"] - first["wall"],
        tracks_thread_cores=cores["tracks"],
        track_push_cores=cores["track push"],
        mixer_thread_cores=cores["mixer"],
        source_push_cores=cores["source push"],
        naive_mix_cores=cores["naive"] + cores["naive push"],
        feeder_cores=cores["main"] - loop_pushes,
        # The clocks are read one after the other: a hair below zero means none.
        other_threads_cores=max(0.0, cores["process"] - sum(cores[n] for n in (*threads, "main"))),
        other_processes_cores=other_processes,
        recorded_s=(recording.metadata.stopped_at or 0.0) - recording.started_at,
        master_s=info.duration_s,
        packets_pushed=pushed,
        packets_in_tracks=in_tracks,
        master_rms=rms,
    )
    return result, recording.directory, [feed.participant for feed in feeds]


def _check_files(tracks: tuple[Path, ...], segments: tuple[Path, ...]) -> tuple[int, float]:
    """Packets in the track files, and the master's RMS: what was recorded, not just timed."""
    packets = 0
    for path in tracks:
        with av.open(str(path)) as container:
            packets += sum(1 for p in container.demux() if p.size)
    square_sum, samples = 0.0, 0
    for path in segments:
        with av.open(str(path)) as container:
            for frame in container.decode(audio=0):
                pcm = frame.to_ndarray().astype(np.float64)
                square_sum += float(np.sum(pcm**2))
                samples += pcm.size
    return packets, (square_sum / samples) ** 0.5 if samples else 0.0


# ---- baselines ---------------------------------------------------------------------------


class _DecodedReplay(MediaStreamTrack):
    """A participant's packets decoded as stock aiortc's receiver decodes them, handed to
    ``MediaRecorder`` as fast as it takes them (so CPU per media second is what it needs)."""

    def __init__(self, kind: str, payloads: tuple[bytes, ...], ticks: int) -> None:
        super().__init__()
        self.kind = kind
        self._decoder = Vp8Decoder() if kind == "video" else OpusDecoder()
        self._payloads = iter(enumerate(payloads))
        self._ticks = ticks
        self._frames: list[Frame] = []
        self.done = asyncio.Event()

    async def recv(self) -> Frame:
        while not self._frames:
            item = next(self._payloads, None)
            if item is None:
                self.done.set()
                raise MediaStreamError
            index, payload = item
            self._frames = self._decoder.decode(JitterFrame(payload, index * self._ticks))
        return self._frames.pop(0)


async def _transcoding_cores(media: Media, seconds: int, path: Path, runs: int = 3) -> float:
    """CPU-seconds per media second of one participant through aiortc's ``MediaRecorder``.

    Process CPU, since libvpx encodes on threads of its own. Those threads cost up to four
    times more on a busy machine than on a quiet one (measured), so the least of a few runs
    is kept: the baseline at its cheapest.
    """
    costs = []
    for _ in range(runs):
        recorder = MediaRecorder(str(path))
        replays = [
            _DecodedReplay("video", _repeat(media.video, seconds * FPS), VIDEO_PACE.ticks),
            _DecodedReplay(
                "audio", _repeat(media.audio, seconds * RATE // OPUS_FRAME), AUDIO_PACE.ticks
            ),
        ]
        for replay in replays:
            recorder.addTrack(replay)
        cpu = time.process_time()
        await recorder.start()
        for replay in replays:
            await replay.done.wait()
        await recorder.stop()  # flushes the encoders: part of their work
        costs.append((time.process_time() - cpu) / seconds)
    return min(costs)


def _repeat(payloads: tuple[bytes, ...], count: int) -> tuple[bytes, ...]:
    return tuple(payloads[i % len(payloads)] for i in range(count))


class NaiveMixer:
    """The mix baseline, as it is usually written: every 20 ms of the clock, decode what each
    participant sent with aiortc's Opus decoder, resample it to float mono, sum with numpy,
    and encode the sum into Ogg at PyAV's defaults. Fed like ours; its own thread."""

    def __init__(self, participants: int, path: Path) -> None:
        self._inbox: list[deque[tuple[bytes, int]]] = [deque() for _ in range(participants)]
        self._decoders = [OpusDecoder() for _ in range(participants)]
        self._to_mono = [
            av.AudioResampler(format="flt", layout="mono", rate=RATE) for _ in self._inbox
        ]
        self._pcm = [np.zeros(0, dtype=np.float32) for _ in self._inbox]
        self._container = av.open(str(path), "w", format="ogg")
        stream = self._container.add_stream("libopus", rate=RATE)
        assert isinstance(stream, av.audio.stream.AudioStream)
        stream.layout, stream.bit_rate = "mono", 48_000
        self._stream = stream
        self._written = 0
        self._start = 0.0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="naive mixer", daemon=True)

    def push(self, participant: int, data: bytes, pts: int) -> None:
        self._inbox[participant].append((data, pts))

    def tick(self) -> None:
        mix = np.zeros(OPUS_FRAME, dtype=np.float32)
        for k, inbox in enumerate(self._inbox):
            while inbox:
                data, pts = inbox.popleft()
                for frame in self._decoders[k].decode(JitterFrame(data, pts)):
                    assert isinstance(frame, av.AudioFrame)
                    for mono in self._to_mono[k].resample(frame):
                        self._pcm[k] = np.concatenate([self._pcm[k], mono.to_ndarray()[0]])
            pcm = self._pcm[k][:OPUS_FRAME]
            mix[: len(pcm)] += pcm
            self._pcm[k] = self._pcm[k][OPUS_FRAME:]
        np.clip(mix, -1.0, 1.0, out=mix)
        out = av.AudioFrame.from_ndarray(mix.reshape(1, -1), format="flt", layout="mono")
        out.sample_rate, out.pts, out.time_base = RATE, self._written, AUDIO_TIME_BASE
        self._written += OPUS_FRAME
        for packet in self._stream.encode(out):
            self._container.mux(packet)

    def start(self, at: float) -> None:
        """Tick from ``at`` (monotonic) on."""
        self._start = at
        self.thread.start()

    def close(self) -> None:
        self._stop.set()
        if self.thread.is_alive():
            self.thread.join()
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            while self._written + OPUS_FRAME <= (time.monotonic() - self._start) * RATE:
                self.tick()
            self._stop.wait(self._start + (self._written + OPUS_FRAME) / RATE - time.monotonic())


def _offline_mix_cores(
    media: Media, participants: int, seconds: int, root: Path
) -> tuple[float, float]:
    """Ours and the naive mixer with their ticks back to back, no waiting: the processing cost
    alone (the live figures add what waking every 20 ms costs)."""
    naive = NaiveMixer(participants, root / "offline-naive.ogg")
    (root / "offline").mkdir()
    mixer = Mixer()
    sources = [mixer.add(f"prt_{k}") for k in range(participants)]
    manifest = ManifestWriter(
        root / "offline", RecordingId("rec_bench"), Ed25519PrivateKey.generate()
    )
    master = SegmentedMaster(root / "offline", manifest, SEGMENT_S)
    ticks = seconds * RATE // OPUS_FRAME
    packets = [
        [media.audio[(k * 37 + tick) % len(media.audio)] for k in range(participants)]
        for tick in range(ticks)
    ]
    cpu = time.thread_time()
    for tick, datas in enumerate(packets):
        for source, data in zip(sources, datas, strict=True):
            source.push(data, tick * OPUS_FRAME, AUDIO_TIME_BASE)
        master.write(mixer.mix(OPUS_FRAME))
    master.close()
    ours = (time.thread_time() - cpu) / seconds
    cpu = time.thread_time()
    for tick, datas in enumerate(packets):
        for k, data in enumerate(datas):
            naive.push(k, data, tick * OPUS_FRAME)
        naive.tick()
    naive.close()
    return ours, (time.thread_time() - cpu) / seconds


# ---- the viewing copy --------------------------------------------------------------------

ROLES = (Role.JUDGE, Role.PROSECUTOR, Role.DEFENCE, Role.DEFENDANT, Role.WITNESS, Role.EXPERT)


@dataclass(frozen=True, slots=True)
class ViewingResult:
    duration_s: float
    wall_s: float
    cores: float
    width: int
    height: int
    progress_reports: int

    @property
    def speed(self) -> float:
        return self.duration_s / self.wall_s


def _cpu_with_children() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _viewing_copy(directory: Path, participants: list[str], out: Path) -> ViewingResult | str:
    """Build the viewing copy of the recording; the reason if it cannot be measured."""
    try:
        from recordings.viewing_copy import Label, build_viewing_copy
    except ImportError as exc:
        return f"not available ({exc})"
    labels = {
        pid: Label(f"Participant {k + 1}", ROLES[k % len(ROLES)].label)
        for k, pid in enumerate(participants)
    }
    progress: list[float] = []
    cpu, wall = _cpu_with_children(), time.perf_counter()
    copy = build_viewing_copy([directory], labels, out, progress.append)
    wall = time.perf_counter() - wall
    return ViewingResult(
        duration_s=copy.duration_s,
        wall_s=wall,
        cores=(_cpu_with_children() - cpu) / wall,
        width=copy.width,
        height=copy.height,
        progress_reports=len(progress),
    )


# ---- the run -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Results:
    media_video_kbps: float
    warmup_s: float
    load_before: float
    load_after: float
    live: LiveResult
    transcoding_cores: float  # per participant, offline
    our_mix_offline_cores: float
    naive_mix_offline_cores: float
    viewing: ViewingResult | str

    @property
    def track_ratio(self) -> float:
        return self.transcoding_cores / self.live.track_cores_per_participant

    @property
    def mix_ratio(self) -> float:
        return self.live.naive_mix_cores / self.live.mix_cores

    def passes(self) -> tuple[bool, bool, bool]:
        viewing = self.viewing
        return (
            self.live.track_cores_per_participant <= TARGET_TRACK_CORES,
            self.live.mix_cores <= TARGET_MIX_CORES,
            isinstance(viewing, ViewingResult) and viewing.speed >= TARGET_VIEWING_SPEED,
        )


async def measure(
    participants: int, *, warmup_s: float, window_s: float, baseline_s: int
) -> Results:
    print("  encoding the participants' media ...", flush=True)
    media = await asyncio.to_thread(make_media)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="courtroom-bench-recording-") as tmp:
        root = Path(tmp)
        print(
            f"  recording {participants} participants for {warmup_s + window_s:.0f} s ...",
            flush=True,
        )
        live, directory, ids = await _live(media, participants, warmup_s, window_s, root)
        load_after = os.getloadavg()[0]
        print("  offline: transcoding one participant, both mixers back to back ...", flush=True)
        transcoding = await _transcoding_cores(media, baseline_s, root / "transcoded.webm")
        ours, naive = _offline_mix_cores(media, participants, round(window_s), root)
        print("  building the viewing copy ...", flush=True)
        viewing = await asyncio.to_thread(_viewing_copy, directory, ids, root / "viewing.mp4")
    return Results(
        media_video_kbps=media.video_kbps,
        warmup_s=warmup_s,
        load_before=load_before,
        load_after=load_after,
        live=live,
        transcoding_cores=transcoding,
        our_mix_offline_cores=ours,
        naive_mix_offline_cores=naive,
        viewing=viewing,
    )


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def report(r: Results) -> str:
    live = r.live
    track_ok, mix_ok, viewing_ok = r.passes()
    lines = [
        f"Recording benchmark: {live.participants} participants, each publishing Opus 20 ms"
        f" ({AUDIO_BITRATE // 1000} kbit/s) and VP8 {WIDTH}x{HEIGHT}@{FPS}"
        f" ({r.media_video_kbps:.0f} kbit/s), into one HearingRecording; measured over"
        f" {live.window_s:.1f} s after a {r.warmup_s:.1f} s warm-up.",
        "cores: thread CPU-seconds per second (pthread_getcpuclockid) of the recorder's"
        " threads, plus its push calls timed on the event loop. The naive mixer runs beside"
        " ours on the same packets; transcoding cannot keep up live, so it is measured offline"
        " (CPU-seconds per media second), which favours it.",
        "",
        f"track recording: {live.track_cores_per_participant:.4f} core/participant"
        f" (target <= {TARGET_TRACK_CORES}) - {r.track_ratio:.1f}x cheaper than transcoding"
        f" (aiortc decoders + MediaRecorder .webm: {r.transcoding_cores:.3f} core/participant)"
        f"  {_verdict(track_ok)}",
        f"    tracks thread {live.tracks_thread_cores:.4f} + pushes on the loop"
        f" {live.track_push_cores:.4f}, for {live.participants} participants",
        f"master mix: {live.mix_cores:.4f} core for {live.participants} inputs"
        f" (target <= {TARGET_MIX_CORES}) - {r.mix_ratio:.1f}x cheaper than a naive mixer"
        f" ({live.naive_mix_cores:.4f} core)  {_verdict(mix_ok)}",
        f"    mixer thread {live.mixer_thread_cores:.4f} + pushes on the loop"
        f" {live.source_push_cores:.4f}; ticks back to back, without waking every 20 ms:"
        f" ours {r.our_mix_offline_cores:.4f}, naive {r.naive_mix_offline_cores:.4f} core",
    ]
    viewing = r.viewing
    if isinstance(viewing, ViewingResult):
        lines.append(
            f"viewing copy: {viewing.speed:.1f}x real time (target >= {TARGET_VIEWING_SPEED:.0f})"
            f" - {viewing.duration_s:.1f} s of record built in {viewing.wall_s:.1f} s,"
            f" {viewing.cores:.2f} cores, {viewing.width}x{viewing.height},"
            f" {viewing.progress_reports} progress reports  {_verdict(viewing_ok)}"
        )
    else:
        lines.append(f"viewing copy: {viewing}  {_verdict(viewing_ok)}")
    master = "unreadable" if live.master_s is None else f"{live.master_s:.2f} s"
    lines += [
        "",
        f"checks: master {master} for {live.recorded_s:.2f} s recorded (rms {live.master_rms:.2f});"
        f" {live.packets_in_tracks}/{live.packets_pushed} pushed packets in the track files",
        f"this process besides: pacing the publishers {live.feeder_cores:.3f} core,"
        f" other threads {live.other_threads_cores:.4f} core",
        f"machine: load average {r.load_before:.2f} before, {r.load_after:.2f} after the"
        f" recording; other processes {live.other_processes_cores:.3f} core during the window",
    ]
    if live.other_processes_cores > BUSY_MACHINE_CORES:
        lines.append(
            f"warning: other processes used more than {BUSY_MACHINE_CORES} core: the machine"
            " was shared, compare these numbers with care."
        )
    verdicts = {"track recording": track_ok, "master mix": mix_ok, "viewing copy": viewing_ok}
    missed = [name for name, ok in verdicts.items() if not ok]
    lines.append(
        f"FAIL: {', '.join(missed)} ({3 - len(missed)} of 3 targets met)"
        if missed
        else "PASS: track recording, master mix and viewing copy targets"
    )
    return "\n".join(lines)


def run(
    participants: int, *, warmup_s: float, window_s: float, baseline_s: int, json_path: Path | None
) -> bool:
    """Measure, print the figures, write the JSON; True if every target is met."""
    results = asyncio.run(
        measure(participants, warmup_s=warmup_s, window_s=window_s, baseline_s=baseline_s)
    )
    print()
    print(report(results))
    passed = all(results.passes())
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(results)
        data |= {
            "benchmark": "recording",
            "time": time.time(),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "track_cores_per_participant": results.live.track_cores_per_participant,
            "mix_cores": results.live.mix_cores,
            "track_ratio": results.track_ratio,
            "mix_ratio": results.mix_ratio,
            "passed": passed,
        }
        json_path.write_text(json.dumps(data, indent=2, default=str))
        print(f"Results: {json_path}")
    return passed
