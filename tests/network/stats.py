"""What a page receives, as its browser counts it (getStats), for the tests on impaired
links: a moving 30 fps camera to send, the inbound counters summed per kind, and the figures
over a window (frames decoded per second, freezes, loss, NACKs, concealed audio).
"""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.hearing_page import HearingPage

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
        "video_kbit_s": round(delta("video", "bytesReceived") * 8 / 1000 / seconds),
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
