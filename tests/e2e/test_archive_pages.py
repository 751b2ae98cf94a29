"""The record archive's pages, as an archivist uses them after a real recorded hearing.

A judge and a defendant (whose microphone plays the 440 Hz tone) hold a short hearing in
Chromium: the judge opens it, admits the defendant and starts; the defendant raises a hand
half-way; the judge closes it. Then an archivist logs in, says why they consult the archive,
finds the hearing by case number and by a participant's name, opens its record, plays the
master audio and seeks it from the timeline, watches the viewing copy once it is built,
verifies the record, exports and downloads it, and puts it under a legal hold.

Also: a clerk is refused the archive in words, and nothing is asked of the archive before a
reason is given.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from court.roles import Role
from server.demo import DEMO_CAST
from tests.e2e.harness import (
    OpenParticipant,
    Server,
    add_staff,
    audit_entries,
    checked_pages,
    full_screenshot,
    save_for_review,
)
from tests.e2e.hearing_page import COLOURS, WAIT_MS
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

ARCHIVIST = "archivetester"
ARCHIVIST_NAME = "Astrid Archivist"
CLERK = "archiveclerk"
CLERK_NAME = "Cecil Clerk"
PASSWORD = "a long enough password for the archive test"
REASON = "Appeal 2-123/2026: request from the Court of Appeal"
# Names no other test uses, so that a search by name finds this hearing alone.
CAST = {"judge": "Judith Archivale", "defendant": "Ottilie Quernwhistle"}
IN_SESSION_S = 6.0
BUILD_MS = 120_000  # the viewing copy and the export are built in a child process

API = "/api/v1/archive/hearings"

NewPage = Callable[[], Any]

# Every state a job's status line and progress bar show, in order (the page rewrites them on
# each poll): [text, the bar's value or null, whether the bar is shown].
_WATCH_JOB = """
(slot) => {
  const seen = [];
  window.__jobSeen = window.__jobSeen || {};
  window.__jobSeen[slot] = seen;
  const line = document.getElementById(`${slot}-job-text`);
  const bar = document.getElementById(`${slot}-job-progress`);
  const keep = () => {
    const now = [line.textContent, bar.hasAttribute("value") ? bar.value : null, !bar.hidden];
    if (now[0] && JSON.stringify(seen[seen.length - 1]) !== JSON.stringify(now)) seen.push(now);
  };
  keep();
  const watch = { childList: true, characterData: true, subtree: true, attributes: true };
  new MutationObserver(keep).observe(line.parentElement, watch);
}
"""

# The player has finished seeking and shows the frame (or sound) at its position.
_SETTLED = """
([id, at]) => {
  const media = document.getElementById(id);
  return Math.abs(media.currentTime - at) < 0.3 && !media.seeking && media.readyState >= 2;
}
"""


def _running_states(page: Any, slot: str, doing: str) -> list[list[Any]]:
    """The job's states seen while it ran; each says its percentage and shows it on a bar."""
    seen: list[list[Any]] = page.evaluate("(slot) => window.__jobSeen[slot]", slot)
    running = [s for s in seen if s[0].startswith(doing)]
    for text, value, shown in running:
        match = re.fullmatch(rf"{re.escape(doing)} (\d{{1,2}}) %", text)
        assert match, seen
        assert shown and value == int(match.group(1)), seen
    return running


_MEDIA_READY = """
(id) => {
  const media = document.getElementById(id);
  return !media.hidden && media.readyState >= 1 && Number.isFinite(media.duration)
    && media.duration > 0;
}
"""


@pytest.fixture(scope="module")
def staff(server: Server) -> None:
    add_staff(server, ARCHIVIST, role="archivist", name=ARCHIVIST_NAME, password=PASSWORD)
    add_staff(server, CLERK, role="clerk", name=CLERK_NAME, password=PASSWORD)


@pytest.fixture
def new_page(browser: Any, staff: None) -> Iterator[NewPage]:
    """Pages of their own contexts; a script error or a CSP refusal fails the test."""
    with checked_pages(browser, accept_downloads=True) as open_:
        yield open_


