"""The exhibit register, as the clerk keeps it beside the protocol: an exhibit offered by the
defence is registered, the judge admits it, a hostile description stays text, and each change
is written into the protocol on both members of the bench's pages; when the counsel shares a
screen, the exhibit the clerk marked is on screen, and its times are kept. A screen shared
with nothing marked is only offered: the register and the protocol gain nothing, however
often the counsel shares, until the clerk registers it. A party's page has no register.

A hearing of this test's own (tests.e2e.scheduling).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Dialog

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

CAST = {"judge": "Judith Evidence", "clerk": "Clara Register", "defence": "Dora Counsel"}
HOSTILE = "<img src=x onerror=alert(1)> Invoice"


def _exhibits(own_hearings: Scheduler, hearing_id: str) -> list[dict[str, Any]]:
    """The register as the server keeps it (REST API, as the demo clerk)."""
    url = f"{own_hearings._url}/api/v1/hearings/{hearing_id}/exhibits?reason=checking"
    response = own_hearings._api.get(url)
    assert response.ok, f"read the exhibits: HTTP {response.status} {response.text()}"
    exhibits: list[dict[str, Any]] = response.json()["exhibits"]
    return exhibits


def _wait(check: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _protocol_row(page: HearingPage, text: str) -> Any:
    return page.page.locator("#protocol .protocol-entry").filter(
        has=page.page.locator(".protocol-entry__text", has_text=text)
    )


def _refuse_into(messages: list[str]) -> Callable[[Dialog], None]:
    """A dialog handler that keeps the dialog's message and dismisses it."""

    def refuse(dialog: Dialog) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    return refuse


