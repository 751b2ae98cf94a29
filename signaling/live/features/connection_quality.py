"""Connection quality: each participant's connection measured every few seconds, for the court.

The relay reads what it already knows of every participant's connection (media.link_quality:
loss each way, round trip, bitrate, through TURN or direct) every QUALITY_INTERVAL_S and
tells the judge and clerk in one ``connection_quality_measured`` notice listing everyone.
A notice of its own rather than a field of the roster: the roster is sent whole on every
change and the panel redraws it, and a figure that moves every few seconds would send it
every few seconds; this notice is a few numbers per participant, to two people.

Observers are left out, as the roster counts them without naming them.
"""

from __future__ import annotations

from typing import Final, Literal

from court.roles import Role
from media.ice import IcePath
from media.link_quality import LinkMeter, LinkQuality
from signaling.live.hearing import LiveHearing
from signaling.live.notices import ConnectionQualityMeasured, LinkQualityView
from signaling.live.ports import Audience, Feature
from signaling.live.server_events import ServerEvent

# Often enough that the court sees a link degrade while it matters; rarely enough that each
# reading spans a few hundred packets, so a few per cent lost is a measurement, not noise.
QUALITY_INTERVAL_S = 3.0

# The court's word for each path: through a TURN server, "relayed" (the relay is the court's).
_PATH: Final[dict[IcePath, Literal["direct", "relayed"]]] = {"relay": "relayed", "direct": "direct"}


def link_quality_view(participant_id: str, quality: LinkQuality) -> LinkQualityView:
    return {
        "participant_id": participant_id,
        "path": None if quality.path is None else _PATH[quality.path],
        "round_trip_ms": quality.round_trip_ms,
        "loss_up": None if quality.loss_up is None else round(quality.loss_up, 3),
        "loss_down": None if quality.loss_down is None else round(quality.loss_down, 3),
        "kbit_s_up": quality.kbit_s_up,
        "kbit_s_down": quality.kbit_s_down,
        "grade": quality.grade,
    }


class ConnectionQuality(Feature):
    """Measures one hearing's connections; checked with the health twice a second."""

    def __init__(self, live: LiveHearing, *, audience: Audience) -> None:
        self._live = live
        self._audience = audience
        self._meter = LinkMeter(live.clock.monotonic)
        self._measured_at: float | None = None

    @property
    def hearing_id(self) -> str:
        return self._live.hearing.id

    async def check(self) -> None:
        now = self._live.clock.monotonic()
        if self._measured_at is not None and now - self._measured_at < QUALITY_INTERVAL_S:
            return
        self._measured_at = now
        views: list[LinkQualityView] = []
        measured = []
        for attendance in list(self._live.attendance.values()):
            transport = None if attendance.session is None else attendance.session.transport
            if (
                transport is None
                or transport.is_closed
                or attendance.participant.role is Role.OBSERVER
            ):
                attendance.link = None
                continue
            measured.append(transport)
            attendance.link = await self._meter.measure(transport)
            if attendance.link is not None:
                views.append(link_quality_view(attendance.id, attendance.link))
        self._meter.keep_only(measured)
        if views:
            told: ConnectionQualityMeasured = {"participants": views}
            await self._audience.to_court(ServerEvent.CONNECTION_QUALITY_MEASURED, told)
