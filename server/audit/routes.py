"""The audit log over HTTP: entries and chain verification for administrators, and the page.

``authorize_audited`` is the check every administrative route here and in server.webhooks
uses: a refusal is itself an audit entry (outcome denied). An anonymous request is refused
with 401 before any rule is asked and is not audited, so that unauthenticated traffic
cannot flood the log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from court.access import Actor, authorize
from court.errors import InvalidRequest, PermissionDenied
from court.permissions import Permission
from server import keys
from server.actors import require_actor
from server.audit.log import Outcome, timestamp
from server.persistence.repositories.audit import AuditEntry

AUDIT_LOG = "audit_log"  # the object of audit.read and audit.verify entries
MAX_PAGE = 1000


async def authorize_audited(
    request: web.Request, permission: Permission, *, action: str, object: str
) -> Actor:
    """The caller, if they hold ``permission``; otherwise an audited PermissionDenied."""
    actor = require_actor(request)
    try:
        authorize(actor, permission)
    except PermissionDenied:
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action=action,
            object=object,
            reason=f"lacks {permission.value}",
            outcome=Outcome.DENIED,
        )
        raise
    return actor


def describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False)[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


class AuditQuery(BaseModel):
    # Query parameters are strings on the wire: lax mode converts "10" to 10.
    model_config = ConfigDict(extra="forbid", frozen=True)

    after: int = Field(0, ge=0, le=2**62)  # SQLite integers are 64-bit
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    action: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[a-z0-9_.:-]+$")


def parse_query(request: web.Request) -> AuditQuery:
    repeated = [key for key in request.query if len(request.query.getall(key)) > 1]
    if repeated:
        raise InvalidRequest(f"{repeated[0]}: give this parameter at most once")
    try:
        return AuditQuery.model_validate(dict(request.query))
    except ValidationError as exc:
        raise InvalidRequest(describe(exc)) from None


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": timestamp(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "object": entry.object,
        "outcome": entry.outcome,
        "reason": entry.reason,
        "previous_digest": entry.previous_digest,
        "digest": entry.digest,
    }


async def list_entries(request: web.Request) -> web.Response:
    await authorize_audited(request, Permission.READ_AUDIT, action="audit.read", object=AUDIT_LOG)
    query = parse_query(request)
    found = await request.app[keys.AUDIT].entries.page(
        after=query.after, limit=query.limit, action=query.action
    )
    # A full page may have more behind it; the client asks again with after=next_after.
    next_after = found[-1].seq if len(found) == query.limit else None
    return web.json_response({"entries": [entry_view(e) for e in found], "next_after": next_after})


async def verify(request: web.Request) -> web.Response:
    await authorize_audited(request, Permission.READ_AUDIT, action="audit.verify", object=AUDIT_LOG)
    report = await request.app[keys.AUDIT].verify()
    return web.json_response(report.as_json())


def add_routes(router: web.UrlDispatcher, web_dir: Path) -> None:
    async def page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "audit.html")

    router.add_get("/audit", page)
    router.add_get("/api/v1/audit", list_entries)
    router.add_get("/api/v1/audit/verify", verify)
