"""A hearing's exhibit register, read by staff who may read the hearing (the e-court system
and the protocol's pages). The bench keeps it live over signaling; every change to it is
also an entry of the court protocol."""

from __future__ import annotations

from aiohttp import web

from server import keys
from server.api.bodies import ReasonQuery
from server.api.guard import reading
from server.views import ExhibitList
from signaling.live.features.exhibits import exhibit_view


async def read_exhibits(request: web.Request) -> web.Response:
    hearing, _, _ = await reading(request, ReasonQuery, action="exhibits.read")
    exhibits = await request.app[keys.DATA].exhibits.of_hearing(hearing.id)
    register: ExhibitList = {"exhibits": [exhibit_view(e) for e in exhibits]}
    return web.json_response(register)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/hearings/{hearing_id}/exhibits", read_exhibits)
