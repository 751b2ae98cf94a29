"""Each participant's own audio and video, kept as received: muxed, never re-encoded.

Every hearing-room track the relay forwards is also written to WebM files
(``track-<participant>-<kind>-<n>.webm``, a new ``n`` for each segment of bounded record
time, and each time the participant's track starts again: a reconnect, a return from the
waiting room, a screen shared again). A shared screen is a track of its own, kind
``screen``: VP8 video like the camera, kept apart from it. Timestamps are record time: a
track's first frame is stamped with the record time it arrived at, and the frames after
it keep the spacing of their RTP timestamps, so every track lines up with the master and
with the other tracks. Each file is sealed and hashed into the manifest when its segment
ends or its track does.

The event loop only enqueues (``TrackInput.push``); one thread per recording muxes, writes
and hashes, because file work never runs on the event loop. The thread collects what
arrived every ``WRITE_INTERVAL_S`` rather than being woken per frame: a wake-up per frame
cost the event loop a futex wake-up on every push and the thread a cold start on every one
of hundreds of frames a second, several times the muxing itself (make bench).
"""

from __future__ import annotations

import itertools
import logging
import re
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
from recordings.segments import SEGMENT_S

logger = logging.getLogger(__name__)

Kind = Literal["audio", "video", "screen"]
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


_TRACK_NAME = re.compile(r"^track-(?P<participant>.+)-(?P<kind>audio|video|screen)-\d+\.webm$")


def parse_track_name(name: str) -> tuple[str, Kind] | None:
    """The participant and kind a track file holds (track_name read back); None if the
    name is not a track's."""
    match = _TRACK_NAME.match(name)
    if match is None:
        return None
    kinds: dict[str, Kind] = {"audio": "audio", "video": "video", "screen": "screen"}
    return match["participant"], kinds[match["kind"]]


# Not frozen: a frozen dataclass sets every field through object.__setattr__, and one is
# made on the event loop for every frame of every track.
@dataclass(slots=True)
class _Frame:
    key: int  # the track's
    data: bytes
    pts: int
    time_base: Fraction
    keyframe: bool
    arrived_ms: int  # record time at arrival


@dataclass(frozen=True, slots=True)
class _Close:
    key: int


class TrackInput:
    """Where one track's frames go; ``push`` and ``close`` are called on the event loop.

    ``wants_keyframe`` is set by the writer when a video segment is due to end: the next
    file must start at a keyframe, so the caller asks the publisher for one.
    """

    def __init__(self, recorder: TrackRecorder, key: int) -> None:
        self._recorder = recorder
        self._key = key
        self._closed = False
        self.wants_keyframe = False

    def push(self, data: bytes, pts: int, time_base: Fraction, keyframe: bool) -> None:
        if not self._closed and data:
            self._recorder.enqueue(
                _Frame(self._key, data, pts, time_base, keyframe, self._recorder.now_ms())
            )

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._recorder.enqueue(_Close(self._key))


class _TrackFile:
    """One open WebM file of a track (one segment); owned by the writer thread."""

    def __init__(self, path: Path, kind: Kind, first: _Frame) -> None:
        self.path = path
        self.first_ms: int | None = None
        self.last_ms = 0
        container = av.open(str(path), "w", format="webm", options={"flush_packets": "1"})
        try:
            stream: Stream
            if kind == "audio":
                audio = container.add_stream("libopus", rate=48000)
                audio.layout = "stereo"  # WebRTC signals Opus as 2 channels
                audio.codec_context.open()  # writes the OpusHead the container needs
                stream = audio
            else:
                video = container.add_stream("libvpx")
                video.width, video.height = _vp8_size(first.data)
                stream = video
            stream.time_base = MS
        except BaseException:
            container.close()
            raise
        self.container: OutputContainer = container
        self.stream = stream

    def write(self, frame: _Frame, pts_ms: int) -> None:
        if self.first_ms is not None and pts_ms <= self.last_ms:
            pts_ms = self.last_ms + 1  # Matroska wants increasing times; keep the order
        packet = av.Packet(frame.data)
        packet.stream = self.stream
        packet.time_base = MS
        packet.pts = packet.dts = pts_ms
        if frame.keyframe:
            packet.is_keyframe = True
        self.container.mux(packet)
        if self.first_ms is None:
            self.first_ms = pts_ms
        self.last_ms = pts_ms

    def close(self) -> None:
        self.container.close()


