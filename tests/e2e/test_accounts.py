"""Staff accounts, as an administrator and a judge use them: the administrator resets the
judge's forgotten password, the judge logs in with the temporary one and must change it,
then the administrator ends the judge's session and disables and enables the account. And a
clerk who turns on two-step login, then logs in with a code.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest

from tests.e2e.harness import Server, add_staff, checked_pages, full_screenshot
from tests.e2e.hearing_page import WAIT_MS

pytestmark = pytest.mark.e2e

ADMIN, JUDGE = "acc-admin", "acc-judge"
ADMIN_PASSWORD = "the administrator's long password"
JUDGE_PASSWORD = "the judge's forgotten password"
NEW_PASSWORD = "the judge's brand new password"
CLERK, CLERK_PASSWORD = "acc-clerk", "the clerk's long password"


def log_in(page: Any, server: Server, username: str, password: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def answer_next_prompt(page: Any, reason: str) -> None:
    page.once("dialog", lambda dialog: dialog.accept(reason))


def test_an_administrator_resets_a_password_that_the_judge_then_changes(
    server: Server, browser: Any, shots_dir: Path
) -> None:
    add_staff(server, ADMIN, role="administrator", name="Ada Admin", password=ADMIN_PASSWORD)
    add_staff(server, JUDGE, role="judge", name="Judge Jo", password=JUDGE_PASSWORD)
    with checked_pages(browser) as open_page:
        admin = open_page()
        log_in(admin, server, ADMIN, ADMIN_PASSWORD)
        admin.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
        admin.get_by_role("link", name="Your account").click()
        admin.wait_for_url(f"{server.url}/account", timeout=WAIT_MS)
        judge_row = admin.locator(f'tr[data-username="{JUDGE}"]')
        judge_row.wait_for(timeout=WAIT_MS)

        answer_next_prompt(admin, "forgot her password")
        judge_row.get_by_role("button", name="Reset password").click()
        flash = admin.locator("#account-flash")
        flash.get_by_text("Temporary password").wait_for(timeout=WAIT_MS)
        found = re.search(r"Temporary password for \S+: (\S+) ", flash.inner_text())
        assert found is not None
        temporary = found.group(1)
        assert "must change password" in judge_row.inner_text()
        full_screenshot(admin, shots_dir, "accounts-1-reset.png")

        judge = open_page()
        log_in(judge, server, JUDGE, JUDGE_PASSWORD)
        judge.get_by_text("The username or password is wrong.").wait_for(timeout=WAIT_MS)
        log_in(judge, server, JUDGE, temporary)
        judge.wait_for_url(f"{server.url}/account", timeout=WAIT_MS)
        judge.get_by_text("An administrator has reset your password").wait_for(timeout=WAIT_MS)
        judge.goto(f"{server.url}/console")  # refused until the password changes
        judge.wait_for_url(f"{server.url}/account", timeout=WAIT_MS)
        judge.get_by_label("Current password").fill(temporary)
        judge.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        judge.get_by_label("New password again").fill(NEW_PASSWORD)
        judge.get_by_role("button", name="Change password").click()
        judge.get_by_text("Your password has been changed").wait_for(timeout=WAIT_MS)
        judge.get_by_role("heading", name="Where you are logged in").wait_for(timeout=WAIT_MS)
        full_screenshot(judge, shots_dir, "accounts-2-changed.png")
        judge.get_by_role("link", name="Staff console").click()
        judge.get_by_role("heading", name="Today's hearings").wait_for(timeout=WAIT_MS)

        # The administrator ends the judge's session: her console sends her to log in.
        admin.reload()
        judge_row.get_by_role("button", name="Sessions").click()
        sessions = admin.locator("#staff-sessions-body")
        sessions.get_by_role("button", name="End session").click()
        admin.get_by_text(f"A session of {JUDGE} has been ended.").wait_for(timeout=WAIT_MS)
        judge.reload()
        judge.wait_for_url(f"{server.url}/login", timeout=WAIT_MS)

        answer_next_prompt(admin, "on leave")
        judge_row.get_by_role("button", name="Disable").click()
        admin.get_by_text(f"{JUDGE} is disabled").wait_for(timeout=WAIT_MS)
        # The list is drawn again after the message: wait for the row to say it.
        judge_row.get_by_text("Disabled", exact=True).wait_for(timeout=WAIT_MS)
        full_screenshot(admin, shots_dir, "accounts-3-disabled.png")
        log_in(judge, server, JUDGE, NEW_PASSWORD)
        judge.get_by_text("This account is disabled").wait_for(timeout=WAIT_MS)

        answer_next_prompt(admin, "back from leave")
        judge_row.get_by_role("button", name="Enable").click()
        admin.get_by_text(f"{JUDGE} is enabled.").wait_for(timeout=WAIT_MS)
        log_in(judge, server, JUDGE, NEW_PASSWORD)
        judge.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)


def test_a_clerk_turns_on_two_step_login_and_then_logs_in_with_a_code(
    server: Server, browser: Any, shots_dir: Path
) -> None:
    add_staff(server, CLERK, role="clerk", name="Clerk Cy", password=CLERK_PASSWORD)
    with checked_pages(browser) as open_page:
        page = open_page()
        log_in(page, server, CLERK, CLERK_PASSWORD)
        page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
        page.goto(f"{server.url}/account")
        page.get_by_text("Off: logging in needs your password only.").wait_for(timeout=WAIT_MS)
        page.get_by_role("button", name="Set up an authenticator app").click()
        secret_box = page.locator("#totp-secret")
        secret_box.wait_for(timeout=WAIT_MS)
        secret = secret_box.inner_text().replace(" ", "")
        full_screenshot(page, shots_dir, "accounts-4-totp-setup.png")
        page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on two-step login").click()
        page.get_by_text("Two-step login is on.").wait_for(timeout=WAIT_MS)

        other = open_page()
        log_in(other, server, CLERK, CLERK_PASSWORD)
        code_box = other.get_by_label("Code from your authenticator app")
        code_box.wait_for(timeout=WAIT_MS)
        # The code just used to turn it on is not accepted twice: wait for the next one.
        used = pyotp.TOTP(secret).now()
        while pyotp.TOTP(secret).now() == used:
            time.sleep(1)
        code_box.fill(pyotp.TOTP(secret).now())
        full_screenshot(other, shots_dir, "accounts-5-totp-login.png")
        other.get_by_role("button", name="Log in").click()
        other.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
