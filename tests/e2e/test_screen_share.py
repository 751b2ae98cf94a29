"""Screen sharing in real browsers: counsel shows a screen, the judge sees it as a large tile
labelled with counsel's name, counsel's browser ends it (its own "Stop sharing" bar), and
when counsel shares again the judge stops it from the court panel.

getDisplayMedia needs no extra flag here: with Chromium's fake devices and fake UI (already
set for cameras) a click on "Share screen" gets a fake 1280x720 screen at once.

A hearing of this test's own (tests.e2e.scheduling).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

CAST = {"judge": "Judith Shown", "defence": "Dora Slides"}
SCREEN_PLAYING = (
    "(label) => window.courtroom.state().screens.some("
    "(s) => s.label === label && s.width >= 640 && s.time > 0.3)"
)
NO_SCREEN = "() => window.courtroom.state().screens.length === 0"


def _sharing(page: HearingPage) -> bool:
    return bool(page.state()["screenShare"]["sharing"])


def _wait_sharing(page: HearingPage, sharing: bool) -> None:
    page.page.wait_for_function(
        "(on) => window.courtroom.state().screenShare.sharing === on", arg=sharing, timeout=WAIT_MS
    )


def test_counsel_shares_a_screen_the_judge_sees_it_and_it_stops_from_either_side(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    hearing = own_hearings.hearing("State v. Shown — screen sharing test", CAST)
    judge = open_participant("judge", token=hearing.tokens["judge"], colour=COLOURS["red"])
    counsel = open_participant("defence", token=hearing.tokens["defence"], colour=COLOURS["green"])
    judge.admit(counsel)
    judge.wait_for_remote_video(["defence"])
    label = f"{CAST['defence']} — screen"

    share = counsel.page.get_by_role("button", name="Share screen")
    share.click(timeout=WAIT_MS)
    _wait_sharing(counsel, True)
    judge.page.wait_for_function(SCREEN_PLAYING, arg=label, timeout=WAIT_MS)
    # A tile of its own, beside counsel's camera tile, and shown large (the whole row).
    tile = judge.page.locator("figure.tile--screen")
    assert tile.locator(".tile__name").inner_text() == label
    camera = judge.page.locator("figure.tile[data-participant-id]")
    assert camera.count() == 1
    screen_box, camera_box = tile.bounding_box(), camera.bounding_box()
    assert screen_box is not None and camera_box is not None
    assert screen_box["y"] < camera_box["y"]  # first, above the cameras
    assert screen_box["width"] >= camera_box["width"]  # the whole row: large where there is room
    # The court panel says who is sharing.
    judge.page.locator("#court-panel").get_by_text("Sharing screen").wait_for(timeout=WAIT_MS)
    save_for_review(judge.screenshot(shots_dir / "screen-share-judge.png"))
    save_for_review(counsel.screenshot(shots_dir / "screen-share-counsel.png"))
    assert counsel.page.get_by_role("button", name="Stop sharing").is_visible()

    # The browser's own "Stop sharing" bar ends the captured track: the share ends.
    counsel.page.evaluate("() => window.courtroom.endScreenCapture()")
    _wait_sharing(counsel, False)
    judge.page.wait_for_function(NO_SCREEN, timeout=WAIT_MS)
    assert counsel.page.get_by_role("button", name="Share screen").is_visible()

    # Shared again, then stopped by the court from its panel.
    share.click(timeout=WAIT_MS)
    judge.page.wait_for_function(SCREEN_PLAYING, arg=label, timeout=WAIT_MS)
    judge.page.locator("#court-panel").get_by_role(
        "button", name=f"Stop the screen {CAST['defence']} shares"
    ).click(timeout=WAIT_MS)
    judge.page.wait_for_function(NO_SCREEN, timeout=WAIT_MS)
    _wait_sharing(counsel, False)
    counsel.page.get_by_text("The court stopped your screen share.").wait_for(timeout=WAIT_MS)
    # The camera went on throughout.
    judge.wait_for_remote_video(["defence"])
    assert not _sharing(counsel)
