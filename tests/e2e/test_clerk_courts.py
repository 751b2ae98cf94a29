"""A clerk assigned to a court by the administrator (issue 15): the administrator ticks the
court on the accounts page; the clerk's console day list then shows that court's hearing,
scheduled and named for someone else, and not another court's hearing of the same day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import Server, add_staff, checked_pages, full_screenshot
from tests.e2e.hearing_page import WAIT_MS
from tests.e2e.scheduling import Scheduler
from tests.e2e.test_accounts import log_in

pytestmark = pytest.mark.e2e

ADMIN, ADMIN_PASSWORD = "cc-admin", "the court administrator's password"
CLERK, CLERK_PASSWORD = "cc-clerk", "the court clerk's long password"
OURS, THEIRS = "Shaki District Court", "Lankaran District Court"


def schedule_in(own_hearings: Scheduler, court: str, case_number: str) -> dict[str, Any]:
    """A hearing of ``court`` starting now, scheduled by the demo clerk (and so theirs)."""
    return own_hearings.post(
        "/api/v1/hearings",
        {
            "case_number": case_number,
            "title": f"State v. {court.split()[0]}",
            "court": court,
            "presiding_judge": "judge",
            "scheduled_start": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "duration_minutes": 60,
        },
        f"schedule a hearing of {court}",
    )


def test_a_clerk_assigned_to_a_court_finds_its_hearings_in_the_day_list_and_no_others(
    server: Server, browser: Any, own_hearings: Scheduler, shots_dir: Path
) -> None:
    stamp = f"{datetime.now(UTC):%H%M%S}"
    ours = schedule_in(own_hearings, OURS, f"CC-{stamp}-A/e2e")
    theirs = schedule_in(own_hearings, THEIRS, f"CC-{stamp}-B/e2e")
    assert ours["clerk"] == theirs["clerk"] == "clerk"  # named for the demo clerk, not ours
    add_staff(server, ADMIN, role="administrator", name="Ada Admin", password=ADMIN_PASSWORD)
    add_staff(server, CLERK, role="clerk", name="Sabina Clerk", password=CLERK_PASSWORD)

    with checked_pages(browser) as open_page:
        clerk = open_page()
        log_in(clerk, server, CLERK, CLERK_PASSWORD)
        clerk.get_by_role("heading", name="Today's hearings").wait_for(timeout=WAIT_MS)
        day = clerk.locator("#hearings-body")
        clerk.locator("#hearings-empty").wait_for(timeout=WAIT_MS)  # assigned to nothing yet
        assert ours["case_number"] not in day.inner_text()

        admin = open_page()
        log_in(admin, server, ADMIN, ADMIN_PASSWORD)
        admin.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
        admin.goto(f"{server.url}/account")
        row = admin.locator(f'tr[data-username="{CLERK}"]')
        row.get_by_role("button", name="Courts").click()
        form = admin.locator("#staff-courts")
        form.get_by_label(OURS).check()
        assert not form.get_by_label(THEIRS).is_checked()
        form.get_by_label("Reason").fill("joins the Shaki clerks' office")
        full_screenshot(admin, shots_dir, "clerk-courts-1-assigning.png")
        form.get_by_role("button", name="Assign courts").click()
        admin.locator("#account-flash").get_by_text(f"{CLERK} is a clerk of {OURS}.").wait_for(
            timeout=WAIT_MS
        )
        row.get_by_role("cell", name=OURS).wait_for(timeout=WAIT_MS)  # the table, refilled
        full_screenshot(admin, shots_dir, "clerk-courts-2-assigned.png")

        clerk.reload()
        clerk.locator(f'a.case-link[data-hearing-id="{ours["id"]}"]').wait_for(timeout=WAIT_MS)
        listed = day.inner_text()
        assert ours["case_number"] in listed and OURS in listed
        assert theirs["case_number"] not in listed and THEIRS not in listed
        full_screenshot(clerk, shots_dir, "clerk-courts-3-day-list.png")

        # The hearing is theirs to prepare (though it names another clerk): it can be moved.
        clerk.locator(f'a.case-link[data-hearing-id="{ours["id"]}"]').click()
        clerk.locator("#reschedule-button").wait_for(timeout=WAIT_MS)
        assert clerk.locator("#join-bench").is_hidden()  # the bench is its named clerk's
        full_screenshot(clerk, shots_dir, "clerk-courts-4-hearing.png")

        clerk.goto(f"{server.url}/account")
        clerk.get_by_text(f"You prepare every hearing of {OURS}").wait_for(timeout=WAIT_MS)
        full_screenshot(clerk, shots_dir, "clerk-courts-5-own-account.png")
