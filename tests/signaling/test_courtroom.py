"""The live courtroom over the real relay: waiting room, admission, witnesses, states.

Media isolation is measured on the wire: the receiving client's own RTP statistics, so
nothing the server believes about itself is taken on trust.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from court.events import EventKind
from court.hearing_state import HearingState
from court.ids import ParticipantId
from court.roles import Role
from recordings.timeline import read_timeline
from signaling.client import CommandFailed, ParticipantClient
from signaling.events import NAMESPACE, ClientEvent, ServerEvent
from tests.signaling.conftest import HEARING, HearingServer
from tests.signaling.helpers import frames_from
from tests.support.media import ColourCamera, ToneTrack


async def rtp_packets_received(client: ParticipantClient) -> int:
    """Every RTP packet the client's peer connection has received, by its own count."""
    stats = await client.pc.getStats()
    return sum(s.packetsReceived for s in stats.values() if s.type == "inbound-rtp")


async def refused(client: ParticipantClient, event: str, payload: object) -> str:
    with pytest.raises(CommandFailed) as failure:
        await client.command(event, payload)
    return failure.value.code


async def test_everyone_but_the_bench_arrives_in_the_waiting_room(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE)
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT, admit=False)

    assert judge.join_data["room"]["kind"] == "hearing"
    assert clerk.join_data["room"]["kind"] == "hearing"
    assert defendant.join_data["room"] == {
        "id": "hrg_test:waiting",
        "kind": "waiting",
        "label": "Waiting room",
        "consultation_id": None,
    }
    assert defendant.join_data["hearing"]["state"] == "scheduled"
    assert defendant.join_data["hearing"]["state_label"] == "The hearing has not opened yet"
    assert defendant.join_data["participants"] == []
    await clerk.wait_until(
        lambda: any(
            e["id"] == defendant.participant_id and e["room"]["kind"] == "waiting"
            for r in clerk.received(ServerEvent.ROSTER_CHANGED)
            for e in r["roster"]
        )
    )
    entry = next(
        e
        for e in clerk.received(ServerEvent.ROSTER_CHANGED)[-1]["roster"]
        if e["id"] == defendant.participant_id
    )
    assert entry["connection"] == "connected"
    assert entry["waiting_since"] is not None
    assert entry["role_label"] == "Defendant"


async def test_a_waiting_witness_receives_no_packet_from_the_hearing_room_whatever_it_sends(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack(), video=ColourCamera())
    await defendant.publish()
    witness = await hearing_server.join(
        Role.WITNESS, audio=ToneTrack(), video=ColourCamera(), admit=False
    )
    await witness.publish()  # a connected peer connection that could carry media
    await witness.wait_until(lambda: witness.offers_answered >= 1)
    await frames_from(judge, defendant.participant_id, "video", 10)

    own_id = witness.participant_id
    attempts = {
        ClientEvent.CALL_WITNESS: {"participant_id": own_id},
        ClientEvent.ADMIT: {"participant_id": own_id},
        ClientEvent.ADMIT_ALL: {},
        ClientEvent.SEND_TO_WAITING_ROOM: {"participant_id": defendant.participant_id},
        ClientEvent.OPEN_CONSULTATION: {"participant_ids": [own_id, judge.participant_id]},
        ClientEvent.REQUEST_CONSULTATION: {"participant_ids": [defendant.participant_id]},
        ClientEvent.SET_HEARING_STATE: {"state": "in_session"},
        ClientEvent.SPOTLIGHT: {"participant_id": own_id},
    }
    codes = {event: await refused(witness, event, payload) for event, payload in attempts.items()}
    await asyncio.sleep(1.5)  # media from the hearing room would arrive at 30 fps meanwhile

    assert set(codes.values()) == {"permission_denied"}
    assert witness.room_kind == "waiting"
    assert witness.tracks == {}
    assert await rtp_packets_received(witness) == 0
    assert all(e.denied for e in hearing_server.audited)
    assert len(hearing_server.audited) == len(attempts)

    # The same measurement sees media as soon as the court calls the witness in.
    await judge.command(ClientEvent.CALL_WITNESS, {"participant_id": own_id})
    await frames_from(witness, judge.participant_id, "audio", 5)
    assert await rtp_packets_received(witness) > 0


