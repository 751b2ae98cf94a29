"""The court panel, as a clerk uses it: open the waiting room, see who waits (role, connection,
device check, time waiting), admit a defendant, mute them, lock the hearing, count observers,
answer a message.

The e2e session shares one demo hearing, which other tests open and use; each test here
schedules a hearing of its own (tests.e2e.scheduling), so that locking, muting and closing
touch nobody else.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

CAST = {
    "clerk": "Clara Bench",
    "defendant": "Daniel Brown",
    "defence": "Dana Counsel",
    "observer": "Olga Public",
    "witness": "Walter Late",
}


def _shot(page: HearingPage, shots_dir: Path, name: str) -> None:
    save_for_review(page.screenshot(shots_dir / name))


def _panel_shot(page: HearingPage, shots_dir: Path, name: str) -> None:
    """The panel alone, whole (on a wide screen it scrolls inside the page)."""
    path = shots_dir / name
    viewport = page.page.viewport_size
    page.page.set_viewport_size({"width": viewport["width"], "height": 2400})
    try:
        page.page.locator("#court-panel").screenshot(path=str(path))
    finally:
        page.page.set_viewport_size(viewport)
    save_for_review(path)


def _row(panel: Any, group: str, name: str) -> Any:
    return panel.locator(f".cp-group--{group} .cp-person", has_text=name)


def test_a_clerk_admits_mutes_and_locks_from_the_court_panel_and_answers_a_message(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    tokens = own_hearings.hearing("State v. Brown — court panel test", CAST).tokens
    clerk = open_participant("clerk", token=tokens["clerk"], colour=COLOURS["blue"])
    clerk.wait_joined()
    panel = clerk.page.locator("#court-panel")
    panel.get_by_role("heading", name="Court controls").wait_for(timeout=WAIT_MS)
    state = panel.locator(".cp-state")
    assert "The hearing has not opened yet" in state.inner_text()
    # The clerk opens the waiting room; starting the hearing is the judge's.
    assert panel.get_by_role("button", name="Start the hearing").count() == 0
    panel.get_by_role("button", name="Open the waiting room").click()
    state.get_by_text("Waiting room open", exact=True).wait_for(timeout=WAIT_MS)
    assert "Only the judge may start the hearing" in state.inner_text()

    # A defendant arrives: the panel shows them waiting, with role, connection, device check
    # and a waiting time that counts up.
    defendant = open_participant("defendant", token=tokens["defendant"], colour=COLOURS["green"])
    defendant.wait_room("waiting")
    waiting = _row(panel, "waiting", CAST["defendant"])
    waiting.wait_for(timeout=WAIT_MS)
    waiting.get_by_text("Connected", exact=True).wait_for(timeout=WAIT_MS)
    assert "Defendant" in waiting.inner_text()
    waiting.locator(".cp-devices").wait_for(timeout=WAIT_MS)
    assert re.search(r"Camera (OK|failed|skipped)", waiting.inner_text()), waiting.inner_text()
    timer = waiting.locator(".cp-timer")
    first = timer.inner_text()
    assert re.fullmatch(r"\d\d:\d\d", first), first
    clerk.page.wait_for_function(
        "([el, before]) => el.textContent !== before",
        arg=[timer.element_handle(), first],
        timeout=WAIT_MS,
    )

    # An observer arrives in the waiting room, and is counted once admitted and watching.
    observer = open_participant("observer", token=tokens["observer"])
    observer.wait_room("waiting")
    panel.get_by_text("Observers watching: 0").wait_for(timeout=WAIT_MS)
    panel.get_by_role("button", name=f"Admit {CAST['observer']}").click()
    observer.wait_room("hearing")
    panel.get_by_text("Observers watching: 1").wait_for(timeout=WAIT_MS)
    _shot(clerk, shots_dir, "court-panel-1-waiting.png")
    _panel_shot(clerk, shots_dir, "court-panel-1-waiting-panel.png")

    # Admit the defendant: they are in the hearing room, on both pages.
    panel.get_by_role("button", name=f"Admit {CAST['defendant']}").click()
    defendant.wait_room("hearing")
    in_room = _row(panel, "hearing", CAST["defendant"])
    in_room.wait_for(timeout=WAIT_MS)
    assert _row(panel, "waiting", CAST["defendant"]).count() == 0
    # Focus stays on the admitted person, not on the next button (a second Enter is harmless).
    assert clerk.page.evaluate("() => document.activeElement.textContent") == CAST["defendant"]

    # Mute them, with a reason: the defendant's page says so.
    in_room.get_by_role("button", name=f"Mute {CAST['defendant']}").click()
    reason = panel.get_by_label("Reason")
    reason.fill("Background noise from the facility")
    panel.get_by_role("button", name=f"Mute {CAST['defendant']}", exact=True).click()
    in_room.get_by_text("Muted", exact=True).wait_for(timeout=WAIT_MS)
    defendant.page.get_by_text("The court muted your microphone").wait_for(timeout=WAIT_MS)
    assert "Background noise from the facility" in defendant.page.inner_text("body")
    assert in_room.get_by_role("button", name=f"Ask {CAST['defendant']} to unmute").is_visible()
    _shot(defendant, shots_dir, "court-panel-2-defendant-muted.png")

    # Lock the hearing: the badge says so, and a newcomer is refused.
    panel.get_by_role("button", name="Lock the hearing").click()
    panel.get_by_role("button", name="Unlock the hearing").wait_for(timeout=WAIT_MS)
    access = panel.locator(".cp-access")
    assert access.get_by_text("Locked", exact=True).is_visible()
    assert "Nobody new can join" in access.inner_text()
    late = open_participant("witness", token=tokens["witness"])
    late.page.get_by_text("locked").first.wait_for(timeout=WAIT_MS)
    assert panel.locator(".cp-person", has_text=CAST["witness"]).count() == 0
    # The observer, who joined before, still counts.
    assert "Observers watching: 1" in access.inner_text()

    # A message from the defendant reaches the clerk's hub; the clerk answers.
    defendant.page.get_by_label("Your message to the court clerk").fill("Can I speak to my lawyer?")
    defendant.page.get_by_role("button", name="Send").click()
    hub = panel.locator(".cp-chat")
    conversation = hub.get_by_role("button", name=re.compile(f"Messages with {CAST['defendant']}"))
    conversation.wait_for(timeout=WAIT_MS)
    assert "1 unread" in hub.inner_text()
    assert panel.get_by_role("button", name="1 unread message").is_visible()
    _shot(clerk, shots_dir, "court-panel-3-clerk.png")
    _panel_shot(clerk, shots_dir, "court-panel-3-clerk-panel.png")
    conversation.click()
    hub.get_by_text("Can I speak to my lawyer?").wait_for(timeout=WAIT_MS)
    assert "unread" not in hub.locator(".cp-section__head").inner_text()
    hub.get_by_label(f"Message to {CAST['defendant']}").fill("Yes, during the break.")
    hub.get_by_role("button", name="Send").click()
    defendant.page.get_by_text("Yes, during the break.").wait_for(timeout=WAIT_MS)

    # On a narrow screen the panel goes below the hearing.
    clerk.page.set_viewport_size({"width": 720, "height": 1000})
    box = clerk.page.locator("#court-panel").bounding_box()
    content = clerk.page.locator(".main__content").bounding_box()
    assert box is not None and content is not None
    assert box["y"] >= content["y"] + content["height"] - 1, (box, content)
    _shot(clerk, shots_dir, "court-panel-8-clerk-narrow.png")
    clerk.page.set_viewport_size({"width": 1280, "height": 800})

    # The panel follows what happens elsewhere: unlocked from another page of the court.
    clerk.command("lock_hearing", {"locked": False})
    panel.get_by_role("button", name="Lock the hearing").wait_for(timeout=WAIT_MS)
    assert not access.get_by_text("Locked", exact=True).is_visible()
    assert panel.locator("#cp-error").inner_text() == "", "no command was refused"


JUDGE_CAST = {
    "judge": "Judith Presiding",
    "defendant": "Rashad Accused",
    "defence": "Daniel Advocate",
    "witness": "Wanda Witness",
}


def test_a_judge_conducts_a_hearing_from_the_court_panel_and_closes_it(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    # A hearing of this test's own: it ends closed, which nothing can undo.
    tokens = own_hearings.hearing("State v. Accused — judge's panel test", JUDGE_CAST).tokens
    judge = open_participant("judge", token=tokens["judge"], colour=COLOURS["red"])
    judge.wait_joined()
    page = judge.page
    panel = page.locator("#court-panel")
    state = panel.locator(".cp-state")
    panel.get_by_role("button", name="Open the waiting room").click()
    panel.get_by_role("button", name="Start the hearing").wait_for(timeout=WAIT_MS)
    assert panel.locator(".cp-chat").count() == 0, "the judge writes to the clerk, not from a hub"

    defendant = open_participant("defendant", token=tokens["defendant"], colour=COLOURS["green"])
    counsel = open_participant("defence", token=tokens["defence"])
    witness = open_participant("witness", token=tokens["witness"])
    for person in (defendant, counsel, witness):
        person.wait_room("waiting")
    _row(panel, "waiting", JUDGE_CAST["witness"]).wait_for(timeout=WAIT_MS)

    # "Admit all" brings in the parties; the witness waits to be called.
    panel.get_by_role("button", name=re.compile("^Admit all 2 parties")).click()
    defendant.wait_room("hearing")
    counsel.wait_room("hearing")
    assert witness.state()["roomKind"] == "waiting"

    panel.get_by_role("button", name="Start the hearing").click()
    state.get_by_text("In session", exact=True).wait_for(timeout=WAIT_MS)
    assert [b.strip() for b in panel.locator(".cp-state__actions button").all_inner_texts()] == [
        "Pause",
        "Suspend (technical problem)",
        "Close the hearing",
    ]

    # The witness is called, heard, and released.
    panel.get_by_role("button", name=f"Call witness {JUDGE_CAST['witness']}").click()
    witness.wait_room("hearing")
    panel.get_by_role("button", name=f"Release witness {JUDGE_CAST['witness']}").click()
    panel.get_by_role("button", name=f"Release {JUDGE_CAST['witness']}").click()
    witness.page.wait_for_function(
        "() => window.courtroom.state().phase === 'ended'", timeout=WAIT_MS
    )
    panel.locator(".cp-person", has_text=JUDGE_CAST["witness"]).wait_for(
        state="detached", timeout=WAIT_MS
    )

    # A private consultation the court proposes: it starts only when the defendant and
    # counsel agree; the panel says that it happens and who is in it, nothing more.
    panel.get_by_role(
        "button", name=f"Propose a private consultation for {JUDGE_CAST['defendant']}"
    ).click()
    assert panel.get_by_role("checkbox", name=re.compile(JUDGE_CAST["defence"])).is_checked()
    panel.get_by_role("button", name="Propose the consultation").click()
    panel.get_by_text("waiting for the answer").wait_for(timeout=WAIT_MS)
    for member in (defendant, counsel):
        asked = member.page.get_by_role("alertdialog", name="Private consultation")
        asked.get_by_text("asks you to join a private consultation").wait_for(timeout=WAIT_MS)
        assert member.state()["roomKind"] == "hearing", "no one is moved before consenting"
        asked.get_by_role("button", name="Accept").click()
    defendant.wait_room("consultation")
    consultation = panel.locator(".cp-group--consultation")
    consultation.get_by_text("Private consultation in progress").wait_for(timeout=WAIT_MS)
    members = consultation.inner_text()
    assert JUDGE_CAST["defendant"] in members and JUDGE_CAST["defence"] in members
    _shot(judge, shots_dir, "court-panel-4-judge-consultation.png")
    consultation.get_by_role("button", name=re.compile("^End the private consultation")).click()
    defendant.wait_room("hearing")
    consultation.wait_for(state="hidden", timeout=WAIT_MS)

    # Suspended for a technical problem, with the reason; then resumed.
    panel.get_by_role("button", name="Suspend (technical problem)").click()
    panel.get_by_label("What is the technical problem?").fill("The defendant's picture froze")
    panel.get_by_role("button", name="Suspend the hearing").click()
    state.get_by_text("Suspended", exact=True).wait_for(timeout=WAIT_MS)
    assert "technical problem" in state.inner_text()
    assert "Reason: The defendant's picture froze" in state.inner_text()
    panel.get_by_role("button", name="Resume").click()
    state.get_by_text("In session", exact=True).wait_for(timeout=WAIT_MS)

    # Removal needs a reason and a confirmation; a removed person can be re-admitted.
    panel.get_by_role("button", name=f"Remove {JUDGE_CAST['defence']} from the hearing").click()
    confirm = panel.get_by_role("alertdialog")
    confirm.get_by_role("button", name=f"Remove {JUDGE_CAST['defence']}").click()
    confirm.get_by_text("Give the reason").wait_for(timeout=WAIT_MS)
    confirm.get_by_label("Reason for the removal").fill("Disrupted the hearing")
    confirm.get_by_role("button", name=f"Remove {JUDGE_CAST['defence']}").click()
    _row(panel, "removed", JUDGE_CAST["defence"]).wait_for(timeout=WAIT_MS)
    counsel.page.wait_for_function(
        "() => window.courtroom.state().phase === 'ended'", timeout=WAIT_MS
    )
    panel.get_by_role("button", name=f"Re-admit {JUDGE_CAST['defence']}").click()
    panel.locator(".cp-group--removed").wait_for(state="hidden", timeout=WAIT_MS)
    _panel_shot(judge, shots_dir, "court-panel-5-judge-panel.png")

    # Closing asks first, says it is final, and then ends the hearing for everyone.
    panel.get_by_role("button", name="Close the hearing").click()
    question = panel.get_by_role("alertdialog", name="Close the hearing?")
    assert "cannot be opened again" in question.inner_text()
    _shot(judge, shots_dir, "court-panel-6-judge-close.png")
    question.get_by_role("button", name="No, keep it open").click()
    assert state.get_by_text("In session", exact=True).is_visible()
    panel.get_by_role("button", name="Close the hearing").click()
    panel.get_by_label("Reason for the record").fill("Judgment reserved")
    panel.get_by_role("button", name="Yes, close the hearing").click()
    for person in (defendant, judge):
        person.page.wait_for_function(
            "() => window.courtroom.state().phase === 'ended'", timeout=WAIT_MS
        )
    # The judge's page says the hearing is closed; the panel has nothing left to do.
    assert judge.state()["hearingState"] == "closed"
    panel.wait_for(state="hidden", timeout=WAIT_MS)
    _shot(judge, shots_dir, "court-panel-7-judge-closed.png")
