"""The pages after the hearing: the protocol's review page, where the presiding judge and the
clerk sign a closed hearing's protocol and then append a correction; and the archive's
record page, where the protocol sits beside the master audio and a lane per participant
shows who spoke when.

The closed hearings are prepared by tests.e2e.seed_record (two recordings, the first with a
speaker timeline; a protocol with a hostile payload in one entry), so that every record
time is known exactly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import ROOT, Server, add_staff, checked_pages, full_screenshot
from tests.e2e.hearing_page import WAIT_MS
from tests.e2e.scheduling import Scheduler
from tests.e2e.seed_record import HOSTILE

pytestmark = pytest.mark.e2e

JUDGE, CLERK, ARCHIVIST = "reviewjudge", "reviewclerk", "reviewarchivist"
PASSWORD = "a long enough password for the review test"
REASON = "Appeal 2-9/2026: checking the protocol against the record"

# The player has finished seeking to `at` (seconds) and can play from there.
_SETTLED = """
([at]) => {
  const media = document.getElementById("audio");
  return Math.abs(media.currentTime - at) < 0.3 && !media.seeking && media.readyState >= 2;
}
"""
_MEDIA_READY = """
() => {
  const media = document.getElementById("audio");
  return !media.hidden && media.readyState >= 1 && Number.isFinite(media.duration);
}
"""


@pytest.fixture(scope="module")
def staff(server: Server) -> None:
    add_staff(server, JUDGE, role="judge", name="Judith Presiding", password=PASSWORD)
    add_staff(server, CLERK, role="clerk", name="Clara Minutes", password=PASSWORD)
    add_staff(server, ARCHIVIST, role="archivist", name="Arne Archivist", password=PASSWORD)


@pytest.fixture
def new_page(browser: Any, staff: None) -> Iterator[Any]:
    with checked_pages(browser, accept_downloads=True) as open_:
        yield open_


def _seed(server: Server, *extra: str) -> dict[str, Any]:
    made = subprocess.run(
        [sys.executable, "-m", "tests.e2e.seed_record", "--judge", JUDGE, "--clerk", CLERK, *extra],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COURTROOM_DATA_DIR": str(server.data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, f"seeding failed:\n{made.stdout}{made.stderr}"
    seeded: dict[str, Any] = json.loads(made.stdout.strip().splitlines()[-1])
    return seeded


def _log_in(page: Any, server: Server, username: str) -> None:
    # A dialog (alert) would mean a hostile entry ran: fail loudly rather than dismiss it.
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)


def _cells(page: Any, number: int) -> list[str]:
    row = page.locator(f'#entries-body tr[data-number="{number}"]')
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def _nothing_ran(page: Any, where: str) -> None:
    assert page.locator(f"{where} img, {where} script").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_the_judge_and_the_clerk_sign_the_closed_protocol_then_append_a_correction(
    server: Server, new_page: Any, own_hearings: Scheduler, shots_dir: Path
) -> None:
    seeded = _seed(server)
    case, url = seeded["case_number"], f"{server.url}/hearings/{seeded['hearing_id']}/protocol"

    clerk = new_page()
    _log_in(clerk, server, CLERK)
    row = clerk.locator("#hearings-body tr", has_text=case)
    row.get_by_role("link", name=f"Protocol of {case}").click()
    clerk.wait_for_url(url, timeout=WAIT_MS)
    clerk.locator("#entries-body tr").nth(5).wait_for(timeout=WAIT_MS)

    # Laid out as the court document, with record times across both recordings.
    assert clerk.locator("#sheet-court").inner_text() == "Baku Grave Crimes Court"
    assert clerk.locator("#sheet-case").inner_text() == f"Case No. {case}"
    assert "Judith Presiding" in clerk.locator("#sheet-composition").inner_text()
    assert "Wanda Witness" in clerk.locator("#sheet-participants").inner_text()
    assert _cells(clerk, 1)[:4] == ["1", "00:00:00", "Statement", "Judith Presiding (Judge)"]
    assert _cells(clerk, 4)[:4] == ["4", "00:00:07", "Answer", "Wanda Witness (Witness)"]
    assert _cells(clerk, 6)[1] == "—"  # written off the record
    # The hostile entry is shown as the text it is; nothing in it ran.
    assert _cells(clerk, 2)[4] == f"I was at home. {HOSTILE}"
    _nothing_ran(clerk, "#entries-body")

    assert clerk.locator("#state-badge").inner_text() == "Draft: not signed"
    assert re.fullmatch(r"[0-9a-f]{64}", clerk.locator("#state-digest").inner_text())
    assert clerk.locator("#correct-form").is_hidden()
    assert "once both the judge and the clerk" in clerk.locator("#correct-why").inner_text()
    clerk.get_by_role("button", name="Sign as clerk").click()
    clerk.locator("#state-badge").get_by_text("Signed by the clerk").wait_for(timeout=WAIT_MS)
    assert clerk.locator("#sign-button").is_hidden()
    assert "signed as clerk by reviewclerk" in clerk.locator("#sign-why").inner_text()
    full_screenshot(clerk, shots_dir, "protocol-review-1-signed-by-clerk.png")

    judge = new_page()
    _log_in(judge, server, JUDGE)
    judge.goto(url)
    judge.get_by_role("button", name="Sign as judge").click()
    locked = "Locked: signed by the judge and the clerk"
    judge.locator("#state-badge").get_by_text(locked).wait_for(timeout=WAIT_MS)
    assert judge.locator("#signatures li").count() == 2

    # Corrections are appended, never written over the entry.
    form = judge.locator("#correct-form")
    form.get_by_label("Entry to correct").select_option("4")
    form.get_by_label("What the entry should say").fill("I can: he was with me all night.")
    form.get_by_label("Reason for the correction").fill("The witness said 'all night'.")
    form.get_by_role("button", name="Append the correction").click()
    judge.locator("#review-flash").get_by_text("as entry 7").wait_for(timeout=WAIT_MS)
    # Said as soon as it is appended; the protocol is read again to show it.
    judge.locator('#entries-body tr[data-number="7"]').wait_for(timeout=WAIT_MS)
    correction = _cells(judge, 7)
    assert correction[2] == "Correction" and correction[3] == JUDGE
    assert correction[4].startswith("Correction to entry 4: I can: he was with me all night.")
    assert _cells(judge, 4)[4] == "I can: he was with me."
    assert judge.locator("#entries-body tr.sheet__entry--correction").count() == 1

    # Export: every format in every language, as a file.
    assert judge.locator("#exports-body a").count() == 9
    with judge.expect_download() as download:
        judge.get_by_role("link", name="PDF, Russian").click()
    assert download.value.suggested_filename.endswith("-ru.pdf")
    full_screenshot(judge, shots_dir, "protocol-review-2-locked-and-corrected.png")

    # A hearing still in session: the page says why it cannot be signed yet, and a refusal
    # from the server (a page left open, say) is said in words.
    sitting = _seed(server, "--open")
    judge.goto(f"{server.url}/hearings/{sitting['hearing_id']}/protocol")
    button = judge.get_by_role("button", name="Sign as judge")
    button.wait_for(timeout=WAIT_MS)
    assert button.is_disabled()
    assert "signed once the hearing has closed" in judge.locator("#sign-why").inner_text()
    assert "in session" in judge.locator("#sign-why").inner_text()
    judge.evaluate("() => { document.getElementById('sign-button').disabled = false; }")
    button.click()
    error = judge.locator("#sign-error")
    error.get_by_text("closed").wait_for(timeout=WAIT_MS)
    assert not error.inner_text().lstrip().startswith("{")
    full_screenshot(judge, shots_dir, "protocol-review-3-not-closed.png")


def test_an_archivist_plays_the_record_from_protocol_entries_and_sees_who_spoke_when(
    server: Server, new_page: Any, shots_dir: Path
) -> None:
    seeded = _seed(server)
    page = new_page()
    _log_in(page, server, ARCHIVIST)
    page.goto(f"{server.url}/archive/hearings/{seeded['hearing_id']}")
    page.get_by_label("Reason", exact=True).fill(REASON)
    page.get_by_role("button", name="Use this reason").click()
    page.wait_for_function(_MEDIA_READY, timeout=WAIT_MS)
    entries = page.locator("#record-protocol li")
    entries.nth(5).wait_for(timeout=WAIT_MS)

    texts = page.locator("#record-protocol .record-protocol__text").all_inner_texts()
    assert texts[1] == f"I was at home. {HOSTILE}"
    _nothing_ran(page, "#record-protocol")
    times = page.locator("#record-protocol .record-protocol__time").all_inner_texts()
    assert times == ["00:00:00", "00:00:02", "00:00:04", "00:00:07", "00:00:09", "—"]

    # Entry 4 was written 1 s into the second recording: 7 s into the joined master.
    page.locator('#record-protocol li[data-number="4"] button').click()
    page.wait_for_function(_SETTLED, arg=[7.0], timeout=WAIT_MS)
    current = page.locator(".record-protocol__item--current")
    assert current.get_attribute("data-number") == "4"
    assert page.evaluate("() => !document.getElementById('audio').paused")
    # The mark follows the playback to entry 5 (at 9 s).
    page.wait_for_function(
        "() => document.querySelector('.record-protocol__item--current')?.dataset.number === '5'",
        timeout=WAIT_MS,
    )
    assert page.evaluate("() => document.getElementById('audio').currentTime") >= 8.95
    page.evaluate("() => document.getElementById('audio').pause()")

    # A lane per participant; bars where they spoke in the first recording; the second has
    # no speaker timeline, and the page says so.
    lanes = page.locator("#speaker-lanes .lane")
    assert lanes.count() == 4
    bars = {
        lane.locator(".lane__name").inner_text(): lane.locator(".lane__turn").count()
        for lane in lanes.all()
    }
    assert bars == {
        "Judith Presiding": 2,
        "Clara Minutes": 0,
        "Dmitri Accused": 1,
        "Wanda Witness": 0,
    }
    assert page.locator("#speaker-lanes .lane__missing").count() == 4
    note = page.locator("#speakers-note").inner_text()
    expected = "Recording 2 of 2 (00:00:06–00:00:10): No speaker timeline was recorded"  # noqa: RUF001
    assert expected in note

    # Choosing a place on a lane plays from there: 30 % of 10 s.
    track = page.locator('#speaker-lanes .lane:has-text("Dmitri Accused") .lane__track')
    box = track.bounding_box()
    track.click(position={"x": box["width"] * 0.3, "y": box["height"] / 2})
    page.wait_for_function(_SETTLED, arg=[3.0], timeout=WAIT_MS)
    assert current.get_attribute("data-number") == "2"
    playhead = track.locator(".lane__playhead").evaluate("(e) => e.style.left")
    assert abs(float(playhead.rstrip("%")) - 30.0) < 1.5
    page.locator("#speakers-heading").scroll_into_view_if_needed()
    full_screenshot(page, shots_dir, "archive-protocol-and-speakers.png")
