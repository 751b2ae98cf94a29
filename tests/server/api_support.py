"""Driving the REST API as a given caller: staff of each role, API tokens, or nobody.

Callers are injected by a test-only middleware reading ``X-Test-Actor``, so these tests pin
down authorisation rules independently of how a caller authenticated (login and tokens have
their own tests).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from court.access import Actor, ActorKind
from court.permissions import Scope, scope_permissions, staff_permissions
from court.staff import StaffRole
from server import keys
from server.actors import ACTOR

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[web.Application], Awaitable[Client]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ACTORS: dict[str, Actor] = {
    "admin": Actor(
        ActorKind.STAFF, "stf_admin", "admin", staff_permissions(StaffRole.ADMINISTRATOR)
    ),
    "judge": Actor(
        ActorKind.STAFF, "stf_judge", "judge", staff_permissions(StaffRole.JUDGE), "judge"
    ),
    "other_judge": Actor(
        ActorKind.STAFF, "stf_judge2", "judge2", staff_permissions(StaffRole.JUDGE), "judge2"
    ),
    "clerk": Actor(
        ActorKind.STAFF, "stf_clerk", "clerk", staff_permissions(StaffRole.CLERK), None, "clerk"
    ),
    # A clerk whom the hearings under test do not name, assigned to no court.
    "other_clerk": Actor(
        ActorKind.STAFF, "stf_clerk2", "clerk2", staff_permissions(StaffRole.CLERK), None, "clerk2"
    ),
    # A clerk of the court the hearings under test are in (hearing_body's), named by none.
    "court_clerk": Actor(
        ActorKind.STAFF,
        "stf_clerk3",
        "clerk3",
        staff_permissions(StaffRole.CLERK),
        None,
        "clerk3",
        frozenset({"District Court"}),
    ),
    "archivist": Actor(
        ActorKind.STAFF, "stf_arch", "archivist", staff_permissions(StaffRole.ARCHIVIST)
    ),
    "token_read": Actor(
        ActorKind.MACHINE,
        "tok_r",
        "ecourt-read",
        scope_permissions(frozenset({Scope.HEARINGS_READ})),
    ),
    "token_write": Actor(
        ActorKind.MACHINE,
        "tok_w",
        "ecourt-write",
        scope_permissions(frozenset({Scope.HEARINGS_WRITE})),
    ),
    "token_records": Actor(
        ActorKind.MACHINE,
        "tok_a",
        "ecourt-records",
        scope_permissions(frozenset({Scope.RECORDS_READ})),
    ),
}


@web.middleware
async def actor_header(request: web.Request, handler: Handler) -> web.StreamResponse:
    name = request.headers.get("X-Test-Actor")
    if name:
        request[ACTOR] = ACTORS[name]
    return await handler(request)


# The staff accounts behind ACTORS that hearings are scheduled with: scheduling refuses a
# presiding judge or clerk who has no active account of that role.
BENCH: dict[str, tuple[str, StaffRole]] = {
    "judge": ("Judge Amina Aliyeva", StaffRole.JUDGE),
    "judge2": ("Judge Rauf Mammadov", StaffRole.JUDGE),
    "clerk": ("Farid Mammadov", StaffRole.CLERK),
    "clerk2": ("Leyla Huseynova", StaffRole.CLERK),
    "clerk3": ("Nigar Rzayeva", StaffRole.CLERK),
    "archivist": ("Archivist", StaffRole.ARCHIVIST),
}


async def api_client(make_client: MakeClient, app: web.Application) -> Client:
    """A client whose callers are named by X-Test-Actor, over a database holding BENCH."""
    app.middlewares.append(actor_header)
    client = await make_client(app)
    staff = app[keys.DATA].staff
    for username, (name, role) in BENCH.items():
        await staff.add(username=username, display_name=name, role=role, password_hash="-")
    return client


def as_(name: str | None) -> dict[str, str]:
    return {} if name is None else {"X-Test-Actor": name}


def hearing_body(**changes: Any) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    return {
        "case_number": "1-42/2026",
        "title": "State v. Example",
        "court": "District Court",
        "courtroom": "Room 3",
        "presiding_judge": "judge",
        "scheduled_start": start.isoformat(),
        "duration_minutes": 90,
        "language": "en",
        **changes,
    }
