"""The audit log over HTTP: entries and chain verification (against the signed checkpoints)
for administrators, and the page.

Routes authorise through server.api.guard like every route: a refusal is itself an audit
entry (outcome denied); an anonymous request is a 401 and is not audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict

from court.permissions import Permission
from server import keys
from server.api.bodies import parse_query
from server.api.guard import authorize
from server.audit.log import Outcome, VerifyReport, timestamp
from server.persistence.repositories.audit import AuditEntry
from server.views import CLOSED, Timestamp

AUDIT_LOG = "audit_log"  # the object of audit.read and audit.verify entries
MAX_PAGE = 1000


class AuditQuery(BaseModel):
    # Query parameters are strings on the wire: lax mode converts "10" to 10.
    model_config = ConfigDict(extra="forbid", frozen=True)

    after: int = Field(0, ge=0, le=2**62)  # SQLite integers are 64-bit
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    action: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[a-z0-9_.:-]+$")


@with_config(CLOSED)
class AuditLogEntry(TypedDict):
    seq: int
    at: Timestamp
    actor: str
    action: str
    object: str
    outcome: Outcome
    reason: str
    previous_digest: str
    digest: str


@with_config(CLOSED)
class AuditPage(TypedDict):
    entries: list[AuditLogEntry]
    next_after: Annotated[
        int | None, Field(description="a full page: ask again with after=next_after")
    ]


@with_config(CLOSED)
class ChainBreakView(TypedDict):
    seq: int
    problem: str
    detail: str


@with_config(CLOSED)
class AnchorView(TypedDict):
    seq: int
    head: str
    at: Timestamp


@with_config(CLOSED)
class AuditVerification(TypedDict):
    """The audit log's hash chain, checked against the signed checkpoints."""

    ok: bool
    entries: Annotated[int, Field(description="entries found good, counted from the first")]
    head: Annotated[str, Field(description="digest of the last entry found good")]
    first_break: ChainBreakView | None
    anchor: AnchorView | None
    unanchored: Annotated[int, Field(description="entries after the last anchor")]
    warnings: list[str]


def verification_view(report: VerifyReport) -> AuditVerification:
    found, anchor = report.first_break, report.anchor
    return {
        "ok": report.ok,
        "entries": report.entries,
        "head": report.head,
        "first_break": None
        if found is None
        else {"seq": found.seq, "problem": found.problem.value, "detail": found.detail},
        "anchor": None
        if anchor is None
        else {"seq": anchor.seq, "head": anchor.head, "at": timestamp(anchor.at)},
        "unanchored": report.unanchored,
        "warnings": report.warnings,
    }


def entry_view(entry: AuditEntry) -> AuditLogEntry:
    return {
        "seq": entry.seq,
        "at": timestamp(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "object": entry.object,
        "outcome": Outcome(entry.outcome),
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
    page: AuditPage = {"entries": [entry_view(e) for e in found], "next_after": next_after}
    return web.json_response(page)


async def verify(request: web.Request) -> web.Response:
    await authorize(request, Permission.READ_AUDIT, action="audit.verify", object=AUDIT_LOG)
    # Against the signed checkpoints: a cut tail or a rewritten chain is named too.
    report = await request.app[keys.AUDIT_CHECKPOINTS].verify()
    return web.json_response(verification_view(report))


def add_routes(router: web.UrlDispatcher, web_dir: Path) -> None:
    async def page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "audit.html")

    router.add_get("/audit", page)
    router.add_get("/api/v1/audit", list_entries)
    router.add_get("/api/v1/audit/verify", verify)
