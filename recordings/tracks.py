"""Each participant's own audio and video, kept as received: muxed, never re-encoded.

Every hearing-room track the relay forwards is also written to its own WebM file
(``track-<participant>-<kind>-<n>.webm``, a new ``n`` each time the participant's track
starts again: a reconnect, a return from the waiting room). Timestamps are record time: a
file's first frame is stamped with the record time it arrived at, and the frames after it
keep the spacing of their RTP timestamps, so every track lines up with the master and with
the other tracks. When a track ends its file is sealed and hashed into the manifest.

The event loop only enqueues (``TrackInput.push``); one thread per recording muxes, writes
and hashes, because file work never runs on the event loop. The thread collects what
arrived every ``WRITE_INTERVAL_S`` rather than being woken per frame: a wake-up per frame
cost the event loop a futex wake-up on every push and the thread a cold start on every one
of hundreds of frames a second, several times the muxing itself (make bench).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
from av.container import OutputContainer
from av.stream import Stream

from recordings.manifest import ManifestWriter

logger = logging.getLogger(__name__)

Kind = Literal["audio", "video"]
MS = Fraction(1, 1000)  # Matroska's own time base
RTP_WRAP = 2**32
# Frames kept waiting for the writer thread before newer ones are dropped (and logged): a
# stalled disk must not grow the process without bound. About 20 s of video at 30 fps.
QUEUE_LIMIT = 600
# How often the writer thread collects the frames that arrived. A crash loses at most this
# much more of a track than it would otherwise; timestamps are taken on arrival, so they
# do not depend on it. Far below QUEUE_LIMIT's worth of frames.
WRITE_INTERVAL_S = 0.05


def track_name(participant_id: str, kind: Kind, number: int) -> str:
    return f"track-{participant_id}-{kind}-{number}.webm"


# Not frozen: a frozen dataclass sets every field through object.__setattr__, and one is
# made on the event loop for every frame of every track.
@dataclass(slots=True)
class _Frame:
    name: str
    data: bytes
    pts: int
    time_base: Fraction
    keyframe: bool
    arrived_ms: int  # record time at arrival


@dataclass(frozen=True, slots=True)
class _Close:
    name: str


class TrackInput:
    """Where one track's frames go; ``push`` and ``close`` are called on the event loop."""

    def __init__(self, recorder: TrackRecorder, name: str) -> None:
        self._recorder = recorder
        self.name = name
        self._closed = False

    def push(self, data: bytes, pts: int, time_base: Fraction, keyframe: bool) -> None:
        if not self._closed and data:
            self._recorder.enqueue(
                _Frame(self.name, data, pts, time_base, keyframe, self._recorder.now_ms())
            )

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._recorder.enqueue(_Close(self.name))


class _TrackFile:
    """One open WebM file; owned by the writer thread."""

    def __init__(self, path: Path, kind: Kind) -> None:
        self.path = path
        self.kind = kind
        self.container: OutputContainer | None = None
        self.stream: Stream | None = None
        self.first_ms: int | None = None
        self.last_ms = 0
        self._first_pts: int | None = None
        self._last_pts = 0

    def write(self, frame: _Frame) -> None:
        if self.container is None:
            if self.kind == "video" and not frame.keyframe:
                return  # a video file starts at a keyframe, or it shows nothing until one
            self._open(frame)
        assert self.container is not None and self.stream is not None
        written = self._first_pts is not None
        pts_ms = self._record_ms(frame)
        if written and pts_ms <= self.last_ms:
            pts_ms = self.last_ms + 1  # Matroska wants increasing times; keep the order
        packet = av.Packet(frame.data)
        packet.stream = self.stream
        packet.time_base = MS
        packet.pts = packet.dts = pts_ms
        if frame.keyframe:
            packet.is_keyframe = True
        self.container.mux(packet)
        self.last_ms = pts_ms

    def _record_ms(self, frame: _Frame) -> int:
        # Unwrap the 32-bit RTP clock against the previous frame, then place the frame at
        # the file's anchor (the first frame's arrival) plus its RTP distance from it.
        if self._first_pts is None:
            self._first_pts = self._last_pts = frame.pts
            self.first_ms = frame.arrived_ms
            return frame.arrived_ms
        step = (frame.pts - self._last_pts) % RTP_WRAP
        if step > RTP_WRAP // 2:
            step -= RTP_WRAP  # a frame from slightly before the previous one
        self._last_pts += step
        assert self.first_ms is not None
        return self.first_ms + _to_ms(self._last_pts - self._first_pts, frame.time_base)

    def _open(self, frame: _Frame) -> None:
        container = av.open(str(self.path), "w", format="webm", options={"flush_packets": "1"})
        try:
            stream: Stream
            if self.kind == "audio":
                audio = container.add_stream("libopus", rate=48000)
                audio.layout = "stereo"  # WebRTC signals Opus as 2 channels
                audio.codec_context.open()  # writes the OpusHead the container needs
                stream = audio
            else:
                video = container.add_stream("libvpx")
                video.width, video.height = _vp8_size(frame.data)
                stream = video
            stream.time_base = MS
        except BaseException:
            container.close()
            raise
        self.container, self.stream = container, stream

    def close(self) -> bool:
        """Seal the file; False if it never got a frame (no file was made)."""
        if self.container is None:
            return False
        self.container.close()
        return True


