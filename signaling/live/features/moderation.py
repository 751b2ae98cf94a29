"""What the court does to one participant, and what a participant says about themselves:
mute, ask to unmute, remove and re-admit, lock, hands, spotlight, device check, heartbeat."""

from __future__ import annotations

from court.errors import InvalidState, PermissionDenied
from court.event_params import NO_PARAMS, Because, LeaveReason, Left
from court.events import HEARING, EventKind, Subject
from court.hearing import Participant
from court.rooms import BENCH, RoomKind
from signaling.live.attendance import Attendance, DeviceResult
from signaling.live.decisions import CourtDecisions
from signaling.live.hearing import LiveHearing
from signaling.live.notices import Removed
from signaling.live.ports import (
    Audience,
    Disconnect,
    EventBus,
    ExitCause,
    Feature,
    RoomExit,
    RoomExits,
    Roster,
)
from signaling.live.rules import require_court
from signaling.live.server_events import ServerEvent


class Moderation(Feature):
    def __init__(
        self,
        live: LiveHearing,
        *,
        audience: Audience,
        roster: Roster,
        events: EventBus,
        exits: RoomExits,
        disconnect: Disconnect,
        decisions: CourtDecisions,
    ) -> None:
        self._live = live
        self._audience = audience
        self._roster = roster
        self._events = events
        self._exits = exits
        self._decisions = decisions  # removals and the lock outlive the process
        self._disconnect = disconnect

    def _own(self, by: Participant) -> Attendance:
        attendance = self._live.find(by.id)
        if attendance is None or not attendance.present:
            raise InvalidState("join the hearing first")
        return attendance

    def _other(self, by: Participant, participant_id: str) -> Attendance:
        require_court(by)
        attendance = self._roster.attendance_of(participant_id)
        if attendance.id == by.id:
            raise InvalidState("The court cannot do this to itself.")
        return attendance

    # ---- the court's actions -----------------------------------------------------------

    async def mute(self, by: Participant, participant_id: str, reason: str) -> None:
        attendance = self._other(by, participant_id)
        attendance.muted_by_court = True
        attendance.unmute_requested = False
        self._live.publishing.apply_mute(attendance)
        await self._audience.send(attendance, ServerEvent.MUTED, {"reason": reason})
        await self._roster.participant_updated(attendance)
        await self._events.publish(
            EventKind.PARTICIPANT_MUTED, by, Subject.participant(attendance.id), Because(reason)
        )

    async def request_unmute(self, by: Participant, participant_id: str) -> None:
        attendance = self._other(by, participant_id)
        attendance.unmute_requested = True
        await self._audience.send(attendance, ServerEvent.UNMUTE_REQUESTED, {})
        await self._events.publish(
            EventKind.UNMUTE_REQUESTED, by, Subject.participant(attendance.id), NO_PARAMS
        )

    async def remove(self, by: Participant, participant_id: str, reason: str) -> None:
        attendance = self._other(by, participant_id)
        if attendance.participant.role in BENCH:
            raise PermissionDenied("The judge and the clerk cannot be removed from the hearing.")
        if attendance.removed:
            raise InvalidState(f"{attendance.participant.name} has already been removed.")
        await self._remove(attendance, by, reason)

    async def remove_from_outside(self, participant_id: str, reason: str) -> bool:
        """The court removed the participant from the hearing through the API or the console
        (the server checked who may): their live session closes now, with the reason, and
        they cannot come back into this live hearing. False if they are not in it."""
        attendance = self._live.find(participant_id)
        if attendance is None or attendance.removed:
            return False
        await self._remove(attendance, None, reason)
        return True

    async def close_sessions(self, participant_id: str, reason: str) -> bool:
        """The participant's join link was revoked: their live session closes now, with the
        reason (another valid link may bring them back). False if they have none."""
        attendance = self._live.find(participant_id)
        session = None if attendance is None else attendance.session
        if attendance is None or session is None:
            return False
        told: Removed = {"reason": reason, "cause": "link_withdrawn"}
        await self._audience.send(attendance, ServerEvent.REMOVED, told)
        await self._disconnect(session, Left(LeaveReason.REMOVED))
        return True

    async def _remove(self, attendance: Attendance, by: Participant | None, reason: str) -> None:
        # Stored before anything else: a restart must not bring the participant back.
        await self._decisions.remove(attendance.participant, reason)
        live = self._live
        # A share the participant shows ends, and so does a consultation they are in.
        await self._exits.leaving_room(attendance, RoomExit(ExitCause.REMOVED))
        if attendance.room.kind is not RoomKind.WAITING:
            previous = live.transfer(attendance, live.waiting_room)
            await self._audience.about_members(
                previous,
                ServerEvent.PARTICIPANT_LEFT,
                {"participant_id": attendance.id, "reason": "removed"},
            )
        attendance.removed = True
        session = attendance.session
        if session is not None:
            await self._audience.send(attendance, ServerEvent.REMOVED, {"reason": reason})
            await self._disconnect(session, Left(LeaveReason.REMOVED))
        await self._events.publish(
            EventKind.PARTICIPANT_REMOVED, by, Subject.participant(attendance.id), Because(reason)
        )
        await self._roster.roster_changed()

    async def readmit(self, by: Participant, participant_id: str) -> None:
        attendance = self._other(by, participant_id)
        if not attendance.removed:
            raise InvalidState(f"{attendance.participant.name} has not been removed.")
        await self._decisions.readmit(attendance.participant)
        attendance.removed = False
        attendance.muted_by_court = False
        await self._events.publish(
            EventKind.PARTICIPANT_READMITTED, by, Subject.participant(attendance.id), NO_PARAMS
        )
        await self._roster.roster_changed()

    async def lock(self, by: Participant, locked: bool) -> None:
        require_court(by)
        await self._decisions.lock(self._live.hearing.id, locked)
        self._live.locked = locked
        await self._audience.to_everyone(ServerEvent.LOCK_CHANGED, {"locked": locked})
        kind = EventKind.HEARING_LOCKED if locked else EventKind.HEARING_UNLOCKED
        await self._events.publish(kind, by, HEARING, NO_PARAMS)
        await self._roster.roster_changed()

    async def lower_hand(self, by: Participant, participant_id: str) -> None:
        attendance = self._other(by, participant_id)
        if attendance.hand_raised:
            attendance.hand_raised = False
            await self._roster.participant_updated(attendance)

    async def spotlight(self, by: Participant, participant_id: str | None) -> None:
        require_court(by)
        live = self._live
        if participant_id is not None:
            attendance = self._roster.attendance_of(participant_id)
            if attendance.room is not live.hearing_room:
                raise InvalidState(f"{attendance.participant.name} is not in the hearing room.")
            live.spotlight = attendance.id
        else:
            live.spotlight = None
        await self._audience.to_room(
            live.hearing_room, ServerEvent.SPOTLIGHT_CHANGED, {"participant_id": live.spotlight}
        )
        subject = HEARING if participant_id is None else Subject.participant(participant_id)
        await self._events.publish(EventKind.SPOTLIGHT_CHANGED, by, subject, NO_PARAMS)
        await self._roster.roster_changed()

    # ---- a participant about themselves ------------------------------------------------

    async def set_muted(self, by: Participant, muted: bool) -> None:
        attendance = self._own(by)
        if not muted and attendance.muted_by_court and not attendance.unmute_requested:
            raise PermissionDenied(
                "The court muted your microphone; you can unmute when the court asks you to."
            )
        if muted:
            attendance.self_muted = True
        else:
            attendance.self_muted = False
            attendance.muted_by_court = False
            attendance.unmute_requested = False
        self._live.publishing.apply_mute(attendance)
        await self._roster.participant_updated(attendance)

    async def raise_hand(self, by: Participant, raised: bool) -> None:
        attendance = self._own(by)
        if raised and attendance.room.kind is not RoomKind.HEARING:
            raise InvalidState("Hands are raised in the hearing room.")
        if attendance.hand_raised != raised:
            attendance.hand_raised = raised
            await self._roster.participant_updated(attendance)
            kind = EventKind.HAND_RAISED if raised else EventKind.HAND_LOWERED
            await self._events.publish(kind, by, Subject.participant(attendance.id), NO_PARAMS)

    async def report_device_check(
        self,
        by: Participant,
        camera: DeviceResult,
        microphone: DeviceResult,
        speaker: DeviceResult,
    ) -> None:
        attendance = self._own(by)
        attendance.device_check = {"camera": camera, "microphone": microphone, "speaker": speaker}
        await self._roster.roster_changed()

    def heartbeat(self, by: Participant) -> None:
        attendance = self._own(by)
        attendance.last_heartbeat = self._live.clock.monotonic()
