"""The Hearing and who takes part in it, as the live layers see them.

These are immutable facts handed from persistence (server/) to the live layers
(signaling/, recordings/); the full aggregate with its state machine grows here in the
court data and live courtroom issues.
"""

from __future__ import annotations

from dataclasses import dataclass

from court.ids import HearingId, ParticipantId
from court.permissions import Permission, can
from court.roles import Role


@dataclass(frozen=True, slots=True)
class Hearing:
    id: HearingId
    case_number: str
    title: str


@dataclass(frozen=True, slots=True)
class Participant:
    id: ParticipantId
    hearing_id: HearingId
    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return can(self.role, permission)


@dataclass(frozen=True, slots=True)
class JoinGrant:
    """What a verified join link admits: one participant, with one role, to one hearing."""

    hearing: Hearing
    participant: Participant
