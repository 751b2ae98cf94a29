"""A hearing on a lossy link: 5 % random packet loss on one participant's link, measured by
both browsers' getStats (frames decoded per second, freezes, concealed audio samples).

The clerk's Chromium runs in a namespace of its own whose link drops 5 % of packets each way
(iptables ``statistic``; this kernel has no netem); the judge's Chromium is on a clean link.
Each page measures what it receives: the judge what the clerk sends through the lossy
uplink, the clerk what reaches it through the lossy downlink. The figures are written to
``E2E_SHOTS_DIR/impairment-loss-5.json`` for the record.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.e2e.harness import SHOTS_FOR_REVIEW, Server
from tests.e2e.hearing_page import HearingPage
from tests.network.conftest import launch_chromium
from tests.network.topology import LossyLink

pytestmark = pytest.mark.timeout(180)

LOSS = 0.05
BASELINE_S = 10
IMPAIRED_S = 20
# Targets from issue 16; the test asserts what must hold (media keeps flowing, the link
# really lost packets) and records how far from the targets it is.
TARGET_FPS = 20
TARGET_CONCEALED = 0.02

# A camera of 30 frames a second with motion in it (the encoder has real work), 320x180,
# and Chromium's fake microphone (the tone file).
CAMERA_30FPS = """
(() => {
  const devices = navigator.mediaDevices;
  if (!devices) return;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints = {}) => {
    const tracks = [];
    if (constraints.audio) {
      const mic = await original({ audio: constraints.audio, video: false });
      tracks.push(...mic.getAudioTracks());
    }
    if (constraints.video) {
      const canvas = document.createElement("canvas");
      canvas.width = 320;
      canvas.height = 180;
      const g = canvas.getContext("2d");
      let n = 0;
      setInterval(() => {
        n += 1;
        g.fillStyle = "#3060a0";
        g.fillRect(0, 0, canvas.width, canvas.height);
        g.fillStyle = "#f0f0f0";
        g.fillRect((n * 4) % canvas.width, 40, 40, 100);
      }, 33);
      tracks.push(canvas.captureStream(30).getVideoTracks()[0]);
    }
    return new MediaStream(tracks);
  };
})();
"""


def snapshot(page: HearingPage) -> dict[str, dict[str, float]]:
    """The page's inbound RTP counters, summed per kind, with the time they were read."""
    streams: list[dict[str, Any]] = page.page.evaluate("() => window.courtroom.inbound()")
    totals: dict[str, dict[str, float]] = {}
    for stream in streams:
        into = totals.setdefault(stream["kind"], {})
        for name, value in stream.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                into[name] = into.get(name, 0) + value
    totals["at"] = {"s": time.monotonic()}
    return totals


def measured(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]
) -> dict[str, float]:
    seconds = after["at"]["s"] - before["at"]["s"]

    def delta(kind: str, name: str) -> float:
        return after.get(kind, {}).get(name, 0) - before.get(kind, {}).get(name, 0)

    video_packets = delta("video", "packetsReceived") + delta("video", "packetsLost")
    samples = delta("audio", "totalSamplesReceived")
    return {
        "seconds": round(seconds, 1),
        "video_fps": round(delta("video", "framesDecoded") / seconds, 1),
        "freezes": delta("video", "freezeCount"),
        "freeze_s": round(delta("video", "totalFreezesDuration"), 2),
        "video_loss": round(delta("video", "packetsLost") / video_packets, 4)
        if video_packets
        else 0,
        "nacks": delta("video", "nackCount"),
        "audio_concealed": round(delta("audio", "concealedSamples") / samples, 4) if samples else 1,
        "audio_packets_lost": delta("audio", "packetsLost"),
    }


def measure(pages: dict[str, HearingPage], seconds: float) -> dict[str, dict[str, float]]:
    before = {name: snapshot(page) for name, page in pages.items()}
    time.sleep(seconds)  # the measurement window itself
    return {name: measured(before[name], snapshot(page)) for name, page in pages.items()}


def test_five_percent_loss_on_one_participants_link(
    playwright_driver: Any,
    plain_server: Server,
    lossy_link: LossyLink,
    browser_dirs: Any,
) -> None:
    origins = [plain_server.url]
    clean = launch_chromium(playwright_driver, browser_dirs("clean"), None, origins)
    lossy = launch_chromium(playwright_driver, browser_dirs("lossy"), lossy_link.namespace, origins)
    pages: dict[str, HearingPage] = {}
    try:
        for role, browser in (("judge", clean), ("clerk", lossy)):
            context = browser.new_context(viewport={"width": 960, "height": 600})
            context.add_init_script(CAMERA_30FPS)
            pages[role] = HearingPage(
                context.new_page(), url=plain_server.join_url(role), role=role, context=context
            )
            pages[role].open()
            pages[role].wait_joined()
        pages["judge"].wait_for_remote_video(["clerk"], timeout=30_000)
        pages["clerk"].wait_for_remote_video(["judge"], timeout=30_000)
        assert pages["clerk"].selected_pair()["local"].startswith("10.17.1.10:")  # type: ignore[index]
        time.sleep(3)  # past the start: bandwidth estimation ramps up

        baseline = measure(pages, BASELINE_S)
        lossy_link.lose(LOSS)
        impaired = measure(pages, IMPAIRED_S)
        dropped = lossy_link.dropped()
        lossy_link.lose(0)
    finally:
        for page in pages.values():
            page.close()
        clean.close()
        lossy.close()

    report = {
        "loss": LOSS,
        "dropped_packets": dropped,
        "baseline": baseline,
        "impaired": impaired,
        "targets": {"video_fps": TARGET_FPS, "audio_concealed": TARGET_CONCEALED},
    }
    SHOTS_FOR_REVIEW.mkdir(parents=True, exist_ok=True)
    (SHOTS_FOR_REVIEW / "impairment-loss-5.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    # The link really lost about 5 %: what the clerk's browser counts missing before repair.
    assert dropped > 0
    assert 0.02 <= impaired["clerk"]["video_loss"] <= 0.12, report
    for role in ("judge", "clerk"):
        assert baseline[role]["video_fps"] >= TARGET_FPS, report
        # Video holds at the target both ways: the lost packets are asked for again (NACK)
        # and retransmitted (RTX), by the relay towards the clerk and by the clerk's
        # browser towards the relay.
        assert impaired[role]["video_fps"] >= TARGET_FPS, report
        assert impaired[role]["freeze_s"] < 1.0, report
        # Opus has no retransmission: concealment follows the loss of the clerk's own
        # link (measured 4-5 % for the clerk, above the 2 % target; see the report).
        assert impaired[role]["audio_concealed"] < 0.10, report
    assert impaired["clerk"]["nacks"] > 0, report
