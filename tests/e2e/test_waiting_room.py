"""The waiting room as a participant sees it: the hearing and its state in words (kept up to
date), their own camera, nobody else; then admission into the hearing room, the hearing's
state always in view, and its close.

The hearing is one of this module's own: it goes in session, is paused and is closed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage, dominant_channel
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

CAST = {"judge": "Judith Bench", "defendant": "Dmitri Dock", "witness": "Wilma Stand"}

_PREVIEW = """
() => {
  const v = document.querySelector("#waiting-view figure.tile--self video");
  if (!v || v.videoWidth === 0 || v.currentTime < 0.3) return null;
  const c = document.createElement("canvas");
  c.width = 32;
  c.height = 18;
  const g = c.getContext("2d");
  g.drawImage(v, 0, 0, c.width, c.height);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let r = 0, gr = 0, b = 0;
  for (let i = 0; i < d.length; i += 4) { r += d[i]; gr += d[i + 1]; b += d[i + 2]; }
  return { rgb: [r, gr, b], transform: getComputedStyle(v).transform };
}
"""


def _shot(page: HearingPage, shots_dir: Path, name: str) -> None:
    save_for_review(page.screenshot(shots_dir / name))


def test_a_participant_waits_with_the_hearing_state_and_own_camera_until_admitted(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    hearing = own_hearings.hearing("State v. Dock — waiting room test", CAST)
    judge = open_participant("judge", token=hearing.tokens["judge"], colour=COLOURS["red"])
    judge.wait_room("hearing")  # the bench goes straight into the hearing room

    defendant = open_participant(
        "defendant", token=hearing.tokens["defendant"], colour=COLOURS["green"]
    )
    defendant.wait_room("waiting")
    page = defendant.page
    view = page.locator("#waiting-view")
    view.get_by_role("heading", name="Waiting room").wait_for(timeout=WAIT_MS)
    text = view.inner_text()
    assert "You are in the waiting room. The court clerk will admit you." in text
    # As whom, which case, when (invitation.js).
    assert f"Case\n{hearing.case_number}: {hearing.title}" in text
    assert "You are joining as\nDmitri Dock, Defendant" in text
    # The state in plain words, in the waiting room and in the state line.
    assert page.locator("#waiting-state").inner_text() == "The hearing has not opened yet"
    assert page.locator("#hearing-state").inner_text() == "The hearing has not opened yet"
    assert page.get_by_text("You will be called when the court is ready").is_hidden()

    # The own camera, mirrored; nobody else's, though the page sends and has negotiated.
    preview = page.wait_for_function(_PREVIEW, timeout=WAIT_MS).json_value()
    assert dominant_channel(preview["rgb"]) == "green", preview
    assert preview["transform"].startswith("matrix(-1"), preview
    page.wait_for_function("() => window.courtroom.state().publishing !== null", timeout=WAIT_MS)
    assert defendant.remote_roles() == []
    assert defendant.state()["tiles"] == []
    assert page.locator("#roster-box").is_hidden()  # who else waits is not shown

    # The clerk opens the waiting room: the waiting page says so at once.
    judge.command("set_hearing_state", {"state": "open"})
    page.locator("#waiting-state", has_text="The waiting room is open").wait_for(timeout=WAIT_MS)
    _shot(defendant, shots_dir, "waiting-room-defendant.png")

    witness = open_participant("witness", token=hearing.tokens["witness"], colour=COLOURS["blue"])
    witness.wait_room("waiting")
    witness.page.get_by_text("You will be called when the court is ready to hear you.").wait_for(
        timeout=WAIT_MS
    )
    _shot(witness, shots_dir, "waiting-room-witness.png")
    witness.page.set_viewport_size({"width": 390, "height": 844})  # a phone
    _shot(witness, shots_dir, "waiting-room-witness-phone.png")

    # Admitted: the hearing room, with the judge's picture, and the judge sees the defendant.
    judge.command("admit", {"participant_id": defendant.state()["participant"]["id"]})
    defendant.wait_room("hearing")
    assert view.is_hidden()
    defendant.wait_for_remote_video(["judge"])
    judge.wait_for_remote_video(["defendant"])
    [tile] = defendant.tile_pixels()
    assert dominant_channel(tile["rgb"]) == "red", tile
    assert page.locator("#roster").inner_text().count("(you)") == 1
    assert witness.remote_roles() == []

    # The hearing's state stays in view, in words, for everyone, wherever they are.
    judge.command("set_hearing_state", {"state": "in_session"})
    page.locator("#hearing-state", has_text="The hearing is in session").wait_for(timeout=WAIT_MS)
    judge.command("set_hearing_state", {"state": "paused", "reason": "A short break"})
    page.locator("#hearing-state", has_text="The hearing is paused").wait_for(timeout=WAIT_MS)
    witness.page.locator("#waiting-state", has_text="The hearing is paused").wait_for(
        timeout=WAIT_MS
    )
    _shot(defendant, shots_dir, "hearing-paused-defendant.png")

    # Closed: everyone is told and the pages do not try to reconnect.
    judge.command("set_hearing_state", {"state": "closed"})
    for closed in (defendant, witness, judge):
        closed.page.get_by_role("heading", name="The hearing is closed. Thank you.").wait_for(
            timeout=WAIT_MS
        )
        closed.page.wait_for_function(
            "() => !window.courtroom.signaling.connected", timeout=WAIT_MS
        )
        assert closed.state()["phase"] == "ended"
    _shot(defendant, shots_dir, "hearing-closed.png")
