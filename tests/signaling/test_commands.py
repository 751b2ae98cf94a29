"""Commands: permissions, validation, and bad input that must change nothing."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
import socketio
from aiortc import RTCSessionDescription

from court.roles import Role
from media.producer import FrameTap
from signaling.client import CommandFailed, ParticipantClient
from signaling.events import NAMESPACE, ClientEvent
from signaling.service import MAX_FRAME_BYTES
from tests.signaling.conftest import HEARING, OTHER_HEARING, HearingServer
from tests.signaling.helpers import frames_from
from tests.support.media import ColourCamera, ToneTrack


def _setting(event: asyncio.Event) -> FrameTap:
    """A tap that sets ``event`` at the first frame it is handed."""
    return lambda _frame: event.set()


async def _judge_and_witness(
    hs: HearingServer,
) -> tuple[ParticipantClient, ParticipantClient]:
    judge = await hs.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    witness = await hs.join(Role.WITNESS)
    await frames_from(witness, judge.participant_id, "video", 3)
    return judge, witness


async def _crafted(hs: HearingServer, role: Role) -> ParticipantClient:
    """A client that leaves the relay's offers to the test, which answers them by hand."""
    client = ParticipantClient(hs.url, hs.token(role), auto_answer=False)
    hs.clients.append(client)
    await client.connect()
    if client.room_kind == "waiting":
        await hs.admit(client)
    await client.wait_until(lambda: bool(client.offers))
    return client


async def test_an_observer_receives_but_may_not_publish(
    hearing_server: HearingServer,
) -> None:
    judge, _ = await _judge_and_witness(hearing_server)
    observer = await hearing_server.join(Role.OBSERVER, audio=ToneTrack())

    with pytest.raises(CommandFailed) as refused:
        await observer.publish()

    assert refused.value.code == "permission_denied"
    await frames_from(observer, judge.participant_id, "audio", 5)


async def test_an_observer_that_answers_with_its_own_media_is_not_forwarded(
    hearing_server: HearingServer,
) -> None:
    judge, witness = await _judge_and_witness(hearing_server)
    observer = await _crafted(hearing_server, Role.OBSERVER)
    offer = observer.offers[-1]
    await observer.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
    for transceiver in observer.pc.getTransceivers():
        # Crafted: turn the relay's send-only m-lines into send-receive and push media.
        transceiver.sender.replaceTrack(
            ToneTrack() if transceiver.kind == "audio" else ColourCamera()
        )
        transceiver.direction = "sendrecv"
    await observer.pc.setLocalDescription(await observer.pc.createAnswer())
    await observer.command(
        ClientEvent.ANSWER,
        {
            "revision": offer["revision"],
            "type": "answer",
            "sdp": observer.pc.localDescription.sdp,
        },
    )
    await frames_from(witness, judge.participant_id, "audio", 25)

    live = hearing_server.signaling.hearings.find(judge.join_data["hearing"]["id"])
    assert live is not None
    assert all(
        p.endpoint_id != observer.participant_id for p in live.hearing_room.router.producers()
    )
    assert witness.tracks_of(observer.participant_id) == {}


async def test_bad_answers_get_error_acks_and_the_others_keep_their_media(
    hearing_server: HearingServer,
) -> None:
    judge, witness = await _judge_and_witness(hearing_server)
    crafted = await _crafted(hearing_server, Role.DEFENDANT)
    revision = crafted.offers[-1]["revision"]

    garbage = await crafted.call(
        ClientEvent.ANSWER,
        {"revision": revision, "type": "answer", "sdp": "v=0\r\nthis is not sdp"},
    )
    empty = await crafted.call(
        ClientEvent.ANSWER,
        {
            "revision": revision,
            "type": "answer",
            "sdp": "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n",
        },
    )
    stale = await crafted.call(
        ClientEvent.ANSWER, {"revision": revision + 5, "type": "answer", "sdp": "v=0"}
    )

    assert garbage["ok"] is False and garbage["error"]["code"] == "invalid_request"
    assert empty["ok"] is False and "m-lines" in empty["error"]["message"]
    assert stale["ok"] is False and stale["error"]["code"] == "invalid_state"
    frames = await frames_from(witness, judge.participant_id, "video", 30)
    assert len(frames) == 30


async def test_unknown_events_and_wrong_types_get_error_acks(
    hearing_server: HearingServer,
) -> None:
    judge, witness = await _judge_and_witness(hearing_server)

    unknown = await witness.call("become_judge", {})
    wrong_type = await witness.call(ClientEvent.PUBLISH, {"audio": "yes", "video": 1})
    extra = await witness.call(ClientEvent.PUBLISH, {"audio": True, "camera": "front"})
    not_object = await witness.call(ClientEvent.PUBLISH, ["audio"])
    huge = await witness.call(
        ClientEvent.ANSWER, {"revision": 1, "type": "answer", "sdp": "x" * 70_000}
    )

    assert unknown == {
        "ok": False,
        "error": {
            "code": "unknown_event",
            "message": "there is no command named 'become_judge'",
        },
    }
    for ack in (wrong_type, extra, not_object, huge):
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_request", ack
    await frames_from(witness, judge.participant_id, "audio", 25)


