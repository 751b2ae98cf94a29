"""What the court decides outside the hearing reaches the people in it at once (the security
review's M1): a participant removed through the API, a join link withdrawn, the hearing
cancelled. Each page is told why, its camera and microphone stop, and the link no longer
opens the hearing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import WAIT_MS, HearingPage
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

CAST = {
    "judge": "Jalal Bench",
    "defendant": "Rafael Removed",
    "observer": "Orhan Withdrawn",
    "witness": "Samira Cancelled",
}


def _ended(page: HearingPage, heading: str) -> str:
    page.page.wait_for_function("() => window.courtroom.state().phase === 'ended'", timeout=WAIT_MS)
    page.page.get_by_role("heading", name=heading).wait_for(timeout=WAIT_MS)
    body: str = page.page.inner_text("body")
    return body


def test_removal_withdrawal_and_cancellation_through_the_api_reach_the_pages(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    hearing = own_hearings.hearing("State v. Removed — revocation test", CAST)
    base = f"/api/v1/hearings/{hearing.id}"
    defendant = open_participant("defendant", token=hearing.tokens["defendant"])
    observer = open_participant("observer", token=hearing.tokens["observer"])
    witness = open_participant("witness", token=hearing.tokens["witness"])
    for page in (defendant, observer, witness):
        page.wait_room("waiting")

    own_hearings.delete(
        f"{base}/participants/{hearing.participant_ids['defendant']}",
        {"reason": "Disruptive behaviour"},
        "remove the defendant",
    )
    said = _ended(defendant, "Removed from the hearing")
    assert "The court removed you from this hearing: Disruptive behaviour." in said
    save_for_review(defendant.screenshot(shots_dir / "revocation-1-removed.png"))

    own_hearings.delete(
        f"{base}/links/{hearing.link_ids['observer']}",
        {"reason": "Issued by mistake"},
        "withdraw the observer's link",
    )
    said = _ended(observer, "Your join link was withdrawn")
    assert "The court withdrew your join link. Issued by mistake." in said

    own_hearings.post(f"{base}/cancel", {"reason": "The defendant is ill"}, "cancel the hearing")
    said = _ended(witness, "The hearing was cancelled")
    assert "The court cancelled this hearing. The defendant is ill." in said
    save_for_review(witness.screenshot(shots_dir / "revocation-2-cancelled.png"))

    # The links are refused from now on: a reload does not bring anyone back.
    again = open_participant("defendant", token=hearing.tokens["defendant"], through_check=False)
    assert again.wait_past_connect() == "invalid"
