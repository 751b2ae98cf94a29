"""An entry's history, as the court sees it: the clerk writes a statement in the live
hearing, the judge puts a word right, the clerk moves its time by a second; the review page
then says the entry was edited, and opens its versions: who saved each, when, and what it
said (a hostile payload among them, shown as text).

A hearing of this test's own (tests.e2e.scheduling): it is started, which nothing undoes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.auth.bootstrap import DEMO_STAFF_FILE, read_passwords
from tests.e2e.harness import OpenParticipant, Server, add_staff, checked_pages, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS
from tests.e2e.scheduling import DEMO_CLERK, Scheduler
from tests.e2e.test_protocol_editor import _row, _wait_stored
from tests.e2e.test_protocol_pages import PASSWORD

pytestmark = pytest.mark.e2e

CAST = {"judge": "Judith Revise", "clerk": "Clara Keeps", "defendant": "Daniel Edited"}
REVIEWER = "historyclerk"
HOSTILE = '<img src=x onerror="window.__pwned=1">'
WRITTEN = f"I was at home all evening {HOSTILE}"
ADDED = " and did not go out"
# The court's display format of a moment on the review page (en-GB, long date, short time).
# The court's time, 24-hour, its zone named (lib/wall-time.js).
MOMENT = re.compile(r"on \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d \(Asia/Baku\)$")


@pytest.fixture(scope="module")
def reviewer(server: Server) -> None:
    # Another clerk of the court, whom the hearing does not name: they may not read it.
    add_staff(server, REVIEWER, role="clerk", name="Clara Reviews", password=PASSWORD)


@pytest.fixture
def new_page(browser: Any, reviewer: None) -> Iterator[Any]:
    with checked_pages(browser) as open_:
        yield open_


def test_the_review_page_shows_how_an_entry_was_edited_and_each_version_with_who_and_when(
    server: Server,
    own_hearings: Scheduler,
    open_participant: OpenParticipant,
    new_page: Any,
    shots_dir: Path,
) -> None:
    hearing = own_hearings.hearing("State v. Edited — protocol history test", CAST)
    judge = open_participant("judge", token=hearing.tokens["judge"], colour=COLOURS["red"])
    clerk = open_participant("clerk", token=hearing.tokens["clerk"], colour=COLOURS["blue"])
    defendant = open_participant(
        "defendant", token=hearing.tokens["defendant"], colour=COLOURS["green"]
    )
    judge.wait_joined()
    clerk.admit(defendant)
    defendant_id = defendant.state()["participant"]["id"]
    judge.page.locator("#court-panel").get_by_role("button", name="Start the hearing").click()
    clerk.page.wait_for_function("() => window.courtroom.state().recording", timeout=WAIT_MS)

    # The clerk writes the defendant's statement, saved as it is typed: one version.
    editor = clerk.page.locator("#protocol")
    editor.get_by_label("Kind").select_option(label="Statement")
    editor.get_by_label("Speaker").select_option(value=defendant_id)
    text = editor.get_by_label("Entry text")
    text.press_sequentially(WRITTEN, delay=15)
    text.press("Enter")
    editor.get_by_text("Saved. Write the next entry.").wait_for(timeout=WAIT_MS)
    written = _wait_stored(own_hearings, hearing.id, WRITTEN)
    assert written["revisions"] == 1

    # The judge opens it in their editor and puts it right: a version of the judge's.
    _row(judge, WRITTEN).wait_for(timeout=WAIT_MS)
    _row(judge, WRITTEN).click()
    bench = judge.page.locator("#protocol")
    bench_text = bench.get_by_label("Entry text")
    bench_text.press("End")
    bench_text.press_sequentially(ADDED, delay=15)
    bench_text.press("Enter")
    bench.get_by_text("Saved. Write the next entry.").wait_for(timeout=WAIT_MS)
    corrected = _wait_stored(own_hearings, hearing.id, WRITTEN + ADDED)
    assert corrected["revisions"] == 2

    # The clerk moves its time a second later: a version of the clerk's again.
    _row(clerk, WRITTEN + ADDED).wait_for(timeout=WAIT_MS)
    _row(clerk, WRITTEN + ADDED).click()
    editor.get_by_role("button", name="Move this entry's time 1 second later").click()
    # Wait for the moved time itself: on a busy machine the row's selection can be saved (the
    # clerk's third version) a moment before the move reaches the store, within that version.
    later = written["record_ms"] + 1000
    moved = _wait_stored(
        own_hearings, hearing.id, WRITTEN + ADDED, lambda e: e["record_ms"] == later
    )
    assert moved["revisions"] == 3
    number = moved["number"]

    # On the review page, the entry says it was edited, and its history opens under it.
    page = new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    # The hearing's own clerk reviews it: a clerk reads only the hearings that name them.
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(DEMO_CLERK)
    password = read_passwords(server.data_dir / DEMO_STAFF_FILE)[DEMO_CLERK]
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
    page.goto(f"{server.url}/hearings/{hearing.id}/protocol")
    entry = page.locator(f'#entries-body tr[data-number="{number}"]')
    entry.wait_for(timeout=WAIT_MS)
    assert entry.locator(".sheet__said").inner_text() == WRITTEN + ADDED
    assert entry.locator(".sheet__edits").inner_text().startswith("Edited 2 times")
    others = page.locator("#entries-body tr.sheet__entry .sheet__edits")
    assert others.count() == 1  # nothing else was edited: the court's own entries never are

    page.get_by_role("button", name=f"Show the history of entry {number}").click()
    history = page.locator(f"#history-{number}")
    history.wait_for(timeout=WAIT_MS)
    toggle = entry.locator(".sheet__history-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert toggle.inner_text() == "Hide its history"
    versions = history.locator(".sheet__revision")
    assert versions.count() == 3
    texts = versions.locator(".sheet__revision-text").all_inner_texts()
    assert texts == [WRITTEN, WRITTEN + ADDED, WRITTEN + ADDED]
    who = versions.locator(".sheet__revision-who").all_inner_texts()
    for n, (line, name) in enumerate(
        zip(
            who,
            (hearing.names["clerk"], hearing.names["judge"], hearing.names["clerk"]),
            strict=True,
        ),
        start=1,
    ):
        assert line.startswith(f"Revision {n}, saved by {name} ("), line
        assert MOMENT.search(line), line
    what = versions.locator(".sheet__revision-what").all_inner_texts()
    assert all(w.startswith(f"Statement · {CAST['defendant']} (") for w in what), what
    times = [w.rsplit(" · ", 1)[1] for w in what]
    assert times[0] == times[1] != times[2]  # the third moved the stamp
    assert page.locator("#entries-body img").count() == 0
    assert page.evaluate("() => window.__pwned") is None

    history.scroll_into_view_if_needed()
    shot = shots_dir / "protocol-review-4-entry-history.png"
    page.locator("#sheet").screenshot(path=str(shot))
    save_for_review(shot)

    # The same control closes it again.
    page.get_by_role("button", name=f"Hide the history of entry {number}").click()
    assert history.is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
