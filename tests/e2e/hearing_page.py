"""The join page as the tests see it: tiles, colours, timings, the selected ICE pair, and the
court's admission of a participant from the waiting room."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from court.permissions import ROLE_PERMISSIONS, Permission
from court.roles import Role

WAIT_MS = 15000  # generous: the machine may be shared (browser-testing.md gotcha 19)

# Roles that see the camera and microphone check before they join.
PUBLISHING = {
    role.value
    for role, granted in ROLE_PERMISSIONS.items()
    if Permission.PUBLISH_AUDIO in granted or Permission.PUBLISH_VIDEO in granted
}

COLOURS = {
    "red": "#ff0000",
    "green": "#00ff00",
    "blue": "#0000ff",
}


def camera_script(colour: str, *, tone: bool, deny_camera: bool = False) -> str:
    """An init script: getUserMedia's camera becomes a solid ``colour`` canvas.

    The microphone stays Chromium's fake one (the tone file) when ``tone``; otherwise it is a
    silent Web Audio track, so that exactly one participant is heard in the recording.
    ``deny_camera`` refuses every request that includes the camera, as a person who clicks
    "Block" would.
    """
    return f"""
(() => {{
  const COLOUR = {json.dumps(colour)};
  const TONE = {json.dumps(tone)};
  const DENY_CAMERA = {json.dumps(deny_camera)};
  const devices = navigator.mediaDevices;
  if (!devices) return;
  const original = devices.getUserMedia.bind(devices);
  window.__getUserMediaCalls = 0;
  devices.getUserMedia = async (constraints = {{}}) => {{
    window.__getUserMediaCalls += 1;
    if (DENY_CAMERA && constraints.video) {{
      throw new DOMException("Permission denied", "NotAllowedError");
    }}
    const tracks = [];
    if (constraints.audio) {{
      if (TONE) {{
        const mic = await original({{ audio: constraints.audio, video: false }});
        tracks.push(...mic.getAudioTracks());
      }} else {{
        // Silent until the test speaks: window.__voice.speak(true) sounds a 220 Hz voice.
        const ctx = new AudioContext();
        const destination = ctx.createMediaStreamDestination();
        const voice = ctx.createOscillator();
        const gain = ctx.createGain();
        gain.gain.value = 0;
        voice.frequency.value = 220;
        voice.connect(gain).connect(destination);
        voice.start();
        window.__voice = {{
          speak: (on) => {{ gain.gain.setValueAtTime(on ? 0.3 : 0, ctx.currentTime); }},
        }};
        tracks.push(...destination.stream.getAudioTracks());
      }}
    }}
    if (constraints.video) {{
      const canvas = document.createElement("canvas");
      canvas.width = 320;
      canvas.height = 180;
      const g = canvas.getContext("2d");
      let n = 0;
      const paint = () => {{
        n += 1;
        g.fillStyle = COLOUR;
        g.fillRect(0, 0, canvas.width, canvas.height);
        // A tiny changing corner keeps the encoder producing frames.
        g.fillStyle = n % 2 ? "rgba(0,0,0,0.05)" : "rgba(255,255,255,0.05)";
        g.fillRect(0, 0, 6, 6);
      }};
      paint();
      setInterval(paint, 66);
      tracks.push(canvas.captureStream(15).getVideoTracks()[0]);
    }}
    return new MediaStream(tracks);
  }};
}})();
"""


# Opens the hearing unless it is open or sitting already (an earlier test opened it).
_OPEN_HEARING = """
async () => {
  if (window.courtroom.state().hearingState !== "scheduled") return;
  try {
    await window.courtroom.signaling.command("set_hearing_state", { state: "open" });
  } catch (err) {
    if (err.code !== "invalid_state") throw err;
  }
}
"""

_REMOTE_TILES_READY = """
(roles) => {
  if (!window.courtroom) return false;
  const tiles = [...document.querySelectorAll("figure.tile[data-participant-id]")];
  const got = tiles.map((f) => f.dataset.role).sort();
  if (JSON.stringify(got) !== JSON.stringify(roles)) return false;
  return tiles.every((f) => {
    const v = f.querySelector("video");
    return v.videoWidth > 0 && v.currentTime > 0.3;
  });
}
"""

_REMOTE_ROLES = """
(roles) => {
  const got = [...document.querySelectorAll("figure.tile[data-participant-id]")]
    .map((f) => f.dataset.role).sort();
  return JSON.stringify(got) === JSON.stringify(roles);
}
"""

_TILE_PIXELS = """
() => [...document.querySelectorAll("figure.tile[data-participant-id]")].map((f) => {
  const v = f.querySelector("video");
  const c = document.createElement("canvas");
  c.width = 64;
  c.height = 36;
  const g = c.getContext("2d");
  g.drawImage(v, 0, 0, c.width, c.height);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let r = 0, gr = 0, b = 0, n = 0;
  for (let i = 0; i < d.length; i += 4) { r += d[i]; gr += d[i + 1]; b += d[i + 2]; n += 1; }
  return {
    id: f.dataset.participantId,
    role: f.dataset.role,
    caption: f.querySelector("figcaption").textContent,
    rgb: [r / n, gr / n, b / n],
    width: v.videoWidth,
    height: v.videoHeight,
  };
})
"""

_VIDEO_TIMES = """
() => Object.fromEntries([...document.querySelectorAll("figure.tile[data-participant-id]")]
  .map((f) => [f.dataset.participantId, f.querySelector("video").currentTime]))