async def test_the_connections_own_events_sent_as_commands_are_refused_and_change_nothing(
    hearing_server: HearingServer,
) -> None:
    judge, witness = await _judge_and_witness(hearing_server)
    judges_token = {"token": hearing_server.token(Role.JUDGE)}

    # Sent as ordinary events, with what a real connect carries: the judge's token.
    as_connect = await witness.sio.call(
        "connect", {"REQUEST_METHOD": "GET"}, namespace=NAMESPACE, timeout=5
    )
    as_connect_with_auth = await witness.sio.call(
        "connect", ({"REQUEST_METHOD": "GET"}, judges_token), namespace=NAMESPACE, timeout=5
    )
    as_disconnect = await witness.sio.call("disconnect", "client", namespace=NAMESPACE, timeout=5)

    for ack in (as_connect, as_connect_with_auth, as_disconnect):
        assert ack["ok"] is False and ack["error"]["code"] == "reserved_event", ack
    # The connection is still the witness's, in the hearing, and still receives the judge.
    refused = await witness.call(ClientEvent.ADMIT, {"participant_id": judge.participant_id})
    assert refused["error"]["code"] == "permission_denied"
    assert (await witness.call(ClientEvent.HEARTBEAT, {}))["ok"] is True
    await frames_from(witness, judge.participant_id, "video", 3)


async def test_a_frame_larger_than_the_limit_is_refused_before_it_is_buffered_whole(
    hearing_server: HearingServer,
) -> None:
    url = f"{hearing_server.url}/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        opened = await ws.receive(timeout=5)
        assert opened.type is aiohttp.WSMsgType.TEXT and opened.data.startswith("0")
        # No token is needed for the Engine.IO handshake, so the limit must hold before it.
        await ws.send_str("4" + "a" * (MAX_FRAME_BYTES + 1))
        closed = await ws.receive(timeout=5)
    assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


async def test_commands_before_joining_are_refused(
    hearing_server: HearingServer,
) -> None:
    client = ParticipantClient(hearing_server.url, hearing_server.token(Role.JUDGE))
    hearing_server.clients.append(client)
    await client.sio.connect(
        hearing_server.url,
        namespaces=["/hearing"],
        auth={"token": client.token},
        transports=["websocket"],
    )

    ack = await client.call(ClientEvent.PUBLISH, {"audio": True, "video": True})

    assert ack["ok"] is False and ack["error"]["code"] == "invalid_state"


@pytest.mark.parametrize(
    "auth", [None, {}, {"token": 42}, {"token": "forged"}, {"token": "x" * 5000}]
)
async def test_connections_without_a_valid_token_are_refused(
    hearing_server: HearingServer, auth: object
) -> None:
    sio = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await sio.connect(
            hearing_server.url,
            namespaces=["/hearing"],
            auth=auth,
            transports=["websocket"],
        )
    await sio.disconnect()


async def test_two_hearings_never_exchange_media(hearing_server: HearingServer) -> None:
    judge, witness = await _judge_and_witness(hearing_server)
    outsider = ParticipantClient(
        hearing_server.url,
        hearing_server.token(Role.JUDGE, hearing=OTHER_HEARING),
        audio=ToneTrack(),
        video=ColourCamera(),
    )
    hearing_server.clients.append(outsider)
    data = await outsider.connect()
    await outsider.publish()
    await outsider.wait_until(lambda: outsider.offers_answered >= 1)
    other = hearing_server.signaling.hearings.find(OTHER_HEARING.id)
    this = hearing_server.signaling.hearings.find(HEARING.id)
    assert other is not None and this is not None
    # The answer was applied, so the outsider's producers exist; wait until media flows.
    flowing = []
    for producer in other.hearing_room.router.producers():
        arrived = asyncio.Event()
        producer.add_tap(_setting(arrived))
        flowing.append(arrived.wait())
    assert len(flowing) == 2
    async with asyncio.timeout(10):
        await asyncio.gather(*flowing)

    assert data["participants"] == []
    assert {p.endpoint_id for p in this.hearing_room.router.producers()} == {judge.participant_id}
    assert {p.endpoint_id for p in other.hearing_room.router.producers()} == {
        outsider.participant_id
    }
    assert all(o["tracks"] == {} for o in outsider.offers), "offered another hearing's media"
    assert witness.tracks_of(outsider.participant_id) == {}
    assert judge.tracks_of(outsider.participant_id) == {}


async def test_only_judge_and_clerk_control_the_recording(
    hearing_server: HearingServer,
) -> None:
    judge, witness = await _judge_and_witness(hearing_server)

    with pytest.raises(CommandFailed) as refused:
        await witness.command(ClientEvent.START_RECORDING, {})
    started = await judge.command(ClientEvent.START_RECORDING, {})
    with pytest.raises(CommandFailed) as twice:
        await judge.command(ClientEvent.START_RECORDING, {})
    stopped = await judge.command(ClientEvent.STOP_RECORDING, {})

    assert refused.value.code == "permission_denied"
    assert twice.value.code == "invalid_state"
    assert stopped["recording"]["id"] == started["recording"]["id"]
