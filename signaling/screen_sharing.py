"""Screen sharing: a document or screen shown to the room, one at a time, and its end.

The media side is LiveHearing's (a screen is a second video Producer, ``<endpoint>:screen``,
started and stopped on the sharer's peer connection). Here is the court's side: who may
share, who may stop whom, that a share ends when its sharer leaves the room, and who hears
of it. A share in the hearing room is a hearing event (the protocol writes it down; an
exhibit register is built on these two kinds); a share inside a private consultation is
told to its members only, since the court never learns a consultation's content.
"""

from __future__ import annotations

from court.errors import InvalidState
from court.event_params import NO_PARAMS, Left, ShareEnd, ShareEnded
from court.events import EventKind, Subject
from court.hearing import Participant
from court.rooms import RoomKind
from signaling.attendance import Attendance
from signaling.courtroom import Courtroom, require_court
from signaling.events import ServerEvent
from signaling.session import Session


class ScreenSharing:
    def __init__(self, courtroom: Courtroom) -> None:
        self._court = courtroom

    def _own(self, by: Participant) -> Attendance:
        attendance = self._court.live.find(by.id)
        if attendance is None or not attendance.present:
            raise InvalidState("join the hearing first")
        return attendance

    async def start(self, by: Participant) -> None:
        """Share ``by``'s screen with the room they are in (PUBLISH_SCREEN; one at a time)."""
        attendance = self._own(by)
        self._court.live.share_screen(attendance)
        room = attendance.room
        await self._court.to_room(
            room, ServerEvent.SCREEN_SHARE_STARTED, {"participant_id": attendance.id}
        )
        if room.kind is RoomKind.HEARING:
            await self._court.publish(
                EventKind.SCREEN_SHARE_STARTED, by, Subject.participant(attendance.id), NO_PARAMS
            )
            await self._court.roster_changed()

    async def stop(self, by: Participant, participant_id: str | None) -> None:
        """End a share: one's own, or (the court) anyone's."""
        if participant_id is None or participant_id == by.id:
            attendance = self._own(by)
            ended = ShareEnded(ShareEnd.BY_SHARER)
        else:
            require_court(by)
            attendance = self._court.attendance_of(participant_id)
            ended = ShareEnded(ShareEnd.BY_COURT, role=by.role)
        if attendance.room.screen_sharer != attendance.id:
            raise InvalidState(f"{attendance.participant.name} is not sharing a screen.")
        await self._end(attendance, by, ended)

    async def end_for(self, attendance: Attendance, ended: ShareEnded) -> None:
        """The sharer leaves the room (left, disconnected, moved, removed): the share ends."""
        if attendance.present and attendance.room.screen_sharer == attendance.id:
            await self._end(attendance, None, ended)

    async def end_for_session(self, session: Session, left: Left) -> None:
        attendance = self._court.live.find(session.participant.id)
        if attendance is not None and attendance.session is session:
            sharer_left = ShareEnded(ShareEnd.SHARER_LEFT, left=left.cause, detail=left.detail)
            await self.end_for(attendance, sharer_left)

    async def _end(self, attendance: Attendance, by: Participant | None, ended: ShareEnded) -> None:
        room = attendance.room
        self._court.live.stop_screen(attendance)
        await self._court.to_room(
            room,
            ServerEvent.SCREEN_SHARE_STOPPED,
            {"participant_id": attendance.id, "reason": ended.said},
        )
        if room.kind is RoomKind.HEARING:
            await self._court.publish(
                EventKind.SCREEN_SHARE_STOPPED, by, Subject.participant(attendance.id), ended
            )
            await self._court.roster_changed()
