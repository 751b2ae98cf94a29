"""Private consultations and the court's moderation, over the real relay and recorder."""

from __future__ import annotations

import asyncio

import numpy as np

from court.events import EventKind
from court.roles import Role
from signaling.client import ParticipantClient
from signaling.events import ClientEvent, ServerEvent
from tests.signaling.conftest import HearingServer
from tests.signaling.helpers import frames_from
from tests.signaling.test_courtroom import refused
from tests.support.master import decode_mono
from tests.support.media import ColourCamera, ToneTrack

TONE_HZ = 440.0


def tone_level(samples: np.ndarray, rate: int, start_s: float, end_s: float) -> float:
    """The amplitude of the TONE_HZ component between two record times."""
    window = samples[int(start_s * rate) : int(end_s * rate)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window)))) / len(window)
    freqs = np.fft.rfftfreq(len(window), 1 / rate)
    band = (freqs > TONE_HZ - 15) & (freqs < TONE_HZ + 15)
    return float(spectrum[band].max())


def event_time_s(hs: HearingServer, kind: str) -> float:
    event = next(e for e in hs.events if e.kind == kind)
    assert event.record_time_ms is not None
    return event.record_time_ms / 1000


async def test_a_consultation_is_heard_by_its_members_only_and_never_recorded(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, video=ColourCamera())
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack(TONE_HZ))
    await defendant.publish()
    counsel = await hearing_server.join(Role.DEFENCE, video=ColourCamera((0, 0, 255)))
    await counsel.publish()
    prosecutor = await hearing_server.join(Role.PROSECUTOR)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    await judge.wait_until(lambda: bool(judge.received(ServerEvent.RECORDING_STARTED)))
    # Two seconds of tone in the hearing room (and in the recording) before the consultation.
    # The judge's frames may have waited in its track since before the recording began, so
    # the record's two seconds are slept, not counted in frames.
    await frames_from(judge, defendant.participant_id, "audio", 50)
    await asyncio.sleep(2.0)

    asked = await defendant.command(
        ClientEvent.REQUEST_CONSULTATION, {"participant_ids": [counsel.participant_id]}
    )
    consultation_id = asked["consultation"]["id"]
    assert asked["consultation"]["state"] == "requested"
    await counsel.wait_until(lambda: bool(counsel.received(ServerEvent.CONSULTATION_REQUESTED)))
    await counsel.command(
        ClientEvent.RESPOND_CONSULTATION, {"consultation_id": consultation_id, "accept": True}
    )
    await defendant.wait_until(lambda: defendant.room_kind == "consultation")
    await counsel.wait_until(lambda: counsel.room_kind == "consultation")
    await frames_from(counsel, defendant.participant_id, "audio", 25)
    await frames_from(defendant, counsel.participant_id, "video", 5)
    for outsider in (judge, prosecutor):
        await outsider.wait_until(
            lambda o=outsider: o.tracks_of(defendant.participant_id) == {}  # type: ignore[misc]
        )
    # The court sees that a consultation is happening, and who is in it.
    roster = judge.received(ServerEvent.ROSTER_CHANGED)[-1]
    assert [c["participant_ids"] for c in roster["consultations"]] == [
        [defendant.participant_id, counsel.participant_id]
    ]
    # The prosecutor may not end it, nor join it.
    assert (
        await refused(
            prosecutor, ClientEvent.END_CONSULTATION, {"consultation_id": consultation_id}
        )
        == "permission_denied"
    )
    await asyncio.sleep(2.0)  # two seconds of the defendant's tone inside the consultation

    await judge.command(ClientEvent.END_CONSULTATION, {"consultation_id": consultation_id})
    await defendant.wait_until(lambda: defendant.room_kind == "hearing")
    await frames_from(judge, defendant.participant_id, "audio", 50)
    # The frames above may have waited in the judge's track since before the consultation;
    # the seconds after it must be in the record whatever they show.
    await asyncio.sleep(1.5)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed"})
    await judge.wait_until(lambda: bool(judge.received(ServerEvent.RECORDING_STOPPED)))

    [info] = hearing_server.recordings.list()
    samples, rate = await asyncio.to_thread(decode_mono, info.path)
    started = event_time_s(hearing_server, "consultation_started")
    ended = event_time_s(hearing_server, "consultation_ended")
    inside = tone_level(samples, rate, started + 0.3, ended - 0.3)
    before = tone_level(samples, rate, max(0.0, started - 1.5), started - 0.2)
    after = tone_level(samples, rate, ended + 0.3, ended + 1.0)
    # The tone's component measures about 0.07 where it is mixed in, 0 in silence.
    assert before > 0.003 and after > 0.003, (before, after)
    assert inside < before / 30, (inside, before)
    kinds = [e.kind for e in hearing_server.events]
    assert kinds.index(EventKind.CONSULTATION_STARTED) < kinds.index(EventKind.CONSULTATION_ENDED)


