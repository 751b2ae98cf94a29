"""Hearing events: what the court did and what happened to whom, as it happened.

Every moderation action, transfer, state change, connection gap and consultation is
published as one HearingEvent. The server audits them with actor and reason; the court
protocol writes them down, stamped with record time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HearingEvent:
    hearing_id: str
    kind: str  # e.g. "participant_admitted", "participant_muted", "consultation_started"
    actor: str  # "participant:<id> (<role>)" or "system"
    subject: str | None  # "participant:<id>", "consultation:<id>" or None for the hearing
    reason: str
    at: float  # Unix seconds
    record_time_ms: int | None  # milliseconds into the running recording, if any


EventSink = Callable[[HearingEvent], Awaitable[None]]


async def not_published(event: HearingEvent) -> None:
    """For tests and tools that run the signaling layer without an audit log."""
