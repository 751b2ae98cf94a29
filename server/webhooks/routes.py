"""Webhooks over HTTP, for administrators: register, list, remove, and see deliveries.

Every change is audited, and so is every refusal (server.api.guard.authorize).
"""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from court.errors import NotFound
from court.permissions import Permission
from server import keys
from server.api.bodies import Body, parse_body, parse_query
from server.api.guard import audit, authorize
from server.persistence.repositories.webhooks import DeliveryRecord, WebhookRecord
from server.views import timestamp
from server.webhooks.service import WebhookEvent, check_url

WEBHOOKS = "webhooks"  # the object of a refused list or registration


def _unique(events: list[WebhookEvent]) -> list[WebhookEvent]:
    if len(set(events)) != len(events):
        raise ValueError("name each event once")
    return events


class Registration(Body):
    url: Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(check_url)]
    events: Annotated[
        list[WebhookEvent],
        Field(min_length=1, max_length=len(WebhookEvent)),
        AfterValidator(_unique),
    ]


class DeliveryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: int = Field(100, ge=1, le=1000)


def webhook_view(webhook: WebhookRecord) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": list(webhook.events),
        "created_by": webhook.created_by,
        "created_at": timestamp(webhook.created_at),
        "removed_at": timestamp(webhook.removed_at),
    }


def delivery_view(delivery: DeliveryRecord) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "webhook_id": delivery.webhook_id,
        "event": delivery.event,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "next_attempt_at": timestamp(delivery.next_attempt_at),
        "created_at": timestamp(delivery.created_at),
        "delivered_at": timestamp(delivery.delivered_at),
    }


async def list_webhooks(request: web.Request) -> web.Response:
    await authorize(request, Permission.ADMINISTER, action="webhook.list", object=WEBHOOKS)
    found = await request.app[keys.WEBHOOKS].active()
    return web.json_response({"webhooks": [webhook_view(w) for w in found]})


async def create_webhook(request: web.Request) -> web.Response:
    actor = await authorize(
        request, Permission.ADMINISTER, action="webhook.create", object=WEBHOOKS
    )
    body = await parse_body(request, Registration)
    webhook, secret = await request.app[keys.WEBHOOKS].register(
        url=body.url, events=body.events, by=actor.label
    )
    await audit(
        request,
        actor,
        "webhook.create",
        f"webhook:{webhook.id}",
        f"{webhook.url} for {', '.join(webhook.events)}",
    )
    # The secret is shown this once; the receiver needs it to check signatures.
    return web.json_response({**webhook_view(webhook), "secret": secret}, status=201)


async def delete_webhook(request: web.Request) -> web.Response:
    webhook_id = request.match_info["webhook_id"]
    actor = await authorize(
        request, Permission.ADMINISTER, action="webhook.delete", object=f"webhook:{webhook_id}"
    )
    webhook = await request.app[keys.WEBHOOKS].remove(webhook_id)
    await audit(request, actor, "webhook.delete", f"webhook:{webhook.id}", webhook.url)
    return web.Response(status=204)


async def list_deliveries(request: web.Request) -> web.Response:
    webhook_id = request.match_info["webhook_id"]
    await authorize(
        request,
        Permission.ADMINISTER,
        action="webhook.deliveries",
        object=f"webhook:{webhook_id}",
    )
    query = parse_query(request, DeliveryQuery)
    webhooks = request.app[keys.WEBHOOKS]
    if await webhooks.get(webhook_id) is None:
        raise NotFound(f"There is no webhook {webhook_id!r}.")
    found = await webhooks.deliveries(webhook_id, query.limit)
    return web.json_response({"deliveries": [delivery_view(d) for d in found]})


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/webhooks", list_webhooks)
    router.add_post("/api/v1/webhooks", create_webhook)
    router.add_delete("/api/v1/webhooks/{webhook_id}", delete_webhook)
    router.add_get("/api/v1/webhooks/{webhook_id}/deliveries", list_deliveries)
