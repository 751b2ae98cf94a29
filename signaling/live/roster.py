"""Who attends one live hearing, as the rooms and the court see them.

A room sees each participant's view (name, role, hand, mute, share); the court sees the
roster: everyone, where they are, how their connection is, and what the features add to it
(the consultations under way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from court.errors import NotFound
from court.roles import Role
from signaling.live import views
from signaling.live.notices import ParticipantNotice, ParticipantView, RosterEntry, RosterView
from signaling.live.server_events import ServerEvent

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.hearing import LiveHearing
    from signaling.live.hooks import Hooks
    from signaling.live.ports import Audience
    from signaling.live.rooms import LiveRoom


class HearingRoster:
    """Implements ports.Roster for one live hearing."""

    def __init__(self, live: LiveHearing, audience: Audience, hooks: Hooks) -> None:
        self._live = live
        self._audience = audience
        self._hooks = hooks

    def attendance_of(self, participant_id: str) -> Attendance:
        attendance = self._live.find(participant_id)
        if attendance is None:
            raise NotFound("No participant with that id has joined this hearing.")
        return attendance

    def participant_view(self, attendance: Attendance) -> ParticipantView:
        return {
            **views.participant_view(attendance.participant),
            "hand_raised": attendance.hand_raised,
            "muted": attendance.muted,
            "muted_by_court": attendance.muted_by_court,
            # Only a hearing-room share: one inside a consultation is not the court's to know.
            "sharing_screen": self._live.hearing_room.screen_sharer == attendance.id,
        }

    def others_in(self, room: LiveRoom, attendance: Attendance) -> list[ParticipantView]:
        if not room.members_see_each_other:
            return []
        return [
            self.participant_view(a) for a in self._live.present_in(room) if a.id != attendance.id
        ]

    def roster(self) -> RosterView:
        live = self._live
        entries: list[RosterEntry] = [
            {
                **self.participant_view(attendance),
                "room": attendance.room.view(),
                "connection": attendance.connection.value,
                "device_check": attendance.device_check,
                "waiting_since": attendance.waiting_since,
                "removed": attendance.removed,
            }
            for attendance in live.attendance.values()
        ]
        # Observers watching: those in the hearing room (the waiting ones are in the roster).
        observers = sum(
            1
            for a in live.hearing_room.members.values()
            if a.present and a.participant.role is Role.OBSERVER
        )
        # The features' parts (the consultations) are checked at the wire by the tests.
        return cast(
            RosterView,
            {
                "roster": entries,
                "observers": observers,
                "locked": live.locked,
                "spotlight": live.spotlight,
                **self._hooks.roster_view(),
            },
        )

    async def roster_changed(self) -> None:
        await self._audience.to_court(ServerEvent.ROSTER_CHANGED, self.roster())

    async def participant_updated(self, attendance: Attendance) -> None:
        data: ParticipantNotice = {"participant": self.participant_view(attendance)}
        await self._audience.about_members(attendance.room, ServerEvent.PARTICIPANT_UPDATED, data)
        await self.roster_changed()
