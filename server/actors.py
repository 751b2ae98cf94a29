"""Who is making an HTTP request: the Actor the authentication middleware found, if any."""

from __future__ import annotations

from aiohttp import web

from court.access import Actor
from court.errors import NotAuthenticated

# Set by the authentication middleware (cookie session or bearer API token) on each request.
ACTOR = web.RequestKey("actor", Actor)


def current_actor(request: web.Request) -> Actor | None:
    return request.get(ACTOR)


def require_actor(request: web.Request) -> Actor:
    actor = current_actor(request)
    if actor is None:
        raise NotAuthenticated("Log in, or send an API token as 'Authorization: Bearer <token>'.")
    return actor
