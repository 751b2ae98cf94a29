"""Rooms inside a hearing, and who goes where (DESIGN.md section 3).

A hearing has one waiting room, one hearing room, and a consultation room for each private
consultation in progress. Each room has its own media Router, so which room a participant
is in decides, structurally, whose audio and video they can receive.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Final

from court.errors import InvalidRequest, PermissionDenied
from court.hearing_state import HearingState
from court.roles import Role


class RoomKind(StrEnum):
    WAITING = "waiting"
    HEARING = "hearing"
    CONSULTATION = "consultation"


ROOM_LABELS: Final[Mapping[RoomKind, str]] = {
    RoomKind.WAITING: "Waiting room",
    RoomKind.HEARING: "Hearing room",
    RoomKind.CONSULTATION: "Private consultation",
}

# The bench goes straight into the hearing room; everyone else waits to be admitted.
BENCH: Final = frozenset({Role.JUDGE, Role.CLERK})


def arrival_room(role: Role) -> RoomKind:
    return RoomKind.HEARING if role in BENCH else RoomKind.WAITING


# "Admit all parties" brings in everyone waiting except witnesses, who are called one by one
# so that none hears another's testimony.
CALLED_ONE_BY_ONE: Final = frozenset({Role.WITNESS})


def admitted_with_all(role: Role) -> bool:
    return role not in CALLED_ONE_BY_ONE


# Who may move a hearing into each state. The clerk opens the waiting room and may suspend
# for a technical problem; the judge conducts the session.
STATE_CHANGERS: Final[Mapping[HearingState, frozenset[Role]]] = {
    HearingState.OPEN: frozenset({Role.JUDGE, Role.CLERK}),
    HearingState.IN_SESSION: frozenset({Role.JUDGE}),
    HearingState.PAUSED: frozenset({Role.JUDGE}),
    HearingState.SUSPENDED: frozenset({Role.JUDGE, Role.CLERK}),
    HearingState.CLOSED: frozenset({Role.JUDGE}),
}


def authorize_state_change(role: Role, target: HearingState) -> None:
    if role not in STATE_CHANGERS.get(target, frozenset()):
        raise PermissionDenied(
            f"the role {role.label} may not make the hearing {target.value.replace('_', ' ')}"
        )


# A private consultation is between a defendant and defence counsel, with an interpreter
# if one is assigned; nobody else may take part in or listen to it.
CONSULTING_ROLES: Final = frozenset({Role.DEFENDANT, Role.DEFENCE, Role.INTERPRETER})
MAX_CONSULTATION_SIZE: Final = 4


def check_consultation(roles: Collection[Role]) -> None:
    """Refuse a consultation whose members are not a defendant and counsel (+ interpreter)."""
    if len(roles) > MAX_CONSULTATION_SIZE:
        raise InvalidRequest(f"a consultation has at most {MAX_CONSULTATION_SIZE} members")
    outsiders = sorted({r.label for r in roles if r not in CONSULTING_ROLES})
    if outsiders:
        raise PermissionDenied(
            "a private consultation is only for the defendant, defence counsel and an "
            f"interpreter, not: {', '.join(outsiders)}"
        )
    if Role.DEFENDANT not in roles or Role.DEFENCE not in roles:
        raise InvalidRequest("a consultation needs a defendant and defence counsel")
