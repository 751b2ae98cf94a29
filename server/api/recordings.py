"""Recordings, for those who may read the archive (archivists, the e-court system)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from court.permissions import Permission
from server import keys
from server.api.guard import authorize
from server.views import RecordingList


async def list_recordings(request: web.Request) -> web.Response:
    await authorize(request, Permission.READ_ARCHIVE, action="recording.list", object="recordings")
    found = await asyncio.to_thread(request.app[keys.RECORDINGS].list)
    listing: RecordingList = {
        "recordings": [
            {
                "id": r.recording_id,
                "hearing_id": r.hearing_id,
                "started_at": r.started_at,
                "stopped_at": r.stopped_at,
                "duration_s": r.duration_s,
            }
            for r in found
        ]
    }
    return web.json_response(listing)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/recordings", list_recordings)
