"""A hearing's court protocol, read-only, for staff who may read the hearing (written live by
the judge and the clerk over signaling)."""

from __future__ import annotations

from aiohttp import web

from court.permissions import Permission
from server import keys
from server.api.guard import on_hearing
from signaling.protocol import entry_view


async def read_protocol(request: web.Request) -> web.Response:
    hearing, _ = await on_hearing(request, Permission.READ_HEARINGS, action="protocol.read")
    entries = await request.app[keys.DATA].protocol.of_hearing(hearing.id)
    return web.json_response({"entries": [entry_view(e) for e in entries]})


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/hearings/{hearing_id}/protocol", read_protocol)
