"""What a join link invites to, for the person holding it, before they join.

The device check and the waiting room say who you are joining as, which case, and when it
is scheduled, in the court's time: a defendant who opens the link a day early learns the
day and hour instead of waiting all day. The join token in the body is the credential
(checked as the signaling connection checks it: signature, expiry, revocation, the
hearing not ended); the answer holds nothing the link's holder is not told in the hearing.
"""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import StringConstraints

from server import keys
from server.api.bodies import Body, parse_body
from server.views import Invitation, timestamp

# A join token is two base64url parts and a dot; far shorter than this.
JoinToken = Annotated[str, StringConstraints(min_length=1, max_length=2048, pattern=r"^[\w.=-]+$")]


class InvitationQuery(Body):
    token: JoinToken


async def read_invitation(request: web.Request) -> web.Response:
    body = await parse_body(request, InvitationQuery)
    grant = await request.app[keys.JOIN_LINKS].authenticate(body.token)
    hearing, participant = grant.hearing, grant.participant
    settings = request.app[keys.SETTINGS]
    invitation: Invitation = {
        "participant": {
            "name": participant.name,
            "role": participant.role,
            "role_label": participant.role.label,
        },
        "hearing": {
            "case_number": hearing.case_number,
            "title": hearing.title,
            "court": hearing.court,
            "courtroom": hearing.courtroom,
            "state": hearing.state,
            "scheduled_start": timestamp(hearing.scheduled_start),
            "scheduled_end": timestamp(hearing.scheduled_end),
        },
        "court": {"name": settings.court_name, "time_zone": settings.court_time.name},
    }
    return web.json_response(invitation, headers={"Cache-Control": "no-store"})


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_post("/api/v1/invitation", read_invitation)
