"""Changing a hearing's state: the transition, its audit entry and its webhook, together.

Every path that moves a hearing (the staff API's cancel today, the live courtroom's open,
start and close in the live courtroom issue) goes through ``HearingStates.change``, so the
e-court system hears of every opening, start and close exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Final

from court.court_time import BAKU_TIME, CourtTime
from court.errors import InvalidRequest
from court.hearing import Hearing
from court.hearing_state import HearingState
from server.audit import AuditLog
from server.persistence.repositories import HearingRepository
from server.views import hearing_view
from server.webhooks import WebhookEvent, Webhooks

logger = logging.getLogger(__name__)

EVENTS: Final = {
    HearingState.OPEN: WebhookEvent.HEARING_OPENED,
    HearingState.IN_SESSION: WebhookEvent.HEARING_STARTED,
    HearingState.CLOSED: WebhookEvent.HEARING_CLOSED,
}


class HearingStates:
    def __init__(
        self,
        hearings: HearingRepository,
        audit: AuditLog,
        webhooks: Webhooks,
        *,
        checkpoint: Callable[[], Awaitable[object]] | None = None,
        court_time: CourtTime = BAKU_TIME,
    ) -> None:
        self._hearings = hearings
        self._court_time = court_time
        self._audit = audit
        self._webhooks = webhooks
        # Signs the audit log's head (AuditCheckpoints.checkpoint), called once a close
        # is recorded.
        self._checkpoint = checkpoint

    def check_opening_day(
        self, hearing: Hearing, target: HearingState, reason: str, now: datetime | None = None
    ) -> None:
        """Opening a hearing on another day than the one it is scheduled for (the court's
        day) needs a reason, which goes into the protocol: the parties were summoned for
        that day, and a hearing held a day early is held without them. InvalidRequest if
        none is given."""
        if target is not HearingState.OPEN or hearing.scheduled_start is None or reason.strip():
            return
        scheduled = self._court_time.day(hearing.scheduled_start)
        today = self._court_time.day(now or datetime.now(UTC))
        if scheduled != today:
            raise InvalidRequest(
                f"Hearing {hearing.case_number} is scheduled for {scheduled:%d %B %Y}, not "
                f"today ({today:%d %B %Y}, {self._court_time.name}): to open it today, give "
                "the reason, which is written into the protocol."
            )

    async def change(
        self, hearing_id: str, target: HearingState, *, actor: str, reason: str
    ) -> Hearing:
        """Move the hearing to ``target`` (InvalidState if the table forbids it)."""
        before, after = await self._hearings.set_state(hearing_id, target)
        await self._audit.record(
            actor=actor,
            action=f"hearing.{target.value}",
            object=f"hearing:{after.id}",
            reason=f"{before.state.value} -> {after.state.value}: {reason}",
        )
        if target is HearingState.CLOSED and self._checkpoint is not None:
            # The record of a closed hearing should not wait up to a minute to be anchored.
            # The close has happened and is recorded; a checkpoint that fails is logged
            # (and retried by the periodic task), never a failed close.
            try:
                await self._checkpoint()
            except Exception:
                logger.exception("the audit log was not checkpointed after closing %s", after.id)
        event = EVENTS.get(target)
        # A hearing starts once; resuming after a pause or a suspension is not a new start.
        if target is HearingState.IN_SESSION and before.state is not HearingState.OPEN:
            event = None
        if event is not None:
            await self._webhooks.publish(
                event.value, {"hearing": hearing_view(after), "previous_state": before.state.value}
            )
        return after
