"""Authorisation at the HTTP edge: who asks, may they, and the audit entry either way."""

from __future__ import annotations

from typing import Protocol, TypeVar, cast

from aiohttp import web
from pydantic import BaseModel

from court.access import Actor, allowed, may_read_privately
from court.errors import NotFound, PermissionDenied
from court.hearing import Hearing
from court.permissions import Permission
from server import keys
from server.actors import require_actor
from server.api.bodies import parse_query
from server.audit import Outcome

# What a refusal tells a person they may not do, in words rather than permission names.
WHAT: dict[Permission, str] = {
    Permission.READ_HEARINGS: "read hearings",
    Permission.SCHEDULE_HEARINGS: "schedule or change hearings",
    Permission.READ_ARCHIVE: "read the record archive",
    Permission.SIGN_PROTOCOL: "sign or correct the court protocol",
    Permission.MANAGE_RETENTION: "change how long records are kept or put them on legal hold",
    Permission.ADMINISTER: "administer staff accounts, API tokens and webhooks",
    Permission.READ_AUDIT: "read the audit log",
}


async def authorize(
    request: web.Request,
    permission: Permission,
    *,
    action: str,
    object: str,
    hearing: Hearing | None = None,
) -> Actor:
    """The caller, if they may use ``permission`` (on ``hearing``); an audited 403 if not.

    An anonymous request is refused with 401 before any rule is asked; it is not audited,
    so that unauthenticated traffic cannot flood the court's audit log.
    """
    actor = require_actor(request)
    if not allowed(actor, permission, hearing):
        reason = f"lacks {permission.value}" + (
            f" on hearing {hearing.case_number}" if hearing is not None else ""
        )
        await request.app[keys.AUDIT].record(
            actor=actor.label, action=action, object=object, reason=reason, outcome=Outcome.DENIED
        )
        what = WHAT.get(permission, permission.value.replace("_", " "))
        where = f" on hearing {hearing.case_number}" if hearing is not None else ""
        raise PermissionDenied(f"You may not {what}{where}.")
    return actor


async def audit(request: web.Request, actor: Actor, action: str, object: str, reason: str) -> None:
    await request.app[keys.AUDIT].record(
        actor=actor.label, action=action, object=object, reason=reason
    )


async def hearing_or_404(request: web.Request) -> Hearing:
    """The hearing the path names. Anonymous callers get 401 first, never a hint of which
    hearings exist."""
    require_actor(request)
    hearing_id = request.match_info["hearing_id"]
    hearing = await request.app[keys.HEARINGS].get(hearing_id)
    if hearing is None:
        raise NotFound(f"There is no hearing {hearing_id!r}.")
    return hearing


class Stated(Protocol):
    @property
    def reason(self) -> str: ...


S = TypeVar("S", bound=BaseModel)


async def reading(request: web.Request, query: type[S], *, action: str) -> tuple[Hearing, Actor, S]:
    """The hearing the path names, the caller, who may read it, and the query with their
    stated ``reason``, with which the read is audited, as an archive read is: the protocol,
    the private chat and the exhibits are the court's, not for anyone with a staff login to
    browse unnoticed. Anonymous callers get 401 before the query is looked at."""
    hearing = await hearing_or_404(request)
    actor = require_actor(request)
    if not may_read_privately(actor, hearing):
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action=action,
            object=f"hearing:{hearing.id}",
            reason=f"may not read hearing {hearing.case_number} privately",
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied(
            f"Only the presiding judge and the clerks of hearing {hearing.case_number} "
            "may read its protocol, chat and exhibits."
        )
    parsed = parse_query(request, query)
    reason = cast(Stated, parsed).reason
    await audit(request, actor, action, f"hearing:{hearing.id}", reason)
    return hearing, actor, parsed


async def on_hearing(
    request: web.Request, permission: Permission, *, action: str, object: str | None = None
) -> tuple[Hearing, Actor]:
    """The hearing the path names and the caller, who may use ``permission`` on it
    (401, 404 or an audited 403 otherwise). ``object`` defaults to the hearing."""
    hearing = await hearing_or_404(request)
    actor = await authorize(
        request,
        permission,
        action=action,
        object=object or f"hearing:{hearing.id}",
        hearing=hearing,
    )
    return hearing, actor
