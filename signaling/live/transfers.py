"""Transfers between the rooms of one live hearing, and who is told of them.

The media side is LiveHearing.transfer (the peer connection goes with the participant);
here the features hear that someone leaves their room (a share they show ends first), and
both rooms and the participant are told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from signaling.live.ports import ExitCause, RoomExit
from signaling.live.server_events import ServerEvent

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.hearing import LiveHearing
    from signaling.live.hooks import Hooks
    from signaling.live.ports import Audience
    from signaling.live.rooms import LiveRoom
    from signaling.live.roster import HearingRoster


class RoomTransfers:
    """Implements ports.Transfers for one live hearing."""

    def __init__(
        self, live: LiveHearing, audience: Audience, roster: HearingRoster, hooks: Hooks
    ) -> None:
        self._live = live
        self._audience = audience
        self._roster = roster
        self._hooks = hooks

    async def transfer(self, attendance: Attendance, room: LiveRoom, reason: str) -> None:
        if attendance.room is not room:
            await self._hooks.leaving_room(attendance, RoomExit(ExitCause.TRANSFERRED))
        previous = self._live.transfer(attendance, room)
        if previous is room:
            return
        await self._audience.about_members(
            previous,
            ServerEvent.PARTICIPANT_LEFT,
            {"participant_id": attendance.id, "reason": "transferred"},
        )
        await self._audience.about_members(
            room,
            ServerEvent.PARTICIPANT_JOINED,
            {"participant": self._roster.participant_view(attendance)},
            skip=attendance,
        )
        await self._audience.send(
            attendance,
            ServerEvent.ROOM_CHANGED,
            {
                "room": room.view(),
                "participants": self._roster.others_in(room, attendance),
                "reason": reason,
                "spotlight": self._live.spotlight,
            },
        )
        await self._roster.roster_changed()
