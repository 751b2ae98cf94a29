"""The viewing copy: one MP4 of a hearing, every participant's video in a labelled grid over
the master audio, for watching and seeking in a browser (H.264 + AAC, moov at the front).

Built after the hearing, off the live path (DESIGN.md section 5), from the per-participant
video tracks as recorded and the master segments; plain blocking code for a worker thread
or process. The master is the clock: the copy lasts exactly as long as the joined master,
and picture ``i`` shows each participant's latest frame at record time ``i / FPS`` (a frame
stays until the next; a later recording's frames are placed after the recordings before
it). A participant with no video at that instant (not yet joined, left, reconnecting, a
track file that cannot be read) gets a dark placeholder with their name and role instead.
A screen a participant shared is a tile of its own, labelled "<name> — screen", beside
their camera's: a document shown to the court is part of what was seen.

Cost: every VP8 frame must be decoded (inter frames need the ones before), so decoding is
spread over two threads (PyAV releases the GIL in codec and scaling calls) and overlaps the
H.264 encoding of the previous picture; only frames actually shown are scaled, straight to
their tile's size in yuv420p. The size, rate and preset below were chosen for speed: six
participants sending 640x480 VP8 at 30 fps (800 kbit/s, busy pictures) build 6.5-7.7x
faster than real time on two otherwise idle cores, using 0.22 core-seconds per second of
hearing, so even one free core builds faster than 4x.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.container import InputContainer, OutputContainer
from av.video.reformatter import Interpolation, VideoReformatter

from recordings.master_audio import RecordingMaster, decode_master, read_masters
from recordings.playout import Samples
from recordings.source import RATE
from recordings.tracks import parse_track_name
from recordings.video_grid import Grid, Label

__all__ = ["Label", "ViewingCopy", "build_viewing_copy"]

logger = logging.getLogger(__name__)

WIDTH, HEIGHT, FPS = 960, 540, 15
PRESET = "superfast"
CRF = 23
# A ceiling on the bit rate bounds the archive's cost of a long hearing (~0.9 GB an hour at
# most); a room of faces stays far below it, so it only caps pathological pictures.
MAX_BIT_RATE = 2_000_000
KEYFRAME_S = 4  # a seek decodes at most this much picture before showing the target
AUDIO_BIT_RATE = 64_000  # AAC mono: ample for a room of speech
# A track's last frame stays up this long after it (a frame is shown until the next one; the
# last has no next).
HOLD_MS = 100
DECODE_THREADS = 2
_PROGRESS_STEP = 0.005
_UNREADABLE = (av.FFmpegError, OSError, IndexError, ValueError)
# BT.601 limited range, as VP8 frames are: tagged so players convert the colours right.
_SMPTE170M, _MPEG_RANGE = 6, 1

Progress = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class ViewingCopy:
    path: Path
    duration_s: float
    width: int
    height: int
    participants: int  # tiles in the grid: every camera and every shared screen recorded


def build_viewing_copy(
    recordings: Sequence[Path],
    labels: Mapping[str, Label],
    out: Path,
    progress: Progress | None = None,
) -> ViewingCopy:
    """Build the viewing copy of ``recordings`` (directories, in record order) at ``out``.

    ``labels``: name and role by participant id; a participant without one is labelled
    with their id. Blocking. Written under a temporary name beside ``out`` and renamed at
    the end. ``progress`` gets fractions from 0 to 1, rising, the last one 1.0. Raises
    ValueError if the recordings hold no master audio.
    """
    masters = read_masters(recordings)
    samples = sum(m.samples for m in masters)
    if samples == 0:
        raise ValueError("the recordings hold no master audio")
    tracks = _find_tracks(masters)
    tiles = list(dict.fromkeys(t.tile for t in tracks))  # first appearance
    grid = Grid([_label(labels, t) for t in tiles], WIDTH, HEIGHT)
    descriptor, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(descriptor)
    temporary = Path(name)
    report = _Reporter(progress)
    report(0.0)
    try:
        with av.open(str(temporary), "w", format="mp4", options={"movflags": "+faststart"}) as mp4:
            _Encoder(mp4, grid, tiles, tracks).run(masters, samples, report)
        with temporary.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        for track in tracks:
            track.close()
    report(1.0)
    return ViewingCopy(out, samples / RATE, WIDTH, HEIGHT, len(tiles))


class _Reporter:
    """Calls ``progress`` with a rising fraction, in steps worth reporting."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._last = -1.0

    def __call__(self, fraction: float) -> None:
        fraction = min(1.0, fraction)
        if self._progress is None or fraction <= self._last:
            return
        if fraction < 1.0 and fraction - self._last < _PROGRESS_STEP:
            return
        self._last = fraction
        self._progress(fraction)