async def test_admit_all_brings_in_the_parties_but_not_the_witnesses(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    waiting = {
        role: await hearing_server.join(role, admit=False)
        for role in (Role.DEFENDANT, Role.PROSECUTOR, Role.WITNESS, Role.OBSERVER)
    }

    admitted = await clerk.command(ClientEvent.ADMIT_ALL, {})

    assert sorted(admitted["admitted"]) == sorted(
        waiting[r].participant_id for r in (Role.DEFENDANT, Role.PROSECUTOR, Role.OBSERVER)
    )
    for role in (Role.DEFENDANT, Role.PROSECUTOR, Role.OBSERVER):
        client = waiting[role]
        await client.wait_until(lambda c=client: c.room_kind == "hearing")  # type: ignore[misc]
    assert waiting[Role.WITNESS].room_kind == "waiting"
    roster = clerk.received(ServerEvent.ROSTER_CHANGED)[-1]
    assert roster["observers"] == 1


async def test_nobody_is_admitted_before_the_waiting_room_opens(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT, admit=False)

    code = await refused(clerk, ClientEvent.ADMIT, {"participant_id": defendant.participant_id})

    assert code == "invalid_state"
    assert defendant.room_kind == "waiting"


async def test_a_called_witness_is_heard_and_a_dismissed_one_no_longer_receives(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    witness = await hearing_server.join(Role.WITNESS, audio=ToneTrack(550.0), admit=False)
    await witness.publish()

    await judge.command(ClientEvent.CALL_WITNESS, {"participant_id": witness.participant_id})
    await frames_from(judge, witness.participant_id, "audio", 5)
    await frames_from(witness, judge.participant_id, "audio", 5)
    assert witness.received(ServerEvent.ROOM_CHANGED)[-1]["reason"] == "called"

    await judge.command(
        ClientEvent.DISMISS_WITNESS, {"participant_id": witness.participant_id, "release": False}
    )
    await witness.wait_until(lambda: witness.room_kind == "waiting")
    await judge.wait_until(lambda: judge.tracks_of(witness.participant_id) == {})
    await witness.wait_until(lambda: witness.tracks_of(judge.participant_id) == {})
    before = await rtp_packets_received(witness)
    await asyncio.sleep(1.0)
    # A packet or two may have been in flight when the transceiver went inactive.
    assert await rtp_packets_received(witness) - before <= 2

    await judge.command(
        ClientEvent.DISMISS_WITNESS, {"participant_id": witness.participant_id, "release": True}
    )
    await witness.wait_until(lambda: bool(witness.received(ServerEvent.REMOVED)))
    assert witness.received(ServerEvent.REMOVED)[-1]["released"] is True


async def test_states_follow_the_table_and_only_the_roles_allowed_may_change_them(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE)
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT)  # opens and admits

    assert await refused(clerk, ClientEvent.SET_HEARING_STATE, {"state": "in_session"}) == (
        "permission_denied"
    )
    assert await refused(judge, ClientEvent.SET_HEARING_STATE, {"state": "paused"}) == (
        "invalid_state"
    )
    started = await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    assert started["hearing"]["state"] == "in_session"
    live = hearing_server.signaling.hearings.find(judge.join_data["hearing"]["id"])
    assert (
        live is not None
        and live.recorder.recording is not None
        and live.recorder.recording.is_running
    )
    assert await refused(judge, ClientEvent.STOP_RECORDING, {}) == "invalid_state"

    for state in ("paused", "in_session", "suspended", "in_session"):
        await judge.command(ClientEvent.SET_HEARING_STATE, {"state": state, "reason": "test"})
    await defendant.wait_until(
        lambda: (
            [d["hearing"]["state"] for d in defendant.received(ServerEvent.HEARING_STATE_CHANGED)]
            == ["open", "in_session", "paused", "in_session", "suspended", "in_session"]
        )
    )
    assert defendant.received(ServerEvent.HEARING_STATE_CHANGED)[2]["hearing"]["state_label"] == (
        "The hearing is paused"
    )

    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed", "reason": "done"})
    await defendant.wait_until(lambda: not defendant.sio.connected)
    assert hearing_server.signaling.hearings.find(judge.join_data["hearing"]["id"]) is None
    assert [r.hearing_id for r in hearing_server.recordings.list()] == ["hrg_test"]
    kinds = [e.kind for e in hearing_server.events]
    assert kinds.count(EventKind.HEARING_STATE_CHANGED) == 7


async def test_a_second_page_of_the_judge_is_asked_and_never_silently_replaces_the_first(
    hearing_server: HearingServer,
) -> None:
    """The security review's H1: a second connection with the judge's credentials kicked the
    real judge out. Now its join is refused with `bench_already_connected` and the judge's
    page stays, until the new page confirms (`take_over`); then the old page is told why."""
    judge = await hearing_server.join(Role.JUDGE)
    defendant = await hearing_server.join(Role.DEFENDANT)

    second = ParticipantClient(hearing_server.url, judge.token)
    hearing_server.clients.append(second)
    with pytest.raises(CommandFailed) as refusal:
        await second.connect()

    assert refusal.value.code == "bench_already_connected"
    assert "another window" in str(refusal.value)
    await asyncio.sleep(0.3)  # anything the refusal might have sent the judge arrives
    assert judge.sio.connected
    assert judge.received(ServerEvent.SESSION_REPLACED) == []
    await judge.command(ClientEvent.HEARTBEAT, {})  # still answered: still the judge
    live = hearing_server.signaling.hearings.find(judge.join_data["hearing"]["id"])
    assert live is not None
    assert live.sessions[ParticipantId(judge.participant_id)].sid == judge.sio.get_sid(NAMESPACE)
    assert defendant.received(ServerEvent.PARTICIPANT_LEFT) == []

    taken = await second.command(ClientEvent.JOIN, {"take_over": True})

    assert taken["replaced_previous"] is True
    assert taken["participant"]["role"] == "judge"
    await judge.wait_until(lambda: bool(judge.received(ServerEvent.SESSION_REPLACED)))
    assert judge.received(ServerEvent.SESSION_REPLACED) == [{"cause": "taken_over"}]
    await judge.wait_until(lambda: not judge.sio.connected)
    assert live.sessions[ParticipantId(judge.participant_id)].sid == second.sio.get_sid(NAMESPACE)
    for bad in ({"take_over": "yes"}, {"take_over": 1}, {"takeover": True}):
        assert await refused(second, ClientEvent.JOIN, bad) == "invalid_request"


async def test_a_judge_alone_in_the_hearing_takes_over_from_another_page(
    hearing_server: HearingServer,
) -> None:
    """The old page was the hearing's last: the hearing closes with it and the new page
    opens it again, rather than joining a hearing that has just been closed."""
    judge = await hearing_server.join(Role.JUDGE)
    second = ParticipantClient(hearing_server.url, judge.token)
    hearing_server.clients.append(second)
    with pytest.raises(CommandFailed):
        await second.connect()

    taken = await second.command(ClientEvent.JOIN, {"take_over": True})

    assert taken["participant"]["role"] == "judge"
    await judge.wait_until(lambda: not judge.sio.connected)
    live = hearing_server.signaling.hearings.find(judge.join_data["hearing"]["id"])
    assert live is not None
    assert live.sessions[ParticipantId(judge.participant_id)].sid == second.sio.get_sid(NAMESPACE)


async def test_a_reload_returns_to_the_same_room_without_admission_and_replaces_the_old_session(
    hearing_server: HearingServer,
) -> None:
    await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT)
    assert defendant.room_kind == "hearing"

    again = ParticipantClient(hearing_server.url, defendant.token)
    hearing_server.clients.append(again)
    data = await again.connect()

    assert data["room"]["kind"] == "hearing"
    assert data["rejoined"] is True
    assert data["replaced_previous"] is True
    await defendant.wait_until(lambda: bool(defendant.received(ServerEvent.SESSION_REPLACED)))
    assert defendant.received(ServerEvent.SESSION_REPLACED) == [{"cause": "reopened"}]
    await defendant.wait_until(lambda: not defendant.sio.connected)
    kinds = [
        e.kind
        for e in hearing_server.events
        if e.subject.label == f"participant:{defendant.participant_id}"
    ]
    assert "participant_reconnected" not in kinds  # replaced, not a gap

    # A network loss: the socket closes; coming back restores the room and marks the gap.
    await again.sio.disconnect()
    third = ParticipantClient(hearing_server.url, defendant.token)
    hearing_server.clients.append(third)
    data = await third.connect()
    assert data["room"]["kind"] == "hearing"
    kinds = [
        e.kind
        for e in hearing_server.events
        if e.subject.label == f"participant:{defendant.participant_id}"
    ]
    assert kinds[-2:] == ["participant_left", "participant_reconnected"]


