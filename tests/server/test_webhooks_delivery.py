"""Webhook deliveries to a real HTTP receiver on 127.0.0.1: signed, retried, given up on,
and picked up again after a restart. Back-off is shrunk to milliseconds for the tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator

import pytest
from pytest_aiohttp import AiohttpServer

from server.persistence.database import sessions
from server.webhooks import Retry, Webhooks
from tests.server.conftest import Database
from tests.server.webhook_receiver import FAST, Receiver, settled, start_receiver, until_delivery


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> Receiver:
    return await start_receiver(aiohttp_server)


@pytest.fixture
async def webhooks(database: Database) -> AsyncIterator[Webhooks]:
    service = Webhooks(sessions(database.engine), retry=FAST, timeout_s=2.0)
    yield service
    await service.stop()


async def test_a_delivery_is_signed_with_the_secret_over_timestamp_and_body(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    webhook, secret = await webhooks.register(
        url=receiver.url, events=["hearing.opened"], by="staff:admin"
    )
    await webhooks.start()

    (delivery_id,) = await webhooks.publish(
        "hearing.opened", {"hearing_id": "hrg_1", "case_number": "1-1/2026"}
    )

    (request,) = await receiver.wait_for(1)
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Courtroom-Event"] == "hearing.opened"
    assert headers["X-Courtroom-Delivery"] == delivery_id
    timestamp = headers["X-Courtroom-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(headers["X-Courtroom-Signature"], f"sha256={expected}")
    body = json.loads(request.body)
    assert body["id"] == delivery_id
    assert body["event"] == "hearing.opened"
    assert body["data"] == {"hearing_id": "hrg_1", "case_number": "1-1/2026"}
    assert body["occurred_at"].endswith("Z")

    delivered = await until_delivery(webhooks, delivery_id, settled)
    assert (delivered.state, delivered.attempts, delivered.last_status) == ("delivered", 1, 200)
    assert delivered.webhook_id == webhook.id
    assert delivered.delivered_at is not None
    assert delivered.last_error is None and delivered.next_attempt_at is None


async def test_a_signature_made_with_another_secret_does_not_match(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    _, secret = await webhooks.register(url=receiver.url, events=["hearing.closed"], by="a")
    _, other_secret = await webhooks.register(
        url=receiver.url + "?other", events=["hearing.started"], by="a"
    )
    await webhooks.start()

    await webhooks.publish("hearing.closed", {"hearing_id": "hrg_1"})

    (request,) = await receiver.wait_for(1)
    timestamp = request.headers["X-Courtroom-Timestamp"]
    forged = hmac.new(
        other_secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert secret != other_secret
    assert request.headers["X-Courtroom-Signature"] != f"sha256={forged}"


async def test_only_webhooks_registered_for_the_event_get_it(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    opened, _ = await webhooks.register(url=receiver.url, events=["hearing.opened"], by="a")
    await webhooks.register(url=receiver.url, events=["hearing.closed"], by="a")
    both, _ = await webhooks.register(
        url=receiver.url, events=["hearing.closed", "hearing.opened"], by="a"
    )

    queued = await webhooks.publish("hearing.opened", {"hearing_id": "hrg_1"})

    assert len(queued) == 2
    owners = {(await webhooks.repository.delivery(d)).webhook_id for d in queued}  # type: ignore[union-attr]
    assert owners == {opened.id, both.id}


async def test_server_errors_are_retried_with_the_same_body_until_one_succeeds(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503, 500]
    await webhooks.register(url=receiver.url, events=["hearing.started"], by="a")
    await webhooks.start()

    (delivery_id,) = await webhooks.publish("hearing.started", {"hearing_id": "hrg_1"})

    requests = await receiver.wait_for(4)
    assert {r.headers["X-Courtroom-Delivery"] for r in requests} == {delivery_id}
    assert len({r.body for r in requests}) == 1
    delivered = await until_delivery(webhooks, delivery_id, settled)
    assert (delivered.state, delivered.attempts, delivered.last_status) == ("delivered", 4, 200)


async def test_a_delivery_fails_after_its_attempts_run_out(
    database: Database, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 10
    service = Webhooks(
        sessions(database.engine), retry=Retry(max_attempts=3, base_s=0.01), timeout_s=2.0
    )
    await service.register(url=receiver.url, events=["hearing.closed"], by="a")
    await service.start()
    try:
        (delivery_id,) = await service.publish("hearing.closed", {"hearing_id": "hrg_1"})

        failed = await until_delivery(service, delivery_id, settled)
    finally:
        await service.stop()

    assert (failed.state, failed.attempts, failed.last_status) == ("failed", 3, 500)
    assert failed.last_error == "HTTP 500 Internal Server Error"
    assert failed.next_attempt_at is None and failed.delivered_at is None
    assert len(receiver.requests) == 3


async def test_an_unreachable_receiver_is_retried_and_its_error_kept(
    database: Database, unused_tcp_port: int
) -> None:
    service = Webhooks(
        sessions(database.engine), retry=Retry(max_attempts=2, base_s=0.01), timeout_s=2.0
    )
    await service.register(
        url=f"http://127.0.0.1:{unused_tcp_port}/hook", events=["hearing.closed"], by="a"
    )
    await service.start()
    try:
        (delivery_id,) = await service.publish("hearing.closed", {"hearing_id": "hrg_1"})

        failed = await until_delivery(service, delivery_id, settled)
    finally:
        await service.stop()

    assert (failed.state, failed.attempts, failed.last_status) == ("failed", 2, None)
    assert failed.last_error is not None and "ClientConnectorError" in failed.last_error


async def test_a_receiver_that_does_not_answer_in_time_counts_as_a_failure(
    database: Database, receiver: Receiver
) -> None:
    receiver.hang_s = 1.0
    service = Webhooks(sessions(database.engine), retry=Retry(max_attempts=1), timeout_s=0.2)
    await service.register(url=receiver.url, events=["hearing.closed"], by="a")
    await service.start()
    try:
        (delivery_id,) = await service.publish("hearing.closed", {"hearing_id": "hrg_1"})

        failed = await until_delivery(service, delivery_id, settled)
    finally:
        await service.stop()

    assert (failed.state, failed.attempts, failed.last_error) == (
        "failed",
        1,
        "no answer within 0.2 s",
    )


async def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    database: Database, receiver: Receiver
) -> None:
    receiver.statuses = [302]
    service = Webhooks(sessions(database.engine), retry=Retry(max_attempts=1), timeout_s=2.0)
    await service.register(url=receiver.url, events=["hearing.closed"], by="a")
    await service.start()
    try:
        (delivery_id,) = await service.publish("hearing.closed", {"hearing_id": "hrg_1"})
        failed = await until_delivery(service, delivery_id, settled)
    finally:
        await service.stop()

    assert (failed.state, failed.last_status) == ("failed", 302)


async def test_deliveries_queued_while_stopped_are_sent_after_a_restart(
    database: Database, receiver: Receiver
) -> None:
    before = Webhooks(sessions(database.engine), retry=FAST)
    await before.register(url=receiver.url, events=["recording.available"], by="a")
    # Queued while no dispatcher runs (the process stopped before sending them).
    queued = [
        *await before.publish("recording.available", {"recording_id": "rec_1"}),
        *await before.publish("recording.available", {"recording_id": "rec_2"}),
    ]
    assert [(await before.repository.delivery(d)).state for d in queued] == ["pending"] * 2  # type: ignore[union-attr]

    after = Webhooks(sessions(database.engine), retry=FAST)
    await after.start()
    try:
        requests = await receiver.wait_for(2)
        for delivery_id in queued:
            await until_delivery(after, delivery_id, settled)
    finally:
        await after.stop()

    assert sorted(json.loads(r.body)["data"]["recording_id"] for r in requests) == [
        "rec_1",
        "rec_2",
    ]


async def test_a_delivery_waiting_for_its_retry_is_retried_after_a_restart(
    database: Database, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    before = Webhooks(sessions(database.engine), retry=Retry(base_s=0.3))
    await before.register(url=receiver.url, events=["hearing.opened"], by="a")
    await before.start()
    (delivery_id,) = await before.publish("hearing.opened", {"hearing_id": "hrg_1"})
    waiting = await until_delivery(before, delivery_id, lambda d: d.attempts == 1)
    await before.stop()
    assert (waiting.state, waiting.last_status) == ("pending", 500)

    after = Webhooks(sessions(database.engine), retry=Retry(base_s=0.3))
    await after.start()
    try:
        delivered = await until_delivery(after, delivery_id, settled)
    finally:
        await after.stop()

    assert (delivered.state, delivered.attempts, delivered.last_status) == ("delivered", 2, 200)


async def test_two_dispatchers_on_one_database_send_each_attempt_once(
    database: Database, receiver: Receiver
) -> None:
    first = Webhooks(sessions(database.engine), retry=FAST)
    second = Webhooks(sessions(database.engine), retry=FAST)
    await first.register(url=receiver.url, events=["hearing.opened"], by="a")
    queued = [
        delivery
        for i in range(10)
        for delivery in await first.publish("hearing.opened", {"hearing_id": f"hrg_{i}"})
    ]
    await asyncio.gather(first.start(), second.start())
    try:
        for delivery_id in queued:
            await until_delivery(first, delivery_id, settled)
    finally:
        await asyncio.gather(first.stop(), second.stop())

    delivered_ids = [r.headers["X-Courtroom-Delivery"] for r in receiver.requests]
    assert sorted(delivered_ids) == sorted(queued)


async def test_removing_a_webhook_fails_its_pending_deliveries_and_stops_new_ones(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    webhook, _ = await webhooks.register(url=receiver.url, events=["hearing.opened"], by="a")
    (pending,) = await webhooks.publish("hearing.opened", {"hearing_id": "hrg_1"})

    await webhooks.remove(webhook.id)

    stopped = await webhooks.repository.delivery(pending)
    assert stopped is not None
    assert (stopped.state, stopped.last_error) == ("failed", "webhook removed")
    assert await webhooks.publish("hearing.opened", {"hearing_id": "hrg_2"}) == []
    assert await webhooks.active() == []


async def test_publishing_without_webhooks_queues_nothing(webhooks: Webhooks) -> None:
    assert await webhooks.publish("hearing.closed", {"hearing_id": "hrg_1"}) == []


async def test_publishing_an_unknown_event_or_unserialisable_data_is_a_bug(
    webhooks: Webhooks,
) -> None:
    with pytest.raises(ValueError, match=r"hearing\.deleted"):
        await webhooks.publish("hearing.deleted", {})
    with pytest.raises(TypeError):
        await webhooks.publish("hearing.closed", {"what": object()})


def test_back_off_doubles_from_the_base_up_to_the_cap() -> None:
    retry = Retry(max_attempts=8, base_s=1.0, cap_s=30.0)

    assert [retry.delay_s(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_defaults_are_eight_attempts_one_second_apart_doubling() -> None:
    retry = Retry()

    assert (retry.max_attempts, retry.delay_s(1), retry.delay_s(7)) == (8, 1.0, 64.0)
