"""Rules on hearing state that several resources share."""

from __future__ import annotations

from court.errors import InvalidState
from court.hearing import Hearing
from court.hearing_state import HearingState

ENDED = frozenset({HearingState.CLOSED, HearingState.CANCELLED})


def require_not_ended(hearing: Hearing) -> None:
    if hearing.state in ENDED:
        raise InvalidState(
            f"Hearing {hearing.case_number} is {hearing.state.value}; it takes no more changes."
        )
