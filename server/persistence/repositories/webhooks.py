"""Registered webhooks and their deliveries: one row per event per webhook, with its state.

A delivery is ``pending`` until a POST is answered 2xx (``delivered``) or its attempts run
out (``failed``). Dispatchers claim a due delivery by moving its ``next_attempt_at`` past
the attempt's time-out, conditioned on the attempt count they read, so two processes never
send the same attempt and a process that dies mid-attempt leaves the row to be retried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import NotFound
from court.ids import new_id
from server.persistence.models import WebhookDeliveryRow, WebhookRow
from server.persistence.repositories.hearings import aware

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@dataclass(frozen=True, slots=True)
class WebhookRecord:
    id: str
    url: str
    events: tuple[str, ...]
    created_by: str
    created_at: datetime
    removed_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    id: str
    webhook_id: str
    event: str
    payload: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A pending delivery with what sending it needs."""

    id: str
    event: str
    payload: str
    attempts: int
    url: str
    secret: str


def _webhook(row: WebhookRow) -> WebhookRecord:
    return WebhookRecord(
        id=row.id,
        url=row.url,
        events=tuple(row.events.split()),
        created_by=row.created_by,
        created_at=aware(row.created_at) or row.created_at,
        removed_at=aware(row.removed_at),
    )


def _delivery(row: WebhookDeliveryRow) -> DeliveryRecord:
    return DeliveryRecord(
        id=row.id,
        webhook_id=row.webhook_id,
        event=row.event,
        payload=row.payload,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=aware(row.next_attempt_at),
        last_status=row.last_status,
        last_error=row.last_error,
        created_at=aware(row.created_at) or row.created_at,
        delivered_at=aware(row.delivered_at),
    )


class WebhookRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def create(
        self, *, url: str, events: Sequence[str], secret: str, created_by: str
    ) -> WebhookRecord:
        row = WebhookRow(
            id=new_id("whk"),
            url=url,
            secret=secret,
            events=" ".join(events),
            created_by=created_by,
            created_at=datetime.now(UTC),
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return _webhook(row)

    async def get(self, webhook_id: str) -> WebhookRecord | None:
        """A webhook by id, removed ones included (their deliveries stay readable)."""
        async with self._sessions() as session:
            row = await session.get(WebhookRow, webhook_id)
            return None if row is None else _webhook(row)

    async def active(self) -> list[WebhookRecord]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(WebhookRow)
                .where(WebhookRow.removed_at.is_(None))
                .order_by(WebhookRow.created_at, WebhookRow.id)
            )
            return [_webhook(r) for r in rows]

    async def remove(self, webhook_id: str) -> WebhookRecord:
        """Remove a webhook; its pending deliveries fail, nothing more is sent to it."""
        async with self._sessions.begin() as session:
            row = await session.get(WebhookRow, webhook_id)
            if row is None or row.removed_at is not None:
                raise NotFound(f"There is no webhook {webhook_id!r}.")
            now = datetime.now(UTC)
            row.removed_at = now
            await session.execute(
                update(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.webhook_id == webhook_id)
                .where(WebhookDeliveryRow.state == PENDING)
                .values(state=FAILED, next_attempt_at=None, last_error="webhook removed")
            )
            return _webhook(row)

    async def enqueue(self, event: str, body: Callable[[str], str]) -> list[str]:
        """One pending delivery of ``event`` per active webhook registered for it;
        ``body(delivery_id)`` gives each one's JSON. Returns the new deliveries' ids."""
        async with self._sessions.begin() as session:
            hooks = await session.scalars(select(WebhookRow).where(WebhookRow.removed_at.is_(None)))
            now = datetime.now(UTC)
            ids = []
            for hook in hooks:
                if event not in hook.events.split():
                    continue
                delivery_id = new_id("dlv")
                session.add(
                    WebhookDeliveryRow(
                        id=delivery_id,
                        webhook_id=hook.id,
                        event=event,
                        payload=body(delivery_id),
                        state=PENDING,
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
                ids.append(delivery_id)
            return ids

    async def deliveries_of(self, webhook_id: str, limit: int = 100) -> list[DeliveryRecord]:
        """The webhook's deliveries, newest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.webhook_id == webhook_id)
                .order_by(WebhookDeliveryRow.created_at.desc(), WebhookDeliveryRow.id)
                .limit(limit)
            )
            return [_delivery(r) for r in rows]

    async def delivery(self, delivery_id: str) -> DeliveryRecord | None:
        async with self._sessions() as session:
            row = await session.get(WebhookDeliveryRow, delivery_id)
            return None if row is None else _delivery(row)

    async def due(self, now: datetime, limit: int) -> list[DueDelivery]:
        """Pending deliveries whose next attempt is due, earliest first."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(WebhookDeliveryRow, WebhookRow.url, WebhookRow.secret)
                .join(WebhookRow, WebhookRow.id == WebhookDeliveryRow.webhook_id)
                .where(WebhookDeliveryRow.state == PENDING)
                .where(WebhookDeliveryRow.next_attempt_at <= now)
                .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
                .limit(limit)
            )
            return [
                DueDelivery(
                    id=row.id,
                    event=row.event,
                    payload=row.payload,
                    attempts=row.attempts,
                    url=url,
                    secret=secret,
                )
                for row, url, secret in rows
            ]

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending delivery is next due, if any is pending."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(func.min(WebhookDeliveryRow.next_attempt_at)).where(
                    WebhookDeliveryRow.state == PENDING
                )
            )
            return aware(found)

    async def claim(self, delivery: DueDelivery, *, now: datetime, until: datetime) -> bool:
        """Take ``delivery``'s next attempt for this process until ``until``; False if
        another dispatcher took it first or it is no longer pending."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.id == delivery.id)
                .where(WebhookDeliveryRow.state == PENDING)
                .where(WebhookDeliveryRow.attempts == delivery.attempts)
                .where(WebhookDeliveryRow.next_attempt_at <= now)
                .values(next_attempt_at=until)
            )
            return bool(result.rowcount == 1)

    async def finish_attempt(
        self,
        delivery: DueDelivery,
        *,
        state: str,
        status: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
        at: datetime,
    ) -> None:
        """Record one attempt's outcome (only if the delivery is still as it was claimed)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.id == delivery.id)
                .where(WebhookDeliveryRow.state == PENDING)
                .where(WebhookDeliveryRow.attempts == delivery.attempts)
                .values(
                    state=state,
                    attempts=delivery.attempts + 1,
                    last_status=status,
                    last_error=None if error is None else error[:500],
                    next_attempt_at=next_attempt_at,
                    delivered_at=at if state == DELIVERED else None,
                )
            )
