"""The exhibit register in a live hearing: the bench registers and rules, a screen shared in
the hearing room is an exhibit shown (or, with none marked, offered until the bench confirms
it), and every change is a protocol entry."""

from __future__ import annotations

import asyncio
from typing import Any, get_args

import pytest

from court.exhibits import MAX_DESCRIPTION, ExhibitStatus
from court.protocol import EntryKind
from court.roles import Role
from signaling.events import ClientEvent, ServerEvent
from signaling.limits import Limits
from signaling.messages import ExhibitStatusName
from tests.signaling.conftest import HearingServer, TimeFlies
from tests.signaling.test_courtroom import refused
from tests.support.media import ColourCamera

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def exhibit_entries(hs: HearingServer) -> list[str]:
    entries = await hs.protocol.of_hearing(hs.hearing_id)
    return [e.text for e in entries if e.kind is EntryKind.EXHIBIT]


def latest(client: Any) -> dict[str, dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for event in client.received(ServerEvent.EXHIBIT_CHANGED):
        seen[event["exhibit"]["id"]] = event["exhibit"]
    return seen


def test_the_wire_names_every_status() -> None:
    assert set(get_args(ExhibitStatusName)) == {s.value for s in ExhibitStatus}


async def test_the_bench_registers_an_exhibit_and_rules_on_it_each_change_written_down(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK, name="Clara Minutes")
    judge = await hearing_server.join(Role.JUDGE)
    counsel = await hearing_server.join(Role.DEFENCE, name="Dora Counsel")

    exhibit = (
        await clerk.command(
            ClientEvent.REGISTER_EXHIBIT,
            {"description": "Photograph of the crossing", "offered_by": counsel.participant_id},
        )
    )["exhibit"]
    assert (exhibit["number"], exhibit["status"], exhibit["showings"]) == (1, "offered", [])
    second = (await judge.command(ClientEvent.REGISTER_EXHIBIT, {"description": "Expert report"}))[
        "exhibit"
    ]
    assert second["number"] == 2 and second["offered_by"] is None

    await judge.command(
        ClientEvent.UPDATE_EXHIBIT, {"exhibit_id": exhibit["id"], "status": "admitted"}
    )
    await judge.command(
        ClientEvent.UPDATE_EXHIBIT,
        {"exhibit_id": second["id"], "status": "excluded", "reason": "Not disclosed in time"},
    )
    renamed = (
        await clerk.command(
            ClientEvent.UPDATE_EXHIBIT,
            {"exhibit_id": second["id"], "description": "Expert report of 3 May"},
        )
    )["exhibit"]
    assert (renamed["description"], renamed["status"]) == ("Expert report of 3 May", "excluded")
    # Saying again what is already so changes nothing and writes nothing.
    await clerk.command(
        ClientEvent.UPDATE_EXHIBIT, {"exhibit_id": exhibit["id"], "status": "admitted"}
    )

    assert await exhibit_entries(hearing_server) == [
        "Exhibit 1 offered by Dora Counsel (Defence counsel): Photograph of the crossing",
        "Exhibit 2 put forward by the court: Expert report",
        "Exhibit 1 admitted",
        "Exhibit 2 excluded: Not disclosed in time",
        "Exhibit 2 described as: Expert report of 3 May",
    ]
    entries = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    first = next(e for e in entries if e.kind is EntryKind.EXHIBIT)
    assert first.automatic and first.speaker_id == counsel.participant_id
    assert first.author.startswith(f"participant:{clerk.participant_id}")
    # The bench sees the register change; a party is told nothing of it.
    await judge.wait_until(lambda: latest(judge).get(second["id"], {}).get("status") == "excluded")
    assert counsel.received(ServerEvent.EXHIBIT_CHANGED) == []
    # A later join of the bench gets the register with its acknowledgement.
    late = await hearing_server.join(Role.JUDGE)
    assert [e["number"] for e in late.join_data["exhibits"]] == [1, 2]
    assert counsel.join_data["exhibits"] == []


async def test_a_screen_shared_shows_the_marked_exhibit_from_its_start_to_its_end(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    counsel = await hearing_server.join(Role.DEFENCE, name="Dora Counsel")
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    photo = (
        await clerk.command(
            ClientEvent.REGISTER_EXHIBIT,
            {"description": "Photograph", "offered_by": counsel.participant_id},
        )
    )["exhibit"]
    plan = (await clerk.command(ClientEvent.REGISTER_EXHIBIT, {"description": "Site plan"}))[
        "exhibit"
    ]
    # The clerk marks the photograph as the next thing shown; then the counsel shares.
    await clerk.command(ClientEvent.SHOW_EXHIBIT, {"exhibit_id": photo["id"]})
    await counsel.start_screen_share(ColourCamera())
    await asyncio.sleep(1.0)
    # Part way through, the counsel moves on to the plan: the clerk says so.
    await clerk.command(ClientEvent.SHOW_EXHIBIT, {"exhibit_id": plan["id"]})
    await asyncio.sleep(0.6)
    await counsel.stop_screen_share()

    register = {
        e.id: e for e in await hearing_server.exhibits.of_hearing(hearing_server.hearing_id)
    }
    assert len(register) == 2  # nothing registered by itself: the share was announced
    (shown,) = register[photo["id"]].showings
    (then,) = register[plan["id"]].showings
    for showing in (shown, then):
        assert showing.ended and showing.shown_by == counsel.participant_id
        assert showing.recording_id is not None
        assert showing.start_ms is not None and showing.end_ms is not None
    assert shown.end_ms == then.start_ms
    assert shown.end_ms - shown.start_ms >= 900  # type: ignore[operator]
    assert then.end_ms - then.start_ms >= 500  # type: ignore[operator]
    texts = await exhibit_entries(hearing_server)
    assert texts[2] == "Exhibit 1 shown on screen"
    assert texts[3].startswith("Exhibit 1 no longer on screen (shown from 00:00:")
    assert texts[4] == "Exhibit 2 shown on screen"
    assert texts[5].startswith("Exhibit 2 no longer on screen (shown from 00:00:")
    assert not any(e.on_screen for e in register.values())


def offers(client: Any) -> dict[str, dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for event in client.received(ServerEvent.EXHIBIT_OFFER_CHANGED):
        seen[event["offer"]["id"]] = event["offer"]
    return seen


async def test_a_screen_shared_unannounced_is_offered_and_registered_when_the_bench_confirms(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    prosecutor = await hearing_server.join(Role.PROSECUTOR, name="Petra Prosecutor")
    await prosecutor.start_screen_share(ColourCamera())
    await clerk.wait_until(lambda: bool(offers(clerk)))
    (offer,) = offers(clerk).values()
    assert (offer["shared_by"], offer["state"]) == (prosecutor.participant_id, "pending")
    # Offered is not registered: the register and the protocol have nothing of it yet.
    assert await hearing_server.exhibits.of_hearing(hearing_server.hearing_id) == []
    assert await exhibit_entries(hearing_server) == []
    assert prosecutor.received(ServerEvent.EXHIBIT_OFFER_CHANGED) == []
    # A party cannot register it; the bench does, and describes it as it does so.
    confirm = {"offer_id": offer["id"], "description": "Bank statement, March"}
    assert await refused(prosecutor, ClientEvent.CONFIRM_EXHIBIT_OFFER, confirm) == (
        "permission_denied"
    )
    exhibit = (await clerk.command(ClientEvent.CONFIRM_EXHIBIT_OFFER, confirm))["exhibit"]
    assert exhibit["offered_by"] == prosecutor.participant_id and exhibit["on_screen"]
    await clerk.wait_until(lambda: offers(clerk)[offer["id"]]["state"] == "registered")
    assert await refused(clerk, ClientEvent.CONFIRM_EXHIBIT_OFFER, confirm) == "not_found"
    await prosecutor.stop_screen_share()
    await clerk.wait_until(lambda: not latest(clerk)[exhibit["id"]]["on_screen"])
    (stored,) = await hearing_server.exhibits.of_hearing(hearing_server.hearing_id)
    assert stored.description == "Bank statement, March"
    # Not recorded (the hearing never sat): the showing has no record times.
    assert [(s.recording_id, s.start_ms, s.end_ms) for s in stored.showings] == [(None,) * 3]
    assert await exhibit_entries(hearing_server) == [
        "Exhibit 1 offered by Petra Prosecutor (Prosecutor): Bank statement, March",
        "Exhibit 1 shown on screen",
        "Exhibit 1 no longer on screen",
    ]


# The budget of shares (signaling/limits.py) allows twenty in under two minutes; time flies
# here so the test need not wait that long.
@pytest.mark.parametrize("limits", [Limits(TimeFlies())])
async def test_a_participant_sharing_twenty_times_registers_nothing_the_bench_did_not_confirm(
    hearing_server: HearingServer,
) -> None:
    """The security review's demonstration (H7, screen-share variant), in session: the
    register and the protocol's exhibit entries gain nothing until the bench confirms."""
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    counsel = await hearing_server.join(Role.DEFENCE, name="Dora Counsel")
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    for _ in range(20):
        await counsel.command(ClientEvent.START_SCREEN_SHARE, {})
        await counsel.command(ClientEvent.STOP_SCREEN_SHARE, {})
    await clerk.wait_until(
        lambda: len(clerk.received(ServerEvent.EXHIBIT_OFFER_CHANGED)) == 40, within_s=20
    )

    assert await hearing_server.exhibits.of_hearing(hearing_server.hearing_id) == []
    assert await exhibit_entries(hearing_server) == []
    (offer,) = offers(clerk).values()  # one offer, following the latest share
    assert offer["state"] == "pending" and offer["showing"]["ended"]
    assert offer["showing"]["recording_id"] is not None

    exhibit = (await judge.command(ClientEvent.CONFIRM_EXHIBIT_OFFER, {"offer_id": offer["id"]}))[
        "exhibit"
    ]

    assert exhibit["number"] == 1 and exhibit["description"] == "Shown on screen by Dora Counsel"
    (showing,) = exhibit["showings"]
    assert (showing["start_ms"], showing["end_ms"]) == (
        offer["showing"]["start_ms"],
        offer["showing"]["end_ms"],
    )
    texts = await exhibit_entries(hearing_server)
    assert len(texts) == 2 and texts[1].startswith("Exhibit 1 no longer on screen (shown from")


async def test_only_the_bench_keeps_the_register_and_bad_input_changes_nothing(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    counsel = await hearing_server.join(Role.DEFENCE)
    good = {"description": "Letter"}
    assert await refused(counsel, ClientEvent.REGISTER_EXHIBIT, good) == "permission_denied"
    bad: list[Any] = [
        {},
        {"description": ""},
        {"description": "   "},
        {"description": "x" * (MAX_DESCRIPTION + 1)},
        {"description": "Letter", "offered_by": "par_nobody"},
        {"description": "Letter", "extra": 1},
        {"description": 5},
        "Letter",
        None,
    ]
    for payload in bad:
        assert await refused(clerk, ClientEvent.REGISTER_EXHIBIT, payload) == "invalid_request", (
            payload
        )
    assert await hearing_server.exhibits.of_hearing(hearing_server.hearing_id) == []

    exhibit = (await clerk.command(ClientEvent.REGISTER_EXHIBIT, {"description": HOSTILE}))[
        "exhibit"
    ]
    assert exhibit["description"] == HOSTILE  # kept as written; every page shows it as text
    for payload in (
        {"exhibit_id": exhibit["id"]},
        {"exhibit_id": exhibit["id"], "status": "withdrawn"},
        {"exhibit_id": exhibit["id"], "status": "admitted", "reason": "x" * 501},
    ):
        assert await refused(clerk, ClientEvent.UPDATE_EXHIBIT, payload) == "invalid_request"
    missing = {"exhibit_id": "exh_missing"}
    assert await refused(clerk, ClientEvent.SHOW_EXHIBIT, missing) == "not_found"
    assert (
        await refused(clerk, ClientEvent.UPDATE_EXHIBIT, {**missing, "status": "admitted"})
        == "not_found"
    )
    assert (
        await refused(
            counsel,
            ClientEvent.UPDATE_EXHIBIT,
            {"exhibit_id": exhibit["id"], "status": "admitted"},
        )
        == "permission_denied"
    )
    (stored,) = await hearing_server.exhibits.of_hearing(hearing_server.hearing_id)
    assert stored.status is ExhibitStatus.OFFERED and stored.description == HOSTILE
