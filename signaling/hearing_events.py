"""Where hearing events go: the sink the server hands the live courtroom.

Every moderation action, transfer, state change, connection gap and consultation is
published as one court.events.HearingEvent. The server audits them with actor and reason;
the court protocol writes them down, stamped with record time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from court.events import HearingEvent

EventSink = Callable[[HearingEvent], Awaitable[None]]


async def not_published(event: HearingEvent) -> None:
    """For tests and tools that run the signaling layer without an audit log."""
