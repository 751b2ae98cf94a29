"""Participants of a hearing: add, list, remove (which also revokes their join links)."""

from __future__ import annotations

from aiohttp import web
from pydantic import StrictBool

from court.errors import InvalidRequest, NotFound
from court.permissions import Permission
from court.roles import Role
from court.rooms import BENCH as BENCH_ROLES
from server import keys
from server.api.bodies import Body, PersonName, Reason, parse_body
from server.api.guard import audit, on_hearing
from server.api.states import require_not_ended
from server.views import ParticipantList, participant_view


class NewParticipant(Body):
    name: PersonName
    role: Role
    represents: str | None = None
    in_custody: StrictBool = False


class Removal(Body):
    reason: Reason | None = None


async def list_participants(request: web.Request) -> web.Response:
    hearing, _ = await on_hearing(request, Permission.READ_HEARINGS, action="participant.list")
    found = await request.app[keys.PARTICIPANTS].of_hearing(hearing.id)
    listing: ParticipantList = {"participants": [participant_view(p) for p in found]}
    return web.json_response(listing)


async def add_participant(request: web.Request) -> web.Response:
    hearing, actor = await on_hearing(
        request, Permission.SCHEDULE_HEARINGS, action="participant.add"
    )
    body = await parse_body(request, NewParticipant)
    if body.role in BENCH_ROLES:
        # The bench joins from its staff accounts (POST /api/v1/hearings/{id}/bench), never
        # as a participant someone adds and links (the security review's H1).
        raise InvalidRequest(
            f"role: a {body.role.value} is not added here; the hearing's presiding judge and "
            "clerk join from their staff accounts (Join as judge/clerk in the console)."
        )
    require_not_ended(hearing)
    participant = await request.app[keys.PARTICIPANTS].add(
        hearing.id,
        name=body.name,
        role=body.role,
        represents=body.represents,
        in_custody=body.in_custody,
    )
    await audit(
        request,
        actor,
        "participant.add",
        f"participant:{participant.id}",
        f"{participant.role.value} {participant.name} in hearing {hearing.case_number}",
    )
    return web.json_response(
        participant_view(participant),
        status=201,
        headers={"Location": f"/api/v1/hearings/{hearing.id}/participants/{participant.id}"},
    )


async def read_participant(request: web.Request) -> web.Response:
    hearing, _ = await on_hearing(request, Permission.READ_HEARINGS, action="participant.read")
    participant = await request.app[keys.PARTICIPANTS].get(request.match_info["participant_id"])
    if participant is None or participant.hearing_id != hearing.id:
        raise NotFound("There is no such participant in this hearing.")
    return web.json_response(participant_view(participant))


async def remove_participant(request: web.Request) -> web.Response:
    participant_id = request.match_info["participant_id"]
    hearing, actor = await on_hearing(
        request,
        Permission.SCHEDULE_HEARINGS,
        action="participant.remove",
        object=f"participant:{participant_id}",
    )
    body = await parse_body(request, Removal)
    removed = await request.app[keys.PARTICIPANTS].remove(hearing.id, participant_id)
    revoked = await request.app[keys.JOIN_LINKS].records.revoke_all_of(removed.id, by=actor.label)
    await audit(
        request,
        actor,
        "participant.remove",
        f"participant:{removed.id}",
        f"{body.reason or 'removed'} ({revoked} join link(s) revoked)",
    )
    # Stored first, then the live hearing: their session closes now, not at their next
    # connect (the security review's M1).
    said = body.reason or "The court removed you from this hearing."
    await request.app[keys.SIGNALING].remove_participant(hearing.id, removed.id, said)
    return web.json_response(participant_view(removed))


def add_routes(router: web.UrlDispatcher) -> None:
    base = "/api/v1/hearings/{hearing_id}/participants"
    router.add_get(base, list_participants)
    router.add_post(base, add_participant)
    router.add_get(base + "/{participant_id}", read_participant)
    router.add_delete(base + "/{participant_id}", remove_participant)
