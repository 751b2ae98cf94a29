"""The staff console, as a court clerk uses it: log in, schedule today's hearing, add its
participants, send a witness a join link that works, then revoke it so that it no longer does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import (
    OpenParticipant,
    Server,
    add_staff,
    full_screenshot,
    watch_for_page_errors,
)
from tests.e2e.hearing_page import WAIT_MS

pytestmark = pytest.mark.e2e

CLERK = "clerk1"
CLERK_NAME = "Clara Clerk"
PASSWORD = "a long enough password for the console test"
# Not the court's zone (Asia/Baku), so that every date and time the console sends and shows
# must be the court's, not the browser's.
TIME_ZONE = "Europe/Tallinn"
COURT_ZONE = ZoneInfo("Asia/Baku")


def _soon() -> str:
    """The court's time one minute from now, as <input type="time"> wants it: the hearing is
    today (the court's today), and its join links stay valid until two hours after its end."""
    now = datetime.now(COURT_ZONE)
    soon = now + timedelta(minutes=1)
    return "23:59" if soon.date() != now.date() else f"{soon:%H:%M}"


@pytest.fixture(scope="module")
def clerk(server: Server) -> str:
    add_staff(server, CLERK, role="clerk", name=CLERK_NAME, password=PASSWORD)
    return CLERK


@pytest.fixture
def console(browser: Any, server: Server, clerk: str) -> Iterator[Any]:
    """A page of its own context, with the clipboard allowed; fails on script or CSP errors."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id=TIME_ZONE, locale="en-GB"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    problems: list[str] = []
    watch_for_page_errors(page, problems)
    yield page
    context.close()
    assert not problems, "the console reported errors:\n" + "\n".join(problems)


def _log_in(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/console")
    page.wait_for_url(f"{server.url}/login", timeout=WAIT_MS)
    page.get_by_label("Username").fill(CLERK)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
    page.get_by_role("heading", name="Today's hearings").wait_for(timeout=WAIT_MS)


def test_a_clerk_schedules_a_hearing_and_issues_and_revokes_a_join_link(
    server: Server, console: Any, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    page = console
    _log_in(page, server)
    assert page.locator("#account-name").inner_text() == CLERK_NAME
    assert page.get_by_role("button", name="Log out").is_visible()
    full_screenshot(page, shots_dir, "console-1-today.png")

    # Schedule a hearing for today.
    page.get_by_role("button", name="New hearing").click()
    form = page.locator("#hearing-form")
    form.get_by_label("Case number").fill("1-26-4711")
    form.get_by_label("Title").fill("State v. Doe — main hearing")
    form.get_by_label("Court", exact=True).fill("Harju County Court")
    form.get_by_label("Courtroom").fill("Room 214")
    form.get_by_label("Presiding judge").select_option(label="Judge Amina Aliyeva")
    form.get_by_label("Start time").fill(_soon())
    form.get_by_label("Duration in minutes").fill("90")
    full_screenshot(page, shots_dir, "console-2-new-hearing.png")
    form.get_by_role("button", name="Schedule hearing").click()

    page.get_by_role("heading", name="State v. Doe — main hearing").wait_for(timeout=WAIT_MS)
    assert "Hearing 1-26-4711 scheduled" in page.locator("#console-flash").inner_text()
    assert page.locator("#hearing-state").inner_text() == "Scheduled"

    # Its participants: a defendant in custody and a witness.
    people = page.locator("#participant-form")
    people.get_by_label("Full name").fill("Daniel Doe")
    people.get_by_label("Role").select_option("defendant")
    people.get_by_label("In custody").check()
    people.get_by_role("button", name="Add participant").click()
    defendant = page.locator("#participants-body tr", has_text="Daniel Doe")
    defendant.wait_for(timeout=WAIT_MS)
    assert "In custody" in defendant.inner_text()
    assert people.get_by_label("Full name").input_value() == "", "the form is ready for the next"

    people.get_by_label("Full name").fill("Wanda Witness")
    people.get_by_label("Role").select_option("witness")
    people.get_by_role("button", name="Add participant").click()
    witness = page.locator("#participants-body tr", has_text="Wanda Witness")
    witness.wait_for(timeout=WAIT_MS)
    assert "Witness" in witness.inner_text() and "In custody" not in witness.inner_text()

    # The witness's join link, shown once, copied to the clipboard.
    witness.get_by_role("button", name="Issue join link").click()
    issued = page.locator("#issued-link")
    issued.wait_for(timeout=WAIT_MS)
    assert "Wanda Witness" in issued.inner_text()
    url = page.locator("#issued-link-url").input_value()
    assert url.startswith(f"{server.url}/join#token=")
    issued.get_by_role("button", name="Copy link").click()
    page.get_by_text("Copied.").wait_for(timeout=WAIT_MS)
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    link_row = page.locator("#links-body tr", has_text="Wanda Witness")
    link_row.get_by_text("Active").wait_for(timeout=WAIT_MS)
    full_screenshot(page, shots_dir, "console-3-link-issued.png")

    # The witness opens it and is in the hearing.
    token = url.split("#token=", 1)[1]
    joined = open_participant("witness", token=token)
    joined.wait_joined()
    assert joined.state()["participant"]["name"] == "Wanda Witness"
    assert joined.page.locator("#hearing-title").inner_text() == "State v. Doe — main hearing"
    joined.close()

    # The clerk revokes the link; the one-time display of its URL goes away with it.
    link_row.get_by_role("button", name="Revoke").click()
    link_row.get_by_role("button", name="Yes, revoke").click()
    link_row.get_by_text("Revoked").wait_for(timeout=WAIT_MS)
    assert f"by {CLERK}" in link_row.inner_text()
    assert issued.is_hidden()
    full_screenshot(page, shots_dir, "console-4-link-revoked.png")

    # Opened again in a fresh browser, the link is refused and says why.
    refused = open_participant("witness", token=token)
    refused.page.get_by_role("heading", name="This join link has been revoked").wait_for(
        timeout=WAIT_MS
    )
    assert "Ask the court clerk" in refused.page.locator("#panel-body").inner_text()
    assert refused.page.locator("#hearing-view").is_hidden()
    full_screenshot(refused.page, shots_dir, "console-5-revoked-link-refused.png")

    # Back on the day's list, the hearing is there, with its state.
    page.get_by_role("link", name="Hearings on").click()
    row = page.locator("#hearings-body tr", has_text="1-26-4711")
    row.wait_for(timeout=WAIT_MS)
    assert "Scheduled" in row.inner_text()
    full_screenshot(page, shots_dir, "console-6-day.png")


def test_a_refused_form_shows_why_and_keeps_what_was_typed(
    server: Server, console: Any, shots_dir: Path
) -> None:
    page = console
    _log_in(page, server)
    page.get_by_role("button", name="New hearing").click()
    form = page.locator("#hearing-form")
    # Blanks pass the browser's "required" but not the server, which trims them.
    form.get_by_label("Case number").fill("   ")
    form.get_by_label("Title").fill("State v. Roe")
    form.get_by_label("Court", exact=True).fill("Tartu County Court")
    form.get_by_label("Presiding judge").select_option(label="Judge Amina Aliyeva")
    form.get_by_label("Start time").fill("09:30")
    form.get_by_role("button", name="Schedule hearing").click()

    error = page.locator("#hearing-form-error")
    error.wait_for(timeout=WAIT_MS)
    assert error.inner_text().startswith("Case number: ")  # the label, not the API's name
    case_number = form.get_by_label("Case number")
    assert case_number.get_attribute("aria-invalid") == "true"
    assert case_number.evaluate("(input) => input === document.activeElement")
    assert form.get_by_label("Title").input_value() == "State v. Roe"
    assert form.get_by_label("Court", exact=True).input_value() == "Tartu County Court"
    assert form.get_by_label("Start time").input_value() == "09:30"
    full_screenshot(page, shots_dir, "console-7-refused.png")

    # The next day has its own list; "Today" comes back.
    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Next day").click()
    page.get_by_role("heading", name="Hearings on").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Today").click()
    page.get_by_role("heading", name="Today's hearings").wait_for(timeout=WAIT_MS)

    # Logging out ends the session: the console sends the person to the login page.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{server.url}/login", timeout=WAIT_MS)
    page.goto(f"{server.url}/console")
    page.wait_for_url(f"{server.url}/login", timeout=WAIT_MS)
