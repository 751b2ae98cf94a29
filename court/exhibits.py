"""The exhibit register: evidence shown in a hearing, numbered, with who offered it, when it
was on screen, and what the court ruled on it.

Every change to the register is also written into the court protocol (an ``exhibit``
entry), so the protocol alone tells the story and the register is the table beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

MAX_DESCRIPTION: Final = 500  # characters: "Photograph of the crossing, taken 3 May"


class ExhibitStatus(StrEnum):
    OFFERED = "offered"  # put before the court; no ruling yet
    ADMITTED = "admitted"  # the court admitted it as evidence
    EXCLUDED = "excluded"  # the court refused it


STATUS_LABELS: Final[Mapping[ExhibitStatus, str]] = {
    ExhibitStatus.OFFERED: "Offered",
    ExhibitStatus.ADMITTED: "Admitted",
    ExhibitStatus.EXCLUDED: "Excluded",
}


@dataclass(frozen=True, slots=True)
class Showing:
    """One stretch of time the exhibit was on screen in the hearing room."""

    shown_by: str  # the participant who shared the screen
    recording_id: str | None  # what the record times refer to; None: not recorded
    start_ms: int | None  # record time (master) the share began
    end_ms: int | None  # record time it ended
    ended: bool  # False while it is on screen


@dataclass(frozen=True, slots=True)
class Exhibit:
    id: str
    hearing_id: str
    number: int  # 1, 2, 3... in the order exhibits were registered
    description: str
    offered_by: str | None  # participant id; None if the court put it forward itself
    status: ExhibitStatus
    showings: tuple[Showing, ...]
    created_at: float  # Unix seconds
    updated_at: float

    @property
    def on_screen(self) -> bool:
        return any(not s.ended for s in self.showings)


# How a change of the register is written into the protocol, by phrase. The exports render
# these in the document's language (server/protocol_document), which is why they are kept
# as templates here rather than written out where they are used.
EXHIBIT_WORDS: Final[Mapping[str, str]] = {
    "offered": "Exhibit {number} offered by {who}: {description}",
    "put_forward": "Exhibit {number} put forward by the court: {description}",
    "ruled_because": "Exhibit {number} {status}: {reason}",
    "ruled": "Exhibit {number} {status}",
    "described": "Exhibit {number} described as: {description}",
    "shown": "Exhibit {number} shown on screen",
    "hidden_span": "Exhibit {number} no longer on screen (shown from {start} to {end})",
    "hidden": "Exhibit {number} no longer on screen",
}