async def test_only_a_defendant_with_counsel_may_consult(hearing_server: HearingServer) -> None:
    await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT)
    victim = await hearing_server.join(Role.VICTIM)
    judge = await hearing_server.join(Role.JUDGE)

    assert (
        await refused(
            defendant, ClientEvent.REQUEST_CONSULTATION, {"participant_ids": [judge.participant_id]}
        )
        == "permission_denied"
    )
    assert (
        await refused(
            victim,
            ClientEvent.REQUEST_CONSULTATION,
            {"participant_ids": [defendant.participant_id]},
        )
        == "permission_denied"
    )
    assert defendant.room_kind == "hearing"


async def test_a_muted_participant_is_neither_forwarded_nor_unmuted_until_asked(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack())
    await defendant.publish()
    await frames_from(clerk, defendant.participant_id, "audio", 10)

    await clerk.command(
        ClientEvent.MUTE_PARTICIPANT,
        {"participant_id": defendant.participant_id, "reason": "speaking out of turn"},
    )
    await defendant.wait_until(lambda: bool(defendant.received(ServerEvent.MUTED)))
    assert defendant.received(ServerEvent.MUTED)[-1]["reason"] == "speaking out of turn"
    track = clerk.tracks_of(defendant.participant_id)["audio"].track
    await asyncio.sleep(0.3)  # what was in flight
    while not track._queue.empty():  # type: ignore[attr-defined]
        track._queue.get_nowait()  # type: ignore[attr-defined]
    await asyncio.sleep(1.0)
    assert track._queue.qsize() == 0  # type: ignore[attr-defined]
    assert (
        await refused(defendant, ClientEvent.SET_MUTED, {"muted": False})
    ) == "permission_denied"

    await clerk.command(ClientEvent.REQUEST_UNMUTE, {"participant_id": defendant.participant_id})
    await defendant.wait_until(lambda: bool(defendant.received(ServerEvent.UNMUTE_REQUESTED)))
    await defendant.command(ClientEvent.SET_MUTED, {"muted": False})
    await frames_from(clerk, defendant.participant_id, "audio", 10)
    kinds = [e.kind for e in hearing_server.events]
    assert "participant_muted" in kinds and "unmute_requested" in kinds


async def test_a_removed_participant_cannot_rejoin_until_readmitted_and_a_lock_keeps_newcomers_out(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT)
    prosecutor = await hearing_server.join(Role.PROSECUTOR)

    await clerk.command(
        ClientEvent.REMOVE_PARTICIPANT,
        {"participant_id": defendant.participant_id, "reason": "disruptive"},
    )
    await defendant.wait_until(lambda: not defendant.sio.connected)
    await prosecutor.wait_until(
        lambda: (
            {"participant_id": defendant.participant_id, "reason": "removed"}
            in prosecutor.received(ServerEvent.PARTICIPANT_LEFT)
        )
    )
    assert defendant.received(ServerEvent.REMOVED)[-1]["reason"] == "disruptive"
    back = ParticipantClient(hearing_server.url, defendant.token)
    hearing_server.clients.append(back)
    try:
        await back.connect()
        raise AssertionError("a removed participant joined again")
    except Exception as refusal:
        assert "removed you" in str(refusal)

    await clerk.command(ClientEvent.READMIT, {"participant_id": defendant.participant_id})
    again = ParticipantClient(hearing_server.url, defendant.token)
    hearing_server.clients.append(again)
    assert (await again.connect())["room"]["kind"] == "waiting"

    await clerk.command(ClientEvent.LOCK_HEARING, {"locked": True})
    newcomer = ParticipantClient(hearing_server.url, hearing_server.token(Role.OBSERVER))
    hearing_server.clients.append(newcomer)
    try:
        await newcomer.connect()
        raise AssertionError("a newcomer joined a locked hearing")
    except Exception as refusal:
        assert "locked" in str(refusal)
    # Someone who was there before comes back through a lock (a reconnect).
    await again.sio.disconnect()
    returning = ParticipantClient(hearing_server.url, defendant.token)
    hearing_server.clients.append(returning)
    assert (await returning.connect())["room"]["kind"] == "waiting"


