"""Assigning a clerk to courts: an administrator's decision, audited.

    PUT /api/v1/staff/{staff_id}/courts    administrator, {courts, reason}: the clerk's courts,
                                           all of them; answers the account

A clerk of a court sees and changes every hearing of that court (court.access), so only
clerks are assigned, and only to courts that can match a hearing (server.api.court's
``known_courts``): a misspelt court would assign the clerk to nothing and say nothing.
"""

from __future__ import annotations

from aiohttp import web

from court.errors import InvalidRequest
from court.permissions import Permission
from court.staff import StaffRole
from server import keys
from server.api.court import known_courts
from server.api.guard import audit, authorize
from server.auth.bodies import CourtAssignment, parse_body
from server.auth.lifecycle import account_in_path
from server.auth.views import account_view


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_put("/api/v1/staff/{staff_id}/courts", assign_courts)


async def assign_courts(request: web.Request) -> web.Response:
    target = f"staff:{request.match_info['staff_id']}"
    actor = await authorize(request, Permission.ADMINISTER, action="staff.courts", object=target)
    body = await parse_body(request, CourtAssignment)
    account = await account_in_path(request)
    if account.role is not StaffRole.CLERK:
        raise InvalidRequest(
            f"{account.username} is a {account.role.value}; only clerks are assigned to courts."
        )
    known = set(await known_courts(request.app))
    unknown = sorted(set(body.courts) - known)
    if unknown:
        raise InvalidRequest(
            f"courts: no hearing is scheduled in {', '.join(map(repr, unknown))}, and it is "
            "not this court's name."
        )
    before = sorted(account.courts)
    account = await request.app[keys.DATA].staff.set_courts(account.id, frozenset(body.courts))
    after = sorted(account.courts)
    await audit(
        request,
        actor,
        "staff.courts",
        f"staff:{account.username}",
        f"courts: {before} -> {after}: {body.reason}",
    )
    return web.json_response(account_view(account))
