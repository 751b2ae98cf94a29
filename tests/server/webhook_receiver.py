"""A stand-in for the e-court system's webhook endpoint: a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from pytest_aiohttp import AiohttpServer

from server.persistence.repositories.webhooks import DeliveryRecord
from server.webhooks import Retry, Webhooks

FAST = Retry(max_attempts=8, base_s=0.01, cap_s=0.05)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An e-court system stand-in: answers with ``statuses`` in turn, then 200."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    hang_s: float = 0.0
    requests: list[Received] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, request: web.Request) -> web.Response:
        received = Received(dict(request.headers), await request.read())
        async with self.changed:
            self.requests.append(received)
            self.changed.notify_all()
        if self.hang_s:
            await asyncio.sleep(self.hang_s)
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status, text="ok" if status < 300 else "not now")

    async def wait_for(self, count: int, within_s: float = 10.0) -> list[Received]:
        async with asyncio.timeout(within_s), self.changed:
            await self.changed.wait_for(lambda: len(self.requests) >= count)
        return self.requests


async def start_receiver(aiohttp_server: AiohttpServer) -> Receiver:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hooks/courtroom", found.handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    found.url = str(server.make_url("/hooks/courtroom"))
    return found


async def until_delivery(
    service: Webhooks,
    delivery_id: str,
    check: Callable[[DeliveryRecord], bool],
    within_s: float = 10.0,
) -> DeliveryRecord:
    """Await the delivery reaching a state (polled: the state lives in the database)."""
    async with asyncio.timeout(within_s):
        while True:
            found = await service.repository.delivery(delivery_id)
            if found is not None and check(found):
                return found
            await asyncio.sleep(0.02)


def settled(delivery: DeliveryRecord) -> bool:
    return delivery.state != "pending"