async def test_a_participant_whose_heartbeats_stop_is_shown_as_connection_lost_within_3_seconds(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT)
    live = hearing_server.signaling.hearings.find(clerk.join_data["hearing"]["id"])
    assert live is not None
    attendance = live.find(defendant.participant_id)
    assert attendance is not None
    attendance.joined_at -= 10  # past the arrival grace period

    for _ in range(3):
        await defendant.command(ClientEvent.HEARTBEAT, {})
        await asyncio.sleep(0.5)
    stopped = asyncio.get_running_loop().time()

    def lost() -> bool:
        roster = clerk.received(ServerEvent.ROSTER_CHANGED)
        return any(
            e["id"] == defendant.participant_id and e["connection"] == "connection_lost"
            for e in roster[-1]["roster"]
        )

    await clerk.wait_until(lost, within_s=5)
    assert asyncio.get_running_loop().time() - stopped <= 3.0

    await defendant.command(ClientEvent.HEARTBEAT, {})
    await clerk.wait_until(lambda: not lost(), within_s=3)
    gap = [e for e in hearing_server.events if e.kind == "connection_restored"]
    assert len(gap) == 1 and gap[0].reason.startswith("after ")


async def test_after_a_network_loss_media_flows_again_within_5_seconds_and_the_gap_is_marked(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack())
    await defendant.publish()
    await frames_from(defendant, judge.participant_id, "video", 5)

    # The network goes: the socket closes without a "leave".
    await defendant.sio.eio.disconnect(abort=True)
    await judge.wait_until(
        lambda: any(
            d["participant_id"] == defendant.participant_id
            for d in judge.received(ServerEvent.PARTICIPANT_LEFT)
        )
    )
    back = ParticipantClient(hearing_server.url, defendant.token, audio=ToneTrack())
    hearing_server.clients.append(back)
    loop = asyncio.get_running_loop()
    returned = loop.time()
    data = await back.connect()
    await back.publish()
    await frames_from(back, judge.participant_id, "video", 5, within_s=5.0)
    await frames_from(judge, back.participant_id, "audio", 5, within_s=5.0)

    assert loop.time() - returned < 5.0
    assert data["room"]["kind"] == "hearing" and data["rejoined"] is True
    subject = f"participant:{defendant.participant_id}"
    gap = [e for e in hearing_server.events if e.subject.label == subject][-2:]
    assert [e.kind for e in gap] == ["participant_left", "participant_reconnected"]
    assert gap[0].reason == "disconnected"
    assert gap[1].reason.startswith("after a gap of ")