async def test_hands_and_spotlight_reach_the_room(hearing_server: HearingServer) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT)
    prosecutor = await hearing_server.join(Role.PROSECUTOR)

    await defendant.command(ClientEvent.RAISE_HAND, {"raised": True})
    await prosecutor.wait_until(
        lambda: any(
            u["participant"]["id"] == defendant.participant_id and u["participant"]["hand_raised"]
            for u in prosecutor.received(ServerEvent.PARTICIPANT_UPDATED)
        )
    )
    await clerk.command(ClientEvent.LOWER_HAND, {"participant_id": defendant.participant_id})
    await clerk.command(ClientEvent.SPOTLIGHT, {"participant_id": prosecutor.participant_id})
    await defendant.wait_until(
        lambda: (
            defendant.received(ServerEvent.SPOTLIGHT_CHANGED)[-1:]
            == [{"participant_id": prosecutor.participant_id}]
        )
    )
    entry = next(
        e
        for e in clerk.received(ServerEvent.ROSTER_CHANGED)[-1]["roster"]
        if e["id"] == defendant.participant_id
    )
    assert entry["hand_raised"] is False


async def test_chat_runs_between_each_participant_and_the_clerk_only(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    defendant = await hearing_server.join(Role.DEFENDANT)
    victim = await hearing_server.join(Role.VICTIM)

    sent = await defendant.command(ClientEvent.SEND_CHAT, {"text": "I cannot hear the judge"})
    await clerk.wait_until(lambda: bool(clerk.received(ServerEvent.CHAT_MESSAGE)))
    reply = await clerk.command(
        ClientEvent.SEND_CHAT, {"text": "<b>Checking</b>", "to": defendant.participant_id}
    )
    await defendant.wait_until(lambda: len(defendant.received(ServerEvent.CHAT_MESSAGE)) == 2)

    assert sent["message"]["to"] is None
    assert reply["message"]["text"] == "<b>Checking</b>"
    assert victim.received(ServerEvent.CHAT_MESSAGE) == []
    assert judge.received(ServerEvent.CHAT_MESSAGE) == []
    assert (
        await refused(victim, ClientEvent.SEND_CHAT, {"text": "hi", "to": defendant.participant_id})
        == "permission_denied"
    )
    assert await refused(clerk, ClientEvent.SEND_CHAT, {"text": "to whom?"}) == "invalid_request"
    assert await refused(victim, ClientEvent.SEND_CHAT, {"text": "x" * 2001}) == "invalid_request"
    assert [(m.sender_id, m.recipient_id) for m in hearing_server.chat] == [
        (defendant.participant_id, None),
        (clerk.participant_id, defendant.participant_id),
    ]
    assert [e.kind for e in hearing_server.events].count(EventKind.CHAT_MESSAGE) == 2


async def test_the_court_cannot_listen_through_an_interpreter_it_puts_in_a_consultation(
    hearing_server: HearingServer,
) -> None:
    """The security review's H2, run as it was demonstrated: the clerk opens a consultation
    of the defendant, counsel and an interpreter it controls. It is only proposed: nobody
    moves and no media flows to the interpreter until the defendant and counsel agree, and
    the defendant's refusal ends it."""
    clerk = await hearing_server.join(Role.CLERK)
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack(TONE_HZ))
    await defendant.publish()
    counsel = await hearing_server.join(Role.DEFENCE)
    interpreter = await hearing_server.join(Role.INTERPRETER, admit=False)  # the court's ear
    members = [defendant.participant_id, counsel.participant_id, interpreter.participant_id]

    proposed = await clerk.command(ClientEvent.OPEN_CONSULTATION, {"participant_ids": members})

    assert proposed["consultation"]["state"] == "requested"
    assert proposed["consultation"]["accepted_ids"] == []
    for member in (defendant, counsel, interpreter):
        await member.wait_until(
            lambda m=member: bool(m.received(ServerEvent.CONSULTATION_REQUESTED))  # type: ignore[misc]
        )
    consultation_id = proposed["consultation"]["id"]
    for member in (interpreter, counsel):
        await member.command(
            ClientEvent.RESPOND_CONSULTATION, {"consultation_id": consultation_id, "accept": True}
        )
    await asyncio.sleep(1.0)
    assert interpreter.room_kind == "waiting" and defendant.room_kind == "hearing"
    assert interpreter.tracks_of(defendant.participant_id) == {}

    await defendant.command(
        ClientEvent.RESPOND_CONSULTATION, {"consultation_id": consultation_id, "accept": False}
    )
    await clerk.wait_until(lambda: bool(clerk.received(ServerEvent.CONSULTATION_ENDED)))
    assert interpreter.room_kind == "waiting" and defendant.room_kind == "hearing"
    assert interpreter.tracks_of(defendant.participant_id) == {}
    assert EventKind.CONSULTATION_STARTED not in {e.kind for e in hearing_server.events}
