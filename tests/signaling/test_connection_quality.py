"""The court sees each participant's connection as the relay measures it, every few seconds;
nobody else does (issue 16). A real relay and aiortc participants on loopback: a clean link,
so the figures must be those of one."""

from __future__ import annotations

from typing import Any

from court.roles import Role
from media.link_quality import ROUND_TRIP_POOR_MS
from signaling.client import ParticipantClient
from signaling.live.features.connection_quality import QUALITY_INTERVAL_S
from signaling.live.server_events import ServerEvent
from tests.signaling.conftest import HearingServer
from tests.support.media import ColourCamera, ToneTrack


def measured(client: ParticipantClient, participant_id: str) -> list[dict[str, Any]]:
    """Every measurement of ``participant_id`` that ``client`` was sent, oldest first."""
    return [
        entry
        for notice in client.received(ServerEvent.CONNECTION_QUALITY_MEASURED)
        for entry in notice["participants"]
        if entry["participant_id"] == participant_id
    ]


def settled(entry: dict[str, Any]) -> bool:
    """Both ways measured: media flowed each way and the participant reported on it."""
    return (
        entry["loss_up"] is not None
        and entry["loss_down"] is not None
        and (entry["round_trip_ms"] is not None)
    )


async def test_the_court_sees_each_participants_connection_and_a_party_does_not(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK, audio=ToneTrack(), video=ColourCamera(fps=10))
    judge = await hearing_server.join(Role.JUDGE)
    await clerk.publish()
    counsel = await hearing_server.join(
        Role.DEFENCE, "Counsel", audio=ToneTrack(660.0), video=ColourCamera((0, 0, 255), fps=10)
    )
    await counsel.publish()
    observer = await hearing_server.join(Role.OBSERVER)

    await clerk.wait_until(
        lambda: any(settled(e) for e in measured(clerk, counsel.participant_id)),
        within_s=6 * QUALITY_INTERVAL_S,
    )
    entry = next(e for e in measured(clerk, counsel.participant_id) if settled(e))
    # Loopback: direct, nothing lost, a round trip of milliseconds, and the camera's bitrate
    # each way (the counsel's up, the clerk's camera down to them).
    assert entry["path"] == "direct"
    assert entry["loss_up"] <= 0.01 and entry["loss_down"] <= 0.01, entry
    assert 0 <= entry["round_trip_ms"] < ROUND_TRIP_POOR_MS, entry
    assert entry["kbit_s_up"] > 20 and entry["kbit_s_down"] > 20, entry
    assert entry["grade"] == "good"
    # The judge is told too; the clerk's own connection is measured like anyone's.
    await judge.wait_until(lambda: bool(measured(judge, counsel.participant_id)))
    assert measured(clerk, clerk.participant_id)
    # Observers are counted by the roster, never named: their connection is not listed.
    assert not measured(clerk, observer.participant_id)
    # Only the court is told.
    assert counsel.received(ServerEvent.CONNECTION_QUALITY_MEASURED) == []
    assert observer.received(ServerEvent.CONNECTION_QUALITY_MEASURED) == []
