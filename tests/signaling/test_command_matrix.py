"""Every role against every signaling command; every refusal is audited.

The expected answers are written out by hand, so a change to the permission table that
lets a role do more (or less) in a live hearing fails here first.
"""

from __future__ import annotations

import pytest

from court.roles import Role
from signaling.client import CommandFailed, ParticipantClient
from signaling.events import ClientEvent
from signaling.limits import Limits
from tests.signaling.conftest import OTHER_HEARING, HearingServer, TimeFlies

BENCH = {Role.JUDGE, Role.CLERK}
SPEAKERS = set(Role) - {Role.OBSERVER}

# command name -> (event, payload, roles allowed)
COMMANDS = {
    "publish audio": (ClientEvent.PUBLISH, {"audio": True, "video": False}, SPEAKERS),
    "publish video": (ClientEvent.PUBLISH, {"audio": False, "video": True}, SPEAKERS),
    "start recording": (ClientEvent.START_RECORDING, {}, BENCH),
    "stop recording": (ClientEvent.STOP_RECORDING, {}, BENCH),
}


@pytest.fixture
def limits() -> Limits:
    """This module sends commands as fast as it can to test what they answer, not how many
    a connection may send (tests/signaling/test_limits.py): time flies between them."""
    return Limits(TimeFlies())


async def attempt(client: ParticipantClient, event: str, payload: object) -> str:
    try:
        await client.command(event, payload)
    except CommandFailed as refused:
        return refused.code
    return "ok"


@pytest.mark.parametrize("role", list(Role))
async def test_each_role_may_use_exactly_the_commands_the_matrix_allows(
    hearing_server: HearingServer, role: Role
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    client = await hearing_server.join(role)
    outcomes: dict[str, str] = {}
    for name, (event, payload, _) in COMMANDS.items():
        if name == "stop recording" and role not in BENCH:
            await clerk.command(ClientEvent.START_RECORDING, {})
        outcomes[name] = await attempt(client, event, payload)
        if name == "stop recording" and role not in BENCH:
            await clerk.command(ClientEvent.STOP_RECORDING, {})

    assert outcomes == {
        name: "ok" if role in allowed else "permission_denied"
        for name, (_, _, allowed) in COMMANDS.items()
    }
    refusals = [e for e in hearing_server.audited if e.denied]
    assert len(refusals) == list(outcomes.values()).count("permission_denied")
    assert all(
        e.actor == f"participant:{client.participant_id} ({role.value})"
        and e.object == "hearing:hrg_test"
        for e in refusals
    )
    assert await attempt(client, ClientEvent.LEAVE, {}) == "ok"


async def test_recording_actions_are_audited_when_allowed(hearing_server: HearingServer) -> None:
    judge = await hearing_server.join(Role.JUDGE)

    await judge.command(ClientEvent.START_RECORDING, {})
    await judge.command(ClientEvent.STOP_RECORDING, {})

    assert [(e.action, e.denied) for e in hearing_server.audited] == [
        ("signaling.start_recording", False),
        ("signaling.stop_recording", False),
    ]


async def test_a_judge_of_another_hearing_cannot_record_this_one(
    hearing_server: HearingServer,
) -> None:
    await hearing_server.join(Role.WITNESS)
    outsider = ParticipantClient(
        hearing_server.url, hearing_server.token(Role.JUDGE, hearing=OTHER_HEARING)
    )
    hearing_server.clients.append(outsider)
    await outsider.connect()

    await outsider.command(ClientEvent.START_RECORDING, {})

    recording_of = {
        e.object for e in hearing_server.audited if e.action == "signaling.start_recording"
    }
    assert recording_of == {"hearing:hrg_other"}
    assert [r.hearing_id for r in hearing_server.recordings.list()] == ["hrg_other"]


# The court's commands, each aimed at another participant where it needs one.
COURT_COMMANDS: dict[ClientEvent, dict[str, object]] = {
    ClientEvent.SET_HEARING_STATE: {"state": "open"},
    ClientEvent.ADMIT: {"participant_id": "{target}"},
    ClientEvent.ADMIT_ALL: {},
    ClientEvent.SEND_TO_WAITING_ROOM: {"participant_id": "{target}"},
    ClientEvent.CALL_WITNESS: {"participant_id": "{target}"},
    ClientEvent.DISMISS_WITNESS: {"participant_id": "{target}", "release": True},
    ClientEvent.MUTE_PARTICIPANT: {"participant_id": "{target}"},
    ClientEvent.REQUEST_UNMUTE: {"participant_id": "{target}"},
    ClientEvent.REMOVE_PARTICIPANT: {"participant_id": "{target}", "reason": "test"},
    ClientEvent.READMIT: {"participant_id": "{target}"},
    ClientEvent.LOCK_HEARING: {"locked": True},
    ClientEvent.LOWER_HAND: {"participant_id": "{target}"},
    ClientEvent.SPOTLIGHT: {"participant_id": "{target}"},
    ClientEvent.OPEN_CONSULTATION: {"participant_ids": ["{target}"]},
}


@pytest.mark.parametrize("role", sorted(set(Role) - BENCH))
async def test_no_one_but_the_bench_may_use_the_courts_commands_and_refusals_change_nothing(
    hearing_server: HearingServer, role: Role
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    target = await hearing_server.join(Role.WITNESS, admit=False)
    client = await hearing_server.join(role)
    live = hearing_server.signaling.hearings.find(clerk.join_data["hearing"]["id"])
    assert live is not None
    before = hearing_server.signaling.hearings.courtroom_of(live).roster.roster()

    outcomes = {}
    for event, payload in COURT_COMMANDS.items():
        concrete = {
            k: (
                target.participant_id
                if v == "{target}"
                else [target.participant_id]
                if v == ["{target}"]
                else v
            )
            for k, v in payload.items()
        }
        outcomes[event] = await attempt(client, event, concrete)

    assert set(outcomes.values()) == {"permission_denied"}, outcomes
    assert hearing_server.signaling.hearings.courtroom_of(live).roster.roster() == before
    assert live.hearing.state.value == "open"
    denied = [e for e in hearing_server.audited if e.denied]
    assert len(denied) == len(COURT_COMMANDS)


async def test_a_refusal_repeated_is_counted_not_audited_each_time(
    hearing_server: HearingServer,
) -> None:
    """The review's flood: one observer repeats a command the court refuses. The audit log
    keeps the first refusal and the 10th and 100th, with the count, not 150 rows."""
    await hearing_server.join(Role.CLERK)
    observer = await hearing_server.join(Role.OBSERVER)
    payload = {"participant_id": observer.participant_id}

    outcomes = [await attempt(observer, ClientEvent.ADMIT, payload) for _ in range(150)]

    assert set(outcomes) == {"permission_denied"}
    reasons = [e.reason for e in hearing_server.audited if e.denied]
    assert len(reasons) == 3, reasons
    assert "refused" not in reasons[0]
    assert reasons[1].endswith("(refused 10 times)") and reasons[2].endswith("(refused 100 times)")