class _Track:
    """One participant's track: its record-time clock, and the segment file being written.

    The clock runs across segments: the first frame is placed at the record time it arrived,
    every later one at that anchor plus its RTP distance from the first, so cutting a track
    into files moves no frame in time.
    """

    def __init__(self, participant_id: str, kind: Kind, segment_ms: int) -> None:
        self.participant_id = participant_id
        self.kind = kind
        self.segment_ms = segment_ms
        self.file: _TrackFile | None = None
        self.input: TrackInput | None = None
        self._first_ms: int | None = None
        self._first_pts = 0
        self._last_pts = 0

    def record_ms(self, frame: _Frame) -> int:
        # Unwrap the 32-bit RTP clock against the previous frame.
        if self._first_ms is None:
            self._first_pts = self._last_pts = frame.pts
            self._first_ms = frame.arrived_ms
            return frame.arrived_ms
        step = (frame.pts - self._last_pts) % RTP_WRAP
        if step > RTP_WRAP // 2:
            step -= RTP_WRAP  # a frame from slightly before the previous one
        self._last_pts += step
        return self._first_ms + _to_ms(self._last_pts - self._first_pts, frame.time_base)

    def due(self, pts_ms: int) -> bool:
        """Whether the open segment has reached its length of record time."""
        return (
            self.file is not None
            and self.file.first_ms is not None
            and pts_ms - self.file.first_ms >= self.segment_ms
        )


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
    """The per-participant tracks of one recording, written by one thread.

    Each track is cut into segments of ``segment_s`` of record time, like the master: a
    segment is sealed and hashed into the manifest as soon as the next one starts, so a
    crash leaves at most one segment per track to recover. Audio is cut at the first frame
    past the length; video at the first keyframe past it (asked for through
    ``TrackInput.wants_keyframe``), since a file that starts elsewhere shows nothing.
    """

    def __init__(
        self,
        directory: Path,
        manifest: ManifestWriter,
        now_ms: Callable[[], int],
        segment_s: float = SEGMENT_S,
    ) -> None:
        self._directory = directory
        self._manifest = manifest
        self.now_ms = now_ms  # record time, from the recording's own clock
        self._segment_ms = max(1, round(segment_s * 1000))
        # Appended on the event loop, taken by the writer thread: deque operations are
        # atomic, so neither side locks and a push never wakes the thread.
        self._pending: deque[_Frame | _Close | None] = deque()
        self._closing = threading.Event()
        self._tracks: dict[int, _Track] = {}
        self._keys = itertools.count(1)
        self._numbers: dict[tuple[str, str], int] = {}  # taken by the writer thread only
        self._dropped = 0
        self._thread = threading.Thread(target=self._run, name="tracks", daemon=True)
        self._thread.start()

    def add(self, participant_id: str, kind: Kind) -> TrackInput:
        key = next(self._keys)
        track = _Track(participant_id, kind, self._segment_ms)
        track.input = TrackInput(self, key)
        self._tracks[key] = track  # one atomic store; the thread only reads it after
        return track.input

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
                if item is None:
                    self._end_all()
                    return
                try:
                    if isinstance(item, _Close):
                        self._end(item.key)
                    elif (track := self._tracks.get(item.key)) is not None:
                        self._write(track, item)
                except Exception:
                    # One broken track must not stop the others (or the master, which is apart).
                    logger.exception("track writer: %r failed", item)

    def _write(self, track: _Track, frame: _Frame) -> None:
        pts_ms = track.record_ms(frame)
        if track.file is None and track.kind != "audio" and not frame.keyframe:
            return  # a video file starts at a keyframe, or it shows nothing until one
        if track.due(pts_ms):
            if track.kind == "audio" or frame.keyframe:
                self._seal(track)
            elif track.input is not None:
                track.input.wants_keyframe = True
        if track.file is None:
            number = self._numbers.get((track.participant_id, track.kind), 0) + 1
            self._numbers[(track.participant_id, track.kind)] = number
            name = track_name(track.participant_id, track.kind, number)
            self._manifest.opening(name)  # signed first: recovery seals only open files
            track.file = _TrackFile(self._directory / name, track.kind, frame)
            if track.input is not None:
                track.input.wants_keyframe = False
        track.file.write(frame, pts_ms)

    def _end_all(self) -> None:
        # Each track on its own: one that cannot be sealed must not leave the others open,
        # nor keep the thread from ending (close() waits for it).
        for key in list(self._tracks):
            try:
                self._end(key)
            except Exception:
                logger.exception("track writer: track %d could not be sealed", key)

    def _end(self, key: int) -> None:
        track = self._tracks.pop(key, None)
        if track is not None:
            self._seal(track)

    def _seal(self, track: _Track) -> None:
        file, track.file = track.file, None
        if file is None:
            return
        try:
            file.close()
        except Exception:
            logger.exception("track %s could not be closed cleanly", file.path.name)
        if file.path.exists() and file.first_ms is not None:
            self._manifest.append(file.path.name, file.first_ms, file.last_ms)
