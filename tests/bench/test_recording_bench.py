"""The recording benchmark's own parts: its media, its baseline mixer, and what it prints."""

from __future__ import annotations

from pathlib import Path

import av

from bench.recording import (
    FPS,
    OPUS_FRAME,
    RATE,
    LiveResult,
    NaiveMixer,
    Results,
    ViewingResult,
    make_media,
    report,
)


def live(track_thread: float, mixer_thread: float) -> LiveResult:
    return LiveResult(
        participants=6,
        window_s=30.0,
        tracks_thread_cores=track_thread,
        track_push_cores=0.0,
        mixer_thread_cores=mixer_thread,
        source_push_cores=0.0,
        naive_mix_cores=0.04,
        feeder_cores=0.02,
        other_threads_cores=0.0,
        other_processes_cores=0.0,
        recorded_s=33.0,
        master_s=33.0,
        packets_pushed=100,
        packets_in_tracks=100,
        master_rms=0.4,
    )


def results(track_thread: float, mixer_thread: float, viewing: ViewingResult | str) -> Results:
    return Results(
        media_video_kbps=800.0,
        warmup_s=3.0,
        load_before=0.1,
        load_after=0.2,
        live=live(track_thread, mixer_thread),
        transcoding_cores=0.5,
        our_mix_offline_cores=0.015,
        naive_mix_offline_cores=0.02,
        viewing=viewing,
    )


def test_the_report_gives_each_figure_with_its_target_and_how_it_compares() -> None:
    viewing = ViewingResult(33.0, 11.0, 1.5, 1280, 720, 100)
    text = report(results(track_thread=0.006, mixer_thread=0.008, viewing=viewing))

    assert "track recording: 0.0010 core/participant (target <= 0.02)" in text
    assert "500.0x cheaper than transcoding" in text
    assert "master mix: 0.0080 core for 6 inputs (target <= 0.01) - 5.0x cheaper" in text
    assert "viewing copy: 3.0x real time (target >= 2)" in text
    assert text.splitlines()[-1].startswith("PASS")


def test_a_figure_over_its_target_fails_the_run() -> None:
    viewing = ViewingResult(33.0, 11.0, 1.5, 1280, 720, 100)
    text = report(results(track_thread=0.006, mixer_thread=0.03, viewing=viewing))

    assert "master mix: 0.0300 core" in text and "FAIL" in text
    assert text.splitlines()[-1].startswith("FAIL")


def test_a_viewing_copy_that_cannot_be_built_is_reported_not_available() -> None:
    text = report(results(0.006, 0.008, viewing="not available (no module)"))

    assert "viewing copy: not available (no module)  FAIL" in text
    assert text.splitlines()[-1].startswith("FAIL")


def test_the_media_is_one_packet_per_frame_and_starts_on_a_keyframe() -> None:
    media = make_media(seconds=2)

    assert len(media.video) == 2 * FPS
    assert len(media.audio) == 2 * RATE // OPUS_FRAME
    assert not media.video[0][0] & 0x01  # VP8 keyframe
    assert 500 < media.video_kbps < 1200


def test_the_naive_mixer_writes_20_ms_of_mix_per_tick(tmp_path: Path) -> None:
    media = make_media(seconds=1)
    mixer = NaiveMixer(2, tmp_path / "naive.ogg")
    for tick, data in enumerate(media.audio):
        mixer.push(0, data, tick * OPUS_FRAME)
        mixer.push(1, data, tick * OPUS_FRAME)
        mixer.tick()
    mixer.close()

    with av.open(str(tmp_path / "naive.ogg")) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
    assert abs(samples - len(media.audio) * OPUS_FRAME) <= OPUS_FRAME
