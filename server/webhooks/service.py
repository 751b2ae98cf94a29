"""Webhooks: signed event deliveries to the e-court system, retried with back-off.

``publish`` stores one pending delivery per webhook registered for the event and wakes the
dispatcher, so a route never waits for a remote server. The dispatcher (started and
stopped with the app) POSTs each delivery's stored JSON body, signed with the webhook's
secret, and retries a non-2xx answer or a network error with exponential back-off until
its attempts run out. Deliveries live in the database: pending ones survive a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum, StrEnum
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from sqlalchemy.ext.asyncio import async_sessionmaker

from server.persistence.repositories.webhooks import (
    DELIVERED,
    FAILED,
    PENDING,
    DeliveryRecord,
    DueDelivery,
    WebhookRecord,
    WebhookRepository,
)

logger = logging.getLogger(__name__)


class WebhookEvent(StrEnum):
    HEARING_OPENED = "hearing.opened"
    HEARING_STARTED = "hearing.started"
    HEARING_CLOSED = "hearing.closed"
    RECORDING_AVAILABLE = "recording.available"
    # A recording cut by a crash was sealed on restart (or refused: see "refused").
    RECORDING_RECOVERED = "recording.recovered"


EVENT_HEADER = "X-Courtroom-Event"
DELIVERY_HEADER = "X-Courtroom-Delivery"
TIMESTAMP_HEADER = "X-Courtroom-Timestamp"
SIGNATURE_HEADER = "X-Courtroom-Signature"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 with the webhook's secret over ``<timestamp>.<body>``.

    Receivers recompute it and compare in constant time; the timestamp inside the signed
    text lets them refuse old replays."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host; ValueError saying what is wrong otherwise."""
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise ValueError("the URL must not contain spaces or control characters")
    parts = urlsplit(url)  # ValueError for a malformed IPv6 host
    if parts.scheme not in ("http", "https"):
        raise ValueError("the URL must start with http:// or https://")
    if not parts.hostname:
        raise ValueError("the URL must name a host")
    if parts.username is not None or parts.password is not None:
        # Every administrator can list webhooks; credentials belong in the signing secret.
        raise ValueError("the URL must not contain a user name or password")
    if parts.fragment:
        raise ValueError("the URL must not have a #fragment")
    _ = parts.port  # ValueError for a port that is not a number in range
    return url


