"""The camera and microphone check before joining: the level meter follows the microphone
(Chromium's fake one plays a 440 Hz tone), the device lists are filled and a new choice is
taken at once, the test sound plays, and the court's roster gets the results."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage

pytestmark = pytest.mark.e2e

_ROSTER_ENTRY = """
(id) => {
  const roster = window.courtroom.state().roster;
  const entry = roster && roster.roster.find((e) => e.id === id);
  return entry && entry.device_check ? entry.device_check : null;
}
"""


def _court_sees(court: HearingPage, participant: HearingPage) -> dict[str, str]:
    participant_id = participant.state()["participant"]["id"]
    seen: dict[str, str] = court.page.wait_for_function(
        _ROSTER_ENTRY, arg=participant_id, timeout=WAIT_MS
    ).json_value()
    return seen


def test_the_check_shows_the_microphone_level_offers_the_devices_and_reports_the_results(
    open_participant: OpenParticipant, shots_dir: Path
) -> None:
    judge = open_participant("judge", colour=COLOURS["red"])
    judge.wait_joined()
    defendant = open_participant(
        "defendant", colour=COLOURS["green"], tone=True, through_check=False
    )
    page = defendant.page
    page.get_by_role("heading", name="Check your camera and microphone").wait_for(timeout=WAIT_MS)
    assert defendant.state()["phase"] == "device-check"

    # The meter moves with the tone: the analyser's level, and what the page draws.
    page.wait_for_function(
        "() => { const c = window.courtroom.deviceCheck(); return c && c.heard && c.level > 0.5; }",
        timeout=WAIT_MS,
    )
    page.get_by_text("We can hear your microphone.").wait_for(timeout=WAIT_MS)
    meter = page.get_by_role("meter", name="Microphone level")
    assert int(meter.get_attribute("aria-valuenow") or "0") >= 50
    drawn = page.evaluate(
        "() => getComputedStyle(document.getElementById('check-meter')).getPropertyValue('--level')"
    )
    assert float(drawn) > 0.5, drawn
    page.get_by_text("Your camera is working.").wait_for(timeout=WAIT_MS)

    # The device lists are filled from the browser's devices, by name.
    check = defendant.device_check()
    assert check["cameras"] and check["microphones"], check
    assert all(check["cameras"]) and all(check["microphones"]), check
    microphones = page.get_by_label("Microphone", exact=True)
    assert microphones.locator("option").count() == len(check["microphones"])
    assert page.get_by_label("Camera", exact=True).locator("option").count() == len(
        check["cameras"]
    )

    # Another microphone is taken at once, and the meter follows it.
    if len(check["microphones"]) > 1:
        calls = page.evaluate("() => window.__getUserMediaCalls")
        options = microphones.locator("option")
        other = options.nth(1).get_attribute("value")
        microphones.select_option(other)
        page.wait_for_function("(n) => window.__getUserMediaCalls > n", arg=calls, timeout=WAIT_MS)
        page.wait_for_function("() => window.courtroom.deviceCheck().heard", timeout=WAIT_MS)
        assert defendant.device_check()["selectedMicrophone"] == other

    # The speakers: a short test sound, then the person says they heard it.
    heard = page.get_by_label("I heard the sound")
    assert heard.is_disabled()
    page.get_by_role("button", name="Play test sound").click()
    page.get_by_role("button", name="Play test sound again").wait_for(timeout=WAIT_MS)
    assert defendant.device_check()["soundPlayed"]
    heard.check()
    save_for_review(defendant.screenshot(shots_dir / "device-check.png"))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    save_for_review(defendant.screenshot(shots_dir / "device-check-phone.png"))

    defendant.join_from_check()
    judge.admit(defendant)
    report = {"camera": "ok", "microphone": "ok", "speaker": "ok"}
    assert defendant.state()["deviceReport"] == report
    assert _court_sees(judge, defendant) == report
    assert defendant.state()["publishing"] == {"audio": True, "video": True}


def test_continuing_without_camera_and_microphone_switches_them_off_and_says_so(
    open_participant: OpenParticipant,
) -> None:
    judge = open_participant("judge", colour=COLOURS["red"])
    judge.wait_joined()
    witness = open_participant("witness", colour=COLOURS["blue"], through_check=False)
    page = witness.page
    page.get_by_text("Your camera is working.").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Continue without camera and microphone").click()
    witness.wait_joined()
    state = witness.state()
    assert state["publishing"] is None
    assert state["deviceReport"] == {
        "camera": "skipped",
        "microphone": "skipped",
        "speaker": "skipped",
    }
    # Nothing is left running: the camera light goes off.
    live = page.evaluate(
        "() => [...document.querySelectorAll('video')].flatMap((v) => v.srcObject ?"
        " v.srcObject.getTracks().filter((t) => t.readyState === 'live').map((t) => t.kind) : [])"
    )
    assert live == [], live
    assert _court_sees(judge, witness) == state["deviceReport"]