async def test_a_recorder_that_fails_alerts_the_judge_and_clerk_within_5_seconds(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE)
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    live = hearing_server.signaling.hearings.find(judge.join_data["hearing"]["id"])
    assert live is not None and live.recorder.recording is not None

    def disk_full(_: object) -> None:
        raise OSError(28, "No space left on device")

    live.recorder.recording._writer.write = disk_full  # type: ignore[assignment]
    failed = asyncio.get_running_loop().time()
    for member in (judge, clerk):
        await member.wait_until(
            lambda m=member: bool(m.received(ServerEvent.RECORDING_FAILED)),  # type: ignore[misc]
            within_s=5.0,
        )

    assert asyncio.get_running_loop().time() - failed < 5.0
    assert defendant.received(ServerEvent.RECORDING_FAILED) == []
    assert [e.kind for e in hearing_server.events].count(EventKind.RECORDING_FAILED) == 1


async def test_a_publisher_whose_media_stops_is_shown_as_connection_lost_within_3_seconds(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack())
    await defendant.publish()
    await frames_from(clerk, defendant.participant_id, "audio", 10)
    live = hearing_server.signaling.hearings.find(clerk.join_data["hearing"]["id"])
    assert live is not None
    attendance = live.find(defendant.participant_id)
    assert attendance is not None
    attendance.joined_at -= 10  # past the arrival grace period

    async def heartbeats() -> None:  # the socket is fine; only the media stops
        while True:
            await defendant.command(ClientEvent.HEARTBEAT, {})
            await asyncio.sleep(0.5)

    beating = asyncio.get_running_loop().create_task(heartbeats())
    try:
        for transceiver in defendant.pc.getTransceivers():
            if transceiver.kind == "audio" and transceiver.sender.track is not None:
                transceiver.sender.replaceTrack(None)
        stopped = asyncio.get_running_loop().time()
        await clerk.wait_until(
            lambda: any(
                e["id"] == defendant.participant_id and e["connection"] == "connection_lost"
                for e in clerk.received(ServerEvent.ROSTER_CHANGED)[-1]["roster"]
            ),
            within_s=5,
        )
        assert asyncio.get_running_loop().time() - stopped <= 3.0
    finally:
        beating.cancel()


