"""The Hearing and who takes part in it.

Immutable facts handed from persistence (server/) to the live layers (signaling/,
recordings/). State changes go through court.hearing_state's transition table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from court.hearing_state import RESCHEDULABLE, HearingState
from court.ids import HearingId, ParticipantId
from court.permissions import Permission, can
from court.roles import Role


@dataclass(frozen=True, slots=True)
class Hearing:
    id: HearingId
    case_number: str
    title: str
    court: str = ""
    courtroom: str = ""
    presiding_judge: str = ""  # the judge's staff username
    clerk: str = ""  # the clerk's staff username; "" when scheduled without one
    scheduled_start: datetime | None = None
    duration: timedelta = timedelta(hours=1)
    language: str = "en"
    state: HearingState = HearingState.SCHEDULED

    @property
    def scheduled_end(self) -> datetime | None:
        return None if self.scheduled_start is None else self.scheduled_start + self.duration

    @property
    def reschedulable(self) -> bool:
        return self.state in RESCHEDULABLE


@dataclass(frozen=True, slots=True)
class Participant:
    id: ParticipantId
    hearing_id: HearingId
    name: str
    role: Role
    represents: ParticipantId | None = None  # counsel for a defendant, interpreter for a witness
    in_custody: bool = False  # joins from a detention facility

    def can(self, permission: Permission) -> bool:
        return can(self.role, permission)


@dataclass(frozen=True, slots=True)
class JoinGrant:
    """What a verified join link admits: one participant, with one role, to one hearing."""

    hearing: Hearing
    participant: Participant
    # A bench member's join from their staff session: the session's public id and the
    # account's id, so that ending the session closes the page it opened (H1).
    staff_session: str | None = None
    staff_account: str | None = None
