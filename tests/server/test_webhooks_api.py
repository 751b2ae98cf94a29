"""Webhooks over HTTP: administrators register, list, remove and watch deliveries; bad
registrations store nothing; everyone else is refused, and the refusal is audited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpServer
from sqlalchemy import func, select

from server import keys
from server.app import create_app
from server.audit import AuditEntry
from server.persistence.database import sessions
from server.persistence.models import WebhookRow
from server.problems import problem_details, security_headers
from server.settings import Settings
from server.webhooks import Webhooks
from server.webhooks import routes as webhook_routes
from tests.server.conftest import Database
from tests.server.test_audit_api import actor_from_header, actor_named
from tests.server.webhook_receiver import (
    FAST,
    Receiver,
    settled,
    start_receiver,
    until_delivery,
)

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[web.Application], Awaitable[Client]]

ADMIN = {"X-Test-Actor": "administrator"}
REGISTRATION = {"url": "https://ecourt.example/hooks", "events": ["hearing.opened"]}


@pytest.fixture
async def webhooks(database: Database) -> AsyncIterator[Webhooks]:
    service = Webhooks(sessions(database.engine), retry=FAST, timeout_s=2.0)
    yield service  # tests that need deliveries sent start it
    await service.stop()


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> Receiver:
    return await start_receiver(aiohttp_server)


@pytest.fixture
async def client(aiohttp_client: MakeClient, database: Database, webhooks: Webhooks) -> Client:
    app = web.Application(middlewares=[security_headers, problem_details, actor_from_header])
    app[keys.AUDIT] = database.audit
    app[keys.WEBHOOKS] = webhooks
    webhook_routes.add_routes(app.router)
    return await aiohttp_client(app)


async def stored_webhooks(database: Database) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(WebhookRow)) or 0)


async def audit_entries(database: Database) -> list[AuditEntry]:
    return await database.audit.entries.page()


async def register(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1/webhooks", json=body, headers=ADMIN)
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


async def test_an_administrator_registers_a_webhook_and_sees_its_secret_once(
    client: Client, database: Database
) -> None:
    created = await register(
        client, {"url": "https://ecourt.example/hooks", "events": ["hearing.opened"]}
    )

    assert created["url"] == "https://ecourt.example/hooks"
    assert created["events"] == ["hearing.opened"]
    assert created["created_by"] == "staff:administrator"
    assert created["id"].startswith("whk_")
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    listed = await (await client.get("/api/v1/webhooks", headers=ADMIN)).json()
    assert listed == {"webhooks": [{k: v for k, v in created.items() if k != "secret"}]}
    (entry,) = await audit_entries(database)
    assert (entry.actor, entry.action, entry.object, entry.outcome) == (
        "staff:administrator",
        "webhook.create",
        f"webhook:{created['id']}",
        "allowed",
    )
    assert entry.reason == "https://ecourt.example/hooks for hearing.opened"


async def test_a_webhook_may_take_every_event(client: Client) -> None:
    events = ["hearing.opened", "hearing.started", "hearing.closed", "recording.available"]

    created = await register(client, {"url": "http://127.0.0.1:9000/x?y=1", "events": events})

    assert created["events"] == events


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://ecourt.example/hooks", "events": ["hearing.opened"]},
        {"url": "javascript:alert(1)", "events": ["hearing.opened"]},
        {"url": "https://", "events": ["hearing.opened"]},
        {"url": "ecourt.example/hooks", "events": ["hearing.opened"]},
        {"url": "https://user:pw@ecourt.example/hooks", "events": ["hearing.opened"]},
        {"url": "https://ecourt.example/hooks#x", "events": ["hearing.opened"]},
        {"url": "https://ecourt.example:99999/hooks", "events": ["hearing.opened"]},
        {"url": "https://ecourt.example/ hooks", "events": ["hearing.opened"]},
        {"url": "https://ecourt.example/" + "a" * 2000, "events": ["hearing.opened"]},
        {"url": 42, "events": ["hearing.opened"]},
        {"events": ["hearing.opened"]},
        {"url": "https://ecourt.example/hooks"},
        {"url": "https://ecourt.example/hooks", "events": []},
        {"url": "https://ecourt.example/hooks", "events": ["hearing.deleted"]},
        {"url": "https://ecourt.example/hooks", "events": "hearing.opened"},
        {"url": "https://ecourt.example/hooks", "events": ["hearing.opened", "hearing.opened"]},
        {"url": "https://ecourt.example/hooks", "events": ["hearing.opened"], "secret": "mine"},
        {},
    ],
)
async def test_a_bad_registration_is_refused_and_nothing_is_stored(
    client: Client, database: Database, body: dict[str, Any]
) -> None:
    response = await client.post("/api/v1/webhooks", json=body, headers=ADMIN)

    assert response.status == 422
    assert response.content_type == "application/problem+json"
    assert (await response.json())["code"] == "invalid_request"
    assert await stored_webhooks(database) == 0
    assert await audit_entries(database) == []


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b"x" * 20_000])
async def test_a_body_that_is_not_a_registration_is_refused(
    client: Client, database: Database, raw: bytes
) -> None:
    response = await client.post(
        "/api/v1/webhooks",
        data=raw,
        headers={**ADMIN, "Content-Type": "application/json"},
    )

    assert response.status == 422
    assert await stored_webhooks(database) == 0


async def test_removing_a_webhook_is_audited_and_it_leaves_the_list(
    client: Client, database: Database
) -> None:
    created = await register(client, REGISTRATION)

    response = await client.delete(f"/api/v1/webhooks/{created['id']}", headers=ADMIN)

    assert response.status == 204
    assert await (await client.get("/api/v1/webhooks", headers=ADMIN)).json() == {"webhooks": []}
    entry = (await audit_entries(database))[-1]
    assert (entry.action, entry.object, entry.reason) == (
        "webhook.delete",
        f"webhook:{created['id']}",
        "https://ecourt.example/hooks",
    )
    again = await client.delete(f"/api/v1/webhooks/{created['id']}", headers=ADMIN)
    assert again.status == 404


async def test_unknown_webhooks_are_not_found(client: Client) -> None:
    for method, path in [
        ("DELETE", "/api/v1/webhooks/whk_nope"),
        ("GET", "/api/v1/webhooks/whk_nope/deliveries"),
    ]:
        response = await client.request(method, path, headers=ADMIN)
        assert response.status == 404
        assert (await response.json())["code"] == "not_found"


async def deliveries_of(client: Client, webhook_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/webhooks/{webhook_id}/deliveries", headers=ADMIN)
    assert response.status == 200
    found: list[dict[str, Any]] = (await response.json())["deliveries"]
    return found


async def test_delivery_states_are_visible_through_the_api(
    client: Client, webhooks: Webhooks, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    created = await register(client, {"url": receiver.url, "events": ["hearing.closed"]})
    (delivery_id,) = await webhooks.publish("hearing.closed", {"hearing_id": "hrg_1"})

    (pending,) = await deliveries_of(client, created["id"])
    assert pending["id"] == delivery_id
    assert pending["webhook_id"] == created["id"]
    assert pending["event"] == "hearing.closed"
    assert (pending["state"], pending["attempts"], pending["last_status"]) == ("pending", 0, None)
    assert pending["next_attempt_at"].endswith("Z")
    assert pending["delivered_at"] is None
    assert set(pending) == {
        "id",
        "webhook_id",
        "event",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    }

    await webhooks.start()
    await until_delivery(webhooks, delivery_id, settled)

    (delivered,) = await deliveries_of(client, created["id"])
    assert (delivered["state"], delivered["attempts"], delivered["last_status"]) == (
        "delivered",
        2,
        200,
    )
    assert delivered["last_error"] is None  # it describes the last attempt, which succeeded
    assert delivered["next_attempt_at"] is None
    assert delivered["delivered_at"].endswith("Z")


async def test_deliveries_are_listed_newest_first_up_to_a_limit(
    client: Client, webhooks: Webhooks
) -> None:
    created = await register(client, REGISTRATION)
    queued = [
        (await webhooks.publish("hearing.opened", {"hearing_id": f"hrg_{i}"}))[0] for i in range(3)
    ]

    response = await client.get(
        f"/api/v1/webhooks/{created['id']}/deliveries?limit=2", headers=ADMIN
    )

    assert [d["id"] for d in (await response.json())["deliveries"]] == queued[::-1][:2]
    for bad in ("limit=0", "limit=x", "after=1"):
        refused = await client.get(
            f"/api/v1/webhooks/{created['id']}/deliveries?{bad}", headers=ADMIN
        )
        assert refused.status == 422, bad


@pytest.mark.parametrize("who", ["clerk", "judge", "archivist", "token"])
@pytest.mark.parametrize(
    ("method", "path", "action", "object"),
    [
        ("GET", "/api/v1/webhooks", "webhook.list", "webhooks"),
        ("POST", "/api/v1/webhooks", "webhook.create", "webhooks"),
        ("DELETE", "/api/v1/webhooks/whk_1", "webhook.delete", "webhook:whk_1"),
        ("GET", "/api/v1/webhooks/whk_1/deliveries", "webhook.deliveries", "webhook:whk_1"),
    ],
)
async def test_only_administrators_manage_webhooks_and_refusals_are_audited(
    client: Client,
    database: Database,
    who: str,
    method: str,
    path: str,
    action: str,
    object: str,
) -> None:
    response = await client.request(method, path, json=REGISTRATION, headers={"X-Test-Actor": who})

    assert response.status == 403
    assert (await response.json())["code"] == "permission_denied"
    assert await stored_webhooks(database) == 0
    (entry,) = await audit_entries(database)
    assert (entry.actor, entry.action, entry.object, entry.outcome, entry.reason) == (
        actor_named(who).label,
        action,
        object,
        "denied",
        "lacks administer",
    )


async def test_anonymous_requests_are_refused_and_not_audited(
    client: Client, database: Database
) -> None:
    for method in ("GET", "POST"):
        response = await client.request(method, "/api/v1/webhooks", json=REGISTRATION)
        assert response.status == 401
    assert await stored_webhooks(database) == 0
    assert await audit_entries(database) == []


async def test_the_app_runs_the_dispatcher_for_its_lifetime(
    aiohttp_client: MakeClient, settings: Settings
) -> None:
    client = await aiohttp_client(create_app(settings))
    service = client.app[keys.WEBHOOKS]

    assert service.running
    await client.close()
    assert not service.running