async def test_a_sitting_hearing_whose_server_restarted_resumes_its_record_at_the_first_join(
    hearing_server: HearingServer,
) -> None:
    sitting = dataclasses.replace(HEARING, state=HearingState.IN_SESSION)
    judge = ParticipantClient(hearing_server.url, hearing_server.token(Role.JUDGE, hearing=sitting))
    hearing_server.clients.append(judge)

    data = await judge.connect()

    assert data["recording"] is not None
    assert data["hearing"]["state"] == "in_session"
    [resumed] = [e for e in hearing_server.events if e.kind == "recording_resumed"]
    assert "server restarted" in resumed.reason


async def test_the_recordings_timeline_holds_the_courts_actions_and_each_gap_as_a_span(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    defendant = await hearing_server.join(Role.DEFENDANT)
    subject = f"participant:{defendant.participant_id}"

    await defendant.sio.eio.disconnect(abort=True)
    await judge.wait_until(lambda: bool(judge.received(ServerEvent.PARTICIPANT_LEFT)))
    await asyncio.sleep(1.0)
    back = ParticipantClient(hearing_server.url, defendant.token)
    hearing_server.clients.append(back)
    await back.connect()
    live = hearing_server.signaling.hearings.find(judge.join_data["hearing"]["id"])
    assert live is not None and live.recorder.recording is not None
    directory = live.recorder.recording.directory
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed"})

    timeline = read_timeline(directory)
    kinds = [(e.kind, e.subject) for e in timeline]
    assert ("participant_admitted", subject) in kinds
    [gap] = [e for e in timeline if e.kind == "gap"]
    assert gap.subject == subject and gap.end_ms is not None
    assert 1000 <= gap.end_ms - gap.at_ms <= 3000
    [left] = [e for e in timeline if e.kind == "participant_left"]
    assert abs(left.at_ms - gap.at_ms) <= 100  # the gap starts when the connection went