def _to_ms(ticks: int, time_base: Fraction) -> int:
    """``round(ticks * time_base * 1000)`` in plain integers: the Fraction arithmetic cost
    more than muxing the frame. Halves round to even, as ``round`` does."""
    whole, rest = divmod(ticks * time_base.numerator * 1000, time_base.denominator)
    twice = 2 * rest
    if twice > time_base.denominator or (twice == time_base.denominator and whole % 2):
        whole += 1
    return whole


def _vp8_size(keyframe: bytes) -> tuple[int, int]:
    """Width and height from a VP8 keyframe header (RFC 6386 9.1); 640x360 if unreadable."""
    if len(keyframe) >= 10 and keyframe[3:6] == b"\x9d\x01\x2a":
        width = int.from_bytes(keyframe[6:8], "little") & 0x3FFF
        height = int.from_bytes(keyframe[8:10], "little") & 0x3FFF
        if width and height:
            return width, height
    return 640, 360


class TrackRecorder:
    """The per-participant tracks of one recording, written by one thread."""

    def __init__(
        self, directory: Path, manifest: ManifestWriter, now_ms: Callable[[], int]
    ) -> None:
        self._directory = directory
        self._manifest = manifest
        self.now_ms = now_ms  # record time, from the recording's own clock
        # Appended on the event loop, taken by the writer thread: deque operations are
        # atomic, so neither side locks and a push never wakes the thread.
        self._pending: deque[_Frame | _Close | None] = deque()
        self._closing = threading.Event()
        self._files: dict[str, _TrackFile] = {}
        self._numbers: dict[tuple[str, str], int] = {}
        self._dropped = 0
        self._thread = threading.Thread(target=self._run, name="tracks", daemon=True)
        self._thread.start()

    def add(self, participant_id: str, kind: Kind) -> TrackInput:
        number = self._numbers.get((participant_id, kind), 0) + 1
        self._numbers[(participant_id, kind)] = number
        name = track_name(participant_id, kind, number)
        self._files[name] = _TrackFile(self._directory / name, kind)
        return TrackInput(self, name)

    def enqueue(self, item: _Frame | _Close) -> None:
        # Only the event loop appends and the thread only takes, so the bound holds.
        if len(self._pending) >= QUEUE_LIMIT:
            self._dropped += 1
            if self._dropped in (1, 100) or self._dropped % 1000 == 0:
                logger.error("track writer is behind: %d frames dropped", self._dropped)
            return
        self._pending.append(item)

    def close(self) -> None:
        """Seal every open track and stop the thread. Blocking."""
        self._pending.append(None)  # past the bound: the end always gets through
        self._closing.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self._closing.wait(WRITE_INTERVAL_S)
            while self._pending:
                item = self._pending.popleft()
                try:
                    if item is None:
                        for name in list(self._files):
                            self._seal(name)
                        return
                    if isinstance(item, _Close):
                        self._seal(item.name)
                    elif (track := self._files.get(item.name)) is not None:
                        track.write(item)
                except Exception:
                    # One broken track must not stop the others (or the master, which is apart).
                    logger.exception("track writer: %r failed", item)

    def _seal(self, name: str) -> None:
        track = self._files.pop(name, None)
        if track is None:
            return
        try:
            written = track.close()
        except Exception:
            logger.exception("track %s could not be closed cleanly", name)
            written = track.path.exists()
        if written and track.first_ms is not None:
            self._manifest.append(name, track.first_ms, track.last_ms)
