"""Private consultations: a defendant with counsel (and an interpreter) in a room of their own.

A consultation room has its own media Router, so nobody outside it can receive its media
and the recording (which listens only to the hearing room's Router) never contains it. The
court sees that a consultation is happening and who is in it, never its content.

Nobody is put into a consultation without consent: it starts only when every member has
accepted, whether a member asked for it or the court proposed it. So the court can never
open a "private" room with an interpreter it chose and listen through them (the security
review's H2): the defendant and counsel see who is invited, and each must agree.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from court.errors import InvalidRequest, InvalidState, NotFound, PermissionDenied
from court.event_params import NO_PARAMS, ConsultationEnd, ConsultationEnded
from court.events import EventKind, Subject
from court.hearing import Participant
from court.permissions import Permission
from court.rooms import CONSULTING_ROLES, RoomKind, check_consultation
from signaling.live.attendance import Attendance
from signaling.live.hearing import LiveHearing
from signaling.live.notices import ConsultationView
from signaling.live.ports import Audience, EventBus, ExitCause, Feature, RoomExit, Roster, Transfers
from signaling.live.rules import require_court
from signaling.live.server_events import ServerEvent


class ConsultationState(StrEnum):
    REQUESTED = "requested"
    ACTIVE = "active"
    ENDED = "ended"


@dataclass(eq=False)
class Consultation:
    id: str
    requested_by: str
    participant_ids: list[str]
    accepted_ids: set[str] = field(default_factory=set)
    state: ConsultationState = ConsultationState.REQUESTED

    def view(self) -> ConsultationView:
        return {
            "id": self.id,
            "state": self.state.value,
            "requested_by": self.requested_by,
            "participant_ids": list(self.participant_ids),
            "accepted_ids": sorted(self.accepted_ids),
        }


class Consultations(Feature):
    def __init__(
        self,
        live: LiveHearing,
        *,
        audience: Audience,
        roster: Roster,
        transfers: Transfers,
        events: EventBus,
    ) -> None:
        self._live = live
        self._audience = audience
        self._roster = roster
        self._transfers = transfers
        self._events = events
        self._by_id: dict[str, Consultation] = {}

    # ---- hooks -------------------------------------------------------------------------

    def roster_view(self) -> dict[str, Any]:
        return {"consultations": [c.view() for c in self._by_id.values()]}

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        mine = [c.view() for c in self._by_id.values() if attendance.id in c.participant_ids]
        return {"consultations": mine}

    async def leaving_room(self, attendance: Attendance, exit: RoomExit) -> None:
        """A member the court removes ends their consultation (the others go back)."""
        if exit.cause is ExitCause.REMOVED:
            consultation = self._of(attendance)
            if consultation is not None:
                ended = ConsultationEnded(ConsultationEnd.MEMBER_REMOVED)
                await self._end(consultation, ended, None)

    async def hearing_closing(self) -> None:
        ended = ConsultationEnded(ConsultationEnd.HEARING_CLOSED)
        for consultation in list(self._by_id.values()):
            await self._end(consultation, ended, None)

    # ---- commands ----------------------------------------------------------------------

    def _members(self, participant_ids: list[str]) -> list[Attendance]:
        if len(set(participant_ids)) != len(participant_ids):
            raise InvalidRequest("a participant is named twice")
        members = [self._roster.attendance_of(pid) for pid in participant_ids]
        check_consultation([m.participant.role for m in members])
        for member in members:
            if not member.present:
                raise InvalidState(f"{member.participant.name} is not connected.")
            if member.removed:
                raise InvalidState(f"{member.participant.name} was removed from the hearing.")
            if self._of(member) is not None:
                raise InvalidState(f"{member.participant.name} is already in a consultation.")
        return members

    def _of(self, attendance: Attendance) -> Consultation | None:
        return next((c for c in self._by_id.values() if attendance.id in c.participant_ids), None)

    def _get(self, consultation_id: str) -> Consultation:
        consultation = self._by_id.get(consultation_id)
        if consultation is None:
            raise NotFound("There is no such consultation in this hearing.")
        return consultation

    async def _tell(self, consultation: Consultation, event: str, data: dict[str, Any]) -> None:
        court_ids = {a.id for a in self._audience.court()}
        for pid in consultation.participant_ids:
            attendance = self._live.find(pid)
            if attendance is not None and attendance.id not in court_ids:
                await self._audience.send(attendance, event, data)
        await self._audience.to_court(event, data)

    async def request(self, by: Participant, participant_ids: list[str]) -> Consultation:
        if by.role not in CONSULTING_ROLES:
            raise PermissionDenied(f"the role {by.role.label} may not ask for a consultation")
        ids = [str(by.id), *[pid for pid in participant_ids if pid != by.id]]
        return await self._propose(by, ids, accepted={str(by.id)})

    async def respond(self, by: Participant, consultation_id: str, accept: bool) -> Consultation:
        consultation = self._get(consultation_id)
        if by.id not in consultation.participant_ids:
            raise PermissionDenied("You were not asked to this consultation.")
        if consultation.state is not ConsultationState.REQUESTED:
            raise InvalidState("This consultation is no longer waiting for an answer.")
        if not accept:
            await self._end(consultation, ConsultationEnded(ConsultationEnd.DECLINED, by.name), by)
            return consultation
        consultation.accepted_ids.add(str(by.id))
        if consultation.accepted_ids >= set(consultation.participant_ids):
            await self._start(consultation, by)
        return consultation

    async def open(self, by: Participant, participant_ids: list[str]) -> Consultation:
        """The court proposes a consultation: every member is asked, as when a member asks,
        and it starts only when all of them have accepted."""
        require_court(by)
        return await self._propose(by, list(participant_ids), accepted=set())

    async def _propose(
        self, by: Participant, participant_ids: list[str], *, accepted: set[str]
    ) -> Consultation:
        """Ask the members (all but those in ``accepted``) to a new consultation."""
        self._members(participant_ids)
        consultation = Consultation(
            id=f"cns_{secrets.token_urlsafe(8)}",
            requested_by=str(by.id),
            participant_ids=list(participant_ids),
            accepted_ids=accepted,
        )
        self._by_id[consultation.id] = consultation
        await self._tell(
            consultation, ServerEvent.CONSULTATION_REQUESTED, {"consultation": consultation.view()}
        )
        await self._events.publish(
            EventKind.CONSULTATION_REQUESTED, by, Subject.consultation(consultation.id), NO_PARAMS
        )
        return consultation

    async def end(self, by: Participant, consultation_id: str) -> None:
        consultation = self._get(consultation_id)
        if by.id not in consultation.participant_ids and not by.can(Permission.MODERATE):
            raise PermissionDenied("Only its members or the court may end a consultation.")
        await self._end(consultation, ConsultationEnded(ConsultationEnd.ENDED, by.name), by)

    async def _start(self, consultation: Consultation, by: Participant) -> None:
        live = self._live
        room = live.open_consultation_room(consultation.id)
        consultation.state = ConsultationState.ACTIVE
        for pid in consultation.participant_ids:
            attendance = self._roster.attendance_of(pid)
            attendance.room_before_consultation = attendance.room
            await self._transfers.transfer(attendance, room, "consultation_started")
        await self._tell(
            consultation, ServerEvent.CONSULTATION_STARTED, {"consultation": consultation.view()}
        )
        await self._events.publish(
            EventKind.CONSULTATION_STARTED, by, Subject.consultation(consultation.id), NO_PARAMS
        )

    async def _end(
        self, consultation: Consultation, ended: ConsultationEnded, by: Participant | None
    ) -> None:
        if consultation.state is ConsultationState.ENDED:
            return
        live = self._live
        was_active = consultation.state is ConsultationState.ACTIVE
        consultation.state = ConsultationState.ENDED
        self._by_id.pop(consultation.id, None)
        if was_active:
            for pid in consultation.participant_ids:
                attendance = live.find(pid)
                if attendance is None:
                    continue
                back = attendance.room_before_consultation or live.hearing_room
                if back.kind is RoomKind.CONSULTATION:
                    back = live.hearing_room
                attendance.room_before_consultation = None
                await self._transfers.transfer(attendance, back, "consultation_ended")
            await live.close_consultation_room(consultation.id)
        await self._tell(
            consultation,
            ServerEvent.CONSULTATION_ENDED,
            {"consultation": consultation.view(), "reason": ended.said},
        )
        if was_active:
            await self._events.publish(
                EventKind.CONSULTATION_ENDED, by, Subject.consultation(consultation.id), ended
            )
        await self._roster.roster_changed()
