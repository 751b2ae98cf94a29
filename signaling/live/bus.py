"""The hearing's event bus: every hearing event, published once, to every subscriber.

Every moderation action, transfer, state change, connection gap and consultation is
published as one court.events.HearingEvent. Its subscribers, in order: the recording's
timeline (while recorded), the sink the server hands in (the audit log), then each feature
of the hearing (the court protocol writes events down; the exhibit register follows screen
shares). A failing subscriber is logged and the others still hear of it: the court's action
has happened either way.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from court.event_params import EventParams, Gap
from court.events import EventActor, EventKind, HearingEvent, Subject, audit_reason, check_params
from court.hearing import Participant

if TYPE_CHECKING:
    from signaling.live.hearing import LiveHearing

logger = logging.getLogger(__name__)

EventSink = Callable[[HearingEvent], Awaitable[None]]
Subscriber = Callable[[HearingEvent, Participant | None], Awaitable[None]]


async def not_published(event: HearingEvent) -> None:
    """For tests and tools that run the signaling layer without an audit log."""


class HearingEventBus:
    """Implements ports.EventBus for one live hearing."""

    def __init__(self, live: LiveHearing, sink: EventSink) -> None:
        self._live = live
        self._subscribers: list[tuple[str, Subscriber]] = [
            ("the recording's timeline", self._on_timeline),
            ("the audit log", lambda event, _by: sink(event)),
        ]

    def subscribe(self, name: str, subscriber: Subscriber) -> None:
        """``name`` says who failed, in the log, when the subscriber raises."""
        self._subscribers.append((name, subscriber))

    async def publish(
        self,
        kind: EventKind,
        by: Participant | None,
        subject: Subject,
        params: EventParams,
    ) -> None:
        check_params(kind, params)
        event = HearingEvent(
            hearing_id=self._live.hearing.id,
            kind=kind,
            actor=EventActor.of(by),
            subject=subject,
            params=params,
            at=self._live.clock.wall(),
            record_time_ms=self._live.recorder.record_time_ms(),
        )
        for name, subscriber in list(self._subscribers):
            try:
                await subscriber(event, by)
            except Exception:
                logger.exception("%s could not take hearing event %s", name, kind)

    async def _on_timeline(self, event: HearingEvent, _by: Participant | None) -> None:
        """While the hearing is recorded, the event goes on the recording's timeline; one
        that ends a gap (``Gap``: a lost connection) is kept as a span."""
        recording = self._live.recorder.recording
        now_ms = event.record_time_ms
        if recording is None or now_ms is None:
            return
        gap_s = event.params.seconds if isinstance(event.params, Gap) else None
        start_ms = now_ms if gap_s is None else max(0, now_ms - round(gap_s * 1000))
        await recording.note(
            "gap" if gap_s is not None else event.kind.value,
            start_ms,
            None if gap_s is None else now_ms,
            event.subject.label,
            audit_reason(event.kind, event.params) or event.kind.value,
        )