class _Encoder:
    def __init__(
        self, output: OutputContainer, grid: Grid, tiles: list[str], tracks: list[_Track]
    ) -> None:
        self._output = output
        self._grid = grid
        self._tiles = {t: i for i, t in enumerate(tiles)}
        self._waiting = sorted(
            (t for t in tracks if t.start_ms is not None), key=lambda t: t.start_ms or 0.0
        )
        self._live: list[_Track] = []
        video = output.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = grid.width, grid.height, "yuv420p"
        video.options = {
            "preset": PRESET,
            "crf": str(CRF),
            "maxrate": str(MAX_BIT_RATE),
            "bufsize": str(2 * MAX_BIT_RATE),
        }
        video.codec_context.gop_size = FPS * KEYFRAME_S
        video.codec_context.colorspace = _SMPTE170M
        video.codec_context.color_primaries = _SMPTE170M
        video.codec_context.color_trc = _SMPTE170M
        video.codec_context.color_range = _MPEG_RANGE
        audio = output.add_stream("aac", rate=RATE)
        audio.layout = "mono"
        audio.bit_rate = AUDIO_BIT_RATE
        self._video, self._audio = video, audio

    def run(self, masters: Sequence[RecordingMaster], samples: int, report: _Reporter) -> None:
        count = max(1, round(samples * FPS / RATE))  # pictures: they cover the master
        audio = _blocks(decode_master(masters), RATE // FPS)
        audio_at = 0
        with ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="viewing copy") as pool:
            pending = self._advance(pool, 0)
            for index in range(count):
                picture = self._compose(pending)
                if index + 1 < count:  # decode the next picture's frames while this encodes
                    pending = self._advance(pool, index + 1)
                picture.pts = index
                picture.time_base = Fraction(1, FPS)
                self._mux(self._video.encode(picture))
                block = next(audio, None)
                if block is not None:
                    audio_at = self._encode_audio(block, audio_at)
                report((index + 1) / count * 0.99)
        for block in audio:
            audio_at = self._encode_audio(block, audio_at)
        self._mux(self._video.encode(None))
        self._mux(self._audio.encode(None))

    def _advance(
        self, pool: ThreadPoolExecutor, index: int
    ) -> list[tuple[_Track, Future[av.VideoFrame | None]]]:
        at_ms = index * 1000 / FPS
        while self._waiting and (self._waiting[0].start_ms or 0.0) <= at_ms:
            self._live.append(self._waiting.pop(0))
        self._live = [t for t in self._live if not t.finished]
        return [(t, pool.submit(t.advance, at_ms, self._grid)) for t in self._live]

    def _compose(self, pending: list[tuple[_Track, Future[av.VideoFrame | None]]]) -> av.VideoFrame:
        shown: list[tuple[_Track, av.VideoFrame] | None] = [None] * len(self._tiles)
        for track, future in pending:
            frame = future.result()
            tile = self._tiles[track.tile]
            current = shown[tile]
            # Two tracks of one tile at once (a reconnect's overlap): the newer shows.
            if frame is not None and (current is None or _later(track, current[0])):
                shown[tile] = (track, frame)
        return self._grid.compose([None if s is None else s[1] for s in shown])

    def _encode_audio(self, block: Samples, at: int) -> int:
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="fltp", layout="mono")
        frame.sample_rate = RATE
        frame.time_base = Fraction(1, RATE)
        frame.pts = at
        self._mux(self._audio.encode(frame))
        return at + len(block)

    def _mux(self, packets: Sequence[av.Packet[Any]]) -> None:
        for packet in packets:
            self._output.mux(packet)


_SCREEN = ":screen"  # a screen's tile key: participant ids never hold a colon


def _label(labels: Mapping[str, Label], tile: str) -> Label:
    participant = tile.removesuffix(_SCREEN)
    label = labels.get(participant, Label(participant, ""))
    return Label(f"{label.name} — screen", label.role) if tile != participant else label


def _later(a: _Track, b: _Track) -> bool:
    return (a.start_ms or 0.0) > (b.start_ms or 0.0)


def _blocks(chunks: Iterator[Samples], size: int) -> Iterator[Samples]:
    """The same samples, re-cut into blocks of ``size`` (the last one shorter)."""
    held: list[Samples] = []
    count = 0
    for chunk in chunks:
        held.append(chunk)
        count += len(chunk)
        if count >= size:
            joined = np.concatenate(held)
            whole = len(joined) - len(joined) % size
            for start in range(0, whole, size):
                yield joined[start : start + size]
            held, count = [joined[whole:]], len(joined) - whole
    if count:
        yield np.concatenate(held)


