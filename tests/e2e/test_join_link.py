"""A join link that is not valid is refused plainly, and never shows the hearing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import OpenParticipant, Server, save_for_review
from tests.e2e.hearing_page import WAIT_MS

pytestmark = pytest.mark.e2e


def _tampered(token: str) -> str:
    # Flip the last character of the signature: same shape, wrong signature.
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_a_forged_token_shows_that_the_link_is_not_valid(
    server: Server, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    page = open_participant("judge", token=_tampered(server.links["judge"]["token"]))
    page.page.get_by_role("heading", name="This join link is not valid").wait_for(timeout=WAIT_MS)
    assert page.state()["phase"] == "invalid"
    assert page.page.locator("#hearing-view").is_hidden()
    assert page.page.locator("#controls").is_hidden()
    assert "token=" not in page.page.url, "the token must be removed from the address bar"
    shot = page.screenshot(shots_dir / "invalid-link.png")
    save_for_review(shot)


def test_garbage_instead_of_a_token_shows_that_the_link_is_not_valid(
    open_participant: OpenParticipant,
) -> None:
    page = open_participant("judge", token="not-a-token")
    page.page.get_by_role("heading", name="This join link is not valid").wait_for(timeout=WAIT_MS)


def test_the_join_page_without_a_link_explains_what_to_open(
    server: Server, open_participant: OpenParticipant
) -> None:
    page = open_participant("judge", goto=False)
    page.page.goto(f"{server.url}/join")
    page.page.get_by_role("heading", name="Open the join link you were given").wait_for(
        timeout=WAIT_MS
    )


def test_the_landing_page_says_how_to_join(
    server: Server, open_participant: OpenParticipant
) -> None:
    page = open_participant("judge", goto=False)
    page.page.goto(server.url)
    assert "join link" in page.page.locator("main").inner_text()
    assert "make run" not in page.page.content(), "the public page speaks to the public"
