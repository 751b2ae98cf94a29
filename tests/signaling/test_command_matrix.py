"""Every role against every signaling command; every refusal is audited.

The expected answers are written out by hand, so a change to the permission table that
lets a role do more (or less) in a live hearing fails here first.
"""

from __future__ import annotations

import pytest

from court.roles import Role
from signaling.client import CommandFailed, ParticipantClient
from signaling.events import ClientEvent
from tests.signaling.conftest import OTHER_HEARING, HearingServer

BENCH = {Role.JUDGE, Role.CLERK}
SPEAKERS = set(Role) - {Role.OBSERVER}

# command name -> (event, payload, roles allowed)
COMMANDS = {
    "publish audio": (ClientEvent.PUBLISH, {"audio": True, "video": False}, SPEAKERS),
    "publish video": (ClientEvent.PUBLISH, {"audio": False, "video": True}, SPEAKERS),
    "start recording": (ClientEvent.START_RECORDING, {}, BENCH),
    "stop recording": (ClientEvent.STOP_RECORDING, {}, BENCH),
}


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
