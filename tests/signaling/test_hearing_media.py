"""Participants joining a hearing through the relay, with packets forwarded untouched."""

from __future__ import annotations

import asyncio
import time

from court.roles import Role
from media import passthrough
from signaling.events import ServerEvent
from tests.signaling.conftest import HearingServer
from tests.signaling.helpers import dominant_channel, frames_from, vp8_colour
from tests.support.media import ColourCamera, ToneTrack


async def test_relay_forwards_the_publishers_encoded_bytes_unchanged(
    hearing_server: HearingServer,
) -> None:
    tone, camera = ToneTrack(), ColourCamera((255, 0, 0))
    judge = await hearing_server.join(Role.JUDGE, audio=tone, video=camera)
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT)

    audio = await frames_from(defendant, judge.participant_id, "audio", 25)
    video = await frames_from(defendant, judge.participant_id, "video", 15)

    assert passthrough.is_installed()
    assert {f.data for f in audio} <= set(tone.sent)
    assert {f.data for f in video} <= set(camera.sent)
    assert video[0].is_keyframe, "a new subscriber's video must start on a keyframe"


async def test_three_participants_each_see_and_hear_the_other_two(
    hearing_server: HearingServer,
) -> None:
    colours = {
        Role.JUDGE: (230, 20, 20),
        Role.DEFENDANT: (20, 230, 20),
        Role.WITNESS: (20, 20, 230),
    }
    clients = {}
    for role, rgb in colours.items():
        client = await hearing_server.join(role, audio=ToneTrack(), video=ColourCamera(rgb))
        await client.publish()
        clients[role] = client

    for viewer_role, viewer in clients.items():
        for role, client in clients.items():
            if role is viewer_role:
                continue
            video = await frames_from(viewer, client.participant_id, "video", 10)
            audio = await frames_from(viewer, client.participant_id, "audio", 10)
            assert dominant_channel(vp8_colour(video)) == dominant_channel(colours[role])
            assert len(audio) == 10
        assert set(viewer.tracks_of(viewer.participant_id)) == set()


async def test_a_participant_who_leaves_is_announced_and_their_slot_is_reused(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    witness = await hearing_server.join(Role.WITNESS, audio=ToneTrack(), video=ColourCamera())
    await witness.publish()
    await frames_from(judge, witness.participant_id, "video", 5)
    m_lines_before = judge.pc.remoteDescription.sdp.count("\r\nm=")

    left_at = time.monotonic()
    await witness.close()
    await judge.wait_until(
        lambda: (
            any(e == ServerEvent.PARTICIPANT_LEFT for e, _ in judge.notifications)
            and not judge.tracks_of(witness.participant_id)
        )
    )
    assert time.monotonic() - left_at < 3.0

    expert = await hearing_server.join(Role.EXPERT, audio=ToneTrack(), video=ColourCamera())
    await expert.publish()
    await frames_from(judge, expert.participant_id, "video", 5)
    await frames_from(judge, expert.participant_id, "audio", 5)
    assert judge.pc.remoteDescription.sdp.count("\r\nm=") == m_lines_before


async def test_a_late_joiner_sees_video_within_a_second(
    hearing_server: HearingServer,
) -> None:
    camera = ColourCamera()
    judge = await hearing_server.join(Role.JUDGE, video=camera)
    await judge.publish()
    first = await hearing_server.join(Role.CLERK)
    await frames_from(first, judge.participant_id, "video", 30)  # a second of video has gone by
    keyframes_before = camera.keyframes_sent

    joined = time.monotonic()
    late = await hearing_server.join(Role.DEFENDANT)
    frames = await frames_from(late, judge.participant_id, "video", 1)
    elapsed = time.monotonic() - joined

    assert frames[0].is_keyframe
    assert camera.keyframes_sent > keyframes_before, "the keyframe was made on the relay's request"
    assert elapsed < 1.0, f"first video frame after {elapsed:.2f} s"


async def test_up_to_ten_participants_join_and_leave_without_disturbing_the_others(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack())
    await defendant.publish()
    others = []
    for _ in range(8):
        client = await hearing_server.join(Role.OBSERVER)
        others.append(client)
    for client in others:
        await frames_from(client, judge.participant_id, "video", 3)
        await frames_from(client, defendant.participant_id, "audio", 3)
    for client in others[:4]:
        await client.close()
    audio = await frames_from(defendant, judge.participant_id, "audio", 50)
    # One second of the judge's audio kept flowing to the defendant in strict order.
    pts = [f.pts for f in audio]
    assert pts == sorted(pts)
    await asyncio.gather(*(frames_from(c, judge.participant_id, "video", 3) for c in others[4:]))
