"""A whole hearing, played in real Chromium the way the court and the parties would.

The clerk opens the waiting room; the parties wait; the clerk admits them; the judge
starts; a witness is called, speaks and is dismissed; the defendant and counsel consult in
private and return; the judge pauses, resumes and closes. The defendant's and the
witness's microphones play a 440 Hz tone throughout (Chromium's fake capture), everyone
else sends silence, so the tone measures where the defendant's audio goes (the witness is
back in the waiting room by then): it must be absent from the other
participants' received audio and from the hearing's recording during the consultation, and
present before and after it.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.e2e.harness import OpenParticipant, Server, audit_entries, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage
from tests.e2e.scheduling import Scheduler
from tests.support.master import decode_mono

pytestmark = pytest.mark.e2e

CAST = {
    "judge": "Judith Whole",
    "clerk": "Clara Whole",
    "prosecutor": "Peter Crown",
    "defence": "Dora Defence",
    "defendant": "Dmitri Whole",
    "witness": "Wanda Witness",
}
TONE_HZ = 440.0

# Keeps every RTCPeerConnection the page makes, so the test reads the browser's own RTP
# statistics (what arrived, not what the page chose to show).
_KEEP_PEER_CONNECTIONS = """
(() => {
  const Original = window.RTCPeerConnection;
  window.__peerConnections = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    window.__peerConnections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
})();
"""

# The audio energy received so far on every inbound audio stream of the page, summed.
_RECEIVED_AUDIO_ENERGY = """
async () => {
  let energy = 0;
  for (const pc of window.__peerConnections) {
    if (pc.connectionState === "closed") continue;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") energy += s.totalAudioEnergy || 0;
    });
  }
  return energy;
}
"""


# The audio energy received so far from one participant: the inbound streams whose track
# plays in that participant's tile.
_ENERGY_FROM = """
async (participantId) => {
  const tile = document.querySelector(`figure.tile[data-participant-id="${participantId}"]`);
  const ids = new Set();
  for (const media of tile ? tile.querySelectorAll("video, audio") : []) {
    if (media.srcObject) media.srcObject.getAudioTracks().forEach((t) => ids.add(t.id));
  }
  let energy = 0;
  for (const pc of window.__peerConnections) {
    if (pc.connectionState === "closed") continue;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type === "inbound-rtp" && ids.has(s.trackIdentifier)) energy += s.totalAudioEnergy;
    });
  }
  return energy;
}
"""


def _open(open_participant: OpenParticipant, role: str, token: str, **kw: Any) -> HearingPage:
    page = open_participant(role, token=token, goto=False, **kw)
    page.context.add_init_script(_KEEP_PEER_CONNECTIONS)
    page.open()
    return page


def _button(page: HearingPage, name: str | re.Pattern[str]) -> Any:
    return page.page.get_by_role("button", name=name)


def _wait_state(pages: list[HearingPage], state: str) -> None:
    for page in pages:
        page.page.wait_for_function(
            "(s) => window.courtroom.state().hearingState === s", arg=state, timeout=WAIT_MS
        )


def _energy_over(pages: list[HearingPage], seconds: float) -> list[float]:
    """The audio energy each page receives during the next ``seconds``."""
    before = [p.page.evaluate(_RECEIVED_AUDIO_ENERGY) for p in pages]
    time.sleep(seconds)
    after = [p.page.evaluate(_RECEIVED_AUDIO_ENERGY) for p in pages]
    return [float(a - b) for a, b in zip(after, before, strict=True)]


def _shot(page: HearingPage, shots_dir: Path, name: str) -> None:
    save_for_review(page.screenshot(shots_dir / name))


def _record_times(server: Server, browser: Any, hearing_id: str, action: str) -> list[float]:
    """Record times (s) of the hearing's audit entries with ``action``, read as an admin."""
    times = []
    for entry in audit_entries(server, browser, action, limit=500):
        if not entry["object"].startswith(f"hearing:{hearing_id}"):
            continue
        match = re.search(r"record time (\d+):(\d\d):(\d\d)\.(\d{3})", entry["reason"])
        assert match, entry
        h, m, s, ms = (int(g) for g in match.groups())
        times.append(h * 3600 + m * 60 + s + ms / 1000)
    return times


