"""The REST API for the court's staff and the e-court system (under /api/v1).

One module per resource; each exposes ``add_routes(router)``. Every route authorises its
caller through ``server.api.guard`` and every change is audited.
"""

from __future__ import annotations

from aiohttp import web

from server.api import (
    bench,
    chat,
    court,
    exhibits,
    hearings,
    invitation,
    links,
    participants,
    protocol,
    recordings,
)


def setup_api(app: web.Application) -> None:
    for resource in (
        court,
        invitation,
        hearings,
        participants,
        links,
        bench,
        chat,
        protocol,
        exhibits,
        recordings,
    ):
        resource.add_routes(app.router)
