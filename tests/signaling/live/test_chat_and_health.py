"""Chat and connection health against fakes (no WebRTC)."""

from __future__ import annotations

import pytest

from court.errors import PermissionDenied
from court.event_params import Gap
from court.events import EventKind
from court.roles import Role
from media.settings import MediaSettings
from signaling.live.attendance import ConnectionState
from signaling.live.features.chat import Chat, ChatMessage
from signaling.live.features.health import GRACE_S, LOST_AFTER_S, ConnectionHealth
from signaling.live.server_events import ServerEvent
from tests.signaling.live.fakes import LiveUnderTest


async def test_chat_is_hub_and_spoke_and_stored_before_anyone_reads_it(
    hearing: LiveUnderTest,
) -> None:
    clerk = hearing.attend(Role.CLERK)
    defendant = hearing.attend(Role.DEFENDANT)
    victim = hearing.attend(Role.VICTIM)
    stored: list[ChatMessage] = []

    async def store(message: ChatMessage) -> None:
        assert hearing.audience.told == [], "told before it was stored"
        stored.append(message)

    chat = Chat(
        hearing.live, store, audience=hearing.audience, roster=hearing.roster, events=hearing.events
    )
    await chat.send(defendant.participant, "May I speak with my counsel?", None)

    assert [m.text for m in stored] == ["May I speak with my counsel?"]
    assert sorted(t.to for t in hearing.audience.told) == sorted([clerk.id, defendant.id])
    assert (await chat.join_view(victim))["chat"] == []
    assert len((await chat.join_view(clerk))["chat"]) == 1
    assert hearing.events.kinds() == [EventKind.CHAT_MESSAGE]
    with pytest.raises(PermissionDenied):
        await chat.send(defendant.participant, "psst", victim.id)
    assert len(stored) == 1


async def test_silence_is_a_lost_connection_and_its_end_a_gap(hearing: LiveUnderTest) -> None:
    defendant = hearing.attend(Role.DEFENDANT)
    health = ConnectionHealth(
        hearing.live,
        audience=hearing.audience,
        roster=hearing.roster,
        events=hearing.events,
        max_video_bitrate=MediaSettings().max_video_bitrate,
    )
    defendant.joined_at = hearing.clock.now
    defendant.last_heartbeat = last_heard = hearing.clock.now

    hearing.clock.now += GRACE_S + 1  # heartbeats stopped a while ago
    await health.check()
    assert defendant.connection is ConnectionState.CONNECTION_LOST
    assert hearing.events.kinds() == [EventKind.CONNECTION_LOST]

    hearing.clock.now += 3.0
    defendant.last_heartbeat = hearing.clock.now
    await health.check()

    assert defendant.connection.value == ConnectionState.CONNECTED.value  # mypy narrowed it
    restored = hearing.events.published[-1]
    assert restored.kind is EventKind.CONNECTION_RESTORED
    # The gap runs from the last heartbeat heard, not from when the silence was noticed.
    assert restored.params == Gap(hearing.clock.now - last_heard)
    assert restored.params == Gap(GRACE_S + 1 + 3.0)
    assert hearing.roster.changes == 2


async def test_a_fresh_arrival_is_not_judged_before_its_grace(hearing: LiveUnderTest) -> None:
    defendant = hearing.attend(Role.DEFENDANT)
    health = ConnectionHealth(
        hearing.live,
        audience=hearing.audience,
        roster=hearing.roster,
        events=hearing.events,
        max_video_bitrate=MediaSettings().max_video_bitrate,
    )
    defendant.joined_at = hearing.clock.now
    defendant.last_heartbeat = hearing.clock.now - 10 * LOST_AFTER_S

    await health.check()

    assert defendant.connection is ConnectionState.CONNECTED
    assert hearing.events.published == []
    assert ServerEvent.RECORDING_FAILED not in hearing.audience.events_to("court")
