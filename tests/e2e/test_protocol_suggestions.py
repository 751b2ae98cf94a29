"""Speech to text on the protocol editor, as a clerk uses it: on a server whose operator
configured a recogniser, what the witness says appears as a suggestion with their name and
time; the clerk accepts one (an entry stamped where the words began) and dismisses another.
On the session's server, which has no model, the editor says the feature is off.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.harness import OpenParticipant, Server, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

HEARD = "a tone of 220 hertz"  # what the test recogniser says of the page's voice


def test_suggestions_from_what_the_witness_says_are_accepted_or_dismissed(
    speech_server: Server, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    judge = open_participant("judge", colour=COLOURS["red"], on=speech_server)
    clerk = open_participant("clerk", colour=COLOURS["blue"], on=speech_server)
    witness = open_participant("witness", colour=COLOURS["green"], on=speech_server)
    judge.wait_joined()
    clerk.admit(witness)
    witness_name = speech_server.name("witness")
    judge.page.locator("#court-panel").get_by_role("button", name="Start the hearing").click()
    clerk.page.wait_for_function("() => window.courtroom.state().recording", timeout=WAIT_MS)
    editor = clerk.page.locator("#protocol")
    note = editor.locator("#protocol-speech")
    assert note.inner_text().startswith("Speech to text suggests entries")

    # The witness answers twice, with a pause between.
    for _ in range(2):
        witness.page.evaluate("window.__voice.speak(true)")
        time.sleep(1.2)
        witness.page.evaluate("window.__voice.speak(false)")
        time.sleep(1.0)
    items = editor.locator(".protocol-suggestion")
    items.nth(1).wait_for(timeout=WAIT_MS)
    first = items.nth(0)
    assert first.locator(".protocol-suggestion__speaker").inner_text() == witness_name
    assert first.locator(".protocol-suggestion__text").inner_text() == HEARD
    at = first.locator(".protocol-entry__time").inner_text()
    path = shots_dir / "protocol-8-suggestions.png"
    editor.screenshot(path=str(path))
    save_for_review(path)

    # Accepted: an entry by the witness, at the suggestion's time, seen by the judge too.
    first.get_by_role("button", name="Accept").click()
    editor.get_by_text("Click it in the list to correct it.").wait_for(timeout=WAIT_MS)
    on_judge = judge.page.locator("#protocol .protocol-entry").filter(
        has=judge.page.locator(".protocol-entry__text", has_text=HEARD)
    )
    on_judge.wait_for(timeout=WAIT_MS)
    assert on_judge.locator(".protocol-entry__speaker").inner_text() == witness_name
    assert on_judge.locator(".protocol-entry__time").inner_text() == at
    # Dismissed: gone from both editors.
    items.nth(0).get_by_role("button", name="Dismiss").click()
    for page in (clerk, judge):
        page.page.wait_for_function(
            "() => document.querySelectorAll('.protocol-suggestion').length === 0",
            timeout=WAIT_MS,
        )


def test_without_a_model_the_editor_says_speech_to_text_is_off(
    own_hearings: Scheduler, open_participant: OpenParticipant
) -> None:
    cast = {"judge": "Judith Quiet", "clerk": "Clara Quiet"}
    hearing = own_hearings.hearing("State v. Quiet — no speech to text", cast)
    clerk = open_participant("clerk", token=hearing.tokens["clerk"], colour=COLOURS["blue"])
    clerk.wait_joined()
    note = clerk.page.locator("#protocol #protocol-speech")
    note.wait_for(timeout=WAIT_MS)
    assert note.inner_text() == (
        "Speech to text is off: no recogniser model is configured (COURTROOM_SPEECH_MODEL_DIR)."
    )
    assert clerk.page.locator(".protocol-suggestion").count() == 0
