"""The bench joins its hearing from the staff session, not by a link (the security review's
H1).

``POST /api/v1/hearings/{id}/bench``: the hearing's presiding judge or its named clerk,
signed in (a session cookie; a change, so the Origin is checked like every cookie change),
gets a join token for the hearing's judge or clerk participant, created for them with their
display name if the hearing has none yet. The token is bound to the session that asked for
it (server.join_links.JoinLinks.issue_bench): it stops admitting anyone when that session is
logged out or revoked, and expires with it. API tokens of the e-court system and staff of
any other hearing are refused, audited.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from court.access import on_the_bench
from court.errors import PermissionDenied
from court.hearing import Hearing, Participant
from court.roles import Role
from server import keys
from server.actors import require_actor
from server.api.bodies import Body, parse_body
from server.api.guard import audit, hearing_or_404
from server.api.states import require_not_ended
from server.audit import Outcome
from server.auth.middleware import STAFF_SESSION
from server.views import BenchSeat, link_view, participant_view


class BenchJoin(Body):
    """Nothing to say: who joins, and as what, is the signed-in account."""


async def join_bench(request: web.Request) -> web.Response:
    hearing = await hearing_or_404(request)
    actor = require_actor(request)
    session = request.get(STAFF_SESSION)
    role = (
        Role.JUDGE
        if actor.presides_as is not None
        else Role.CLERK
        if actor.clerk_as is not None
        else None
    )
    if session is None or role is None or not on_the_bench(actor, hearing):
        why = (
            "not a staff session"
            if session is None
            else f"not the presiding judge or clerk of hearing {hearing.case_number}"
        )
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action="bench.join",
            object=f"hearing:{hearing.id}",
            reason=why,
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied(
            f"Only the presiding judge and the clerk of hearing {hearing.case_number}, "
            "signed in, join its bench."
        )
    await parse_body(request, BenchJoin)
    require_not_ended(hearing)
    participant = await _bench_participant(request, hearing, role, session.account.display_name)
    issued = await request.app[keys.JOIN_LINKS].issue_bench(
        hearing,
        participant,
        account_id=session.account.id,
        staff_session=session.id,
        session_expires_at=session.expires_at,
        by=actor.label,
    )
    await audit(
        request,
        actor,
        "bench.join",
        f"join_link:{issued.record.id}",
        f"as {role.value} {participant.name} in hearing {hearing.case_number}",
    )
    seat: BenchSeat = {
        "participant": participant_view(participant),
        "link": link_view(issued.record, datetime.now(UTC)),
        "token": issued.token,
        "url": issued.url,
    }
    return web.json_response(
        seat,
        status=201,
        headers={"Cache-Control": "no-store"},
    )


async def _bench_participant(
    request: web.Request, hearing: Hearing, role: Role, name: str
) -> Participant:
    """The hearing's judge (or clerk) participant: the one it has, else a new one for the
    account. A hearing has one presiding judge and one clerk, so there is one of each."""
    participants = request.app[keys.PARTICIPANTS]
    for participant in await participants.of_hearing(hearing.id):
        if participant.role is role:
            return participant
    return await participants.add(hearing.id, name=name or role.label, role=role)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_post("/api/v1/hearings/{hearing_id}/bench", join_bench)
