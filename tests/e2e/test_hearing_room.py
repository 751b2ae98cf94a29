"""In the hearing room, as a participant: raise a hand, be muted by the court and asked to
unmute, be shown large (spotlight), write to the clerk, consult counsel in private; and the
court's endings: a witness released, a participant removed, a link opened twice, a dropped
connection that comes back.

Each test schedules a hearing of its own (the shared demo hearing is left as it was).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Locator

from tests.e2e.harness import OpenParticipant, save_for_review
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage
from tests.e2e.scheduling import Scheduler

pytestmark = pytest.mark.e2e

CAST = {
    "judge": "Judith Bench",
    "clerk": "Clement Clerk",
    "defendant": "Dmitri Dock",
    "defence": "Dora Counsel",
    "witness": "Wilma Stand",
}

_OWN_MICROPHONE = """
() => {
  const v = document.querySelector("figure.tile--self video");
  const track = v && v.srcObject && v.srcObject.getAudioTracks()[0];
  return track ? track.enabled : null;
}
"""


def _id(page: HearingPage) -> str:
    participant_id: str = page.state()["participant"]["id"]
    return participant_id


def _tile(page: HearingPage, role: str) -> Locator:
    tile: Locator = page.page.locator(f"figure.tile[data-role='{role}']")
    return tile


def _shot(page: HearingPage, shots_dir: Path, name: str) -> None:
    save_for_review(page.screenshot(shots_dir / name))


def test_a_participant_raises_a_hand_is_muted_and_unmuted_writes_to_the_clerk_and_consults(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    cast = {role: CAST[role] for role in ("judge", "clerk", "defendant", "defence")}
    hearing = own_hearings.hearing("State v. Dock — hearing room test", cast)
    judge = open_participant("judge", token=hearing.tokens["judge"], colour=COLOURS["red"])
    clerk = open_participant("clerk", token=hearing.tokens["clerk"], colour="#808080")
    defendant = open_participant(
        "defendant", token=hearing.tokens["defendant"], colour=COLOURS["green"]
    )
    defence = open_participant("defence", token=hearing.tokens["defence"], colour=COLOURS["blue"])
    judge.admit(defendant, defence)
    defendant.wait_for_remote_video(["judge", "clerk", "defence"])
    page = defendant.page

    # A raised hand shows on the court's screen, in words; the court lowers it.
    page.get_by_role("button", name="Raise hand").click()
    page.get_by_role("button", name="Lower hand").wait_for(timeout=WAIT_MS)
    _tile(judge, "defendant").locator(".flag--hand", has_text="Hand raised").wait_for(
        timeout=WAIT_MS
    )
    # The others' roster says it too (the court's own list is the court panel's).
    defence.page.locator("#roster .roster__item", has_text=CAST["defendant"]).get_by_text(
        "Hand raised"
    ).wait_for(timeout=WAIT_MS)
    judge.command("lower_hand", {"participant_id": _id(defendant)})
    page.get_by_role("button", name="Raise hand").wait_for(timeout=WAIT_MS)

    # The court mutes the defendant, with a reason: the microphone goes off and stays off.
    judge.command(
        "mute_participant",
        {"participant_id": _id(defendant), "reason": "Background noise from the facility"},
    )
    page.get_by_text(
        "The court muted your microphone: Background noise from the facility"
    ).wait_for(timeout=WAIT_MS)
    assert page.evaluate(_OWN_MICROPHONE) is False
    _tile(judge, "defendant").locator(".flag--muted").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Unmute microphone", exact=True).click()
    page.get_by_text("You can unmute when the court asks you to speak.").wait_for(timeout=WAIT_MS)
    assert page.evaluate(_OWN_MICROPHONE) is False
    _shot(defendant, shots_dir, "hearing-room-muted-by-court.png")

    # Asked to unmute, the defendant does so with one button.
    judge.command("request_unmute", {"participant_id": _id(defendant)})
    prompt = page.get_by_role("alertdialog", name="The court asks you to speak")
    prompt.get_by_role("button", name="Unmute").click()
    page.get_by_role("button", name="Mute microphone", exact=True).wait_for(timeout=WAIT_MS)
    assert page.evaluate(_OWN_MICROPHONE) is True
    _tile(judge, "defendant").locator(".flag--muted").wait_for(state="detached", timeout=WAIT_MS)

    # Muting oneself: the track is off at once, and the others see "Muted".
    page.get_by_role("button", name="Mute microphone", exact=True).click()
    assert page.evaluate(_OWN_MICROPHONE) is False
    _tile(defence, "defendant").locator(".flag--muted").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Unmute microphone", exact=True).click()
    page.get_by_role("button", name="Mute microphone", exact=True).wait_for(timeout=WAIT_MS)

    # The court shows the defence counsel large to everyone in the room.
    judge.command("spotlight", {"participant_id": _id(defence)})
    page.locator("figure.tile--spotlight[data-role='defence']").wait_for(timeout=WAIT_MS)
    defence.page.locator("figure.tile--self.tile--spotlight").wait_for(timeout=WAIT_MS)
    _shot(defendant, shots_dir, "hearing-room-spotlight.png")
    judge.command("spotlight", {"participant_id": None})
    page.locator("figure.tile--spotlight").wait_for(state="detached", timeout=WAIT_MS)

    # A message to the clerk, and the clerk's answer, shown as text (never as markup).
    chat = page.locator("#chat")
    chat.get_by_label("Your message to the court clerk").fill("May I speak to my lawyer?")
    chat.get_by_role("button", name="Send").click()
    chat.locator(".chat__message--mine", has_text="May I speak to my lawyer?").wait_for(
        timeout=WAIT_MS
    )
    answer = "Yes: use <b>Private consultation</b>."
    clerk.command("send_chat", {"text": answer, "to": _id(defendant)})
    theirs = chat.locator(".chat__message--theirs")
    theirs.wait_for(timeout=WAIT_MS)
    assert answer in theirs.inner_text()
    assert f"{hearing.names['clerk']} (Court clerk)" in theirs.inner_text()
    assert chat.locator("b").count() == 0
    assert clerk.page.locator("#chat").is_hidden()  # the clerk answers from the court panel

    # A private consultation with counsel: asked, accepted, private, ended.
    page.get_by_role("button", name="Private consultation").click()
    dialog = page.get_by_role("dialog", name="Private consultation")
    assert dialog.get_by_label(f"{CAST['defence']} (Defence counsel)").is_checked()
    dialog.get_by_role("button", name="Ask for a private consultation").click()
    page.get_by_text(f"Waiting for {CAST['defence']} to accept.").wait_for(timeout=WAIT_MS)
    request = defence.page.get_by_role("alertdialog", name="Private consultation")
    request.get_by_text(f"{CAST['defendant']} asks you to join a private consultation").wait_for(
        timeout=WAIT_MS
    )
    request.get_by_role("button", name="Accept").click()
    heading = "Private consultation — not recorded, nobody else can see or hear you"
    for member in (defendant, defence):
        member.wait_room("consultation")
        member.page.get_by_role("heading", name=heading).wait_for(timeout=WAIT_MS)
    defendant.wait_for_remote_video(["defence"])
    defence.wait_for_remote_video(["defendant"])
    judge.wait_for_remote_roles(["clerk"])
    _shot(defendant, shots_dir, "consultation-defendant.png")
    defence.page.get_by_role("button", name="End consultation").click()
    for member in (defendant, defence):
        member.wait_room("hearing")
    defendant.wait_for_remote_video(["judge", "clerk", "defence"])
    assert page.get_by_role("heading", name=heading).count() == 0


def test_the_court_releases_a_witness_removes_a_participant_and_a_second_window_takes_over(
    own_hearings: Scheduler, open_participant: OpenParticipant, shots_dir: Path
) -> None:
    cast = {role: CAST[role] for role in ("judge", "defendant", "defence", "witness")}
    hearing = own_hearings.hearing("State v. Dock — endings test", cast)
    judge = open_participant("judge", token=hearing.tokens["judge"], colour=COLOURS["red"])
    defendant = open_participant(
        "defendant", token=hearing.tokens["defendant"], colour=COLOURS["green"]
    )
    defence = open_participant("defence", token=hearing.tokens["defence"], colour=COLOURS["blue"])
    witness = open_participant("witness", token=hearing.tokens["witness"], colour="#ffff00")
    judge.admit(defendant, defence, witness)

    # A dropped connection comes back on its own, into the same room, within 5 seconds (the
    # engine's transport closes as when the network goes; Socket.IO reconnects and rejoins).
    defendant.wait_for_remote_video(["judge", "defence", "witness"])
    dropped = time.monotonic()
    defendant.page.evaluate("() => window.courtroom.signaling._socket.io.engine.close()")
    defendant.page.locator("#state", has_text="Reconnected").wait_for(timeout=WAIT_MS)
    defendant.wait_room("hearing")
    defendant.wait_for_remote_video(["judge", "defence", "witness"])
    back_in_s = time.monotonic() - dropped
    assert back_in_s < 5.0, back_in_s
    assert defendant.state()["joins"] == 2

    # The witness is dismissed back to the waiting room, then released.
    judge.command("dismiss_witness", {"participant_id": _id(witness), "release": False})
    witness.wait_room("waiting")
    witness.page.locator("#notice", has_text="The court has finished hearing you").wait_for(
        timeout=WAIT_MS
    )
    judge.command("dismiss_witness", {"participant_id": _id(witness), "release": True})
    witness.page.get_by_role("heading", name="The court has released you. Thank you.").wait_for(
        timeout=WAIT_MS
    )
    _shot(witness, shots_dir, "witness-released.png")

    # The defence counsel is removed, with the court's reason.
    judge.command(
        "remove_participant",
        {"participant_id": _id(defence), "reason": "Disruptive behaviour"},
    )
    defence.page.get_by_text(
        "The court removed you from this hearing: Disruptive behaviour"
    ).wait_for(timeout=WAIT_MS)
    _shot(defence, shots_dir, "removed.png")

    # The same link opened in a second window: the first one leaves and says why.
    second = open_participant(
        "defendant", token=hearing.tokens["defendant"], colour=COLOURS["green"]
    )
    defendant.page.get_by_text(
        "This link was opened in another window; this window has left the hearing."
    ).wait_for(timeout=WAIT_MS)
    second.wait_room("hearing")  # a reconnect restores the room: no second admission
    for ended in (witness, defence, defendant):
        ended.page.wait_for_function("() => !window.courtroom.signaling.connected", timeout=WAIT_MS)
        assert ended.state()["phase"] == "ended"
    _shot(defendant, shots_dir, "session-replaced.png")