def _find_tracks(masters: Sequence[RecordingMaster]) -> list[_Track]:
    """Every video track of the recordings (cameras and shared screens), in order of first
    appearance in the record."""
    tracks: list[_Track] = []
    offset_ms = 0.0
    for master in masters:
        for path in sorted(master.directory.glob("track-*.webm")):
            parsed = parse_track_name(path.name)
            if parsed is None or parsed[1] == "audio":
                continue
            participant, kind = parsed
            tile = participant + _SCREEN if kind == "screen" else participant
            tracks.append(_Track(path, tile, offset_ms))
        offset_ms += master.samples * 1000 / RATE
    # An unreadable track has no start: it sorts at the start of its recording.
    return sorted(tracks, key=lambda t: t.start_ms if t.start_ms is not None else t.offset_ms)


class _Track:
    """One video track file (a camera or a screen), decoded in order as the pictures' time
    passes."""

    def __init__(self, path: Path, tile: str, offset_ms: float) -> None:
        self.path = path
        self.tile = tile  # the participant's id; for a shared screen, with _SCREEN after it
        self.offset_ms = offset_ms  # where its recording starts in the hearing's record
        self.start_ms = self._probe()  # its first frame in the record; None: unreadable
        self.finished = self.start_ms is None
        self._container: InputContainer | None = None
        self._frames: Iterator[tuple[float, av.VideoFrame]] | None = None
        self._current: tuple[float, av.VideoFrame] | None = None
        self._next: tuple[float, av.VideoFrame] | None = None
        self._exhausted = False
        self._scaled: tuple[av.VideoFrame, av.VideoFrame] | None = None  # (source, scaled)
        self._reformatter = VideoReformatter()
        self._bad_packets = 0

    def _probe(self) -> float | None:
        try:
            with av.open(str(self.path)) as container:
                stream = container.streams.video[0]
                for packet in container.demux(stream):
                    if packet.pts is not None and packet.time_base is not None:
                        return self.offset_ms + float(packet.pts * packet.time_base) * 1000
        except _UNREADABLE as exc:
            logger.warning("viewing copy: video track %s is unreadable: %s", self.path, exc)
            return None
        logger.warning("viewing copy: video track %s holds no frame", self.path)
        return None

    def advance(self, at_ms: float, grid: Grid) -> av.VideoFrame | None:
        """The picture this track shows at ``at_ms``, scaled for its tile; None if none.
        Runs on a decoding thread; never raises for a damaged file (it ends there)."""
        try:
            self._decode_until(at_ms)
            if self._current is None:
                return None
            shown_ms, frame = self._current
            if self._exhausted and at_ms >= shown_ms + HOLD_MS:
                self.finished = True
                return None
            return self._scale(frame, grid)
        except _UNREADABLE as exc:
            logger.warning(
                "viewing copy: video track %s ends at a damaged part: %s", self.path, exc
            )
            self.finished = True
            self.close()
            return None

    def _decode_until(self, at_ms: float) -> None:
        while not self._exhausted:
            if self._next is None:
                if self._frames is None:
                    self._frames = self._decode()
                self._next = next(self._frames, None)
                if self._next is None:
                    self._exhausted = True
                    self.close()
                    return
            if self._next[0] > at_ms:
                return
            self._current, self._next = self._next, None

    def _decode(self) -> Iterator[tuple[float, av.VideoFrame]]:
        container = av.open(str(self.path))
        self._container = container
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if not packet.size:
                continue
            try:
                frames = packet.decode()
            except av.InvalidDataError as exc:
                # A damaged frame: skip it; the picture recovers at the next keyframe.
                self._bad_packets += 1
                if self._bad_packets == 1:
                    logger.warning("viewing copy: %s has undecodable frames: %s", self.path, exc)
                continue
            for frame in frames:
                if frame.time is not None:
                    yield self.offset_ms + frame.time * 1000, frame

    def _scale(self, frame: av.VideoFrame, grid: Grid) -> av.VideoFrame:
        if self._scaled is None or self._scaled[0] is not frame:
            width, height = grid.fit(frame.width, frame.height)
            scaled = self._reformatter.reformat(
                frame, width, height, format="yuv420p", interpolation=Interpolation.AREA
            )
            self._scaled = (frame, scaled)
        return self._scaled[1]

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None
