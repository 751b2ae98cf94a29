"""Screen sharing's media side: a second video Producer (``<endpoint>:screen``) per sharer.

The court's side (who may stop whom, who is told, the hearing events) is the feature's
(signaling.live.features.screen_sharing). A shared screen belongs to the room it began in:
one per room (``LiveRoom.screen_sharer``), and it ends before its sharer leaves the room,
so it never follows them into another.
"""

from __future__ import annotations

from collections.abc import Mapping

from court.errors import InvalidState, PermissionDenied
from court.ids import ParticipantId
from court.permissions import Permission
from court.rooms import RoomKind
from signaling.live.attendance import Attendance


class Screens:
    def __init__(self, attendance: Mapping[ParticipantId, Attendance]) -> None:
        self._attendance = attendance

    def share(self, attendance: Attendance) -> None:
        """Start receiving the participant's screen in the room they are in.

        The court's rule is one screen at a time per room; the Producer appears (and is
        forwarded and, in the hearing room, recorded) once the endpoint's answer sends it.
        """
        session = attendance.session
        participant = attendance.participant
        if not participant.can(Permission.PUBLISH_SCREEN):
            raise PermissionDenied(f"the role {participant.role.label} may not share a screen")
        if session is None or session.transport is None or session.negotiator is None:
            raise InvalidState("join the hearing first")
        room = attendance.room
        if room.kind is RoomKind.WAITING:
            raise InvalidState("Screens are shared in the hearing room or a consultation.")
        sharer = room.screen_sharer
        if sharer == attendance.id:
            raise InvalidState("You are already sharing your screen.")
        if sharer is not None:
            other = self._attendance.get(sharer)
            name = other.participant.name if other is not None else "Someone else"
            raise InvalidState(
                f"{name} is sharing a screen; only one screen is shown at a time. "
                "Ask them, or the court, to stop it first."
            )
        room.screen_sharer = attendance.id
        if session.transport.enable_publishing(("screen",)):
            session.negotiator.request()

    def stop(self, attendance: Attendance) -> bool:
        """Stop the participant's share, if any: its Producer closes at once (nobody receives
        or records it from here on). True if there was one."""
        room = attendance.room
        if room.screen_sharer != attendance.id:
            return False
        room.screen_sharer = None
        session = attendance.session
        if (
            session is not None
            and session.transport is not None
            and room.router.stop_publishing(attendance.id, "screen")
        ):
            assert session.negotiator is not None
            session.negotiator.request()
        return True
