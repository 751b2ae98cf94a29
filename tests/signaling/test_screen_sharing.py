"""Screen sharing over the real relay: who may share, one at a time, who may stop it, when it
ends by itself, and that a consultation's screen stays in the consultation."""

from __future__ import annotations

import asyncio

import av

from court.events import SYSTEM
from court.roles import Role
from media.frames import EncodedFrame
from recordings.verification import verify_recording
from signaling.client import CommandFailed, ParticipantClient
from signaling.events import ClientEvent, ServerEvent
from tests.signaling.conftest import HearingServer
from tests.signaling.helpers import dominant_channel, frames_from, vp8_colour
from tests.signaling.test_courtroom import refused
from tests.support.media import ColourCamera, ToneTrack

RED, GREEN, BLUE = (230, 20, 20), (20, 230, 20), (20, 20, 230)


def screen_events(hs: HearingServer) -> list[tuple[str, str | None, str]]:
    return [
        (e.kind, e.subject.label, e.actor.label)
        for e in hs.events
        if e.kind in ("screen_share_started", "screen_share_stopped")
    ]


def actor(client: ParticipantClient) -> str:
    role = client.join_data["participant"]["role"]
    return f"participant:{client.participant_id} ({role})"


async def frames_of(
    viewer: ParticipantClient, sharer: ParticipantClient, screen: ColourCamera, count: int
) -> list[EncodedFrame]:
    """The next ``count`` frames of ``screen`` that ``viewer`` receives as ``sharer``'s screen,
    unchanged. Frames of an earlier share that the viewer's (reused) track still holds, unread
    by the test, are passed over."""
    frames: list[EncodedFrame] = []
    while len(frames) < count:
        (frame,) = await frames_from(viewer, sharer.participant_id, "screen", 1)
        if frames or frame.data in screen.sent:
            assert frame.data in screen.sent  # forwarded, not transcoded
            frames.append(frame)
    return frames


async def screen_ends(viewer: ParticipantClient, sharer: ParticipantClient) -> None:
    await viewer.wait_until(
        lambda: (
            "screen" not in viewer.tracks_of(sharer.participant_id)
            and any(
                n["participant_id"] == sharer.participant_id
                for n in viewer.received(ServerEvent.SCREEN_SHARE_STOPPED)
            )
        )
    )


async def test_a_shared_screen_reaches_the_room_as_a_screen_and_can_stop_and_start_again(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera(RED))
    await judge.publish()
    counsel_camera = ColourCamera(RED)
    counsel = await hearing_server.join(Role.DEFENCE, video=counsel_camera)
    await counsel.publish()
    observer = await hearing_server.join(Role.OBSERVER)
    subject = f"participant:{counsel.participant_id}"

    for round_, colour in enumerate((BLUE, GREEN, BLUE)):
        screen = ColourCamera(colour)
        await counsel.start_screen_share(screen)
        for viewer in (judge, observer):
            frames = await frames_of(viewer, counsel, screen, 10)
            assert frames[0].is_keyframe
            assert dominant_channel(vp8_colour(frames)) == dominant_channel(colour)
            # The camera goes on beside the screen, on a track of its own.
            camera = await frames_from(viewer, counsel.participant_id, "video", 5)
            assert {f.data for f in camera} <= set(counsel_camera.sent)
        started = observer.received(ServerEvent.SCREEN_SHARE_STARTED)
        assert started[-1] == {"participant_id": counsel.participant_id}
        assert len(started) == round_ + 1

        await counsel.stop_screen_share()
        for viewer in (judge, observer):
            await screen_ends(viewer, counsel)
        # The camera is not disturbed by the screen's end.
        await frames_from(observer, counsel.participant_id, "video", 5)

    assert (
        screen_events(hearing_server)
        == [
            ("screen_share_started", subject, actor(counsel)),
            ("screen_share_stopped", subject, actor(counsel)),
        ]
        * 3
    )
    # The court protocol writes each start and end down, about the sharer.
    entries = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    texts = [e.text for e in entries if e.speaker_id == counsel.participant_id]
    assert texts.count("Screen shared") == 3
    assert texts.count("Screen sharing ended: stopped by the sharer") == 3
    # The judge's offers say which of the counsel's video tracks is the screen.
    last = judge.offers[-1]["tracks"]
    assert {
        t["source"] for t in last.values() if t["participant_id"] == counsel.participant_id
    } == {"video"}


