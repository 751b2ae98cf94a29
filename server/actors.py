"""Who is making an HTTP request: the Actor the authentication middleware found, if any."""

from __future__ import annotations

from aiohttp import web

from court.access import Actor
from court.errors import NotAuthenticated

# Set by the authentication middleware (cookie session or bearer API token) on each request.
ACTOR = "courtroom.actor"


def current_actor(request: web.Request) -> Actor | None:
    actor = request.get(ACTOR)
    return actor if isinstance(actor, Actor) else None


def require_actor(request: web.Request) -> Actor:
    actor = current_actor(request)
    if actor is None:
        raise NotAuthenticated("Log in, or send an API token as 'Authorization: Bearer <token>'.")
    return actor
