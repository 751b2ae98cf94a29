"""The court's own time and calendar, used as people use them: a clerk whose laptop is set
to New York schedules a hearing in Baku time with a judge picked from a list, is asked
before a second hearing of the same case, and changes a hearing before it opens; a
defendant who opens the link a day early is told as whom, which case and when, in the
court's time; the public home page names the court and speaks to the public.
"""

from __future__ import annotations

import itertools
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
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

BAKU = ZoneInfo("Asia/Baku")
COURT_NAME = "Baku Court of Grave Crimes"  # the e2e server's COURTROOM_COURT_NAME
CLERK, CLERK_NAME = "clerk19", "Nigar Həsənova"
OTHER_JUDGE, OTHER_JUDGE_NAME = "judge19", "Judge Rauf Mammadov"
PASSWORD = "a long enough password for the court time test"
# Far from Baku (UTC+4), and on a 12-hour clock by default: the pages must not follow it.
BROWSER_ZONE = "America/New_York"
_cases = itertools.count(1)
EN_DASH = "\N{EN DASH}"  # between the start and end of a time span, as the pages write it


@pytest.fixture(scope="module")
def staff(server: Server) -> None:
    add_staff(server, CLERK, role="clerk", name=CLERK_NAME, password=PASSWORD)
    add_staff(server, OTHER_JUDGE, role="judge", name=OTHER_JUDGE_NAME, password=PASSWORD)


@pytest.fixture
def console(browser: Any, server: Server, staff: None) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id=BROWSER_ZONE, locale="en-US"
    )
    page = context.new_page()
    problems: list[str] = []
    watch_for_page_errors(page, problems)
    yield page
    context.close()
    assert not problems, "the console reported errors:\n" + "\n".join(problems)


