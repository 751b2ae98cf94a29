"""The audit log over HTTP: entries and chain verification (against the signed checkpoints)
for administrators, and the page.

Routes authorise through server.api.guard like every route: a refusal is itself an audit
entry (outcome denied); an anonymous request is a 401 and is not audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from court.permissions import Permission
from server import keys
from server.api.bodies import parse_query
from server.api.guard import authorize
from server.audit.log import timestamp
from server.persistence.repositories.audit import AuditEntry

AUDIT_LOG = "audit_log"  # the object of audit.read and audit.verify entries
MAX_PAGE = 1000


class AuditQuery(BaseModel):
    # Query parameters are strings on the wire: lax mode converts "10" to 10.
    model_config = ConfigDict(extra="forbid", frozen=True)

    after: int = Field(0, ge=0, le=2**62)  # SQLite integers are 64-bit
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    action: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[a-z0-9_.:-]+$")


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
    await authorize(request, Permission.READ_AUDIT, action="audit.read", object=AUDIT_LOG)
    query = parse_query(request, AuditQuery)
    found = await request.app[keys.AUDIT].entries.page(
        after=query.after, limit=query.limit, action=query.action
    )
    # A full page may have more behind it; the client asks again with after=next_after.
    next_after = found[-1].seq if len(found) == query.limit else None
    return web.json_response({"entries": [entry_view(e) for e in found], "next_after": next_after})


async def verify(request: web.Request) -> web.Response:
    await authorize(request, Permission.READ_AUDIT, action="audit.verify", object=AUDIT_LOG)
    # Against the signed checkpoints: a cut tail or a rewritten chain is named too.
    report = await request.app[keys.AUDIT_CHECKPOINTS].verify()
    return web.json_response(report.as_json())


def add_routes(router: web.UrlDispatcher, web_dir: Path) -> None:
    async def page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "audit.html")

    router.add_get("/audit", page)
    router.add_get("/api/v1/audit", list_entries)
    router.add_get("/api/v1/audit/verify", verify)