def test_the_clerk_registers_an_exhibit_and_the_judge_admits_it(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    hearing = own_hearings.hearing("State v. Counsel — exhibit register test", CAST)
    judge = open_participant("judge", token=hearing.tokens["judge"], colour=COLOURS["red"])
    clerk = open_participant("clerk", token=hearing.tokens["clerk"], colour=COLOURS["blue"])
    defence = open_participant("defence", token=hearing.tokens["defence"], colour=COLOURS["green"])
    dialogs: list[str] = []
    for person in (judge, clerk, defence):
        person.page.on("dialog", _refuse_into(dialogs))
    judge.wait_joined()
    clerk.admit(defence)
    defence_id = defence.state()["participant"]["id"]

    register = clerk.page.locator("#exhibits")
    register.get_by_role("heading", name="Exhibits").wait_for(timeout=WAIT_MS)
    assert defence.page.locator("#exhibits").count() == 0

    # The clerk registers what the defence offers.
    register.get_by_label("Description").fill("Photograph of the crossing")
    register.get_by_label("Offered by").select_option(value=defence_id)
    register.get_by_role("button", name="Register exhibit").click()
    register.get_by_text("Exhibit 1 registered.").wait_for(timeout=WAIT_MS)
    first = _wait(lambda: _exhibits(own_hearings, hearing.id), "the stored exhibit")[0]
    assert (first["number"], first["status"], first["offered_by"]) == (1, "offered", defence_id)

    # A description that is markup stays text, on every page.
    register.get_by_label("Description").fill(HOSTILE)
    register.get_by_role("button", name="Register exhibit").click()
    register.get_by_text("Exhibit 2 registered.").wait_for(timeout=WAIT_MS)

    # The judge sees both and admits the first; the ruling is written into the protocol.
    on_bench = judge.page.locator("#exhibits .exhibit")
    on_bench.nth(1).wait_for(timeout=WAIT_MS)
    assert on_bench.nth(1).locator(".exhibit__description").inner_text() == HOSTILE
    judge.page.get_by_label("Status of exhibit 1").select_option("admitted")
    _wait(
        lambda: _exhibits(own_hearings, hearing.id)[0]["status"] == "admitted",
        "the admission to be stored",
    )
    judge.page.get_by_label("Reason for the ruling on exhibit 2").fill("Not disclosed in time")
    judge.page.get_by_label("Status of exhibit 2").select_option("excluded")
    for bench in (judge, clerk):
        _protocol_row(bench, "Exhibit 1 admitted").wait_for(timeout=WAIT_MS)
        _protocol_row(bench, "Exhibit 2 excluded: Not disclosed in time").wait_for(timeout=WAIT_MS)
        row = _protocol_row(bench, "Exhibit 1 offered by Dora Counsel (Defence counsel)")
        assert row.locator(".protocol-entry__kind").inner_text() == "Exhibit"
        bench.page.locator("#exhibits .exhibit__badge--excluded", has_text="Excluded").wait_for(
            timeout=WAIT_MS
        )

    # The clerk describes an exhibit again, from its row.
    clerk.page.get_by_role("button", name="Describe exhibit 2 again").click()
    editing = clerk.page.get_by_label("New description of exhibit 2")
    editing.fill("Invoice of 3 May")
    editing.press("Enter")
    _protocol_row(judge, "Exhibit 2 described as: Invoice of 3 May").wait_for(timeout=WAIT_MS)
    stored = _exhibits(own_hearings, hearing.id)
    assert [(e["description"], e["status"]) for e in stored] == [
        ("Photograph of the crossing", "admitted"),
        ("Invoice of 3 May", "excluded"),
    ]

    # Bad input is refused in words and changes nothing.
    register.get_by_label("Description").fill("   ")
    register.get_by_role("button", name="Register exhibit").click()
    register.get_by_text("Describe the exhibit first.").wait_for(timeout=WAIT_MS)
    assert len(_exhibits(own_hearings, hearing.id)) == 2

    # The hearing starts; the clerk marks exhibit 1 as what the counsel will show.
    judge.page.locator("#court-panel").get_by_role("button", name="Start the hearing").click()
    clerk.page.wait_for_function("() => window.courtroom.state().recording", timeout=WAIT_MS)
    clerk.page.get_by_role("button", name="Exhibit 1 is what is shown on screen").click()
    register.get_by_text("Exhibit 1 is what the screen shows").wait_for(timeout=WAIT_MS)
    # The counsel shares a screen: the exhibit is on screen, then no longer, with its times.
    defence.page.get_by_role("button", name="Share screen").click(timeout=WAIT_MS)
    first_row = clerk.page.locator("#exhibits .exhibit").nth(0)
    first_row.locator(".exhibit__live", has_text="On screen").wait_for(timeout=WAIT_MS)
    _protocol_row(clerk, "Exhibit 1 shown on screen").wait_for(timeout=WAIT_MS)
    time.sleep(1.5)
    defence.page.get_by_role("button", name="Stop sharing").click(timeout=WAIT_MS)
    _protocol_row(judge, "Exhibit 1 no longer on screen (shown from").wait_for(timeout=WAIT_MS)
    first_row.locator(".exhibit__live").wait_for(state="detached", timeout=WAIT_MS)
    shown = _exhibits(own_hearings, hearing.id)[0]["showings"]
    assert len(shown) == 1 and shown[0]["ended"] and shown[0]["shown_by"] == defence_id
    assert shown[0]["end_ms"] - shown[0]["start_ms"] >= 1000
    assert " · shown 00:00:" in first_row.locator(".exhibit__meta").inner_text()
    assert len(_exhibits(own_hearings, hearing.id)) == 2  # announced: nothing new registered

    # The counsel shares again, twice, with nothing marked: the bench is offered one screen,
    # and nothing enters the register or the protocol. (Three shares in all: a connection's
    # budget, signaling/limits.py, is three at once, then one every five seconds.)
    exhibit_rows = clerk.page.locator("#protocol .protocol-entry").filter(
        has=clerk.page.locator(".protocol-entry__kind", has_text="Exhibit")
    )
    exhibit_entries = exhibit_rows.count()
    offers = clerk.page.locator("#exhibit-offers .exhibit--offer")
    defence.page.get_by_role("button", name="Share screen").click(timeout=WAIT_MS)
    offers.locator(".exhibit__live", has_text="On screen").wait_for(timeout=WAIT_MS)
    defence.page.get_by_role("button", name="Stop sharing").click(timeout=WAIT_MS)
    offers.locator(".exhibit__live").wait_for(state="detached", timeout=WAIT_MS)
    defence.page.get_by_role("button", name="Share screen").click(timeout=WAIT_MS)
    offers.locator(".exhibit__live", has_text="On screen").wait_for(timeout=WAIT_MS)
    time.sleep(1.0)  # on screen a while before the clerk registers it
    judge.page.locator("#exhibit-offers .exhibit--offer").wait_for(timeout=WAIT_MS)
    assert offers.count() == 1  # one offer per sharer, following the latest share
    assert offers.locator(".exhibit__number").inner_text() == "Screen shared by Dora Counsel"
    _protocol_row(clerk, "Screen sharing ended").last.wait_for(timeout=WAIT_MS)
    assert exhibit_rows.count() == exhibit_entries
    assert len(_exhibits(own_hearings, hearing.id)) == 2
    assert clerk.page.locator("#exhibits .exhibit:not(.exhibit--offer)").count() == 2
    path = shots_dir / "exhibits-2-offered.png"
    clerk.page.locator("#exhibits").screenshot(path=str(path))
    save_for_review(path)

    # The clerk registers it, describing it: exhibit 3, on screen since the share began.
    offers.get_by_label("Description of the screen shared by Dora Counsel").fill("Bank statement")
    offers.get_by_role("button", name="Register as exhibit").click()
    register.get_by_text("Exhibit 3 registered.").wait_for(timeout=WAIT_MS)
    offers.wait_for(state="detached", timeout=WAIT_MS)
    judge.page.locator("#exhibit-offers .exhibit--offer").wait_for(
        state="detached", timeout=WAIT_MS
    )
    third_row = clerk.page.locator("#exhibits .exhibit").nth(2)
    third_row.locator(".exhibit__live", has_text="On screen").wait_for(timeout=WAIT_MS)
    _protocol_row(
        judge, "Exhibit 3 offered by Dora Counsel (Defence counsel): Bank statement"
    ).wait_for(timeout=WAIT_MS)
    _protocol_row(clerk, "Exhibit 3 shown on screen").wait_for(timeout=WAIT_MS)
    assert exhibit_rows.count() == exhibit_entries + 2
    defence.page.get_by_role("button", name="Stop sharing").click(timeout=WAIT_MS)
    _protocol_row(judge, "Exhibit 3 no longer on screen (shown from").wait_for(timeout=WAIT_MS)
    third = _exhibits(own_hearings, hearing.id)[2]
    assert (third["description"], third["offered_by"]) == ("Bank statement", defence_id)
    (showing,) = third["showings"]
    assert showing["ended"] and showing["end_ms"] - showing["start_ms"] >= 1000

    assert clerk.page.locator("#exhibits img, #protocol img").count() == 0
    assert judge.page.locator("#exhibits img, #protocol img").count() == 0
    assert dialogs == [], "an exhibit's description ran as HTML"
    path = shots_dir / "exhibits-1-clerk.png"
    clerk.page.locator("#exhibits").screenshot(path=str(path))
    save_for_review(path)
