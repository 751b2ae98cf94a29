"""The hearing's master audio as one continuous file for the archive's player, not re-encoded.

A hearing's record is the master segments of its recordings, recordings in started_at order
and segments in record-time order. Each segment is a complete Ogg Opus file from its own
encoder: it opens with the encoder's warm-up (the OpusHead's pre-skip, 312 samples) and ends
with the padding of its last packet, both trimmed by a decoder of that one file. A WebM
stream can trim only at its very start (CodecDelay) and at the end of a block
(DiscardPadding), so at every joint the end of the earlier segment is cut by the next one's
pre-skip, and the next segment's warm-up plays in those 6.5 ms.

A decoder of the joined stream would also carry the earlier segment's state into the next
one's first frames, which were coded against a fresh encoder's state: heard as a bump of up
to +9 dB for ~100 ms at every joint. Opus decoders reset their state when the coding mode
changes (RFC 6716 4.5.2; libopus, which browsers use, and FFmpeg alike), so just before each
warm-up goes a packet of silence in the other mode (SILK before CELT, CELT before SILK),
all but 1 ms of it discarded. A joint (one a minute) so costs 7.5 ms of audio, too short to
hold a word, and the joined file stays exactly as long as the record with every instant at
its record time (protocol links stay exact). The segments themselves stay the record.

A segment that cannot be read, or is shorter than its manifest span (damage), is made up
with silence for the time the manifest says it covered, so what follows keeps its place.

The joined file is WebM with cues, the one container Chromium seeks in by HTTP range requests
for Opus. :func:`decode_master` gives the same timeline decoded, for the viewing copy; it
decodes each segment on its own, so it has no joints at all.
"""

from __future__ import annotations

import logging
import os
import struct
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.audio.codeccontext import AudioCodecContext
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.packet import PacketSideData, packet_sidedata_type_from_literal
from av.stream import Stream

from recordings.info import measure_duration, recording_info
from recordings.manifest import MANIFEST_FILE, read_entries
from recordings.metadata import read_metadata
from recordings.playout import Samples, silence
from recordings.source import RATE

logger = logging.getLogger(__name__)

PACKET = RATE // 50  # 20 ms: what the master's encoder (and a silence packet) holds
RESET = RATE // 1000  # 1 ms of the record taken by the packet that resets the decoder
_TIME_BASE = Fraction(1, RATE)
# What PyAV raises for a missing, truncated or garbled file (info.py catches the same).
_UNREADABLE = (av.FFmpegError, OSError, IndexError, ValueError)


@dataclass(frozen=True, slots=True)
class MasterSegment:
    path: Path
    samples: int  # its length in the record, at 48 kHz
    pre_skip: int  # encoder warm-up before its first sample (OpusHead); 0: unreadable


@dataclass(frozen=True, slots=True)
class RecordingMaster:
    """One recording's master: its segments in record-time order."""

    directory: Path
    segments: tuple[MasterSegment, ...]

    @property
    def samples(self) -> int:
        return sum(s.samples for s in self.segments)

    @property
    def duration_s(self) -> float:
        return self.samples / RATE


def read_masters(recordings: Sequence[Path]) -> tuple[RecordingMaster, ...]:
    """The masters of ``recordings`` (directories, in record order) with their lengths.

    Blocking: probes every segment. A segment's length is the audio it holds when that
    matches its manifest span (the span is rounded to the millisecond), the span when the
    file is damaged, and what it holds when the manifest does not list it (a crash's tail).
    """
    masters = []
    for directory in recordings:
        spans = {
            e.file: (e.end_ms - e.start_ms) * RATE // 1000
            for e in read_entries(directory / MANIFEST_FILE)
            if e.file.startswith("segment-")
        }
        info = recording_info(read_metadata(directory), directory)
        segments = tuple(_probe(path, spans.get(path.name)) for path in info.segments)
        masters.append(RecordingMaster(directory, segments))
    return tuple(masters)


def _probe(path: Path, span: int | None) -> MasterSegment:
    measured = measure_duration(path)  # logs what makes it unreadable
    readable = 0 if measured is None else round(measured * RATE)
    if span is None or abs(readable - span) <= PACKET:
        samples = readable
    else:
        logger.warning(
            "master segment %s holds %d samples where its manifest says %d: its span is kept",
            path,
            readable,
            span,
        )
        samples = span
    return MasterSegment(path, samples, _pre_skip(path) if readable else 0)


