"""Screen sharing: a document or screen shown to the room, one at a time, and its end.

The media side is signaling.live.screens' (a screen is a second video Producer,
``<endpoint>:screen``, started and stopped on the sharer's peer connection). Here is the
court's side: who may share, who may stop whom, that a share ends when its sharer leaves
the room, and who hears of it. A share in the hearing room is a hearing event (the
protocol writes it down; an exhibit register is built on these two kinds); a share inside
a private consultation is told to its members only, since the court never learns a
consultation's content.
"""

from __future__ import annotations

from court.errors import InvalidState
from court.event_params import NO_PARAMS, ShareEnd, ShareEnded
from court.events import EventKind, Subject
from court.hearing import Participant
from court.rooms import RoomKind
from signaling.live.attendance import Attendance
from signaling.live.hearing import LiveHearing
from signaling.live.ports import Audience, EventBus, ExitCause, Feature, RoomExit, Roster
from signaling.live.rules import require_court
from signaling.live.server_events import ServerEvent

# How a share ends when its sharer leaves the room, by why they leave.
_ENDS = {ExitCause.TRANSFERRED: ShareEnd.TRANSFERRED, ExitCause.REMOVED: ShareEnd.REMOVED}


class ScreenSharing(Feature):
    def __init__(
        self, live: LiveHearing, *, audience: Audience, roster: Roster, events: EventBus
    ) -> None:
        self._live = live
        self._audience = audience
        self._roster = roster
        self._events = events

    def _own(self, by: Participant) -> Attendance:
        attendance = self._live.find(by.id)
        if attendance is None or not attendance.present:
            raise InvalidState("join the hearing first")
        return attendance

    async def start(self, by: Participant) -> None:
        """Share ``by``'s screen with the room they are in (PUBLISH_SCREEN; one at a time)."""
        attendance = self._own(by)
        self._live.screens.share(attendance)
        room = attendance.room
        await self._audience.to_room(
            room, ServerEvent.SCREEN_SHARE_STARTED, {"participant_id": attendance.id}
        )
        if room.kind is RoomKind.HEARING:
            await self._events.publish(
                EventKind.SCREEN_SHARE_STARTED, by, Subject.participant(attendance.id), NO_PARAMS
            )
            await self._roster.roster_changed()

    async def stop(self, by: Participant, participant_id: str | None) -> None:
        """End a share: one's own, or (the court) anyone's."""
        if participant_id is None or participant_id == by.id:
            attendance = self._own(by)
            ended = ShareEnded(ShareEnd.BY_SHARER)
        else:
            require_court(by)
            attendance = self._roster.attendance_of(participant_id)
            ended = ShareEnded(ShareEnd.BY_COURT, role=by.role)
        if attendance.room.screen_sharer != attendance.id:
            raise InvalidState(f"{attendance.participant.name} is not sharing a screen.")
        await self._end(attendance, by, ended)

    async def leaving_room(self, attendance: Attendance, exit: RoomExit) -> None:
        """The sharer leaves the room (left, disconnected, moved, removed): the share ends."""
        if not attendance.present or attendance.room.screen_sharer != attendance.id:
            return
        if exit.left is not None:
            left = exit.left
            ended = ShareEnded(ShareEnd.SHARER_LEFT, left=left.cause, detail=left.detail)
        else:
            ended = ShareEnded(_ENDS[exit.cause])
        await self._end(attendance, None, ended)

    async def _end(self, attendance: Attendance, by: Participant | None, ended: ShareEnded) -> None:
        room = attendance.room
        self._live.screens.stop(attendance)
        await self._audience.to_room(
            room,
            ServerEvent.SCREEN_SHARE_STOPPED,
            {"participant_id": attendance.id, "reason": ended.said},
        )
        if room.kind is RoomKind.HEARING:
            await self._events.publish(
                EventKind.SCREEN_SHARE_STOPPED, by, Subject.participant(attendance.id), ended
            )
            await self._roster.roster_changed()
