"""Who is told what in one live hearing: a participant, a room, the court, everyone.

Sends go to connected participants only; a notification for someone whose connection is
gone is not kept (they are told the state again when they rejoin). News of one member goes
to the others only in a room whose members see each other: those who wait learn nothing of
each other (witnesses, victims, the public; the security review's M2).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from court.permissions import Permission

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.hearing import LiveHearing
    from signaling.live.rooms import LiveRoom

# A notification's payload: one of signaling.live.notices' shapes.
Payload = Mapping[str, object]
Emit = Callable[[str, str, Payload], Awaitable[None]]  # sid, event, data


class HearingAudience:
    """Implements ports.Audience for one live hearing."""

    def __init__(self, live: LiveHearing, emit: Emit) -> None:
        self._live = live
        self._emit = emit

    def court(self) -> list[Attendance]:
        return [
            a
            for a in self._live.attendance.values()
            if a.present and a.participant.can(Permission.MODERATE)
        ]

    async def send(self, attendance: Attendance, event: str, data: Payload) -> None:
        if attendance.session is not None:
            await self._emit(attendance.session.sid, event, data)

    async def to_room(
        self,
        room: LiveRoom,
        event: str,
        data: Payload,
        *,
        skip: Attendance | None = None,
    ) -> None:
        for member in self._live.present_in(room):
            if member is not skip:
                await self.send(member, event, data)

    async def about_members(
        self,
        room: LiveRoom,
        event: str,
        data: Payload,
        *,
        skip: Attendance | None = None,
    ) -> None:
        if room.members_see_each_other:
            await self.to_room(room, event, data, skip=skip)

    async def to_court(self, event: str, data: Payload) -> None:
        for member in self.court():
            await self.send(member, event, data)

    async def to_everyone(self, event: str, data: Payload) -> None:
        for attendance in list(self._live.attendance.values()):
            await self.send(attendance, event, data)