def _pre_skip(path: Path) -> int:
    try:
        with av.open(str(path)) as container:
            head = container.streams.audio[0].codec_context.extradata or b""
    except _UNREADABLE:
        return 0
    # OpusHead (RFC 7845 5.1): magic (8 bytes), version, channel count, pre-skip (LE 16).
    if len(head) >= 12 and head.startswith(b"OpusHead"):
        pre_skip: int = struct.unpack_from("<H", head, 10)[0]
        return pre_skip
    return 0


def decode_master(masters: Sequence[RecordingMaster]) -> Iterator[Samples]:
    """The masters' audio, decoded: mono float32 at 48 kHz, exactly ``sum(m.samples)`` long,
    in chunks of any length. Blocking."""
    for master in masters:
        for segment in master.segments:
            yield from _decode_segment(segment)


def _decode_segment(segment: MasterSegment) -> Iterator[Samples]:
    cursor = 0  # samples of this segment given so far
    try:
        with av.open(str(segment.path)) as container:
            stream = container.streams.audio[0]
            for frame in container.decode(stream):
                at = _at(frame.pts, frame.time_base, cursor)
                if at > cursor:  # a hole in the file (a lost page): silence keeps the time
                    gap = min(at, segment.samples) - cursor
                    yield silence(gap)
                    cursor += gap
                samples = _mono(frame)[max(0, cursor - at) :][: segment.samples - cursor]
                if len(samples):
                    yield samples
                    cursor += len(samples)
                if cursor >= segment.samples:
                    break
    except _UNREADABLE as exc:
        logger.warning(
            "master segment %s is unreadable from sample %d: %s", segment.path, cursor, exc
        )
    if cursor < segment.samples:
        yield silence(segment.samples - cursor)


def _at(pts: int | None, time_base: Fraction | None, default: int) -> int:
    """A timestamp in samples at 48 kHz (Ogg Opus uses 1/48000 already)."""
    if pts is None or time_base is None:
        return default
    return round(pts * time_base * RATE)


def _mono(frame: av.AudioFrame) -> Samples:
    planes = frame.to_ndarray().astype(np.float32, copy=False)
    if frame.format.is_planar:
        mono: Samples = planes.reshape(frame.layout.nb_channels, -1).mean(axis=0)
    else:
        mono = planes.reshape(-1, frame.layout.nb_channels).mean(axis=1)
    return mono.astype(np.float32, copy=False)


def build_master_audio(recordings: Sequence[Path], out: Path) -> Path:
    """Join every master segment of ``recordings`` (directories, in record order) into one
    seekable WebM file at ``out``, Opus packets copied as they are. Blocking.

    Written beside ``out`` under a temporary name and renamed at the end, so ``out`` is
    either the previous file or the complete new one. Raises ValueError when no segment
    holds any audio (there is nothing to take the stream's parameters from).
    """
    masters = read_masters(recordings)
    segments = [s for m in masters for s in m.segments]
    descriptor, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(descriptor)
    temporary = Path(name)
    try:
        _write(segments, temporary)
        with temporary.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out


def _write(segments: Sequence[MasterSegment], path: Path) -> None:
    template = next((s for s in segments if s.pre_skip), None)
    if template is None:
        raise ValueError("the recordings hold no readable master audio")
    # cues_to_front: the player finds the seek index in its first range request.
    with (
        av.open(str(template.path)) as source,
        av.open(str(path), "w", format="webm", options={"cues_to_front": "1"}) as output,
    ):
        stream = output.add_stream_from_template(source.streams.audio[0])
        # The stream's CodecDelay is the template's pre-skip: the timeline starts there.
        joiner = _Joiner(output, stream, start=-template.pre_skip)
        offset = 0  # record time of the segment's first sample, in samples
        for index, segment in enumerate(segments):
            following = segments[index + 1] if index + 1 < len(segments) else None
            # The next segment's warm-up starts its pre-skip before its time, and the packet
            # that resets the decoder for it just before that.
            cut = following.pre_skip + RESET if following is not None and following.pre_skip else 0
            joiner.copy(segment, offset, until=offset + segment.samples - cut)
            offset += segment.samples


