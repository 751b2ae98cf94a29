"""The court is told whose video the relay holds back over the video cap, and when it is
forwarded again (issue 15); nobody else is. A real relay and a synthetic publisher far over
a lowered cap."""

from __future__ import annotations

import pytest

from court.roles import Role
from media.settings import MediaSettings
from signaling.client import ParticipantClient
from signaling.live.features.health import RELEASED_AFTER_S
from signaling.live.server_events import ServerEvent
from tests.signaling.conftest import HearingServer
from tests.support.media import ColourCamera, Flood

CAP = 400_000  # bit/s; the flood sends 4.8 Mbit/s, a calm Flood 48 kbit/s


@pytest.fixture
def media_settings() -> MediaSettings:
    return MediaSettings(
        host_addresses=("127.0.0.1",), negotiation_timeout_s=5.0, max_video_bitrate=CAP
    )


def holds(client: ParticipantClient) -> list[dict[str, object]]:
    return list(client.received(ServerEvent.VIDEO_HOLD_CHANGED))


async def test_the_court_is_told_whose_video_is_held_back_and_when_it_flows_again(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE, video=ColourCamera())
    await judge.publish()
    flood = Flood()
    counsel = await hearing_server.join(Role.DEFENCE, "Counsel Flood", video=flood)
    prosecutor = await hearing_server.join(Role.PROSECUTOR)
    await counsel.publish()

    held = {
        "participant_id": counsel.participant_id,
        "name": "Counsel Flood",
        "held": True,
        "max_video_kbps": CAP // 1000,
    }
    await clerk.wait_until(lambda: holds(clerk) == [held], within_s=15)
    await judge.wait_until(lambda: holds(judge) == [held])

    flood.frame_bytes = 200  # within the cap from the next keyframe on
    released = {**held, "held": False}
    await clerk.wait_until(lambda: holds(clerk) == [held, released], within_s=RELEASED_AFTER_S + 10)
    await judge.wait_until(lambda: holds(judge) == [held, released])
    # Only the court hears of it: not the publisher, not the other parties.
    assert holds(counsel) == [] and holds(prosecutor) == []
    # The judge's own camera, within the cap all along, was never held.
    assert all(n["participant_id"] == counsel.participant_id for n in holds(clerk))