def _tomorrow_in_baku() -> datetime:
    return datetime.now(BAKU).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def _log_in(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/console")
    page.wait_for_url(f"{server.url}/login", timeout=WAIT_MS)
    page.get_by_label("Username").fill(CLERK)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
    page.get_by_role("heading", name="Today's hearings").wait_for(timeout=WAIT_MS)


def _options(select: Any) -> list[str]:
    texts: list[str] = select.locator("option").all_inner_texts()
    return texts


def _fact(page: Any, term: str) -> str:
    text: str = (
        page.locator(".facts__item", has=page.locator("dt", has_text=term))
        .locator("dd")
        .inner_text()
    )
    return text


def test_a_clerk_far_from_baku_schedules_in_the_court_s_time_with_a_judge_from_the_list(
    server: Server, console: Any, shots_dir: Path
) -> None:
    page = console
    _log_in(page, server)
    day = _tomorrow_in_baku()
    case_number = f"1-19-{next(_cases)}/{datetime.now(BAKU):%H%M%S}"
    assert "Asia/Baku" in page.locator("#day-zone").inner_text()

    page.get_by_role("button", name="New hearing").click()
    form = page.locator("#hearing-form")
    judge = form.get_by_label("Presiding judge")
    judge.locator("option", has_text="Judge Amina Aliyeva").wait_for(
        state="attached", timeout=WAIT_MS
    )
    # The court is the court's own, the clerk is the one scheduling, the judges are by name.
    assert form.get_by_label("Court", exact=True).input_value() == COURT_NAME
    assert form.get_by_label("Court clerk").input_value() == CLERK
    # Only judges, by name (other tests of the session add judges of their own).
    judges = _options(judge)
    assert judges[0] == "Choose the judge"
    assert {"Judge Amina Aliyeva", OTHER_JUDGE_NAME} <= set(judges)
    assert CLERK_NAME not in judges and "Clerk Farid Mammadov" not in judges
    assert _options(form.get_by_label("Language of the hearing")) == [
        "Azerbaijani",
        "Russian",
        "English",
    ]
    assert "Asia/Baku" in page.locator("#hf-zone").inner_text()

    form.get_by_label("Case number").fill(case_number)
    form.get_by_label("Title").fill("State v. Quliyev — main hearing")
    judge.select_option(label="Judge Amina Aliyeva")
    form.get_by_label("Date").fill(f"{day:%Y-%m-%d}")
    form.get_by_label("Start time").fill("14:30")
    assert form.get_by_label("Start time").input_value() == "14:30", "no AM/PM: 24-hour clock"
    form.get_by_label("Language of the hearing").select_option(label="Azerbaijani")
    full_screenshot(page, shots_dir, "court-time-1-new-hearing.png")
    form.get_by_role("button", name="Schedule hearing").click()

    page.get_by_role("heading", name="State v. Quliyev — main hearing").wait_for(timeout=WAIT_MS)
    assert "at 14:30 (Asia/Baku)" in page.locator("#console-flash").inner_text()
    assert _fact(page, "Time") == f"14:30{EN_DASH}15:30 (Asia/Baku)"
    assert _fact(page, "Presiding judge") == "Judge Amina Aliyeva"
    assert _fact(page, "Court clerk") == CLERK_NAME
    assert _fact(page, "Language") == "Azerbaijani"
    # What the server stored is 14:30 in Baku, not in New York.
    hearing_id = page.evaluate("() => new URLSearchParams(location.hash.slice(1)).get('hearing')")
    stored = page.request.get(f"{server.url}/api/v1/hearings/{hearing_id}").json()
    expected = day.replace(hour=14, minute=30).astimezone(ZoneInfo("UTC"))
    assert stored["scheduled_start"] == f"{expected:%Y-%m-%dT%H:%M:%SZ}"
    assert (stored["presiding_judge"], stored["clerk"]) == ("judge", CLERK)
    full_screenshot(page, shots_dir, "court-time-2-scheduled.png")

    # The day's list, in the court's time, with the judge's name.
    page.get_by_role("link", name="Hearings on").click()
    row = page.locator("#hearings-body tr", has_text=case_number)
    row.wait_for(timeout=WAIT_MS)
    assert f"14:30{EN_DASH}15:30" in row.inner_text() and "Judge Amina Aliyeva" in row.inner_text()

    # A second hearing of the same case is a question, not a refusal.
    page.get_by_role("button", name="New hearing").click()
    form.get_by_label("Case number").fill(case_number)
    form.get_by_label("Title").fill("State v. Quliyev — continued")
    judge.select_option(label=OTHER_JUDGE_NAME)
    form.get_by_label("Start time").fill("10:00")
    form.get_by_role("button", name="Schedule hearing").click()
    warning = page.locator("#hf-duplicate")
    warning.wait_for(timeout=WAIT_MS)
    assert f"Case {case_number} already has a hearing" in warning.inner_text()
    assert "14:30 — State v. Quliyev — main hearing (Scheduled)" in warning.inner_text()
    assert page.locator("#new-hearing").is_visible(), "nothing was scheduled yet"
    full_screenshot(page, shots_dir, "court-time-3-duplicate-case.png")
    form.get_by_role("button", name="Schedule anyway").click()
    page.get_by_role("heading", name="State v. Quliyev — continued").wait_for(timeout=WAIT_MS)
    assert _fact(page, "Presiding judge") == OTHER_JUDGE_NAME

    # Before it opens, every detail can be changed; the reason goes to the audit log.
    page.get_by_role("button", name="Change or reschedule").click()
    change = page.locator("#reschedule-form")
    change.get_by_label("Title").fill("State v. Quliyev — second sitting")
    change.get_by_label("Presiding judge").select_option(label="Judge Amina Aliyeva")
    change.get_by_label("Start time").fill("16:00")
    change.get_by_label("Language of the hearing").select_option(label="Russian")
    change.get_by_label("Reason (kept in the audit log)").fill("the judge's calendar")
    full_screenshot(page, shots_dir, "court-time-4-change-form.png")
    change.get_by_role("button", name="Save the changes").click()
    page.get_by_role("heading", name="State v. Quliyev — second sitting").wait_for(timeout=WAIT_MS)
    assert _fact(page, "Time") == f"16:00{EN_DASH}17:00 (Asia/Baku)"
    assert _fact(page, "Presiding judge") == "Judge Amina Aliyeva"
    assert _fact(page, "Language") == "Russian"
    full_screenshot(page, shots_dir, "court-time-5-changed.png")


def test_a_defendant_a_day_early_sees_as_whom_which_case_and_when_in_the_court_s_time(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    start = _tomorrow_in_baku().replace(hour=14)
    hearing = own_hearings.hearing(
        "State v. Quliyev — early arrival", {"defendant": "Elvin Quliyev"}, start=start
    )
    defendant = open_participant(
        "defendant",
        token=hearing.tokens["defendant"],
        goto=False,
        timezone_id=BROWSER_ZONE,
    )
    page = defendant.page
    page.goto(defendant.url)
    card = page.locator("#check-invitation")
    card.wait_for(timeout=WAIT_MS)
    text = card.inner_text()
    assert "Elvin Quliyev, Defendant" in text
    assert hearing.case_number in text and "State v. Quliyev — early arrival" in text
    when = f"{start:%A}, {start.day} {start:%B %Y}, 14:00{EN_DASH}16:00 (Asia/Baku)"
    assert when in text, text
    assert (
        f"You are early: the hearing is on {start:%A}, {start.day} {start:%B %Y}, "
        "at 14:00 (Asia/Baku)" in text
    )
    page.get_by_role("heading", name="Check your camera and microphone").wait_for(timeout=WAIT_MS)
    full_screenshot(page, shots_dir, "court-time-6-device-check-early.png")

    defendant.join_from_check()
    defendant.wait_room("waiting")
    waiting = page.locator("#waiting-invitation")
    assert waiting.is_visible()
    assert "Elvin Quliyev, Defendant" in waiting.inner_text()
    assert when in waiting.inner_text()
    assert "You are early" in waiting.inner_text()
    full_screenshot(page, shots_dir, "court-time-7-waiting-room-early.png")


def test_opening_a_hearing_a_day_early_asks_why_and_the_protocol_says_so(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    start = _tomorrow_in_baku().replace(hour=11)
    hearing = own_hearings.hearing(
        "State v. Quliyev — opened early", {"clerk": "Clerk Farid Mammadov"}, start=start
    )
    clerk = open_participant(
        "clerk", token=hearing.tokens["clerk"], goto=True, timezone_id=BROWSER_ZONE
    )
    clerk.wait_joined()
    panel = clerk.page.locator("#court-panel")
    panel.get_by_role("heading", name="Court controls").wait_for(timeout=WAIT_MS)

    panel.get_by_role("button", name="Open the waiting room").click()
    question = panel.get_by_role("alertdialog", name="Open the hearing on another day?")
    question.wait_for(timeout=WAIT_MS)
    day = f"{start:%A}, {start.day} {start:%B %Y}"
    assert f"scheduled for {day}, not today" in question.inner_text()
    # Without a reason nothing is sent: the hearing stays as it was.
    question.get_by_role("button", name="Open it today").click()
    reason = question.get_by_label("Why open it today?")
    assert reason.get_attribute("aria-invalid") == "true"
    assert "The hearing has not opened yet" in panel.locator(".cp-state").inner_text()
    reason.fill("all parties are present and agree")
    full_screenshot(clerk.page, shots_dir, "court-time-9-open-another-day.png")
    question.get_by_role("button", name="Open it today").click()
    panel.locator(".cp-state").get_by_text("Waiting room open", exact=True).wait_for(
        timeout=WAIT_MS
    )

    entries = own_hearings.protocol(hearing.id)
    opened = [e for e in entries if "all parties are present and agree" in e["text"]]
    assert opened, entries
    assert f"not on the scheduled day, {day}" in opened[0]["text"]


def test_the_public_home_page_names_the_court_and_speaks_to_the_public(
    browser: Any, server: Server, shots_dir: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    watch_for_page_errors(page, problems)
    try:
        page.goto(server.url)
        page.locator("#court-name", has_text=COURT_NAME).wait_for(timeout=WAIT_MS)
        main = page.locator("main").inner_text()
        assert "If you have a link" in main and "court clerk" in main
        for developer_words in ("make run", "source code", "demo"):
            assert developer_words not in page.content()
        full_screenshot(page, shots_dir, "court-time-8-home.png")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