"""

_ADVANCED = """
(before) => {
  const tiles = [...document.querySelectorAll("figure.tile[data-participant-id]")];
  return tiles.length > 0 && tiles.every((f) => {
    const t = before[f.dataset.participantId];
    return t !== undefined && f.querySelector("video").currentTime > t + 0.5;
  });
}
"""


@dataclass
class HearingPage:
    page: Any
    url: str
    role: str
    context: Any
    opened_at: float = field(default=0.0)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Uncaught exceptions and Content-Security-Policy refusals are bugs in the page.
        self.page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.problems.append(f"console: {text}")

    def open(self, *, through_check: bool = True) -> None:
        """Open the link; a publishing role goes through the device check with its button
        (a link the server refuses shows no check)."""
        self.opened_at = time.monotonic()
        self.page.goto(self.url)
        if through_check and self.role in PUBLISHING and self.wait_past_connect() == "device-check":
            self.join_from_check()

    def wait_past_connect(self) -> str:
        """The page's phase once the server has accepted or refused the link."""
        phase: str = self.page.wait_for_function(
            "() => window.courtroom && !['connecting'].includes(window.courtroom.state().phase)"
            " && window.courtroom.state().phase",
            timeout=WAIT_MS,
        ).json_value()
        return phase

    def join_from_check(self) -> None:
        self.page.get_by_role("button", name="Join the hearing").click(timeout=WAIT_MS)

    def state(self) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate("() => window.courtroom.state()")
        return result

    def device_check(self) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate("() => window.courtroom.deviceCheck()")
        return result

    def wait_joined(self) -> None:
        self.page.wait_for_function(
            "() => window.courtroom && window.courtroom.state().phase === 'joined'",
            timeout=WAIT_MS,
        )

    def wait_room(self, kind: str, timeout: int = WAIT_MS) -> None:
        self.page.wait_for_function(
            "(kind) => window.courtroom && window.courtroom.state().phase === 'joined'"
            " && window.courtroom.state().roomKind === kind",
            arg=kind,
            timeout=timeout,
        )

    # ---- the court's side (a judge's or clerk's page) ----

    def command(self, event: str, payload: dict[str, Any] | None = None) -> Any:
        """Send a signaling command from this page; a refusal raises (Playwright's Error)."""
        return self.page.evaluate(
            "([event, payload]) => window.courtroom.signaling.command(event, payload)",
            [event, payload or {}],
        )

    def open_hearing(self) -> None:
        """The clerk opens the waiting room (once per hearing: the e2e session shares one)."""
        self.wait_joined()
        self.page.evaluate(_OPEN_HEARING)
        self.page.wait_for_function(
            "() => window.courtroom.state().hearingState !== 'scheduled'", timeout=WAIT_MS
        )

    def admit(self, *others: HearingPage) -> None:
        """Bring each of ``others`` from the waiting room into the hearing room, as the court
        does (witnesses are called), and wait until their pages show the hearing room."""
        self.open_hearing()
        for other in others:
            other.wait_joined()
            state = other.state()
            if state["roomKind"] == "waiting":
                command = "call_witness" if other.role == Role.WITNESS.value else "admit"
                self.command(command, {"participant_id": state["participant"]["id"]})
            other.wait_room("hearing")

    def wait_for_remote_video(self, roles: list[str], timeout: int = WAIT_MS) -> None:
        """Exactly these roles have remote tiles, and every one of them is playing."""
        self.page.wait_for_function(_REMOTE_TILES_READY, arg=sorted(roles), timeout=timeout)

    def wait_for_remote_roles(self, roles: list[str], timeout: int = WAIT_MS) -> None:
        self.page.wait_for_function(_REMOTE_ROLES, arg=sorted(roles), timeout=timeout)

    def remote_roles(self) -> list[str]:
        roles: list[str] = self.page.evaluate(
            "() => [...document.querySelectorAll('figure.tile[data-participant-id]')]"
            ".map((f) => f.dataset.role).sort()"
        )
        return roles

    def tile_pixels(self) -> list[dict[str, Any]]:
        tiles: list[dict[str, Any]] = self.page.evaluate(_TILE_PIXELS)
        return tiles

    def wait_videos_advance(self) -> None:
        before = self.page.evaluate(_VIDEO_TIMES)
        self.page.wait_for_function(_ADVANCED, arg=before, timeout=WAIT_MS)

    def selected_pair(self) -> dict[str, str] | None:
        pair: dict[str, str] | None = self.page.evaluate("() => window.courtroom.selectedPair()")
        return pair

    def send_encodings(self) -> list[dict[str, Any]]:
        senders: list[dict[str, Any]] = self.page.evaluate("() => window.courtroom.sendEncodings()")
        return senders

    def screenshot(self, path: Path) -> Path:
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


def dominant_channel(rgb: list[float]) -> str:
    return ("red", "green", "blue")[max(range(3), key=lambda i: rgb[i])]
