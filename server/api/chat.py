"""The live hearing's chat, read-only, for staff who may read the hearing."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field

from server import keys
from server.api.bodies import Body, Why
from server.api.guard import reading
from server.views import ChatMessageList, chat_message_view

MAX_PAGE = 1000


class ChatQuery(Body):
    reason: Why  # the clerk's private conversations: read with a stated reason (audited)
    limit: int = Field(default=500, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=1_000_000)


async def list_chat(request: web.Request) -> web.Response:
    hearing, _, query = await reading(request, ChatQuery, action="chat.list")
    found = await request.app[keys.DATA].chat.list_for_hearing(
        hearing.id, limit=query.limit, offset=query.offset
    )
    listing: ChatMessageList = {"messages": [chat_message_view(m) for m in found]}
    return web.json_response(listing)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/hearings/{hearing_id}/chat", list_chat)