async def test_only_those_who_present_may_share_and_only_in_a_room_with_others(
    hearing_server: HearingServer,
) -> None:
    await hearing_server.join(Role.JUDGE)
    defendant = await hearing_server.join(Role.DEFENDANT)
    observer = await hearing_server.join(Role.OBSERVER)
    waiting_expert = await hearing_server.join(Role.EXPERT, admit=False)

    for client in (defendant, observer):
        with_screen = ColourCamera()
        try:
            await client.start_screen_share(with_screen)
        except CommandFailed as failure:
            assert failure.code == "permission_denied"
        else:
            raise AssertionError("the share was allowed")
    assert await refused(waiting_expert, ClientEvent.START_SCREEN_SHARE, {}) == "invalid_state"
    assert await refused(defendant, ClientEvent.START_SCREEN_SHARE, {"x": 1}) == "invalid_request"
    assert await refused(defendant, ClientEvent.STOP_SCREEN_SHARE, {}) == "invalid_state"
    assert (
        await refused(defendant, ClientEvent.STOP_SCREEN_SHARE, {"participant_id": 7})
        == "invalid_request"
    )
    # Refusals change nothing and are audited as such.
    assert screen_events(hearing_server) == []
    denied = [a for a in hearing_server.audited if a.action == "signaling.start_screen_share"]
    assert len(denied) == 2 and all(a.denied for a in denied)


async def test_one_screen_at_a_time_and_the_court_may_stop_anyone_s(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE)
    prosecutor = await hearing_server.join(Role.PROSECUTOR)
    counsel = await hearing_server.join(Role.DEFENCE, "Dana Defence")
    await prosecutor.start_screen_share(ColourCamera(GREEN))
    await frames_from(judge, prosecutor.participant_id, "screen", 3)

    try:
        await counsel.start_screen_share(ColourCamera(BLUE))
    except CommandFailed as failure:
        assert failure.code == "invalid_state"
        assert "Prosecutor is sharing a screen" in failure.message
    else:
        raise AssertionError("a second screen was allowed")
    assert await refused(prosecutor, ClientEvent.START_SCREEN_SHARE, {}) == "invalid_state"
    # Only the court stops someone else's screen.
    payload = {"participant_id": prosecutor.participant_id}
    assert await refused(counsel, ClientEvent.STOP_SCREEN_SHARE, payload) == "permission_denied"
    assert (
        await refused(judge, ClientEvent.STOP_SCREEN_SHARE, {"participant_id": "prt_nobody"})
        == "not_found"
    )

    await judge.command(ClientEvent.STOP_SCREEN_SHARE, payload)
    await screen_ends(counsel, prosecutor)
    stopped = prosecutor.received(ServerEvent.SCREEN_SHARE_STOPPED)[-1]
    assert stopped["participant_id"] == prosecutor.participant_id
    assert "court" in stopped["reason"]
    # The court's roster shows who shares, and now nobody does.
    roster = judge.received(ServerEvent.ROSTER_CHANGED)[-1]["roster"]
    assert not any(entry["sharing_screen"] for entry in roster)

    await counsel.start_screen_share(ColourCamera(BLUE))
    await frames_from(judge, counsel.participant_id, "screen", 3)
    roster = judge.received(ServerEvent.ROSTER_CHANGED)[-1]["roster"]
    assert [e["id"] for e in roster if e["sharing_screen"]] == [counsel.participant_id]
    events = screen_events(hearing_server)
    assert events[1] == (
        "screen_share_stopped",
        f"participant:{prosecutor.participant_id}",
        actor(judge),
    )
    assert events[2][:2] == ("screen_share_started", f"participant:{counsel.participant_id}")


async def test_a_share_ends_when_its_sharer_is_sent_out_removed_or_disconnected(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE)
    expert = await hearing_server.join(Role.EXPERT)
    prosecutor = await hearing_server.join(Role.PROSECUTOR)
    counsel = await hearing_server.join(Role.DEFENCE)

    await expert.start_screen_share(ColourCamera())
    await frames_from(judge, expert.participant_id, "screen", 3)
    await judge.command(ClientEvent.SEND_TO_WAITING_ROOM, {"participant_id": expert.participant_id})
    await screen_ends(judge, expert)
    await expert.wait_until(lambda: expert.room_kind == "waiting")

    await prosecutor.start_screen_share(ColourCamera())
    await frames_from(judge, prosecutor.participant_id, "screen", 3)
    await judge.command(
        ClientEvent.REMOVE_PARTICIPANT,
        {"participant_id": prosecutor.participant_id, "reason": "disorder"},
    )
    await screen_ends(judge, prosecutor)

    await counsel.start_screen_share(ColourCamera())
    await frames_from(judge, counsel.participant_id, "screen", 3)
    await counsel.close()
    await screen_ends(judge, counsel)

    reasons = [
        (e.subject.label, e.reason)
        for e in hearing_server.events
        if e.kind == "screen_share_stopped"
    ]
    assert reasons == [
        (f"participant:{expert.participant_id}", "transferred"),
        (f"participant:{prosecutor.participant_id}", "removed"),
        (f"participant:{counsel.participant_id}", "disconnected"),
    ]
    assert all(e.actor == SYSTEM for e in hearing_server.events if e.kind == "screen_share_stopped")
    # Each ended share freed the room for the next one.
    live = hearing_server.signaling.hearings.find(hearing_server.hearing_id)  # type: ignore[arg-type]
    assert live is not None and live.hearing_room.screen_sharer is None


