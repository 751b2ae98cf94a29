"""The audit log over HTTP: administrators read and verify it; anyone else is refused, and
the refusal is itself an entry. Also the /audit page.

Until staff login lands, a test-only middleware puts the Actor on the request (from the
X-Test-Actor header); the routes do not care how it got there.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from court.access import Actor
from court.permissions import Scope
from court.staff import StaffAccount, StaffId, StaffRole
from server import keys
from server.actors import ACTOR
from server.audit import AuditCheckpoints, Outcome
from server.audit import routes as audit_routes
from server.problems import problem_details, security_headers
from server.settings import WEB_DIR
from tests.server.audit_support import cut_tail
from tests.server.conftest import Database

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[web.Application], Awaitable[Client]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def actor_named(name: str) -> Actor:
    if name == "token":
        return Actor.machine("tok_1", "ecourt", frozenset(Scope))
    role = StaffRole(name)
    account = StaffAccount(
        id=StaffId(f"stf_{name}"),
        username=name,
        display_name=name.title(),
        role=role,
        created_at=datetime.now(UTC),
    )
    return Actor.staff(account)


@web.middleware
async def actor_from_header(request: web.Request, handler: Handler) -> web.StreamResponse:
    name = request.headers.get("X-Test-Actor")
    if name:
        request[ACTOR] = actor_named(name)
    return await handler(request)


@pytest.fixture
async def client(aiohttp_client: MakeClient, database: Database, web_dir: Path) -> Client:
    (web_dir / "audit.html").write_text("<!doctype html><title>Audit log</title>")
    app = web.Application(middlewares=[security_headers, problem_details, actor_from_header])
    app[keys.AUDIT] = database.audit
    app[keys.AUDIT_CHECKPOINTS] = AuditCheckpoints(
        database.audit, web_dir.parent / "audit-checkpoints.jsonl", Ed25519PrivateKey.generate()
    )
    audit_routes.add_routes(app.router, web_dir)
    return await aiohttp_client(app)


ADMIN = {"X-Test-Actor": "administrator"}


async def record_some(database: Database, count: int, action: str = "hearing.create") -> None:
    for i in range(count):
        await database.audit.record(
            actor="staff:clerk", action=action, object=f"hearing:hrg_{i}", reason="scheduled"
        )


async def test_an_administrator_reads_the_entries_in_order(
    client: Client, database: Database
) -> None:
    await record_some(database, 3)

    response = await client.get("/api/v1/audit", headers=ADMIN)

    assert response.status == 200
    body = await response.json()
    assert body["next_after"] is None
    assert [e["seq"] for e in body["entries"]] == [1, 2, 3]
    first = body["entries"][0]
    assert set(first) == {
        "seq",
        "at",
        "actor",
        "action",
        "object",
        "outcome",
        "reason",
        "previous_digest",
        "digest",
    }
    assert (first["actor"], first["action"], first["outcome"]) == (
        "staff:clerk",
        "hearing.create",
        "allowed",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", first["at"])
    assert first["previous_digest"] == "0" * 64
    assert body["entries"][1]["previous_digest"] == first["digest"]


async def test_entries_are_paged_after_a_seq(client: Client, database: Database) -> None:
    await record_some(database, 5)

    first = await (await client.get("/api/v1/audit?limit=2", headers=ADMIN)).json()
    second = await (
        await client.get(f"/api/v1/audit?after={first['next_after']}&limit=2", headers=ADMIN)
    ).json()
    last = await (await client.get("/api/v1/audit?after=4&limit=2", headers=ADMIN)).json()

    assert [e["seq"] for e in first["entries"]] == [1, 2]
    assert first["next_after"] == 2
    assert [e["seq"] for e in second["entries"]] == [3, 4]
    assert [e["seq"] for e in last["entries"]] == [5]
    assert last["next_after"] is None


async def test_entries_are_filtered_by_action(client: Client, database: Database) -> None:
    await record_some(database, 2)
    await record_some(database, 1, action="webhook.create")

    body = await (await client.get("/api/v1/audit?action=webhook.create", headers=ADMIN)).json()

    assert [(e["seq"], e["action"]) for e in body["entries"]] == [(3, "webhook.create")]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=1001",
        "limit=ten",
        "after=-1",
        "after=99999999999999999999",  # past SQLite's 64-bit integers (schemathesis found it)
        "action=",
        "action=DROP%20TABLE",
        "colour=red",
        "limit=1&limit=2",
    ],
)
async def test_bad_queries_are_refused_with_a_problem(client: Client, query: str) -> None:
    response = await client.get(f"/api/v1/audit?{query}", headers=ADMIN)

    assert response.status == 422
    assert response.content_type == "application/problem+json"
    assert (await response.json())["code"] == "invalid_request"


@pytest.mark.parametrize("who", ["clerk", "judge", "archivist", "token"])
@pytest.mark.parametrize(
    ("path", "action"),
    [("/api/v1/audit", "audit.read"), ("/api/v1/audit/verify", "audit.verify")],
)
async def test_only_administrators_read_the_log_and_a_refusal_is_audited(
    client: Client, database: Database, who: str, path: str, action: str
) -> None:
    response = await client.get(path, headers={"X-Test-Actor": who})

    assert response.status == 403
    assert (await response.json())["code"] == "permission_denied"
    (entry,) = await database.audit.entries.page()
    assert (entry.actor, entry.action, entry.object, entry.outcome) == (
        actor_named(who).label,
        action,
        "audit_log",
        Outcome.DENIED.value,
    )
    assert entry.reason == "lacks read_audit"


async def test_anonymous_requests_are_refused_and_not_audited(
    client: Client, database: Database
) -> None:
    for path in ("/api/v1/audit", "/api/v1/audit/verify"):
        response = await client.get(path)
        assert response.status == 401
        assert (await response.json())["code"] == "not_authenticated"
    assert await database.audit.entries.count() == 0


async def test_verify_reports_an_intact_chain(client: Client, database: Database) -> None:
    await record_some(database, 3)
    head = await database.audit.entries.head()
    assert head is not None

    response = await client.get("/api/v1/audit/verify", headers=ADMIN)

    assert response.status == 200
    assert await response.json() == {
        "ok": True,
        "entries": 3,
        "head": head.digest,
        "first_break": None,
        "anchor": None,
        "unanchored": 3,
        "warnings": ["3 entries are not yet anchored: no trusted checkpoint covers any entry"],
    }


async def test_verify_names_the_checkpoint_that_anchors_the_chain(
    client: Client, database: Database
) -> None:
    await record_some(database, 3)
    signed = await client.app[keys.AUDIT_CHECKPOINTS].checkpoint()
    await record_some(database, 1)

    body = await (await client.get("/api/v1/audit/verify", headers=ADMIN)).json()

    assert body["ok"] is True
    assert body["anchor"] == {"seq": 3, "head": signed.head, "at": signed.as_json()["at"]}
    assert body["unanchored"] == 1
    assert body["warnings"] == ["1 entry after checkpoint at seq 3 is not yet anchored"]


async def test_verify_names_a_tail_cut_below_the_checkpoint(
    client: Client, database: Database
) -> None:
    await record_some(database, 8)
    await client.app[keys.AUDIT_CHECKPOINTS].checkpoint()
    await cut_tail(database, 5)

    body = await (await client.get("/api/v1/audit/verify", headers=ADMIN)).json()

    assert body["ok"] is False
    assert body["first_break"]["problem"] == "cut"
    assert body["first_break"]["detail"].startswith("entries 4..8 are missing")


async def test_verify_names_the_first_bad_entry(client: Client, database: Database) -> None:
    await record_some(database, 4)
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE audit_log SET actor = 'staff:x' WHERE seq = 2"))

    body = await (await client.get("/api/v1/audit/verify", headers=ADMIN)).json()

    assert body["ok"] is False
    assert body["entries"] == 1
    assert body["first_break"]["seq"] == 2
    assert body["first_break"]["problem"] == "edited"
    assert "edited" in body["first_break"]["detail"]


async def test_the_audit_page_is_served_with_security_headers(client: Client) -> None:
    response = await client.get("/audit")

    assert response.status == 200
    assert "<title>Audit log</title>" in await response.text()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_real_audit_page_loads_only_module_scripts_and_the_stylesheet() -> None:
    # The Content-Security-Policy forbids inline scripts, inline styles and event handlers.
    page = (WEB_DIR / "audit.html").read_text(encoding="utf-8")

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert scripts == [(' type="module" src="/static/js/audit.js"', "")]
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)
    assert '<link rel="stylesheet" href="/static/css/courtroom.css">' in page
    assert (WEB_DIR / "js" / "audit.js").is_file()