def _tone_level(samples: np.ndarray, rate: int, start_s: float, end_s: float) -> float:
    window = samples[int(start_s * rate) : int(end_s * rate)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window)))) / len(window)
    freqs = np.fft.rfftfreq(len(window), 1 / rate)
    return float(spectrum[(freqs > TONE_HZ - 15) & (freqs < TONE_HZ + 15)].max())


def _sealed(server: Server, hearing_id: str) -> bool:
    found = list((server.data_dir / "recordings" / hearing_id).glob("*/recording.json"))
    return bool(found) and json.loads(found[0].read_text())["stopped_at"] is not None


def _master(server: Server, hearing_id: str) -> tuple[np.ndarray, int]:
    # The hearing's one recording (beside it, once it has closed, the archive's copies/).
    [directory] = sorted((server.data_dir / "recordings" / hearing_id).glob("rec_*"))
    return decode_mono(directory)


def test_a_whole_hearing_from_opening_to_closing(
    own_hearings: Scheduler,
    open_participant: OpenParticipant,
    server: Server,
    browser: Any,
    shots_dir: Path,
) -> None:
    hearing = own_hearings.hearing("State v. Whole — a whole hearing", CAST)
    tokens = hearing.tokens
    clerk = _open(open_participant, "clerk", tokens["clerk"], colour="#808080")
    judge = _open(open_participant, "judge", tokens["judge"], colour=COLOURS["red"])
    defendant = _open(
        open_participant, "defendant", tokens["defendant"], colour=COLOURS["green"], tone=True
    )
    defence = _open(open_participant, "defence", tokens["defence"], colour=COLOURS["blue"])
    prosecutor = _open(open_participant, "prosecutor", tokens["prosecutor"], colour="#ffff00")
    witness = _open(open_participant, "witness", tokens["witness"], colour="#ff00ff", tone=True)
    parties = [defendant, defence, prosecutor]
    everyone = [clerk, judge, *parties, witness]

    # ---- the waiting room -------------------------------------------------------------
    clerk.wait_room("hearing")
    judge.wait_room("hearing")
    for page in [*parties, witness]:
        page.wait_room("waiting")
    waiting = defendant.page
    assert waiting.locator("figure.tile--self video").count() == 1
    assert defendant.remote_roles() == []
    assert "waiting room" in waiting.inner_text("main").lower()
    _shot(defendant, shots_dir, "whole-1-waiting-room-defendant.png")

    # ---- the clerk opens and admits the parties (not the witness) ----------------------
    _button(clerk, "Open the waiting room").click()
    _wait_state(everyone, "open")
    clerk.page.wait_for_function(
        "() => document.querySelector('#court-panel').innerText.includes('Dmitri Whole')",
        timeout=WAIT_MS,
    )
    _shot(clerk, shots_dir, "whole-2-clerk-panel-waiting.png")
    panel = clerk.page.locator("#court-panel")
    for name in ("Dmitri Whole", "Dora Defence", "Peter Crown", "Wanda Witness"):
        assert name in panel.inner_text()
    _button(clerk, re.compile(r"^Admit all")).click()
    for page in parties:
        page.wait_room("hearing")
    assert witness.state()["roomKind"] == "waiting"
    judge.wait_for_remote_video(["clerk", "defence", "defendant", "prosecutor"])
    assert witness.remote_roles() == []

    # ---- the judge starts: the recorder runs ---------------------------------------------
    _button(judge, "Start the hearing").click()
    _wait_state(everyone, "in_session")
    judge.page.wait_for_selector("#recording-badge:not([hidden])", timeout=WAIT_MS)
    _shot(judge, shots_dir, "whole-3-judge-in-session.png")
    tiles = judge.remote_roles()
    assert tiles == ["clerk", "defence", "defendant", "prosecutor"], tiles

    # ---- a witness is called, speaks, and is dismissed ---------------------------------
    _button(clerk, "Call witness Wanda Witness").click()
    witness.wait_room("hearing")
    judge.wait_for_remote_video(["clerk", "defence", "defendant", "prosecutor", "witness"])
    witness.wait_for_remote_video(["clerk", "defence", "defendant", "judge", "prosecutor"])
    _shot(witness, shots_dir, "whole-4-witness-called.png")
    # The witness speaks (its microphone plays the tone too) and the judge hears it.
    witness_id = witness.state()["participant"]["id"]
    before_words = judge.page.evaluate(_ENERGY_FROM, witness_id)
    time.sleep(1.5)
    witness_heard = judge.page.evaluate(_ENERGY_FROM, witness_id) - before_words
    assert witness_heard > 0.01, witness_heard
    _button(clerk, re.compile(r"^Dismiss witness Wanda Witness")).click()
    witness.wait_room("waiting")
    judge.wait_for_remote_roles(["clerk", "defence", "defendant", "prosecutor"])

    # ---- before the consultation: everyone receives the defendant's tone -----------------
    listeners = [judge, prosecutor, clerk]
    heard_before = _energy_over(listeners, 2.0)
    assert all(e > 0.01 for e in heard_before), heard_before

    # ---- the defendant asks counsel for a private consultation; counsel accepts ---------
    _button(defendant, "Private consultation").click()
    defendant.page.get_by_label("Dora Defence").check()
    _button(defendant, re.compile(r"^Ask for")).click()
    _button(defence, re.compile(r"^Accept")).click(timeout=WAIT_MS)
    defendant.wait_room("consultation")
    defence.wait_room("consultation")
    defence.wait_for_remote_video(["defendant"])
    defendant.wait_for_remote_video(["defence"])
    judge.wait_for_remote_roles(["clerk", "prosecutor"])
    _shot(defendant, shots_dir, "whole-5-consultation-defendant.png")
    _shot(clerk, shots_dir, "whole-6-clerk-during-consultation.png")
    assert "consultation" in panel.inner_text().lower()
    time.sleep(0.5)  # packets in flight at the move
    heard_during = _energy_over(listeners, 3.0)
    counsel_heard = _energy_over([defence], 1.0)
    assert all(e < 1e-4 for e in heard_during), heard_during
    assert counsel_heard[0] > 0.01, counsel_heard

    # ---- back in the hearing room --------------------------------------------------------
    _button(defendant, "End consultation").click()
    defendant.wait_room("hearing")
    defence.wait_room("hearing")
    judge.wait_for_remote_video(["clerk", "defence", "defendant", "prosecutor"])
    heard_after = _energy_over(listeners, 2.0)
    assert all(e > 0.01 for e in heard_after), heard_after

    # ---- pause, resume, close ------------------------------------------------------------
    _button(judge, "Pause").click()
    _wait_state(everyone, "paused")
    assert "paused" in defendant.page.inner_text("body").lower()
    _shot(defendant, shots_dir, "whole-7-paused-defendant.png")
    _button(judge, "Resume").click()
    _wait_state(everyone, "in_session")
    # The judge's panel says it too before the judge goes on: the page's state and the panel
    # are told by the same answer, but drawn one after the other.
    judge.page.locator("#court-panel .badge--in_session").first.wait_for(timeout=WAIT_MS)
    _button(judge, "Close the hearing").click()
    _button(judge, "Yes, close the hearing").click()
    for page in everyone:
        page.page.wait_for_function(
            "() => window.courtroom.state().hearingState === 'closed'", timeout=WAIT_MS
        )
    assert "closed" in prosecutor.page.inner_text("body").lower()
    _shot(prosecutor, shots_dir, "whole-8-closed.png")

    # ---- the record: the tone is absent from the recording during the consultation -------
    [started] = _record_times(server, browser, hearing.id, "hearing.consultation_started")
    [ended] = _record_times(server, browser, hearing.id, "hearing.consultation_ended")
    deadline = time.monotonic() + 15
    while not _sealed(server, hearing.id):
        assert time.monotonic() < deadline, "the recording was not sealed"
        time.sleep(0.2)
    samples, rate = _master(server, hearing.id)
    inside = _tone_level(samples, rate, started + 0.5, ended - 0.3)
    before = _tone_level(samples, rate, started - 2.0, started - 0.2)
    after = _tone_level(samples, rate, ended + 1.0, ended + 2.5)
    assert before > 0.005 and after > 0.005, (before, after)
    assert inside < before / 50, (inside, before)
