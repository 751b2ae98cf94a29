"""Join links: issue one for a participant, list a hearing's links, revoke one.

The token is returned once, when the link is issued; the server keeps only the link's
record, so a lost link is revoked and a new one issued.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from pydantic import AwareDatetime

from court.errors import InvalidRequest, NotFound, PermissionDenied
from court.permissions import Permission
from court.rooms import BENCH as BENCH_ROLES
from server import keys
from server.api.bodies import Body, Reason, parse_body
from server.api.guard import audit, on_hearing
from server.api.states import require_not_ended
from server.audit import Outcome
from server.views import JoinLinkList, issued_link_view, link_view


class NewLink(Body):
    expires_at: AwareDatetime | None = None


class Revocation(Body):
    reason: Reason | None = None


async def issue_link(request: web.Request) -> web.Response:
    participant_id = request.match_info["participant_id"]
    hearing, actor = await on_hearing(
        request,
        Permission.SCHEDULE_HEARINGS,
        action="join_link.issue",
        object=f"participant:{participant_id}",
    )
    body = await parse_body(request, NewLink)
    require_not_ended(hearing)
    participant = await request.app[keys.PARTICIPANTS].get(participant_id)
    if participant is None or participant.hearing_id != hearing.id:
        raise NotFound("There is no such participant in this hearing.")
    if participant.role in BENCH_ROLES:
        # Whoever held a judge's link was the judge (the security review's H1): the bench
        # joins from its staff accounts (POST /api/v1/hearings/{id}/bench) instead.
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action="join_link.issue",
            object=f"participant:{participant.id}",
            reason=f"no join link for the bench ({participant.role.value})",
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied(
            f"No join link is issued for the {participant.role.value}: the hearing's presiding "
            "judge and clerk join from their staff accounts (Join as judge/clerk in the console)."
        )
    now = datetime.now(UTC)
    if body.expires_at is not None and body.expires_at <= now:
        raise InvalidRequest("expires_at: must be in the future")
    issued = await request.app[keys.JOIN_LINKS].issue(
        hearing, participant, by=actor.label, expires_at=body.expires_at
    )
    await audit(
        request,
        actor,
        "join_link.issue",
        f"join_link:{issued.record.id}",
        f"for {participant.role.value} {participant.name}",
    )
    return web.json_response(issued_link_view(issued, now), status=201)


async def list_links(request: web.Request) -> web.Response:
    hearing, _ = await on_hearing(request, Permission.SCHEDULE_HEARINGS, action="join_link.list")
    records = await request.app[keys.JOIN_LINKS].records.of_hearing(hearing.id)
    now = datetime.now(UTC)
    listing: JoinLinkList = {"links": [link_view(r, now) for r in records]}
    return web.json_response(listing)


async def revoke_link(request: web.Request) -> web.Response:
    link_id = request.match_info["link_id"]
    hearing, actor = await on_hearing(
        request,
        Permission.SCHEDULE_HEARINGS,
        action="join_link.revoke",
        object=f"join_link:{link_id}",
    )
    body = await parse_body(request, Revocation)
    record = await request.app[keys.JOIN_LINKS].records.revoke(hearing.id, link_id, by=actor.label)
    await audit(
        request, actor, "join_link.revoke", f"join_link:{record.id}", body.reason or "revoked"
    )
    # A session opened with the link closes now (another valid link may bring them back).
    said = "The court withdrew your join link." + (f" {body.reason}" if body.reason else "")
    await request.app[keys.SIGNALING].close_sessions(hearing.id, record.participant_id, said)
    return web.json_response(link_view(record, datetime.now(UTC)))


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/hearings/{hearing_id}/links", list_links)
    router.add_delete("/api/v1/hearings/{hearing_id}/links/{link_id}", revoke_link)
    router.add_post("/api/v1/hearings/{hearing_id}/participants/{participant_id}/links", issue_link)
