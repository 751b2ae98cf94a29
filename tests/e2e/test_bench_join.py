"""The bench joins from the staff console, not by a join link (the security review's H1).

The presiding judge signs in, opens their hearing in the console, presses "Join as judge"
and is in the courtroom as its judge; the console offers no judge or clerk role to add and
no join link for a bench member. Opening the hearing again in another window asks before
the first window leaves, and the first window is told.
"""

from __future__ import annotations

from typing import Any

import pytest

from court.roles import Role
from server.auth.bootstrap import DEMO_STAFF_FILE, read_passwords
from server.demo import DEMO_CAST
from tests.e2e.harness import Server
from tests.e2e.hearing_page import WAIT_MS, HearingPage, camera_script
from tests.e2e.scheduling import DEMO_JUDGE, Scheduler

pytestmark = pytest.mark.e2e


def test_the_presiding_judge_joins_from_the_console(
    browser: Any, server: Server, own_hearings: Scheduler
) -> None:
    hearing = own_hearings.hearing("State v. Seated", {"defendant": "Dmitri Dock"})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(camera_script("#cc2222", tone=False))
    page = context.new_page()
    judge = HearingPage(page, url="", role="judge", context=context)
    try:
        page.goto(f"{server.url}/console")
        page.wait_for_url(f"{server.url}/login", timeout=WAIT_MS)
        page.get_by_label("Username").fill(DEMO_JUDGE)
        password = read_passwords(server.data_dir / DEMO_STAFF_FILE)[DEMO_JUDGE]
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
        page.goto(f"{server.url}/console#hearing={hearing.id}")
        page.get_by_role("heading", name="State v. Seated").wait_for(timeout=WAIT_MS)

        # The bench is neither added nor sent a link from here.
        roles = page.locator("#pf-role option").evaluate_all("(os) => os.map((o) => o.value)")
        assert "judge" not in roles and "clerk" not in roles and "witness" in roles

        page.get_by_role("button", name="Join as judge").click()
        page.wait_for_url(f"{server.url}/join#token=*", timeout=WAIT_MS)
        assert judge.wait_past_connect() == "device-check"
        judge.join_from_check()
        judge.wait_joined()
        state = judge.state()
        assert state["participant"]["role"] == "judge", state["participant"]
        assert state["participant"]["name"] == dict(DEMO_CAST)[Role.JUDGE]  # their account's

        # The same judge opens the hearing again in another window: asked, not swapped.
        second = context.new_page()
        again = HearingPage(second, url="", role="judge", context=context)
        second.goto(f"{server.url}/console#hearing={hearing.id}")
        second.get_by_role("button", name="Join as judge").click()
        second.wait_for_url(f"{server.url}/join#token=*", timeout=WAIT_MS)
        assert again.wait_past_connect() == "device-check"
        again.join_from_check()
        question = "You are already in this hearing in another window. Continue here?"
        again.page.get_by_text(question).wait_for(timeout=WAIT_MS)
        assert judge.state()["phase"] == "joined"  # the first window is still in the hearing
        again.page.get_by_role("button", name="Continue here").click()
        again.wait_joined()
        page.get_by_text("You continued in another window").first.wait_for(timeout=WAIT_MS)
        assert judge.problems == [] and again.problems == []
    finally:
        context.close()
