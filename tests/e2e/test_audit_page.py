"""The audit log page, as an administrator reads it: log in, find their own login in the log,
narrow it to one action, verify the hash chain. A clerk who opens the page is refused in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import Server, add_staff, checked_pages, full_screenshot
from tests.e2e.hearing_page import WAIT_MS

pytestmark = pytest.mark.e2e

ADMIN = "auditadmin"
ADMIN_NAME = "Ada Auditor"
CLERK = "auditclerk"
CLERK_NAME = "Carl Clerk"
PASSWORD = "a long enough password for the audit test"

_ONLY_LOGINS = """
() => {
  const actions = [...document.querySelectorAll("#entries tr td:nth-child(4)")];
  return actions.length > 0 && actions.every((td) => td.textContent === "session.login");
}
"""


@pytest.fixture(scope="module")
def staff(server: Server) -> None:
    add_staff(server, ADMIN, role="administrator", name=ADMIN_NAME, password=PASSWORD)
    add_staff(server, CLERK, role="clerk", name=CLERK_NAME, password=PASSWORD)


@pytest.fixture
def new_page(browser: Any, staff: None) -> Iterator[Any]:
    """Pages of their own contexts; a script error or a CSP refusal fails the test."""
    with checked_pages(browser) as open_:
        yield open_


def _log_in(page: Any, server: Server, username: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
    page.get_by_role("heading", name="Today's hearings").wait_for(timeout=WAIT_MS)


def _rows(page: Any) -> list[dict[str, str]]:
    """The table's entries as the page shows them, keyed by column heading."""
    headings = [h.strip() for h in page.locator(".audit__table thead th").all_inner_texts()]
    return [
        dict(zip(headings, (c.strip() for c in row.locator("td").all_inner_texts()), strict=True))
        for row in page.locator("#entries tr").all()
    ]


def test_an_administrator_reads_and_verifies_the_audit_log(
    server: Server, new_page: Any, shots_dir: Path
) -> None:
    page = new_page()
    _log_in(page, server, ADMIN)

    # The console links administrators to the audit log.
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url(f"{server.url}/audit", timeout=WAIT_MS)
    page.get_by_role("heading", name="Audit log", exact=True).wait_for(timeout=WAIT_MS)
    page.locator("#entries tr").first.wait_for(timeout=WAIT_MS)
    assert page.locator("#alert").is_hidden()

    rows = _rows(page)
    mine = [r for r in rows if r["Action"] == "session.login" and r["Actor"] == f"staff:{ADMIN}"]
    assert mine, f"no session.login by staff:{ADMIN} among {rows}"
    assert mine[-1]["Outcome"] == "Allowed"
    assert mine[-1]["Object"] == f"staff:{ADMIN}"
    # In the court's time (the browser's is UTC), to the second, on a 24-hour clock; the
    # stored UTC instant is the cell's tooltip.
    assert "Time (Asia/Baku)" in rows[0]
    cell = page.locator("#entries tr", has_text=f"staff:{ADMIN}").last.locator(".audit__time")
    stored = datetime.fromisoformat(cell.get_attribute("title").replace("Z", "+00:00"))
    assert (
        mine[-1]["Time (Asia/Baku)"]
        == f"{stored.astimezone(ZoneInfo('Asia/Baku')):%Y-%m-%d %H:%M:%S}"
    )
    seqs = [int(r["#"]) for r in rows]
    assert seqs == sorted(seqs), "oldest first"
    full_screenshot(page, shots_dir, "audit-1-entries.png")

    # Narrowed to one action (typed as people type), only that action is listed.
    page.get_by_label("Action").fill(" Session.Login ")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_function(_ONLY_LOGINS, timeout=WAIT_MS)
    filtered = _rows(page)
    assert {r["Action"] for r in filtered} == {"session.login"}
    assert any(r["Actor"] == f"staff:{ADMIN}" for r in filtered)
    assert page.get_by_label("Action").input_value() == "session.login"
    full_screenshot(page, shots_dir, "audit-2-filtered.png")

    # An action nobody took: the page says so in words, without an empty table.
    page.get_by_label("Action").fill("no.such.action")
    page.get_by_role("button", name="Show", exact=True).click()
    empty = page.locator("#empty")
    empty.wait_for(timeout=WAIT_MS)
    assert "no.such.action" in empty.inner_text()
    assert page.locator(".audit__table").is_hidden()
    full_screenshot(page, shots_dir, "audit-3-none.png")

    # Not an action name at all: said in words next to the filter, not as a regex.
    page.get_by_label("Action").fill("hearing create")
    page.get_by_role("button", name="Show", exact=True).click()
    alert = page.locator("#alert")
    alert.wait_for(timeout=WAIT_MS)
    assert "for example hearing.create" in alert.inner_text()
    assert page.get_by_label("Action").get_attribute("aria-invalid") == "true"
    full_screenshot(page, shots_dir, "audit-3b-invalid.png")

    # "Show all actions" brings the whole log back.
    page.get_by_role("button", name="Show all actions").click()
    page.locator("#entries tr", has_text="staff.create").first.wait_for(timeout=WAIT_MS)
    assert page.get_by_label("Action").input_value() == ""
    assert alert.is_hidden()
    assert len(_rows(page)) >= len(rows)

    # The chain is intact, and the page says how many entries it checked.
    page.get_by_role("button", name="Verify chain").click()
    result = page.locator("#verify-result")
    result.get_by_text("Intact").wait_for(timeout=WAIT_MS)
    assert result.get_attribute("data-tone") == "ok"
    text = result.inner_text()
    counted = re.search(r"Intact: (\d+) entries", text)
    assert counted, text
    assert int(counted.group(1)) >= len(rows), text
    assert len(page.locator(".audit__head").inner_text()) == 64
    full_screenshot(page, shots_dir, "audit-4-verified.png")


def test_a_clerk_is_refused_the_audit_log_in_words(
    server: Server, new_page: Any, shots_dir: Path
) -> None:
    page = new_page()
    _log_in(page, server, CLERK)
    assert page.get_by_role("link", name="Audit log").is_hidden()

    page.goto(f"{server.url}/audit")
    refused = page.get_by_role("alert")
    refused.get_by_role("heading", name="You may not read the audit log").wait_for(timeout=WAIT_MS)
    # The server's own reason (the 403 problem's detail), and what to do instead.
    assert page.locator("#refused-detail").inner_text() == "You may not read the audit log."
    assert "this attempt has been recorded" in refused.inner_text()
    assert refused.get_by_role("link", name="Back to the staff console").is_visible()
    # Nothing that could only be refused again: no table, no filter, no verify button.
    assert page.locator(".audit__table").is_hidden()
    assert page.get_by_role("button", name="Verify chain").is_hidden()
    assert page.get_by_label("Action").is_hidden()
    full_screenshot(page, shots_dir, "audit-5-clerk-refused.png")

    # The refusal is in the log, marked denied, for an administrator to see.
    admin = new_page()
    _log_in(admin, server, ADMIN)
    admin.goto(f"{server.url}/audit")
    admin.get_by_label("Action").fill("audit.read")
    admin.get_by_role("button", name="Show", exact=True).click()
    denied = admin.locator("#entries tr.audit__row--denied", has_text=f"staff:{CLERK}")
    denied.wait_for(timeout=WAIT_MS)
    assert "Denied" in denied.inner_text() and "lacks read_audit" in denied.inner_text()
    full_screenshot(admin, shots_dir, "audit-6-denied-entry.png")
