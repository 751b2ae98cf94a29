"""HearingState and the transitions between states (DESIGN.md section 3).

The table is data so that the REST API, the live courtroom and tests all ask the same
question: may a hearing in state A go to state B?
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from court.errors import InvalidState


class HearingState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"  # the waiting room is open
    IN_SESSION = "in_session"
    PAUSED = "paused"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    # Not in DESIGN.md's list: the e-court system cancels hearings that never took place,
    # and a cancelled hearing must stay distinguishable from one that was held and closed.
    CANCELLED = "cancelled"


TRANSITIONS: Final[Mapping[HearingState, frozenset[HearingState]]] = {
    HearingState.SCHEDULED: frozenset({HearingState.OPEN, HearingState.CANCELLED}),
    HearingState.OPEN: frozenset(
        {HearingState.IN_SESSION, HearingState.CLOSED, HearingState.CANCELLED}
    ),
    HearingState.IN_SESSION: frozenset(
        {HearingState.PAUSED, HearingState.SUSPENDED, HearingState.CLOSED}
    ),
    HearingState.PAUSED: frozenset(
        {HearingState.IN_SESSION, HearingState.SUSPENDED, HearingState.CLOSED}
    ),
    # Suspended for a technical problem: the session resumes where it stopped.
    HearingState.SUSPENDED: frozenset({HearingState.IN_SESSION, HearingState.CLOSED}),
    HearingState.CLOSED: frozenset(),
    HearingState.CANCELLED: frozenset(),
}

# States in which the schedule (start, duration) may still change.
RESCHEDULABLE: Final = frozenset({HearingState.SCHEDULED})


# The hearing as shown to participants, in plain words.
STATE_LABELS: Final[Mapping[HearingState, str]] = {
    HearingState.SCHEDULED: "The hearing has not opened yet",
    HearingState.OPEN: "The waiting room is open; the hearing has not started",
    HearingState.IN_SESSION: "The hearing is in session",
    HearingState.PAUSED: "The hearing is paused",
    HearingState.SUSPENDED: "The hearing is suspended because of a technical problem",
    HearingState.CLOSED: "The hearing is closed",
    HearingState.CANCELLED: "The hearing was cancelled",
}

# States in which the court is sitting: the recorder must be running in each of them.
SITTING: Final = frozenset({HearingState.IN_SESSION, HearingState.PAUSED, HearingState.SUSPENDED})
# States in which the live courtroom exists: people wait, are admitted, take part.
LIVE: Final = frozenset({HearingState.SCHEDULED, HearingState.OPEN}) | SITTING


def check_transition(current: HearingState, target: HearingState) -> None:
    if target not in TRANSITIONS[current]:
        raise InvalidState(
            f"A hearing that is {current.value.replace('_', ' ')} "
            f"cannot become {target.value.replace('_', ' ')}."
        )
