"""The court protocol editor, as the clerk and the judge use it: the clerk writes a statement
while the hearing sits (saved as typed, stamped with the record time it began), the judge's
editor shows it at once, the court's own actions are listed by themselves, the stamp moves by
a second, and a reload loses nothing. A party's page has no editor.

A hearing of this test's own (tests.e2e.scheduling): it is started, which nothing undoes.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

CAST = {
    "judge": "Judith Record",
    "clerk": "Clara Minutes",
    "defendant": "Daniel Spoken",
}
HOSTILE = "<img src=x onerror=alert(1)>"
STATEMENT = f"I was at home that night. {HOSTILE}"
QUESTION = "Who can confirm that?"
STATE_CHANGED = "The hearing's state changed"


def _shot(page: HearingPage, shots_dir: Path, name: str) -> None:
    save_for_review(page.screenshot(shots_dir / name))


def _editor_shot(page: HearingPage, shots_dir: Path, name: str) -> None:
    path = shots_dir / name
    page.page.locator("#protocol").screenshot(path=str(path))
    save_for_review(path)


def _stored(own_hearings: Scheduler, hearing_id: str) -> list[dict[str, Any]]:
    """The protocol as the server keeps it, read as the demo clerk (REST API)."""
    response = own_hearings._api.get(
        f"{own_hearings._url}/api/v1/hearings/{hearing_id}/protocol?reason=checking"
    )
    assert response.ok, f"read the protocol: HTTP {response.status} {response.text()}"
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


def _wait_stored(
    own_hearings: Scheduler, hearing_id: str, text: str, check: Any = lambda e: True
) -> dict[str, Any]:
    """The stored entry with this text, once `check` holds for it."""
    deadline = time.monotonic() + WAIT_MS / 1000
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found = [e for e in _stored(own_hearings, hearing_id) if e["text"] == text]
        if found and check(found[0]):
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no stored entry {text!r} as expected; found {found}")


def _row(page: HearingPage, text: str) -> Any:
    return page.page.locator("#protocol .protocol-entry").filter(
        has=page.page.locator(".protocol-entry__text", has_text=text)
    )


def test_the_clerk_writes_the_protocol_and_the_judge_sees_it_live(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    hearing = own_hearings.hearing("State v. Spoken — protocol editor test", CAST)
    tokens = hearing.tokens
    judge = open_participant("judge", token=tokens["judge"], colour=COLOURS["red"])
    clerk = open_participant("clerk", token=tokens["clerk"], colour=COLOURS["blue"])
    defendant = open_participant("defendant", token=tokens["defendant"], colour=COLOURS["green"])
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    for person in (judge, clerk, defendant):
        person.page.on("dialog", on_dialog)
    judge.wait_joined()
    clerk.admit(defendant)
    defendant_id = defendant.state()["participant"]["id"]

    # Both members of the bench have the editor; the party does not.
    for bench in (judge, clerk):
        bench.page.get_by_role("heading", name="Court protocol").wait_for(timeout=WAIT_MS)
    assert defendant.page.locator("#protocol").count() == 0
    assert defendant.page.get_by_role("heading", name="Court protocol").count() == 0

    # The judge starts the hearing: the recorder runs, and the change is written down.
    judge.page.locator("#court-panel").get_by_role("button", name="Start the hearing").click()
    clerk.page.wait_for_function(
        "() => window.courtroom.state().hearingState === 'in_session'"
        " && window.courtroom.state().recording",
        timeout=WAIT_MS,
    )
    for bench in (judge, clerk):
        automatic = bench.page.locator(
            "#protocol .protocol-entry--automatic", has_text=STATE_CHANGED
        )
        automatic.first.wait_for(timeout=WAIT_MS)
    quiet = clerk.page.locator("#protocol .protocol-entry--automatic").first
    assert quiet.evaluate("(el) => getComputedStyle(el).fontStyle") == "italic"

    # The clerk writes a statement by the defendant, typing it as a clerk does.
    editor = clerk.page.locator("#protocol")
    editor.get_by_label("Kind").select_option(label="Statement")
    speaker = editor.get_by_label("Speaker")
    speaker.select_option(value=defendant_id)
    assert re.match(CAST["defendant"], speaker.locator("option:checked").inner_text())
    text = editor.get_by_label("Entry text")
    text.press_sequentially(STATEMENT, delay=15)
    status = editor.locator("#protocol-status")
    editor.get_by_text("Saved", exact=True).wait_for(timeout=WAIT_MS)
    assert status.inner_text() == "Saved"

    stored = _wait_stored(own_hearings, hearing.id, STATEMENT)
    assert stored["kind"] == "statement"
    assert stored["speaker_id"] == defendant_id
    assert stored["automatic"] is False
    assert stored["recording_id"], stored
    assert isinstance(stored["record_ms"], int), stored
    stamped = stored["record_ms"]
    # One entry, however many saves: the first created it, the later ones saved it.
    assert [e["text"] for e in _stored(own_hearings, hearing.id)].count(STATEMENT) == 1

    # The judge's editor shows it live, literally, with the speaker's name and record time.
    on_bench = _row(judge, STATEMENT)
    on_bench.wait_for(timeout=WAIT_MS)
    assert on_bench.locator(".protocol-entry__text").inner_text() == STATEMENT
    assert on_bench.locator(".protocol-entry__speaker").inner_text() == CAST["defendant"]
    assert on_bench.locator(".protocol-entry__kind").inner_text() == "Statement"
    time_shown = on_bench.locator(".protocol-entry__time").inner_text()
    assert re.fullmatch(r"\d\d:\d\d:\d\d", time_shown), time_shown
    assert judge.page.locator("#protocol img").count() == 0
    assert clerk.page.locator("#protocol img").count() == 0

    # The stamp moves by a second, later and back again; the judge sees the move.
    editor.get_by_role("button", name="Move this entry's time 1 second later").click()
    _wait_stored(own_hearings, hearing.id, STATEMENT, lambda e: e["record_ms"] == stamped + 1000)
    editor.get_by_role("button", name="Move this entry's time 1 second earlier").click()
    _wait_stored(own_hearings, hearing.id, STATEMENT, lambda e: e["record_ms"] == stamped)
    editor.get_by_role("button", name="Move this entry's time 1 second later").click()
    moved = _wait_stored(
        own_hearings, hearing.id, STATEMENT, lambda e: e["record_ms"] == stamped + 1000
    )
    assert moved["text"] == STATEMENT and moved["speaker_id"] == defendant_id

    # Enter finishes the entry; the next one is a question, with the same speaker preselected.
    text.press("Enter")
    editor.get_by_text("Saved. Write the next entry.").wait_for(timeout=WAIT_MS)
    assert text.input_value() == ""
    assert speaker.input_value() == defendant_id
    editor.get_by_label("Kind").select_option(label="Question")
    speaker.select_option(value="")
    # Typed without a pause (no save goes out meanwhile): the entry is stamped when its first
    # character was typed, not when it was sent. The court's mute, right after, is the clock.
    typing_s = len(QUESTION) * 0.1
    text.press_sequentially(QUESTION, delay=100)
    editor.get_by_role("button", name="Next entry").click()
    editor.get_by_text("Saved. Write the next entry.").wait_for(timeout=WAIT_MS)
    judge.command("mute_participant", {"participant_id": defendant_id, "reason": "Noise"})
    question = _wait_stored(own_hearings, hearing.id, QUESTION)
    muted = _wait_stored(own_hearings, hearing.id, "Muted by the court: Noise")
    assert muted["automatic"] is True and muted["speaker_id"] == defendant_id
    gap_ms = muted["record_ms"] - question["record_ms"]
    assert typing_s * 1000 * 0.8 <= gap_ms <= typing_s * 1000 + 4000, (gap_ms, typing_s)
    assert question["kind"] == "question" and question["speaker_id"] is None
    assert question["number"] > stored["number"]
    on_judge = _row(judge, QUESTION)
    on_judge.wait_for(timeout=WAIT_MS)
    assert on_judge.locator(".protocol-entry__speaker").inner_text() == "—"
    assert on_judge.locator(".protocol-entry__kind").inner_text() == "Question"

    # The list is in number order, on both pages, and matches what is stored.
    numbers = [
        int(n)
        for n in judge.page.locator("#protocol .protocol-entry").evaluate_all(
            "(rows) => rows.map((r) => r.dataset.number)"
        )
    ]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    assert numbers == [e["number"] for e in _stored(own_hearings, hearing.id)]
    _shot(clerk, shots_dir, "protocol-1-clerk.png")
    _editor_shot(clerk, shots_dir, "protocol-2-clerk-editor.png")
    _shot(judge, shots_dir, "protocol-3-judge.png")
    _shot(defendant, shots_dir, "protocol-4-defendant.png")

    # The clerk reloads the page: the protocol is listed again, nothing lost.
    clerk.open()
    clerk.wait_joined()
    again = _row(clerk, STATEMENT)
    again.wait_for(timeout=WAIT_MS)
    assert again.locator(".protocol-entry__text").inner_text() == STATEMENT
    assert again.locator(".protocol-entry__speaker").inner_text() == CAST["defendant"]
    _row(clerk, QUESTION).wait_for(timeout=WAIT_MS)
    clerk.page.locator(
        "#protocol .protocol-entry--automatic", has_text=STATE_CHANGED
    ).first.wait_for(timeout=WAIT_MS)
    after_reload = clerk.page.locator("#protocol .protocol-entry").evaluate_all(
        "(rows) => rows.map((r) => Number(r.dataset.number))"
    )
    assert after_reload[: len(numbers)] == numbers
    assert clerk.page.locator("#protocol img").count() == 0
    _editor_shot(clerk, shots_dir, "protocol-5-clerk-reloaded.png")
    assert dialogs == [], "the protocol's text ran as HTML"


def test_the_editor_suggests_who_is_speaking_and_resumes_an_entry_after_a_reload(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    cast = {"judge": "Judith Hearing", "clerk": "Clara Listens", "defendant": "Daniel Voiced"}
    hearing = own_hearings.hearing("State v. Voiced — speaker suggestion test", cast)
    tokens = hearing.tokens
    judge = open_participant("judge", token=tokens["judge"], colour=COLOURS["red"])
    clerk = open_participant("clerk", token=tokens["clerk"], colour=COLOURS["blue"])
    defendant = open_participant("defendant", token=tokens["defendant"], colour=COLOURS["green"])
    judge.wait_joined()
    clerk.admit(defendant)
    defendant_id = defendant.state()["participant"]["id"]
    judge.page.locator("#court-panel").get_by_role("button", name="Start the hearing").click()
    clerk.page.wait_for_function("() => window.courtroom.state().recording", timeout=WAIT_MS)
    editor = clerk.page.locator("#protocol")
    speaking = editor.locator("#protocol-speaking")
    assert speaking.is_hidden()  # nobody has spoken yet

    # The defendant speaks: the recording hears it and the bench is told who it is.
    defendant.page.evaluate("window.__voice.speak(true)")
    editor.get_by_text(f"Speaking now: {cast['defendant']}, Defendant").wait_for(timeout=WAIT_MS)
    _editor_shot(clerk, shots_dir, "protocol-6-speaking-now.png")

    # The clerk begins an entry without choosing a speaker: the one speaking is suggested.
    speaker = editor.get_by_label("Speaker")
    assert speaker.input_value() == ""
    text = editor.get_by_label("Entry text")
    text.press_sequentially("I did not see the car", delay=15)
    assert speaker.input_value() == defendant_id
    editor.get_by_text("Saved", exact=True).wait_for(timeout=WAIT_MS)
    first = _wait_stored(own_hearings, hearing.id, "I did not see the car")
    assert first["speaker_id"] == defendant_id

    # Silence: the hint says who was heard last, and no longer that anyone speaks.
    defendant.page.evaluate("window.__voice.speak(false)")
    editor.get_by_text(f"Last heard: {cast['defendant']}, Defendant").wait_for(timeout=WAIT_MS)

    # The page is reloaded in the middle of the entry: it comes back to be finished.
    clerk.open()
    clerk.wait_joined()
    editor = clerk.page.locator("#protocol")
    text = editor.get_by_label("Entry text")
    clerk.page.wait_for_function(
        "() => document.querySelector('#protocol-text').value === 'I did not see the car'",
        timeout=WAIT_MS,
    )
    assert editor.locator("#protocol-stamp").inner_text().startswith(f"Entry {first['number']} at")
    text.press("End")
    text.press_sequentially(" that night", delay=15)
    text.press("Enter")
    editor.get_by_text("Saved. Write the next entry.").wait_for(timeout=WAIT_MS)
    finished = _wait_stored(own_hearings, hearing.id, "I did not see the car that night")
    assert finished["id"] == first["id"] and finished["record_ms"] == first["record_ms"]
    assert not [e for e in _stored(own_hearings, hearing.id) if e["text"] == first["text"]]

    # A finished entry opens again with a click; what is added is saved into it.
    _row(clerk, "I did not see the car that night").click()
    assert text.input_value() == "I did not see the car that night"
    text.press("End")
    text.press_sequentially(" or the driver", delay=15)
    text.press("Enter")
    editor.get_by_text("Saved. Write the next entry.").wait_for(timeout=WAIT_MS)
    again = _wait_stored(own_hearings, hearing.id, "I did not see the car that night or the driver")
    assert again["id"] == first["id"] and again["speaker_id"] == defendant_id
    # The court's own entries do not open.
    clerk.page.locator("#protocol .protocol-entry--automatic").first.click()
    assert text.input_value() == ""
    _editor_shot(clerk, shots_dir, "protocol-7-resumed.png")
