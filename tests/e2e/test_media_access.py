"""A person who blocks the camera is told, in the device check before joining, how to allow
it, and can join with the microphone only; the others then see a tile that says the camera is
off, and the court learns that the camera check failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS

pytestmark = pytest.mark.e2e


def test_a_blocked_camera_is_explained_and_the_microphone_alone_is_enough_to_take_part(
    open_participant: OpenParticipant, shots_dir: Path
) -> None:
    judge = open_participant("judge", colour=COLOURS["red"])
    judge.wait_joined()
    witness = open_participant(
        "witness", colour=COLOURS["blue"], deny_camera=True, through_check=False
    )

    problem = witness.page.locator("#check-problem")
    problem.get_by_role("heading", name="Camera and microphone").wait_for(timeout=WAIT_MS)
    text = problem.inner_text()
    assert "Allow" in text and "Try again" in text, text
    # Not in the hearing yet while deciding: the check comes first.
    assert witness.state()["phase"] == "device-check"
    save_for_review(witness.screenshot(shots_dir / "camera-blocked.png"))

    witness.page.get_by_role("button", name="Use microphone only").click()
    problem.wait_for(state="hidden", timeout=WAIT_MS)
    witness.page.locator("#check-camera-status", has_text="could not be started").wait_for(
        timeout=WAIT_MS
    )
    witness.join_from_check()
    judge.admit(witness)

    judge.wait_for_remote_roles(["witness"])
    tile = judge.page.locator("figure.tile[data-role='witness']")
    tile.locator(".tile__status", has_text="Camera off").wait_for(timeout=WAIT_MS)
    judge.page.wait_for_function(
        "() => window.courtroom.state().tiles.some((t) => t.hasAudio && !t.hasVideo)",
        timeout=WAIT_MS,
    )
    state = witness.state()
    assert state["publishing"] == {"audio": True, "video": False}
    assert state["deviceReport"]["camera"] == "failed", state["deviceReport"]
    save_for_review(judge.screenshot(shots_dir / "audio-only-participant.png"))
