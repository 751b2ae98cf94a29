"""Who comes into the hearing room: admission from the waiting room, and witnesses.

Witnesses are called one by one, so that none hears another's testimony; "admit all" brings
in every other waiting participant at once.
"""

from __future__ import annotations

from court.errors import InvalidState
from court.event_params import NO_PARAMS, Because, LeaveReason, Left
from court.events import EventKind, Subject
from court.hearing import Participant
from court.hearing_state import SITTING, HearingState
from court.roles import Role
from court.rooms import BENCH, RoomKind, admitted_with_all
from signaling.live.attendance import Attendance
from signaling.live.hearing import LiveHearing
from signaling.live.ports import Audience, Disconnect, EventBus, Feature, Roster, Transfers
from signaling.live.rules import require_court
from signaling.live.server_events import ServerEvent


class Admission(Feature):
    def __init__(
        self,
        live: LiveHearing,
        *,
        audience: Audience,
        roster: Roster,
        transfers: Transfers,
        events: EventBus,
        disconnect: Disconnect,
    ) -> None:
        self._live = live
        self._audience = audience
        self._roster = roster
        self._transfers = transfers
        self._events = events
        self._disconnect = disconnect

    def _require_admitting(self) -> None:
        if self._live.hearing.state not in {HearingState.OPEN} | SITTING:
            raise InvalidState("Open the waiting room before admitting anyone.")

    def _waiting(self, participant_id: str) -> Attendance:
        attendance = self._roster.attendance_of(participant_id)
        if attendance.removed:
            raise InvalidState(f"{attendance.participant.name} was removed; re-admit them first.")
        if attendance.room.kind is not RoomKind.WAITING:
            raise InvalidState(f"{attendance.participant.name} is not in the waiting room.")
        return attendance

    async def admit(self, by: Participant, participant_id: str) -> None:
        require_court(by)
        self._require_admitting()
        attendance = self._waiting(participant_id)
        if not admitted_with_all(attendance.participant.role):
            raise InvalidState("Witnesses are called in one by one: use Call witness.")
        await self._transfers.transfer(attendance, self._live.hearing_room, "admitted")
        await self._events.publish(
            EventKind.PARTICIPANT_ADMITTED, by, Subject.participant(attendance.id), NO_PARAMS
        )

    async def admit_all(self, by: Participant) -> list[str]:
        require_court(by)
        self._require_admitting()
        admitted = []
        for attendance in list(self._live.waiting_room.members.values()):
            if attendance.removed or not admitted_with_all(attendance.participant.role):
                continue
            await self._transfers.transfer(attendance, self._live.hearing_room, "admitted")
            await self._events.publish(
                EventKind.PARTICIPANT_ADMITTED, by, Subject.participant(attendance.id), NO_PARAMS
            )
            admitted.append(str(attendance.id))
        return admitted

    async def send_to_waiting_room(self, by: Participant, participant_id: str, reason: str) -> None:
        require_court(by)
        attendance = self._roster.attendance_of(participant_id)
        if attendance.participant.role in BENCH:
            raise InvalidState("The judge and the clerk stay in the hearing room.")
        if attendance.room.kind is not RoomKind.HEARING:
            raise InvalidState(f"{attendance.participant.name} is not in the hearing room.")
        await self._transfers.transfer(attendance, self._live.waiting_room, "sent_back")
        await self._events.publish(
            EventKind.PARTICIPANT_SENT_TO_WAITING_ROOM,
            by,
            Subject.participant(attendance.id),
            Because(reason),
        )

    async def call_witness(self, by: Participant, participant_id: str) -> None:
        require_court(by)
        self._require_admitting()
        attendance = self._waiting(participant_id)
        if attendance.participant.role is not Role.WITNESS:
            raise InvalidState(f"{attendance.participant.name} is not a witness: use Admit.")
        await self._transfers.transfer(attendance, self._live.hearing_room, "called")
        await self._events.publish(
            EventKind.WITNESS_CALLED, by, Subject.participant(attendance.id), NO_PARAMS
        )

    async def dismiss_witness(self, by: Participant, participant_id: str, *, release: bool) -> None:
        require_court(by)
        attendance = self._roster.attendance_of(participant_id)
        if attendance.participant.role is not Role.WITNESS:
            raise InvalidState(f"{attendance.participant.name} is not a witness.")
        if attendance.room.kind is RoomKind.HEARING:
            await self._transfers.transfer(attendance, self._live.waiting_room, "dismissed")
        await self._events.publish(
            EventKind.WITNESS_RELEASED if release else EventKind.WITNESS_DISMISSED,
            by,
            Subject.participant(attendance.id),
            NO_PARAMS,
        )
        if release:
            session = attendance.session
            await self._audience.send(
                attendance,
                ServerEvent.REMOVED,
                {"reason": "The court has released you as a witness. Thank you.", "released": True},
            )
            self._live.forget(attendance)
            if session is not None:
                await self._disconnect(session, Left(LeaveReason.RELEASED))
            await self._roster.roster_changed()
