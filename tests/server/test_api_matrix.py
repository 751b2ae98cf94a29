"""Every caller against every route, on a hearing of their own and on another's.

The expected answers are written out here by hand, not derived from court.permissions, so
that a change to the permission table that opens or closes a route shows up as a failure.
Every deny must be in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from court.permissions import Scope
from court.roles import Role
from server import keys
from server.app import create_app
from server.audit import Outcome
from server.settings import Settings
from tests.server.api_support import ACTORS, Client, MakeClient, api_client, as_, hearing_body


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    # {h} the hearing, {p} its participant, {j} its judge, {l} its link, {t} a token, {w} a webhook,
    # {c} a clerk's account
    path: str
    body: dict[str, Any] | None
    allowed: frozenset[str]  # callers allowed on a hearing presided over by "judge"
    ok: int = 200
    # What is private to a hearing (protocol, chat, exhibits): a judge only their own.
    presiding_only: bool = False


ADMINS = frozenset({"admin"})
READERS = frozenset(
    {
        "admin",
        "judge",
        "other_judge",
        "clerk",
        "other_clerk",
        "court_clerk",
        "archivist",
        "token_read",
        "token_write",
        "token_records",
    }
)
SCHEDULERS = frozenset({"judge", "clerk", "other_clerk", "court_clerk", "token_write"})
NOBODY: frozenset[str] = frozenset()

ROUTES = [
    Route("list hearings", "GET", "/api/v1/hearings", None, READERS),
    Route("create hearing", "POST", "/api/v1/hearings", hearing_body(), SCHEDULERS, 201),
    Route("read hearing", "GET", "/api/v1/hearings/{h}", None, READERS),
    Route(
        "reschedule hearing",
        "POST",
        "/api/v1/hearings/{h}/reschedule",
        {"scheduled_start": "2027-02-01T10:00:00Z", "reason": "matrix"},
        SCHEDULERS,
    ),
    Route(
        "cancel hearing", "POST", "/api/v1/hearings/{h}/cancel", {"reason": "matrix"}, SCHEDULERS
    ),
    Route("list participants", "GET", "/api/v1/hearings/{h}/participants", None, READERS),
    Route(
        "add participant",
        "POST",
        "/api/v1/hearings/{h}/participants",
        {"name": "W. Ness", "role": "witness"},
        SCHEDULERS,
        201,
    ),
    # The bench is never added nor given a link through the API (the security review's H1):
    # whoever may schedule is told why (422, 403); the judge joins with "join bench", from a
    # staff session, which no caller of this matrix has (test_bench_join covers it).
    Route(
        "add judge",
        "POST",
        "/api/v1/hearings/{h}/participants",
        {"name": "J. Usurper", "role": "judge"},
        SCHEDULERS,
        422,
    ),
    Route("issue judge link", "POST", "/api/v1/hearings/{h}/participants/{j}/links", {}, NOBODY),
    Route("join bench", "POST", "/api/v1/hearings/{h}/bench", {}, NOBODY, 201),
    Route("read participant", "GET", "/api/v1/hearings/{h}/participants/{p}", None, READERS),
    Route(
        "remove participant", "DELETE", "/api/v1/hearings/{h}/participants/{p}", None, SCHEDULERS
    ),
    Route("list chat", "GET", "/api/v1/hearings/{h}/chat?reason=matrix", None, READERS, 200, True),
    Route(
        "read protocol",
        "GET",
        "/api/v1/hearings/{h}/protocol?reason=matrix",
        None,
        READERS,
        200,
        True,
    ),
    Route(
        "read exhibits",
        "GET",
        "/api/v1/hearings/{h}/exhibits?reason=matrix",
        None,
        READERS,
        200,
        True,
    ),
    Route("list links", "GET", "/api/v1/hearings/{h}/links", None, SCHEDULERS),
    Route(
        "issue link",
        "POST",
        "/api/v1/hearings/{h}/participants/{p}/links",
        {},
        SCHEDULERS,
        201,
    ),
    Route("revoke link", "DELETE", "/api/v1/hearings/{h}/links/{l}", None, SCHEDULERS),
    Route("list staff", "GET", "/api/v1/staff", None, ADMINS),
    Route(
        "add staff",
        "POST",
        "/api/v1/staff",
        {
            "username": "new.clerk",
            "display_name": "New Clerk",
            "role": "clerk",
            "password": "a-long-enough-password",
        },
        ADMINS,
        201,
    ),
    Route("list courts", "GET", "/api/v1/courts", None, ADMINS),
    Route(
        "assign a clerk to courts",
        "PUT",
        "/api/v1/staff/{c}/courts",
        {"courts": ["District Court"], "reason": "matrix"},
        ADMINS,
    ),
    Route("list API tokens", "GET", "/api/v1/api-tokens", None, ADMINS),
    Route(
        "issue API token",
        "POST",
        "/api/v1/api-tokens",
        {"name": "e-court", "scopes": ["hearings:read"]},
        ADMINS,
        201,
    ),
    Route("revoke API token", "DELETE", "/api/v1/api-tokens/{t}", None, ADMINS),
    Route("list webhooks", "GET", "/api/v1/webhooks", None, ADMINS),
    Route(
        "register webhook",
        "POST",
        "/api/v1/webhooks",
        {"url": "http://127.0.0.1:9/hook", "events": ["hearing.opened"]},
        ADMINS,
        201,
    ),
    Route("list deliveries", "GET", "/api/v1/webhooks/{w}/deliveries", None, ADMINS),
    Route("remove webhook", "DELETE", "/api/v1/webhooks/{w}", None, ADMINS, 204),
    Route("read audit log", "GET", "/api/v1/audit", None, ADMINS),
    Route("verify audit log", "GET", "/api/v1/audit/verify", None, ADMINS),
    Route(
        "list recordings",
        "GET",
        "/api/v1/recordings",
        None,
        frozenset({"archivist", "token_records"}),
    ),
]

# A judge schedules only where they preside: the hearing's presiding judge, or for a new
# hearing, the presiding judge its body names ("judge").
JUDGES = {"judge": "judge", "other_judge": "judge2"}
# A clerk, likewise, sees and changes only the hearings that name them as clerk (the security
# review's H1), reads included; a new hearing whose body names no clerk becomes the
# scheduling clerk's own. "court_clerk" is a clerk of the hearings' court: every hearing
# route their role allows is theirs, as for an unscoped caller.
CLERKS = {"clerk": "clerk", "other_clerk": "clerk2"}
# Who the fixture hearing names: "own" is judge's and clerk's, "other" judge2's and clerk2's.
BENCH_OF = {"judge": "clerk", "judge2": "clerk2"}


def expected_status(route: Route, caller: str | None, presiding: str) -> int:
    if caller is None:
        return 401
    if caller in JUDGES and (route.allowed is SCHEDULERS or route.presiding_only):
        target = "judge" if route.name == "create hearing" else presiding
        return route.ok if JUDGES[caller] == target else 403
    if caller in CLERKS and caller in route.allowed and "{h}" in route.path:
        return route.ok if CLERKS[caller] == BENCH_OF[presiding] else 403
    return route.ok if caller in route.allowed else 403


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    return await api_client(aiohttp_client, create_app(settings))


async def fixture_objects(client: Client, judge: str) -> dict[str, str]:
    app = client.app
    hearing = await app[keys.HEARINGS].create(
        case_number="M-1",
        title="Matrix",
        court="District Court",
        presiding_judge=judge,
        clerk=BENCH_OF[judge],
    )
    participant = await app[keys.PARTICIPANTS].add(
        hearing.id, name="D. Fendant", role=Role.DEFENDANT
    )
    judge_participant = await app[keys.PARTICIPANTS].add(
        hearing.id, name="J. Bench", role=Role.JUDGE
    )
    link = await app[keys.JOIN_LINKS].issue(hearing, participant, by="test")
    token, _ = await app[keys.AUTH].tokens.issue(
        name="t", scopes=frozenset({Scope.HEARINGS_READ}), created_by="test"
    )
    webhook, _ = await app[keys.WEBHOOKS].register(
        url="http://127.0.0.1:9/hook", events=["hearing.closed"], by="test"
    )
    clerk = await app[keys.DATA].staff.by_username("clerk2")
    assert clerk is not None
    return {
        "c": clerk.id,
        "h": hearing.id,
        "p": participant.id,
        "j": judge_participant.id,
        "l": link.record.id,
        "t": token.id,
        "w": webhook.id,
    }


@pytest.mark.parametrize("caller", [*ACTORS, None])
@pytest.mark.parametrize("whose", ["own", "other"])
async def test_each_caller_gets_exactly_the_routes_the_matrix_allows(
    client: Client, caller: str | None, whose: str
) -> None:
    outcomes: dict[str, int] = {}
    for route in ROUTES:
        objects = await fixture_objects(client, "judge" if whose == "own" else "judge2")
        path = route.path.format(**objects)
        response = await client.request(route.method, path, json=route.body, headers=as_(caller))
        outcomes[route.name] = response.status
        if response.status >= 400:
            assert response.headers["Content-Type"].startswith("application/problem+json")

    presiding = "judge" if whose == "own" else "judge2"
    expected = {route.name: expected_status(route, caller, presiding) for route in ROUTES}
    assert outcomes == expected

    entries = await client.app[keys.AUDIT].entries.page(limit=1000)
    denied = [e for e in entries if e.outcome == Outcome.DENIED]
    assert len(denied) == sum(1 for status in outcomes.values() if status == 403)
    if caller is not None:
        assert {e.actor for e in denied} <= {ACTORS[caller].label}
    assert (await client.app[keys.AUDIT].verify()).ok
