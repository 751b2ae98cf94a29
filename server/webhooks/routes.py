"""Webhooks over HTTP, for administrators: register, list, remove, and see deliveries.

Every change is audited, and so is every refusal (server.api.guard.authorize).
"""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    with_config,
)
from typing_extensions import TypedDict

from court.errors import NotFound
from court.permissions import Permission
from server import keys
from server.api.bodies import Body, parse_body, parse_query
from server.api.guard import audit, authorize
from server.persistence.repositories.webhooks import DeliveryRecord, WebhookRecord
from server.views import CLOSED, Timestamp, timestamp
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


@with_config(CLOSED)
class Webhook(TypedDict):
    id: str
    url: str
    events: Annotated[list[str], Field(description="the events it is sent (WebhookEvent)")]
    created_by: str
    created_at: Timestamp
    removed_at: Timestamp | None


@with_config(CLOSED)
class WebhookList(TypedDict):
    webhooks: list[Webhook]


@with_config(CLOSED)
class RegisteredWebhook(Webhook):
    """A webhook as it is registered: the only time its signing secret is shown."""

    secret: str


@with_config(CLOSED)
class WebhookDelivery(TypedDict):
    id: str
    webhook_id: str
    event: str
    state: Annotated[str, Field(description="pending, delivered or failed")]
    attempts: int
    last_status: Annotated[int | None, Field(description="the receiver's last HTTP status")]
    last_error: str | None
    next_attempt_at: Timestamp | None
    created_at: Timestamp
    delivered_at: Timestamp | None


@with_config(CLOSED)
class WebhookDeliveryList(TypedDict):
    """A webhook's deliveries, newest first."""

    deliveries: list[WebhookDelivery]


def webhook_view(webhook: WebhookRecord) -> Webhook:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": list(webhook.events),
        "created_by": webhook.created_by,
        "created_at": timestamp(webhook.created_at),
        "removed_at": timestamp(webhook.removed_at),
    }


def delivery_view(delivery: DeliveryRecord) -> WebhookDelivery:
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
    listing: WebhookList = {"webhooks": [webhook_view(w) for w in found]}
    return web.json_response(listing)


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
    registered: RegisteredWebhook = {**webhook_view(webhook), "secret": secret}
    return web.json_response(registered, status=201)


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
    listing: WebhookDeliveryList = {"deliveries": [delivery_view(d) for d in found]}
    return web.json_response(listing)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/webhooks", list_webhooks)
    router.add_post("/api/v1/webhooks", create_webhook)
    router.add_delete("/api/v1/webhooks/{webhook_id}", delete_webhook)
    router.add_get("/api/v1/webhooks/{webhook_id}/deliveries", list_deliveries)