class _Joiner:
    """Lays packets end to end on the output's timeline (samples), trimming and filling."""

    def __init__(self, output: OutputContainer, stream: Stream, start: int) -> None:
        self._output = output
        self._stream = stream
        self._start = start
        self._cursor = start  # where the next packet must begin
        self._silence: dict[str, bytes] = {}

    def copy(self, segment: MasterSegment, offset: int, until: int) -> None:
        """Copy ``segment``'s packets (its first sample at ``offset``) up to ``until``."""
        first = True
        try:
            with av.open(str(segment.path)) as container:
                stream = container.streams.audio[0]
                for packet in container.demux(stream):
                    if packet.pts is None or not packet.size:
                        continue
                    at = offset + _at(packet.pts, packet.time_base, 0)
                    if at >= until:
                        break
                    data = bytes(packet)
                    if first and self._cursor > self._start:
                        self._reset(data, at)
                    first = False
                    self._place(data, at, _nominal(packet), until)
        except _UNREADABLE as exc:
            logger.warning(
                "master segment %s: copied up to %d only: %s", segment.path, self._cursor, exc
            )
        self._fill(until)

    def _place(self, data: bytes, at: int, nominal: int, until: int) -> None:
        if at < self._cursor:
            return  # overlaps what is already laid (a duplicated page): keep the first
        self._fill(at)
        end = min(at + nominal, until)
        self._mux(data, at, end - at, trim=at + nominal - end)

    def _reset(self, first: bytes, at: int) -> None:
        """Lay the packet that resets the decoder before a segment's first packet (``first``,
        due at ``at``): silence in the other coding mode (see the module's docstring)."""
        self._fill(at - RESET)
        if at <= self._cursor:
            return
        # TOC byte (RFC 6716 3.1): configurations 16-31 are CELT-only, 0-15 use SILK.
        mode = "silk" if first[0] >> 3 >= 16 else "celt"
        length = at - self._cursor
        self._mux(self._silent_packet(mode), self._cursor, length, trim=PACKET - length)

    def _fill(self, until: int) -> None:
        while self._cursor < until:
            length = min(PACKET, until - self._cursor)
            self._mux(self._silent_packet("celt"), self._cursor, length, trim=PACKET - length)

    def _mux(self, data: bytes, at: int, length: int, trim: int) -> None:
        packet = av.Packet(data)
        packet.stream = self._stream
        packet.time_base = _TIME_BASE
        packet.pts = packet.dts = at
        packet.duration = length
        if trim:
            # Matroska's DiscardPadding: the decoder drops this block's last ``trim`` samples.
            # (PyAV's stubs omit this constructor, which takes the type and the size.)
            side_data = PacketSideData(  # type: ignore[call-arg]
                packet_sidedata_type_from_literal("skip_samples"), 10
            )
            side_data.update(struct.pack("<IIBB", 0, trim, 0, 0))
            packet.set_sidedata(side_data)
        self._output.mux(packet)
        self._cursor = at + length

    def _silent_packet(self, mode: str) -> bytes:
        if mode not in self._silence:
            self._silence[mode] = _encode_silence(mode)
        return self._silence[mode]


def _nominal(packet: av.Packet[AudioStream]) -> int:
    """Samples the packet decodes to before trimming (the demuxer shortens the last one)."""
    duration = int((packet.duration or 0) * packet.time_base * RATE) or PACKET
    if packet.has_sidedata("skip_samples"):
        skip = bytes(packet.get_sidedata("skip_samples"))
        if len(skip) >= 8:
            end_trim: int = struct.unpack_from("<I", skip, 4)[0]
            duration += end_trim
    return duration


def _encode_silence(mode: str) -> bytes:
    """One 20 ms Opus packet of digital silence (mono) coded in ``mode``, "celt" or "silk"."""
    encoder = av.CodecContext.create("libopus", "w")
    assert isinstance(encoder, AudioCodecContext)
    encoder.sample_rate = RATE
    encoder.layout = "mono"
    encoder.format = "flt"
    if mode == "silk":
        # libopus codes narrowband speech at 8 kbit/s with SILK alone.
        encoder.bit_rate = 8_000
        encoder.options = {"application": "voip"}
    else:
        encoder.options = {"application": "lowdelay"}  # CELT alone, whatever the rate
    encoder.open()
    packets: list[bytes] = []
    for i in range(3):
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, PACKET), np.float32), format="flt", layout="mono"
        )
        frame.sample_rate = RATE
        frame.pts = i * PACKET
        packets.extend(bytes(p) for p in encoder.encode(frame))
    return packets[-1]  # past the warm-up: a steady-state silent frame