@dataclass(frozen=True, slots=True)
class Retry:
    """Attempts and back-off: the n-th retry waits base * 2**(n-1), at most ``cap_s``."""

    max_attempts: int = 8
    base_s: float = 1.0
    cap_s: float = 300.0

    def delay_s(self, attempts_made: int) -> float:
        return float(min(self.cap_s, self.base_s * 2 ** (attempts_made - 1)))


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return _utc_text(value)
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class Webhooks:
    def __init__(
        self,
        sessions: async_sessionmaker[Any],
        *,
        retry: Retry | None = None,
        timeout_s: float = 10.0,
        concurrency: int = 8,
        poll_s: float = 30.0,
    ) -> None:
        self.repository = WebhookRepository(sessions)
        self.retry = retry or Retry()
        self._timeout_s = timeout_s
        # A dispatcher that died mid-attempt leaves its claim; another one retries after this.
        self._lease = timedelta(seconds=timeout_s + 5.0)
        self._concurrency = concurrency
        # Deliveries queued by another process (the CLI) are found by polling this often.
        self._poll_s = poll_s
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self._in_flight: dict[str, asyncio.Task[None]] = {}

    # Registration.

    async def register(
        self, *, url: str, events: Sequence[WebhookEvent | str], by: str
    ) -> tuple[WebhookRecord, str]:
        """Register ``url`` for ``events``; returns the webhook and its signing secret,
        which is shown this once."""
        check_url(url)
        names = list(dict.fromkeys(WebhookEvent(e).value for e in events))
        if not names:
            raise ValueError("a webhook needs at least one event")
        secret = f"whsec_{secrets.token_urlsafe(32)}"
        record = await self.repository.create(url=url, events=names, secret=secret, created_by=by)
        return record, secret

    async def active(self) -> list[WebhookRecord]:
        return await self.repository.active()

    async def get(self, webhook_id: str) -> WebhookRecord | None:
        return await self.repository.get(webhook_id)

    async def remove(self, webhook_id: str) -> WebhookRecord:
        return await self.repository.remove(webhook_id)

    async def deliveries(self, webhook_id: str, limit: int = 100) -> list[DeliveryRecord]:
        return await self.repository.deliveries_of(webhook_id, limit)

    # Publishing.

    async def publish(self, event: str, data: Mapping[str, object]) -> list[str]:
        """Queue ``event`` (hearing.opened, hearing.started, hearing.closed,
        recording.available, recording.recovered) for every webhook registered for it;
        never blocks on delivery. Returns the ids of the deliveries queued."""
        name = WebhookEvent(event).value  # ValueError for an event nobody can subscribe to
        payload = dict(data)
        json.dumps(payload, default=_json_default)  # TypeError now, not in the transaction
        occurred_at = _utc_text(datetime.now(UTC))

        def body(delivery_id: str) -> str:
            # The exact text signed and sent; stored, so every retry sends the same bytes.
            return json.dumps(
                {"id": delivery_id, "event": name, "occurred_at": occurred_at, "data": payload},
                default=_json_default,
                separators=(",", ":"),
                ensure_ascii=False,
            )

        queued = await self.repository.enqueue(name, body)
        if queued:
            self._wake.set()
        return queued

    async def recording_available(self, recording: Mapping[str, object]) -> None:
        """The signaling layer's report that a recording stopped and its file is sealed."""
        await self.publish(WebhookEvent.RECORDING_AVAILABLE, recording)

    # The dispatcher.

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start delivering, pending deliveries from before a restart first."""
        if self.running:
            return
        self._http = aiohttp.ClientSession(
            headers={"User-Agent": "courtroom-webhooks"}, trust_env=False
        )
        self._wake.set()
        self._task = asyncio.create_task(self._run(), name="webhook dispatcher")

    async def stop(self) -> None:
        """Stop delivering. An attempt cut off here is retried after a restart."""
        tasks = [t for t in (self._task, *self._in_flight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        self._in_flight.clear()
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self._dispatch_due()
                delay = await self._until_next_due()
            except Exception:
                logger.exception("webhook dispatcher: reading deliveries failed; trying again")
                delay = min(self._poll_s, 5.0)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    async def _dispatch_due(self) -> None:
        free = self._concurrency - len(self._in_flight)
        if free <= 0:
            return
        now = datetime.now(UTC)
        for delivery in await self.repository.due(now, limit=free):
            if delivery.id in self._in_flight:
                continue
            if not await self.repository.claim(delivery, now=now, until=now + self._lease):
                continue  # another dispatcher took this attempt
            task = asyncio.create_task(self._attempt(delivery), name=f"webhook {delivery.id}")
            self._in_flight[delivery.id] = task
            task.add_done_callback(functools.partial(self._finished, delivery.id))

    def _finished(self, delivery_id: str, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(delivery_id, None)
        if not task.cancelled() and task.exception() is not None:
            # Retried when its lease runs out; say why now, not at garbage collection.
            logger.error(
                "webhook delivery %s failed unexpectedly", delivery_id, exc_info=task.exception()
            )
        self._wake.set()

    async def _until_next_due(self) -> float:
        if len(self._in_flight) >= self._concurrency:
            return self._poll_s  # a finishing attempt wakes the loop
        due = await self.repository.next_due_at()
        if due is None:
            return self._poll_s
        seconds = (due - datetime.now(UTC)).total_seconds()
        return min(self._poll_s, max(0.01, seconds))

    async def _attempt(self, delivery: DueDelivery) -> None:
        status, error = await self._send(delivery)
        attempts = delivery.attempts + 1
        now = datetime.now(UTC)
        next_attempt_at: datetime | None = None
        if status is not None and 200 <= status < 300:
            state = DELIVERED
        elif attempts >= self.retry.max_attempts:
            state = FAILED
            logger.warning(
                "webhook delivery %s to %s failed after %d attempts: %s",
                delivery.id,
                delivery.url,
                attempts,
                error,
            )
        else:
            state = PENDING
            next_attempt_at = now + timedelta(seconds=self.retry.delay_s(attempts))
        try:
            await self.repository.finish_attempt(
                delivery,
                state=state,
                status=status,
                error=error,
                next_attempt_at=next_attempt_at,
                at=now,
            )
        except Exception:
            # The claim expires and the attempt is made again: deliveries are at least once.
            logger.exception("webhook delivery %s: recording the attempt failed", delivery.id)

    async def _send(self, delivery: DueDelivery) -> tuple[int | None, str | None]:
        """POST one delivery: (HTTP status, None) or (status or None, what went wrong)."""
        assert self._http is not None, "the dispatcher is not running"
        body = delivery.payload.encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: delivery.id,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(delivery.secret, timestamp, body),
        }
        try:
            async with self._http.post(
                delivery.url,
                data=body,
                headers=headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=self._timeout_s),
            ) as response:
                if 200 <= response.status < 300:
                    return response.status, None
                return response.status, f"HTTP {response.status} {response.reason or ''}".strip()
        except TimeoutError:
            return None, f"no answer within {self._timeout_s:g} s"
        except (aiohttp.ClientError, ValueError) as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
