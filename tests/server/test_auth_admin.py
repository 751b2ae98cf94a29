"""Administrators manage staff accounts and API tokens; the e-court system calls with tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import DummyCookieJar, web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func, select

from court.permissions import Permission, Scope
from court.staff import StaffRole
from server import keys
from server.actors import require_actor
from server.app import create_app
from server.persistence.models import ApiTokenRow, AuditEntryRow, StaffAccountRow
from server.settings import Settings
from tests.server.auth_helpers import StaffLogin, api_token, login, origin_of

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[web.Application], Awaitable[Client]]

WHOAMI = "/api/v1/test-whoami"


async def whoami(request: web.Request) -> web.Response:
    """A route of this test only: what the authentication middleware made of the caller."""
    actor = require_actor(request)
    return web.json_response(
        {
            "kind": actor.kind.value,
            "name": actor.name,
            "permissions": sorted(p.value for p in actor.permissions),
        }
    )


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings, web_dir: Path) -> Client:
    app = create_app(settings)
    app.router.add_get(WHOAMI, whoami)
    app.router.add_post(WHOAMI, whoami)
    return await aiohttp_client(app, cookie_jar=DummyCookieJar())


@pytest.fixture
async def admin(client: Client) -> StaffLogin:
    return await login(client, StaffRole.ADMINISTRATOR, username="root")


def new_account(**changes: Any) -> dict[str, Any]:
    return {
        "username": "jane",
        "display_name": "Judge Jane Doe",
        "role": "judge",
        "password": "a-long-enough-password",
        **changes,
    }


async def count(client: Client, column: Any) -> int:
    async with client.app[keys.DATA].sessions() as session:
        return int(await session.scalar(select(func.count(column))) or 0)


async def audit_actions(client: Client) -> list[tuple[str, str, str, str]]:
    async with client.app[keys.DATA].sessions() as session:
        rows = await session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq))
        return [(r.actor, r.action, r.object, r.outcome) for r in rows]


# ---- staff accounts ----------------------------------------------------------------------


async def test_an_administrator_creates_a_judge_who_can_then_log_in(
    client: Client, admin: StaffLogin
) -> None:
    response = await client.post("/api/v1/staff", json=new_account(), headers=admin.headers)

    assert response.status == 201
    created = await response.json()
    assert created["id"].startswith("stf_")
    assert {k: created[k] for k in ("username", "display_name", "role", "disabled")} == {
        "username": "jane",
        "display_name": "Judge Jane Doe",
        "role": "judge",
        "disabled": False,
    }
    assert "password" not in created and "password_hash" not in created
    credentials = await client.app[keys.DATA].staff.credentials("jane")
    assert credentials is not None and credentials.password_hash.startswith("$argon2id$")
    logged_in = await client.post(
        "/api/v1/session",
        json={"username": "jane", "password": "a-long-enough-password"},
    )
    assert logged_in.status == 200
    assert ("staff:root", "staff.create", "staff:jane", "allowed") in await audit_actions(client)


async def test_an_administrator_lists_the_staff_accounts(client: Client, admin: StaffLogin) -> None:
    await client.post("/api/v1/staff", json=new_account(), headers=admin.headers)

    response = await client.get("/api/v1/staff", headers=admin.headers)

    assert response.status == 200
    listed = (await response.json())["staff"]
    assert [(a["username"], a["role"]) for a in listed] == [
        ("jane", "judge"),
        ("root", "administrator"),
    ]


async def test_a_username_is_given_once(client: Client, admin: StaffLogin) -> None:
    await client.post("/api/v1/staff", json=new_account(), headers=admin.headers)

    again = await client.post(
        "/api/v1/staff", json=new_account(role="clerk"), headers=admin.headers
    )

    assert again.status == 409
    assert (await again.json())["code"] == "invalid_state"
    account = await client.app[keys.DATA].staff.by_username("jane")
    assert account is not None and account.role is StaffRole.JUDGE


@pytest.mark.parametrize(
    "body",
    [
        {},
        {k: v for k, v in new_account().items() if k != "password"},
        {k: v for k, v in new_account().items() if k != "role"},
        new_account(username="Jane"),
        new_account(username="jane doe"),
        new_account(username="j" * 65),
        new_account(username=42),
        new_account(display_name=""),
        new_account(display_name="x" * 201),
        new_account(display_name="Jane\u0000"),
        new_account(role="bailiff"),
        new_account(role="JUDGE"),
        new_account(password="short"),
        new_account(password="p" * 1025),
        new_account(password=12345678901234),
        new_account(admin=True),
        ["jane"],
        "jane",
    ],
)
async def test_a_bad_account_is_a_422_problem_and_nothing_is_stored(
    client: Client, admin: StaffLogin, body: object
) -> None:
    response = await client.post("/api/v1/staff", json=body, headers=admin.headers)

    assert response.status == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert (await response.json())["code"] == "invalid_request"
    assert await count(client, StaffAccountRow.id) == 1  # the administrator only
    assert "a-long-enough-password" not in await response.text()


# ---- API tokens ------------------------------------------------------------------------


async def test_a_token_secret_is_shown_once_and_never_listed(
    client: Client, admin: StaffLogin
) -> None:
    response = await client.post(
        "/api/v1/api-tokens",
        json={"name": "e-court", "scopes": ["hearings:write", "hearings:read"]},
        headers=admin.headers,
    )

    assert response.status == 201
    assert response.headers["Cache-Control"] == "no-store"
    issued = await response.json()
    assert issued["token"].startswith("crt_")
    assert issued["scopes"] == ["hearings:read", "hearings:write"]
    assert issued["created_by"] == "staff:root"
    assert issued["revoked_at"] is None
    listed = await (await client.get("/api/v1/api-tokens", headers=admin.headers)).json()
    assert listed == {"api_tokens": [{k: v for k, v in issued.items() if k != "token"}]}
    assert issued["token"] not in str(listed)
    assert ("staff:root", "api_token.create", f"api_token:{issued['id']}", "allowed") in (
        await audit_actions(client)
    )


@pytest.mark.parametrize(
    ("scopes", "permissions"),
    [
        (["hearings:read"], ["read_hearings"]),
        (["hearings:write"], ["read_hearings", "schedule_hearings"]),
        (["records:read"], ["read_archive", "read_hearings"]),
    ],
)
async def test_a_bearer_token_acts_with_the_permissions_of_its_scopes(
    client: Client, admin: StaffLogin, scopes: list[str], permissions: list[str]
) -> None:
    issued = await (
        await client.post(
            "/api/v1/api-tokens", json={"name": "e-court", "scopes": scopes}, headers=admin.headers
        )
    ).json()

    response = await client.get(WHOAMI, headers={"Authorization": f"Bearer {issued['token']}"})

    assert response.status == 200
    assert await response.json() == {
        "kind": "machine",
        "name": "e-court",
        "permissions": permissions,
    }


async def test_a_bearer_token_needs_no_origin_for_changes(client: Client) -> None:
    ecourt = await api_token(client, Scope.HEARINGS_WRITE)

    response = await client.post(WHOAMI, headers=ecourt.headers)

    assert response.status == 200
    assert Permission.SCHEDULE_HEARINGS.value in (await response.json())["permissions"]


async def test_a_revoked_token_is_refused(client: Client, admin: StaffLogin) -> None:
    ecourt = await api_token(client, Scope.HEARINGS_READ)
    assert (await client.get(WHOAMI, headers=ecourt.headers)).status == 200

    revoked = await client.delete(f"/api/v1/api-tokens/{ecourt.token.id}", headers=admin.headers)

    assert revoked.status == 200
    assert (await revoked.json())["revoked_at"] is not None
    refused = await client.get(WHOAMI, headers=ecourt.headers)
    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await refused.json())["code"] == "not_authenticated"
    assert ("staff:root", "api_token.revoke", f"api_token:{ecourt.token.id}", "allowed") in (
        await audit_actions(client)
    )


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer crt_not-a-token",
        "Bearer not-even-the-format",
        "Bearer ",
        "Basic YWRtaW46YWRtaW4=",
        "crt_no-scheme",
    ],
)
async def test_a_bad_authorization_header_is_a_401_even_with_a_session_cookie(
    client: Client, admin: StaffLogin, authorization: str
) -> None:
    # A bad token never falls back to the cookie.
    response = await client.get(WHOAMI, headers={**admin.headers, "Authorization": authorization})

    assert response.status == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")


async def test_revoking_an_unknown_token_is_a_404(client: Client, admin: StaffLogin) -> None:
    response = await client.delete("/api/v1/api-tokens/tok_nothing", headers=admin.headers)

    assert response.status == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "e-court"},
        {"name": "e-court", "scopes": []},
        {"name": "e-court", "scopes": ["hearings:delete"]},
        {"name": "e-court", "scopes": "hearings:read"},
        {"name": "", "scopes": ["hearings:read"]},
        {"name": "n" * 101, "scopes": ["hearings:read"]},
        {"name": 5, "scopes": ["hearings:read"]},
        {"name": "e-court", "scopes": ["hearings:read"], "expires": "never"},
    ],
)
async def test_a_bad_token_request_is_a_422_problem_and_nothing_is_stored(
    client: Client, admin: StaffLogin, body: dict[str, Any]
) -> None:
    response = await client.post("/api/v1/api-tokens", json=body, headers=admin.headers)

    assert response.status == 422
    assert (await response.json())["code"] == "invalid_request"
    assert await count(client, ApiTokenRow.id) == 0


# ---- only administrators ---------------------------------------------------------------

ADMIN_ROUTES = [
    ("GET", "/api/v1/staff", None),
    ("POST", "/api/v1/staff", new_account()),
    ("GET", "/api/v1/api-tokens", None),
    ("POST", "/api/v1/api-tokens", {"name": "mine", "scopes": ["records:read"]}),
    ("DELETE", "/api/v1/api-tokens/{token_id}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
@pytest.mark.parametrize("role", [StaffRole.JUDGE, StaffRole.CLERK, StaffRole.ARCHIVIST])
async def test_other_staff_may_not_administer_and_the_refusal_is_audited(
    client: Client, method: str, path: str, body: object, role: StaffRole
) -> None:
    ecourt = await api_token(client, Scope.HEARINGS_READ)
    caller = await login(client, role)

    response = await client.request(
        method, path.format(token_id=ecourt.token.id), json=body, headers=caller.headers
    )

    assert response.status == 403
    assert (await response.json())["code"] == "permission_denied"
    assert await count(client, StaffAccountRow.id) == 1
    assert await count(client, ApiTokenRow.revoked_at) == 0
    assert await count(client, ApiTokenRow.id) == 1
    denied = [a for a in await audit_actions(client) if a[3] == "denied"]
    assert len(denied) == 1 and denied[0][0] == f"staff:{role.value}"


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
async def test_an_api_token_may_not_administer(
    client: Client, method: str, path: str, body: object
) -> None:
    ecourt = await api_token(client, Scope.HEARINGS_WRITE, Scope.RECORDS_READ)

    response = await client.request(
        method, path.format(token_id=ecourt.token.id), json=body, headers=ecourt.headers
    )

    assert response.status == 403
    assert await count(client, ApiTokenRow.revoked_at) == 0


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
async def test_nobody_anonymous_may_administer(
    client: Client, method: str, path: str, body: object
) -> None:
    ecourt = await api_token(client, Scope.HEARINGS_READ)

    response = await client.request(
        method,
        path.format(token_id=ecourt.token.id),
        json=body,
        headers={"Origin": origin_of(client)},
    )

    assert response.status == 401
    assert (await response.json())["code"] == "not_authenticated"
    assert await count(client, StaffAccountRow.id) == 0
    assert await count(client, ApiTokenRow.revoked_at) == 0


async def test_an_administrators_change_without_origin_is_refused_and_changes_nothing(
    client: Client, admin: StaffLogin
) -> None:
    response = await client.post(
        "/api/v1/staff",
        json=new_account(),
        headers={"Cookie": admin.headers["Cookie"]},
    )

    assert response.status == 403
    assert await client.app[keys.DATA].staff.by_username("jane") is None