def _log_in(page: Any, server: Server, username: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/console", timeout=WAIT_MS)
    page.locator("#account-name").get_by_text(re.compile(".+")).wait_for(timeout=WAIT_MS)


def _archive_requests(page: Any) -> list[str]:
    """The URLs of every request the page makes to the archive's API, as they happen."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/api/v1/archive" in r.url else None)
    return seen


def _rows(page: Any) -> list[dict[str, str]]:
    """The results table as the page shows it, keyed by column heading."""
    # text_content: the headings are upper-cased by CSS, which inner_text would return.
    headings = [h.strip() for h in page.locator("#results-table thead th").all_text_contents()]
    rows = []
    for row in page.locator("#results-body tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        rows.append(dict(zip(headings, cells, strict=True)))
    return rows


def _search(page: Any, **fields: str) -> list[dict[str, str]]:
    page.get_by_role("button", name="Clear the form").click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator("#results-status").get_by_text(re.compile("found")).wait_for(timeout=WAIT_MS)
    return _rows(page)


def _record_a_hearing(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> tuple[str, str, str]:
    """A short real hearing, recorded and closed: (id, case number, title)."""
    hearing = own_hearings.hearing("State v. Quernwhistle — for the archive", CAST)
    judge = open_participant("judge", token=hearing.tokens["judge"], colour=COLOURS["red"])
    defendant = open_participant(
        "defendant", token=hearing.tokens["defendant"], colour=COLOURS["green"], tone=True
    )
    judge.admit(defendant)
    judge.wait_for_remote_video(["defendant"])
    judge.page.get_by_role("button", name="Start the hearing").click()
    for page in (judge, defendant):
        page.page.wait_for_function(
            "() => window.courtroom.state().hearingState === 'in_session'", timeout=WAIT_MS
        )
    judge.page.wait_for_selector("#recording-badge:not([hidden])", timeout=WAIT_MS)
    # Half-way, the defendant raises a hand: an event on the timeline inside the record.
    time.sleep(IN_SESSION_S / 2)
    defendant.page.get_by_role("button", name="Raise hand").click()
    defendant.page.get_by_role("button", name="Lower hand").wait_for(timeout=WAIT_MS)
    time.sleep(IN_SESSION_S / 2)
    save_for_review(judge.screenshot(shots_dir / "archive-0-hearing-in-session.png"))
    judge.page.get_by_role("button", name="Close the hearing").click()
    judge.page.get_by_role("button", name="Yes, close the hearing").click()
    judge.page.wait_for_function(
        "() => window.courtroom.state().hearingState === 'closed'", timeout=WAIT_MS
    )
    return hearing.id, hearing.case_number, hearing.title


def _wait_archived(page: Any, server: Server, hearing_id: str) -> dict[str, Any]:
    """The record as the API gives it, once the closed hearing's recording is sealed and
    indexed (the page's own session, so the reading is audited with the reason)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        answer = page.request.get(f"{server.url}{API}/{hearing_id}", params={"reason": REASON})
        if answer.ok:
            record: dict[str, Any] = answer.json()
            if all(r["stopped_at"] for r in record["recordings"]):
                return record
        assert time.monotonic() < deadline, f"not archived: {answer.status} {answer.text()}"
        time.sleep(0.2)


def _audit_reasons(server: Server, browser: Any, action: str) -> list[str]:
    """Reasons of the audit log's entries with ``action``, read as an administrator."""
    return [str(e["reason"]) for e in audit_entries(server, browser, action)]


# ---- tests ------------------------------------------------------------------------------------


def test_a_clerk_is_refused_the_archive_in_words(
    server: Server, new_page: NewPage, shots_dir: Path
) -> None:
    page = new_page()
    asked = _archive_requests(page)
    _log_in(page, server, CLERK)
    assert page.get_by_role("link", name="Archive", exact=True).count() == 0

    page.goto(f"{server.url}/archive")
    refused = page.get_by_role("alert")
    refused.get_by_role("heading", name="You may not consult the archive").wait_for(timeout=WAIT_MS)
    assert page.locator("#refused-detail").inner_text() == "You may not read the record archive."
    assert refused.get_by_role("link", name="Back to the staff console").is_visible()
    # Nothing that could only be refused: no reason asked, no search form.
    assert page.get_by_role("heading", name="Why are you consulting the archive?").is_hidden()
    assert page.get_by_role("button", name="Search", exact=True).is_hidden()
    full_screenshot(page, shots_dir, "archive-1-clerk-refused.png")

    # The record page too; and the API itself refuses the clerk, whatever the page does.
    page.goto(f"{server.url}/archive/hearings/{server.hearing_id}")
    refused.get_by_role("heading", name="You may not consult the archive").wait_for(timeout=WAIT_MS)
    assert asked == []
    answer = page.request.get(f"{server.url}{API}", params={"reason": REASON})
    assert answer.status == 403, answer.text()


def test_nothing_is_asked_of_the_archive_before_a_reason_is_given(
    server: Server, new_page: NewPage, shots_dir: Path
) -> None:
    page = new_page()
    asked = _archive_requests(page)
    _log_in(page, server, ARCHIVIST)
    page.goto(f"{server.url}/archive")

    question = page.get_by_role("heading", name="Why are you consulting the archive?")
    question.wait_for(timeout=WAIT_MS)
    assert "Appeal 2-123/2026: request from the Court of Appeal" in page.inner_text("#reason-hint")
    assert page.get_by_label("Case number").is_hidden()
    assert page.get_by_role("button", name="Search", exact=True).is_hidden()
    full_screenshot(page, shots_dir, "archive-2-reason-asked.png")

    # No reason, or one too short to say anything: said in words, and nothing is sent.
    use = page.get_by_role("button", name="Use this reason")
    use.click()
    error = page.locator("#reason-error")
    error.get_by_text("Say why you are consulting the archive.").wait_for(timeout=WAIT_MS)
    assert page.get_by_label("Reason", exact=True).get_attribute("aria-invalid") == "true"
    page.get_by_label("Reason", exact=True).fill("  ok ")
    use.click()
    error.get_by_text("Say in a few words").wait_for(timeout=WAIT_MS)
    assert page.get_by_label("Case number").is_hidden()
    full_screenshot(page, shots_dir, "archive-3-reason-refused.png")

    # Straight to a record's address: asked there too, and nothing is read before.
    page.goto(f"{server.url}/archive/hearings/{server.hearing_id}")
    question.wait_for(timeout=WAIT_MS)
    assert page.locator("#record").is_hidden()
    page.wait_for_timeout(300)  # a request the page should not make would have left by now
    assert asked == [], asked


def test_an_archivist_finds_plays_verifies_exports_and_holds_a_recorded_hearing(
    server: Server,
    browser: Any,
    own_hearings: Scheduler,
    open_participant: OpenParticipant,
    new_page: NewPage,
    shots_dir: Path,
) -> None:
    hearing_id, case_number, title = _record_a_hearing(own_hearings, open_participant, shots_dir)

    # ---- the archivist logs in and says why they consult the archive ----------------------
    page = new_page()
    _log_in(page, server, ARCHIVIST)
    record = _wait_archived(page, server, hearing_id)
    recorded_s = float(record["hearing"]["recorded_s"])
    assert IN_SESSION_S - 1 < recorded_s < IN_SESSION_S + 10, recorded_s

    # The console links archivists to the archive.
    page.get_by_role("link", name="Archive", exact=True).click()
    page.wait_for_url(f"{server.url}/archive", timeout=WAIT_MS)
    page.get_by_role("heading", name="Why are you consulting the archive?").wait_for(
        timeout=WAIT_MS
    )
    page.get_by_label("Reason", exact=True).fill(REASON)
    page.get_by_role("button", name="Use this reason").click()
    page.locator("#reason-text").get_by_text(REASON, exact=True).wait_for(timeout=WAIT_MS)
    assert page.get_by_role("heading", name="Why are you consulting the archive?").is_hidden()

    # ---- found by a part of its case number, in other capitals ---------------------------
    part = case_number.split("-", 1)[1].upper()  # "3-123456-7/e2e" -> "123456-7/E2E"
    rows = _search(page, **{"Case number": part})
    assert [r["Case"] for r in rows] == [case_number], rows
    [found] = rows
    assert found["Title"] == title
    assert "Demo District Court" in found["Court and courtroom"]
    assert found["State"] == "Closed"
    assert CAST["defendant"] in found["Participants"] and "Defendant" in found["Participants"]
    assert re.fullmatch(r"\d\d:\d\d:\d\d", found["Recorded"]), found
    full_screenshot(page, shots_dir, "archive-4-found-by-case-number.png")

    # ---- and by a part of a participant's name ---------------------------------------------
    rows = _search(page, **{"Participant's name": "quernWHIST"})
    assert [r["Case"] for r in rows] == [case_number], rows
    full_screenshot(page, shots_dir, "archive-5-found-by-participant.png")

    # A search that finds nothing says so in words.
    _search(page, **{"Participant's name": "Nobody Ever Called This"})
    empty = page.locator("#results-empty")
    assert empty.is_visible() and "No archived hearing matches" in empty.inner_text()
    assert page.locator("#results-table").is_hidden()
    full_screenshot(page, shots_dir, "archive-6-nothing-found.png")

    # ---- the record page ---------------------------------------------------------------------
    _search(page, **{"Participant's name": "quernWHIST"})
    page.get_by_role("link", name=case_number).click()
    page.wait_for_url(f"{server.url}/archive/hearings/{hearing_id}", timeout=WAIT_MS)
    page.get_by_role("heading", name=title).wait_for(timeout=WAIT_MS)
    page.evaluate(_WATCH_JOB, "video")
    page.evaluate(_WATCH_JOB, "export")
    # The reason of the search page is reused, not asked again.
    assert page.locator("#reason-text").inner_text() == REASON
    assert page.locator("#record-case").inner_text() == case_number
    facts = page.locator("#record-facts").inner_text()
    assert "Demo District Court" in facts and "Courtroom 3" in facts and "Closed" in facts
    participants = page.locator("#participants-body").inner_text()
    # The judge joined from the demo judge's staff session, under that account's name.
    for role, name in {**CAST, "judge": dict(DEMO_CAST)[Role.JUDGE]}.items():
        assert name in participants
        assert role.capitalize() in participants
    timeline = page.locator("#timeline")
    hand = timeline.get_by_role("button", name=re.compile(r"Raised a hand"))
    hand.wait_for(timeout=WAIT_MS)
    assert CAST["defendant"] in hand.inner_text()
    full_screenshot(page, shots_dir, "archive-7-record.png")

    # ---- the master audio plays, as long as the recording -----------------------------------
    page.wait_for_function(_MEDIA_READY, arg="audio", timeout=BUILD_MS)
    audio_s = float(page.evaluate("() => document.getElementById('audio').duration"))
    assert abs(audio_s - recorded_s) < 1.0, (audio_s, recorded_s)
    page.evaluate("() => document.getElementById('audio').play()")
    page.wait_for_function(
        "() => document.getElementById('audio').currentTime > 0.3", timeout=WAIT_MS
    )
    page.evaluate("() => document.getElementById('audio').pause()")

    # Choosing the raised hand on the timeline takes the player there.
    hand_at = float(hand.get_attribute("data-at") or "nan")
    assert 1.0 < hand_at < recorded_s - 1.0, hand_at
    page.evaluate("() => { document.getElementById('audio').currentTime = 0; }")
    hand.click()
    page.wait_for_function(
        "(at) => Math.abs(document.getElementById('audio').currentTime - at) < 0.3",
        arg=hand_at,
        timeout=WAIT_MS,
    )
    assert hand.get_attribute("aria-current") == "time"

    # ---- the viewing copy: progress in words and a bar, then a video as long as the audio ----
    page.locator("#video-job-text").get_by_text("The viewing copy is ready.").wait_for(
        timeout=BUILD_MS
    )
    page.wait_for_function(_MEDIA_READY, arg="video", timeout=WAIT_MS)
    video_s = float(page.evaluate("() => document.getElementById('video').duration"))
    assert abs(video_s - audio_s) < 1.0, (video_s, audio_s)
    _running_states(page, "video", "Building the viewing copy…")
    # The players follow the timeline together.
    hand.click()
    page.wait_for_function(_SETTLED, arg=["video", hand_at], timeout=WAIT_MS)
    page.wait_for_function(_SETTLED, arg=["audio", hand_at], timeout=WAIT_MS)
    assert page.locator("#video-build").is_hidden()
    full_screenshot(page, shots_dir, "archive-8-players.png")

    # ---- verified against the court's signature ---------------------------------------------
    page.get_by_role("button", name="Verify the record").click()
    verdict = page.locator("#verify-result")
    verdict.get_by_text("The record is intact").wait_for(timeout=BUILD_MS)
    assert verdict.get_attribute("data-tone") == "ok"
    counted = re.search(
        r"(\d+) files? verified against the court's signature", verdict.inner_text()
    )
    assert counted, verdict.inner_text()
    results = page.locator("#verify-report tbody tr")
    assert results.count() == int(counted.group(1)) >= 1
    assert set(page.locator("#verify-report tbody td .tag").all_inner_texts()) == {"OK"}
    full_screenshot(page, shots_dir, "archive-9-verified.png")

    # ---- exported and downloaded --------------------------------------------------------------
    page.get_by_role("button", name="Export the record").click()
    download_link = page.get_by_role("link", name="Download the export (ZIP)")
    download_link.wait_for(timeout=BUILD_MS)
    _running_states(page, "export", "Preparing the export…")
    assert page.locator("#export-job-text").inner_text() == "The export is ready to download."
    assert page.locator("#export-job-progress").is_hidden()
    with page.expect_download(timeout=WAIT_MS) as downloading:
        download_link.click()
    bundle = Path(downloading.value.path())
    assert zipfile.is_zipfile(bundle)
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    assert any(n.rsplit("/", 1)[-1] == "README.md" for n in names), names
    full_screenshot(page, shots_dir, "archive-10-exported.png")

    # ---- a legal hold, kept over a reload (and the reason with it) ----------------------------
    hold = page.get_by_label("Legal hold")
    assert not hold.is_checked()
    hold.check()
    page.get_by_role("button", name="Save the retention").click()
    page.locator("#retention-status").get_by_text("under a legal hold").wait_for(timeout=WAIT_MS)
    assert "legal hold" in page.locator("#record-facts").inner_text()
    full_screenshot(page, shots_dir, "archive-11-legal-hold.png")
    page.reload()
    page.get_by_role("heading", name=title).wait_for(timeout=WAIT_MS)
    assert page.get_by_label("Legal hold").is_checked()
    assert page.locator("#reason-text").inner_text() == REASON

    # Back to the search: the last search is shown again, the hold with it.
    page.get_by_role("link", name="Back to the search results").click()
    page.wait_for_url(f"{server.url}/archive", timeout=WAIT_MS)
    page.locator("#results-body tr").first.wait_for(timeout=WAIT_MS)
    assert page.get_by_label("Participant's name").input_value() == "quernWHIST"
    [again] = _rows(page)
    assert again["Case"] == case_number and "Legal hold" in again["Retention"], again

    # ---- every access went into the audit log with the stated reason ----------------------------
    for action in ("archive.search", "archive.read", "archive.verify", "archive.download"):
        reasons = _audit_reasons(server, browser, action)
        assert any(r.startswith(REASON) for r in reasons), (action, reasons[-5:])
    assert any(
        r.endswith(REASON) and "legal hold on" in r
        for r in _audit_reasons(server, browser, "archive.retention")
    )