async def test_a_screen_in_a_consultation_stays_there_and_is_never_recorded(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT)
    counsel = await hearing_server.join(Role.DEFENCE)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    asked = await defendant.command(
        ClientEvent.REQUEST_CONSULTATION, {"participant_ids": [counsel.participant_id]}
    )
    consultation_id = asked["consultation"]["id"]
    await counsel.wait_until(lambda: bool(counsel.received(ServerEvent.CONSULTATION_REQUESTED)))
    await counsel.command(
        ClientEvent.RESPOND_CONSULTATION, {"consultation_id": consultation_id, "accept": True}
    )
    await counsel.wait_until(lambda: counsel.room_kind == "consultation")

    await counsel.start_screen_share(ColourCamera(BLUE))
    frames = await frames_from(defendant, counsel.participant_id, "screen", 10)
    assert dominant_channel(vp8_colour(frames)) == "b"
    # Meanwhile someone else shares in the hearing room: rooms do not share the one slot.
    prosecutor = await hearing_server.join(Role.PROSECUTOR)
    await prosecutor.start_screen_share(ColourCamera(GREEN))
    await frames_from(judge, prosecutor.participant_id, "screen", 3)
    assert judge.tracks_of(counsel.participant_id) == {}
    assert "screen" not in defendant.tracks_of(prosecutor.participant_id)
    assert not any(
        n["participant_id"] == counsel.participant_id
        for n in judge.received(ServerEvent.SCREEN_SHARE_STARTED)
    )
    await asyncio.sleep(1.0)  # a second of the consultation's screen, if it leaked

    # The consultation ends with the share running: the share ends, it never moves along.
    await judge.command(ClientEvent.END_CONSULTATION, {"consultation_id": consultation_id})
    await counsel.wait_until(lambda: counsel.room_kind == "hearing")
    await frames_from(judge, prosecutor.participant_id, "screen", 3)
    await asyncio.sleep(0.5)
    assert "screen" not in judge.tracks_of(counsel.participant_id)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed"})
    await judge.wait_until(lambda: bool(judge.received(ServerEvent.RECORDING_STOPPED)))

    # Only the hearing room's share is a hearing event and a track of the record.
    subjects = {e.subject.label for e in hearing_server.events if e.kind.startswith("screen_share")}
    assert subjects == {f"participant:{prosecutor.participant_id}"}
    (info,) = await asyncio.to_thread(hearing_server.recordings.list)
    screens = sorted(p.name for p in info.tracks if "-screen-" in p.name)
    assert screens == [f"track-{prosecutor.participant_id}-screen-1.webm"]


async def test_a_hearing_room_screen_is_recorded_as_its_own_track_file(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera(RED))
    await judge.publish()
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    expert = await hearing_server.join(Role.EXPERT)
    for colour in (BLUE, GREEN):
        await expert.start_screen_share(ColourCamera(colour))
        await frames_from(judge, expert.participant_id, "screen", 30)
        await expert.stop_screen_share()
        await screen_ends(judge, expert)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed"})

    (info,) = await asyncio.to_thread(hearing_server.recordings.list)
    report = verify_recording(
        info.path, info.recording_id, hearing_server.recordings.signing_key.public_key()
    )
    assert report.ok, report.lines()
    names = sorted(p.name for p in info.tracks)
    prefix = f"track-{expert.participant_id}-screen"
    assert [n for n in names if n.startswith(prefix)] == [f"{prefix}-1.webm", f"{prefix}-2.webm"]
    # The camera's file keeps its name.
    assert f"track-{judge.participant_id}-video-1.webm" in names
    for number, channel in ((1, "b"), (2, "g")):
        with av.open(str(info.path / f"{prefix}-{number}.webm")) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "vp8"
            frames = list(container.decode(stream))
        assert len(frames) >= 20
        rgb = frames[-1].to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
        assert dominant_channel((int(rgb[0]), int(rgb[1]), int(rgb[2]))) == channel
