"""The joined master: every segment of every recording in one seekable WebM, not re-encoded."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import numpy as np
import pytest
from av.audio.codeccontext import AudioCodecContext

from recordings.master_audio import build_master_audio, decode_master, read_masters
from tests.recordings.audio import RATE, dominant_frequency, rms
from tests.support.recorded import Recorded, record_blocking

# 1.31 s is not a whole number of 20 ms packets: the last packet of every segment is cut.
SEGMENT_S = 1.31
MS = RATE // 1000
MATROSKA_CUES, MATROSKA_CLUSTER = bytes.fromhex("1c53bb6b"), bytes.fromhex("1f43b675")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> list[Recorded]:
    """One hearing recorded twice (a restart between): 4 s, then 2.6 s."""
    root = tmp_path_factory.mktemp("recordings")
    recordings = record_blocking(root, "hrg_master", [(4.0, ()), (2.6, ())], segment_s=SEGMENT_S)
    assert [len(r.info.segments) for r in recordings] == [4, 2]
    return recordings


@pytest.fixture(scope="module")
def joined(recorded: list[Recorded], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("copies") / "master.webm"
    assert build_master_audio([r.path for r in recorded], out) == out
    return out


def joints(recorded: list[Recorded]) -> list[int]:
    """Where one segment ends and the next begins, in samples of the joined record."""
    ends = np.cumsum(
        [s.samples for m in read_masters([r.path for r in recorded]) for s in m.segments]
    )
    return [int(end) for end in ends[:-1]]


def decode(path: Path, decoder: str = "opus") -> np.ndarray:
    """The file's audio as mono float, with FFmpeg's decoder or libopus (as browsers use)."""
    chunks = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        codec = av.CodecContext.create(decoder, "r")
        assert isinstance(codec, AudioCodecContext)
        codec.extradata = stream.codec_context.extradata
        for packet in container.demux(stream):
            for frame in codec.decode(packet):
                samples = frame.to_ndarray().reshape(-1)
                chunks.append(samples / 32768.0 if samples.dtype == np.int16 else samples)
    return np.concatenate(chunks).astype(np.float64)


def packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(container.streams.audio[0]) if p.size]


def test_the_joined_master_lasts_as_long_as_the_recordings_together(
    recorded: list[Recorded], joined: Path
) -> None:
    total = sum(r.duration_s for r in recorded)

    with av.open(str(joined)) as container:
        assert container.duration is not None
        assert container.duration / 1_000_000 == pytest.approx(total, abs=0.02)
    assert len(decode(joined)) / RATE == pytest.approx(total, abs=0.002)


def test_the_opus_packets_are_copied_as_they_are(recorded: list[Recorded], joined: Path) -> None:
    segments = [packets(s) for r in recorded for s in r.info.segments]
    out = packets(joined)
    with av.open(str(joined)) as container:
        assert container.streams.audio[0].codec_context.name == "opus"

    # Walk the output against the segments' packets, in order: each output packet is the
    # next source packet, or one the joiner added at a joint (the decoder reset).
    source = [(i, p) for i, segment in enumerate(segments) for p in segment]
    copied: list[list[bytes]] = [[] for _ in segments]
    added = 0
    position = 0
    for data in out:
        match = next(
            (k for k in range(position, min(position + 2, len(source))) if source[k][1] == data),
            None,
        )
        if match is None:
            added += 1
            continue
        copied[source[match][0]].append(data)
        position = match + 1
    assert added <= len(segments) - 1
    # Every packet is there but, at a joint, the one the next segment's warm-up replaces.
    for i, (segment, kept) in enumerate(zip(segments, copied, strict=True)):
        assert kept == segment[: len(kept)]
        assert len(segment) - len(kept) <= (1 if i < len(segments) - 1 else 0)
    assert sum(map(len, copied)) >= sum(map(len, segments)) - (len(segments) - 1)


@pytest.mark.parametrize("decoder", ["opus", "libopus"])
def test_the_tone_runs_on_across_every_joint(
    recorded: list[Recorded], joined: Path, decoder: str
) -> None:
    whole = decode(joined, decoder)
    alone = np.concatenate(list(decode_master(read_masters([r.path for r in recorded]))))
    assert len(whole) == len(alone)

    edges = [0, *joints(recorded), len(whole)]
    for previous, joint, following in zip(edges[:-2], edges[1:-1], edges[2:], strict=True):
        # The next segment's encoder warm-up plays in the 7.5 ms before the joint; beyond
        # it the joined file sounds as each segment does decoded on its own: no click, no
        # bump from a decoder carrying the previous segment's state.
        before = slice(max(previous + MS * 5, joint - MS * 100), joint - MS * 8)
        after = slice(joint + MS * 5, min(joint + MS * 100, following - MS * 8))
        assert np.abs(whole[before] - alone[before]).max() < 0.02, joint
        assert np.abs(whole[after] - alone[after]).max() < 0.05, joint
        around = whole[joint - RATE // 10 : joint + RATE // 10]
        assert abs(dominant_frequency(around) - recorded[0].tone_hz) < 10.0, joint
        assert rms(around) > 0.15, joint


def test_the_joined_master_seeks_from_an_index_at_its_front(joined: Path) -> None:
    data = joined.read_bytes()
    assert MATROSKA_CUES in data
    assert data.index(MATROSKA_CUES) < data.index(MATROSKA_CLUSTER)  # one range request

    with av.open(str(joined)) as container:
        stream = container.streams.audio[0]
        assert container.duration is not None
        middle = container.duration / 2 / 1_000_000
        assert stream.time_base is not None
        container.seek(int(middle / stream.time_base), stream=stream)
        times = [frame.time for frame in container.decode(stream)]
    assert times and times[0] is not None and times[-1] is not None
    assert middle - 5.0 <= times[0] <= middle  # a cluster boundary before the target
    assert times[-1] > middle


def test_an_unreadable_segment_is_silence_for_its_span(
    recorded: list[Recorded], tmp_path: Path
) -> None:
    copy = tmp_path / recorded[0].path.name
    shutil.copytree(recorded[0].path, copy)
    damaged = copy / "segment-000002.ogg"
    damaged.write_bytes(b"\x00" * damaged.stat().st_size)
    out = build_master_audio([copy], tmp_path / "master.webm")

    samples = decode(out)
    start, end = round(SEGMENT_S * RATE), round(2 * SEGMENT_S * RATE)
    assert len(samples) / RATE == pytest.approx(recorded[0].duration_s, abs=0.002)
    assert rms(samples[start + RATE // 50 : end - RATE // 50]) < 0.001
    assert abs(dominant_frequency(samples[RATE // 4 : start - RATE // 50]) - 440.0) < 5.0
    assert abs(dominant_frequency(samples[end + RATE // 50 :]) - 440.0) < 5.0


def test_only_the_finished_file_appears_under_its_name(
    recorded: list[Recorded], tmp_path: Path
) -> None:
    empty = tmp_path / "rec_empty"
    shutil.copytree(recorded[0].path, empty)
    for segment in empty.glob("segment-*.ogg"):
        segment.write_bytes(b"")
    out = tmp_path / "copies" / "master.webm"
    out.parent.mkdir()
    out.write_bytes(b"the previous copy")

    with pytest.raises(ValueError, match="no readable master audio"):
        build_master_audio([empty], out)
    assert out.read_bytes() == b"the previous copy"
    build_master_audio([recorded[0].path], out)

    assert [p.name for p in out.parent.iterdir()] == ["master.webm"]
    assert out.read_bytes().startswith(bytes.fromhex("1a45dfa3"))  # EBML: a WebM file
