"""Three people in one hearing: each sees the other two, right colour under the right name,
and the recording the judge starts holds the defendant's 440 Hz tone."""

from __future__ import annotations

import time
from pathlib import Path

import av
import numpy as np
import pytest

from tests.e2e.harness import IN_NETNS, TONE_HZ, OpenParticipant, Server, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage, dominant_channel
from tests.support.master import master_files

pytestmark = pytest.mark.e2e

CAMERAS = {"judge": "red", "defendant": "green", "witness": "blue"}
ROLE_LABELS = {"judge": "Judge", "defendant": "Defendant", "witness": "Witness"}


def _master_of(recordings: Path, recording_id: str) -> Path:
    found = list(recordings.glob(f"*/{recording_id}/segment-000001.ogg"))
    assert len(found) == 1, f"no master segment of {recording_id} under {recordings}"
    return found[0].parent


def _decode_mono(path: Path) -> tuple[np.ndarray, int]:
    """The master's segments, resampled to 16-bit mono 48 kHz and joined."""
    chunks: list[np.ndarray] = []
    rate = 0
    for segment in master_files(path):
        with av.open(str(segment)) as container:
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    rate = out.sample_rate
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    return np.concatenate(chunks).astype(np.float64), rate


def _peak_hz(samples: np.ndarray, rate: int) -> float:
    window = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(window))
    spectrum[: int(50 * len(samples) / rate)] = 0  # ignore DC and rumble below 50 Hz
    return float(np.argmax(spectrum) * rate / len(samples))


def test_each_participant_sees_the_other_two_in_their_colours_and_the_tone_is_recorded(
    server: Server, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    pages: dict[str, HearingPage] = {}
    for role, colour in CAMERAS.items():
        pages[role] = open_participant(role, colour=COLOURS[colour], tone=role == "defendant")
    pages["judge"].admit(pages["defendant"], pages["witness"])

    for role, page in pages.items():
        others = [r for r in CAMERAS if r != role]
        page.wait_for_remote_video(others)

    for role, page in pages.items():
        tiles = page.tile_pixels()
        assert sorted(t["role"] for t in tiles) == sorted(r for r in CAMERAS if r != role)
        for tile in tiles:
            seen = tile["role"]
            assert server.name(seen) in tile["caption"], tile
            assert ROLE_LABELS[seen] in tile["caption"], tile
            assert dominant_channel(tile["rgb"]) == CAMERAS[seen], (
                f"{role} sees {seen} as {tile['rgb']}, expected {CAMERAS[seen]}"
            )
        page.wait_videos_advance()
        own = page.page.locator("figure.tile--self figcaption")
        assert own.inner_text().startswith("You — ")

    for role, page in pages.items():
        senders = {s["kind"]: s["maxBitrate"] for s in page.send_encodings()}
        assert set(senders) == {"audio", "video"}, (role, senders)
        assert senders["video"] == [700_000], (role, senders)

    if IN_NETNS:
        for role, page in pages.items():
            pair = page.selected_pair()
            assert pair is not None, f"{role} has no selected ICE candidate pair"
            assert pair["local"].startswith("127.0.0.1:"), (role, pair)
            assert pair["remote"].startswith("127.0.0.1:"), (role, pair)

    shot = pages["judge"].screenshot(shots_dir / "three-participants-judge.png")
    pages["defendant"].screenshot(shots_dir / "three-participants-defendant.png")
    save_for_review(shot)

    # The judge records about four seconds of the hearing. The recording runs at least from
    # the moment every page shows the badge until "Stop" is clicked, and at most from the
    # "Start" click until every badge is gone.
    judge = pages["judge"]
    clicked_start = time.monotonic()
    judge.page.get_by_role("button", name="Start recording").click()
    for page in pages.values():
        page.page.locator("#recording-badge").wait_for(state="visible", timeout=WAIT_MS)
    all_badges_on = time.monotonic()
    recording_id = judge.state()["recording"]["id"]
    save_for_review(judge.screenshot(shots_dir / "recording-judge.png"))
    judge.page.wait_for_timeout(4000)  # the length of the recording, not a wait for a state
    clicked_stop = time.monotonic()
    judge.page.get_by_role("button", name="Stop recording").click()
    for page in pages.values():
        page.page.locator("#recording-badge").wait_for(state="hidden", timeout=WAIT_MS)
    all_badges_off = time.monotonic()
    shortest, longest = clicked_stop - all_badges_on, all_badges_off - clicked_start

    master = _master_of(server.recordings_dir, recording_id)
    samples, rate = _decode_mono(master)
    duration = len(samples) / rate
    print(
        f"\nrecorded between {shortest:.2f} s and {longest:.2f} s by the test's clock, "
        f"the master holds {duration:.2f} s"
    )
    assert shortest - 0.25 <= duration <= longest + 0.25, (shortest, duration, longest)
    # Skip the first half second: the tone may start a few frames into the recording.
    steady = samples[int(0.5 * rate) :]
    peak = _peak_hz(steady, rate)
    rms = float(np.sqrt(np.mean(steady**2)))
    print(f"FFT peak {peak:.1f} Hz, RMS {rms:.0f}")
    assert abs(peak - TONE_HZ) <= 5, peak
    assert rms > 500, rms
