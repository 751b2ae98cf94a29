"""A participant's track is cut into segments of bounded record time, like the master:
audio at the first frame past the length, video at the first keyframe past it (which the
writer asks for), each segment hashed into the manifest, and no frame moved in time."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.codeccontext import VideoCodecContext
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recordings.manifest import MANIFEST_FILE, read_entries
from recordings.tracks import TrackRecorder, parse_track_name, track_name
from recordings.verification import RECORDED_FILE, verify_recording
from server.archive.service import classify
from tests.recordings.audio import PACKET, RATE, tone_packets
from tests.recordings.records import finish, new_manifest

FPS = 30
VIDEO_CLOCK = 90_000


def _vp8_frames(count: int, keyframe_every: int) -> list[tuple[bytes, bool]]:
    codec = av.CodecContext.create("libvpx", "w")
    assert isinstance(codec, VideoCodecContext)
    codec.width, codec.height = 160, 120
    codec.pix_fmt = "yuv420p"
    codec.time_base = Fraction(1, FPS)
    codec.gop_size = keyframe_every
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    frames: list[tuple[bytes, bool]] = []
    for n in range(count):
        image = np.full((120, 160, 3), (n * 7) % 255, dtype=np.uint8)
        picture = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")
        picture.pts = n
        frames.extend((bytes(p), p.is_keyframe) for p in codec.encode(picture))
    frames.extend((bytes(p), p.is_keyframe) for p in codec.encode(None))
    return frames


def _packet_times(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [int(p.pts) for p in container.demux(container.streams[0]) if p.pts is not None]


def test_tracks_are_cut_into_segments_that_together_hold_every_frame_in_place(
    tmp_path: Path,
) -> None:
    key = Ed25519PrivateKey.generate()
    manifest = new_manifest(tmp_path, "rec_segments", key)
    now = [0]
    recorder = TrackRecorder(tmp_path, manifest, lambda: now[0], segment_s=1.0)
    audio = recorder.add("prt_a", "audio")
    video = recorder.add("prt_a", "video")
    packets = tone_packets(440.0, 3.5)  # 175 packets of 20 ms
    frames = _vp8_frames(105, keyframe_every=45)  # keyframes at 0, 1.5 s and 3 s
    asked_at: list[int] = []
    next_frame = 0
    for ms in range(0, 3500, 10):
        now[0] = ms
        if ms % 20 == 0:
            audio.push(packets[ms // 20], ms // 20 * PACKET, Fraction(1, RATE), True)
        while next_frame < len(frames) and next_frame * 1000 // FPS <= ms:
            data, keyframe = frames[next_frame]
            rtp = next_frame * VIDEO_CLOCK // FPS
            video.push(data, rtp, Fraction(1, VIDEO_CLOCK), keyframe)
            next_frame += 1
        if ms % 50 == 0:
            time.sleep(0.004)  # let the writer thread collect, as it does every 50 ms
            if video.wants_keyframe:
                asked_at.append(ms)
    audio.close()
    video.close()
    recorder.close()
    finish(tmp_path, manifest, 3.5)

    entries = [e for e in read_entries(tmp_path / MANIFEST_FILE)]
    audio_files = [e for e in entries if "-audio-" in e.file]
    video_files = [e for e in entries if "-video-" in e.file]
    assert [e.file for e in audio_files] == [f"track-prt_a-audio-{n}.webm" for n in (1, 2, 3, 4)]
    assert [(e.start_ms, e.end_ms) for e in audio_files] == [
        (0, 980),
        (1000, 1980),
        (2000, 2980),
        (3000, 3480),
    ]
    # Video is cut only at a keyframe: the first segment runs on to the keyframe at 1.5 s.
    assert [(e.start_ms, e.end_ms) for e in video_files] == [(0, 1467), (1500, 2967), (3000, 3467)]
    # Past a segment's length the writer asked for a keyframe, and stopped once it came.
    # (When exactly is the thread's business: it collects every 50 ms of real time, and
    # this test runs faster than that.)
    assert asked_at
    assert not video.wants_keyframe

    # Together the files hold every frame, each at its own record time.
    audio_times = [t for e in audio_files for t in _packet_times(tmp_path / e.file)]
    assert audio_times == list(range(0, 3500, 20))
    video_times = [t for e in video_files for t in _packet_times(tmp_path / e.file)]
    assert video_times == [round(n * 1000 / FPS) for n in range(105)]
    for entry in video_files:
        with av.open(str(tmp_path / entry.file)) as container:
            first = next(container.demux(container.streams.video[0]))
            assert first.is_keyframe, entry.file

    report = verify_recording(tmp_path, "rec_segments", key.public_key())
    assert report.ok, report.findings


def test_a_screen_track_is_named_apart_from_the_camera_and_read_back_as_such() -> None:
    for kind in ("audio", "video", "screen"):
        name = track_name("prt_a-b_1", kind, 3)
        assert parse_track_name(name) == ("prt_a-b_1", kind)
        assert RECORDED_FILE.match(name)  # listed, verified and recovered like the others
    assert track_name("prt_x", "video", 1) == "track-prt_x-video-1.webm"  # unchanged
    assert parse_track_name("track-prt_x-slides-1.webm") is None
    # The archive serves a screen as video, under its own name.
    item = classify("rec_1", "track-prt_x-screen-2.webm", 10)
    assert item is not None and (item.kind, item.participant_id, item.media) == (
        "track",
        "prt_x",
        "video",
    )
