"""The real login page: only its own files (the CSP forbids inline code), and the same
limits as the server. (Logging in through it in Chromium: tests/e2e/test_console.py.)"""

from __future__ import annotations

from html.parser import HTMLParser

from server.auth.bodies import MAX_PASSWORD_LENGTH
from server.settings import WEB_DIR

PAGE = WEB_DIR / "login.html"
SCRIPT = WEB_DIR / "js" / "login.js"


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))
        self._open = tag

    def handle_data(self, data: str) -> None:
        if self._open in ("script", "style") and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.found if name == tag]


def parsed() -> Elements:
    elements = Elements()
    elements.feed(PAGE.read_text())
    return elements


def test_the_login_page_loads_only_files_of_this_server() -> None:
    page = parsed()

    assert not page.inline
    assert page.all("style") == []
    assert all("style" not in attrs for _, attrs in page.found)
    assert all(not name.startswith("on") for _, attrs in page.found for name in attrs)
    for attrs in page.all("script") + page.all("link"):
        url = attrs.get("src") or attrs.get("href") or ""
        assert url.startswith("/static/"), url
        assert (WEB_DIR / url.removeprefix("/static/")).is_file(), url
    assert {"type": "module", "src": "/static/js/login.js"} in page.all("script")


def test_the_login_form_asks_within_the_servers_limits() -> None:
    inputs = {attrs["id"]: attrs for attrs in parsed().all("input")}

    assert inputs["username"]["maxlength"] == "64"
    assert inputs["username"]["autocomplete"] == "username"
    assert inputs["password"]["type"] == "password"
    assert inputs["password"]["maxlength"] == str(MAX_PASSWORD_LENGTH)
    assert inputs["password"]["autocomplete"] == "current-password"
    labels = {attrs["for"] for attrs in parsed().all("label")}
    assert labels == {"username", "password", "code"}  # the code: accounts with a 2nd factor
    # Sent without the script, the form would post: a password never lands in a URL.
    (form,) = parsed().all("form")
    assert form["method"] == "post"


def test_the_login_script_posts_to_the_session_and_opens_the_console() -> None:
    script = SCRIPT.read_text()

    # Through the pages' one HTTP client, which reads Retry-After into err.retryAfter.
    assert 'call("POST /api/v1/session"' in script
    assert 'const CONSOLE = "/console";' in script
    assert "err.retryAfter" in script
    assert "Retry-After" in (WEB_DIR / "js" / "lib" / "http.js").read_text()
    # After an administrator's reset, the password change comes first.
    assert 'const ACCOUNT = "/account";' in script and "must_change_password" in script
