"""A person who blocks the camera is told how to allow it and can join with the microphone
only; the others then see a tile that says the camera is off."""

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
    witness = open_participant("witness", colour=COLOURS["blue"], deny_camera=True)

    witness.page.get_by_role("heading", name="Camera and microphone").wait_for(timeout=WAIT_MS)
    panel = witness.page.locator("#panel").inner_text()
    assert "Allow" in panel and "Try again" in panel
    # Already in the hearing while deciding: the witness sees the judge.
    witness.wait_for_remote_video(["judge"])
    save_for_review(witness.screenshot(shots_dir / "camera-blocked.png"))

    witness.page.get_by_role("button", name="Join with microphone only").click()
    witness.page.locator("#panel").wait_for(state="hidden", timeout=WAIT_MS)
    judge.wait_for_remote_roles(["witness"])
    tile = judge.page.locator("figure.tile[data-role='witness']")
    tile.locator(".tile__status", has_text="Camera off").wait_for(timeout=WAIT_MS)
    judge.page.wait_for_function(
        "() => window.courtroom.state().tiles.some((t) => t.hasAudio && !t.hasVideo)",
        timeout=WAIT_MS,
    )
    assert witness.state()["publishing"] == {"audio": True, "video": False}
    save_for_review(judge.screenshot(shots_dir / "audio-only-participant.png"))
