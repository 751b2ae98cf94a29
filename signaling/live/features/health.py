"""Connection health: heartbeats, media arrival and the video cap, checked twice a second.

A participant whose heartbeats (sent every second by the page) or media stop for two
seconds is shown to the court as "connection lost" within three, and the start and end of
the gap are published as hearing events. A publisher whose video the relay holds back,
being over the court's cap (media.producer: neither forwarded nor recorded until a keyframe
fits), is told to the court within half a second, so the bench knows why a picture froze.
The recorder is watched the same way: if it stops on its own, the court is alerted at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from court.event_params import NO_PARAMS, Because, Gap
from court.events import HEARING, EventKind, Subject
from court.ids import ParticipantId
from signaling.live.attendance import Attendance, ConnectionState
from signaling.live.hearing import LiveHearing
from signaling.live.notices import VideoHoldChanged
from signaling.live.ports import Audience, EventBus, Feature, Roster
from signaling.live.server_events import ServerEvent

logger = logging.getLogger(__name__)

CHECK_INTERVAL_S = 0.5
LOST_AFTER_S = 2.0
# Media starts flowing only after the first negotiation; do not judge a fresh arrival.
GRACE_S = 4.0
# A held publisher is told at once, its release only once its video has stayed within the
# cap this long: one hovering at the cap is held and released every keyframe, and the
# court's panel should not flicker with it.
RELEASED_AFTER_S = 5.0


def _media_arrivals(attendance: Attendance) -> list[float]:
    """When the last frame of each of the participant's cameras and microphones arrived
    (monotonic seconds). A shared screen is left out: a still document may send no frame
    for seconds."""
    return [
        p.last_frame_at
        for p in attendance.room.router.producers()
        if p.endpoint_id == attendance.id and not p.is_closed and p.source != "screen"
    ]


def _last_sign_of_life(attendance: Attendance, now: float) -> float:
    """The last heartbeat or media frame that arrived from the participant (``now`` if none)."""
    heartbeat = [] if attendance.last_heartbeat is None else [attendance.last_heartbeat]
    return max([*_media_arrivals(attendance), *heartbeat], default=now)


def _silent(attendance: Attendance, now: float) -> bool:
    if now - attendance.joined_at < GRACE_S:
        return False
    if attendance.last_heartbeat is not None and now - attendance.last_heartbeat > LOST_AFTER_S:
        return True
    arrivals = _media_arrivals(attendance)
    return bool(arrivals) and now - max(arrivals) > LOST_AFTER_S


def _video_held(attendance: Attendance) -> bool:
    """Whether the relay holds back the participant's video (camera or screen) now."""
    return attendance.present and any(
        p.over_budget
        for p in attendance.room.router.producers()
        if p.endpoint_id == attendance.id and p.kind == "video" and not p.is_closed
    )


class ConnectionHealth(Feature):
    """The health of one hearing's connections and recorder, checked by the monitor."""

    def __init__(
        self,
        live: LiveHearing,
        *,
        audience: Audience,
        roster: Roster,
        events: EventBus,
        max_video_bitrate: int,
    ) -> None:
        """``max_video_bitrate``: the cap of a publisher's video (MediaSettings), bit/s."""
        self._live = live
        self._audience = audience
        self._roster = roster
        self._events = events
        self._max_video_kbps = max_video_bitrate // 1000
        self.recorder_alerted = False
        # Whose video is held back, and when it last was (monotonic).
        self._held_at: dict[ParticipantId, float] = {}

    @property
    def hearing_id(self) -> str:
        return self._live.hearing.id

    async def check(self) -> None:
        now = self._live.clock.monotonic()
        changed = False
        for attendance in list(self._live.attendance.values()):
            if not attendance.present:
                continue
            subject = Subject.participant(attendance.id)
            silent = _silent(attendance, now)
            if silent and attendance.connection is ConnectionState.CONNECTED:
                attendance.connection = ConnectionState.CONNECTION_LOST
                if attendance.gap_started_at is None:
                    # The gap began when the last sign of life arrived, not when it was
                    # noticed: the record's span covers the whole of what is missing.
                    attendance.gap_started_at = _last_sign_of_life(attendance, now)
                await self._events.publish(EventKind.CONNECTION_LOST, None, subject, NO_PARAMS)
                changed = True
            elif not silent and attendance.connection is ConnectionState.CONNECTION_LOST:
                attendance.connection = ConnectionState.CONNECTED
                gap_s = now - (attendance.gap_started_at or now)
                attendance.gap_started_at = None
                await self._events.publish(EventKind.CONNECTION_RESTORED, None, subject, Gap(gap_s))
                changed = True
        if changed:
            await self._roster.roster_changed()
        await self._check_video_held(now)
        recording = self._live.recorder.recording
        if recording is not None and not recording.is_running and not self.recorder_alerted:
            self.recorder_alerted = True
            message = "The recorder has stopped unexpectedly. The hearing is not being recorded."
            logger.error("hearing %s: %s", self._live.hearing.id, message)
            await self._events.publish(EventKind.RECORDING_FAILED, None, HEARING, Because(message))
            await self._audience.to_court(ServerEvent.RECORDING_FAILED, {"message": message})

    async def _check_video_held(self, now: float) -> None:
        for attendance in list(self._live.attendance.values()):
            held_at = self._held_at.get(attendance.id)
            if _video_held(attendance):
                self._held_at[attendance.id] = now
                if held_at is None:
                    await self._tell_video_hold(attendance, held=True)
            elif held_at is not None and (
                not attendance.present or now - held_at >= RELEASED_AFTER_S
            ):
                del self._held_at[attendance.id]
                await self._tell_video_hold(attendance, held=False)
        for gone in [p for p in self._held_at if p not in self._live.attendance]:
            del self._held_at[gone]  # no longer in the hearing, so off the court's panel

    async def _tell_video_hold(self, attendance: Attendance, *, held: bool) -> None:
        told: VideoHoldChanged = {
            "participant_id": attendance.id,
            "name": attendance.participant.name,
            "held": held,
            "max_video_kbps": self._max_video_kbps,
        }
        await self._audience.to_court(ServerEvent.VIDEO_HOLD_CHANGED, told)


class Checked(Protocol):
    """A part of one hearing the monitor checks twice a second (ConnectionHealth, and the
    connection quality, which measures at its own pace)."""

    @property
    def hearing_id(self) -> str: ...

    async def check(self) -> None: ...


class HealthMonitor:
    """One task for the whole process, started with the first hearing."""

    def __init__(self, hearings: Callable[[], Iterable[Checked]]) -> None:
        self._hearings = hearings
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="health")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(CHECK_INTERVAL_S)
            for part in list(self._hearings()):
                try:
                    await part.check()
                except Exception:
                    logger.exception("%s of %s failed", type(part).__name__, part.hearing_id)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
