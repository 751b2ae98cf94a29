"""Calling the app as a given staff member or API token, authenticated the real way.

    from tests.server.auth_helpers import api_token, login

    clerk = await login(client, StaffRole.CLERK)          # account created, POST /session
    await client.post("/api/v1/hearings", json=..., headers=clerk.headers)
    ecourt = await api_token(client, Scope.HEARINGS_READ)  # token issued, secret in headers
    await client.get("/api/v1/hearings", headers=ecourt.headers)

Each request says who makes it through ``headers``: the session cookie (and the Origin that
cookie-authenticated changes need) or the bearer token. The client's cookie jar is emptied
after each login, so one client can act as several people in one test.

``client`` is an aiohttp TestClient of ``server.app.create_app(settings)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from court.access import Actor
from court.permissions import Scope
from court.staff import StaffAccount, StaffRole
from server import keys
from server.auth.accounts import create_account
from server.auth.bodies import NewStaffAccount
from server.auth.sessions import COOKIE_NAME
from server.persistence.repositories import ApiToken

Client = TestClient[web.Request, web.Application]


def password_of(username: str) -> str:
    """The password the helpers give an account they create (long enough for the rules)."""
    return f"{username}-correct-horse-battery"


def origin_of(client: Client) -> str:
    """An origin the server accepts: its public URL's."""
    return client.app[keys.SETTINGS].public_url


async def create_staff(
    client: Client,
    role: StaffRole,
    *,
    username: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> StaffAccount:
    """Store a staff account (the username defaults to the role's name, e.g. ``judge``, the
    demo hearing's presiding judge); an existing account of that username is returned."""
    username = username or role.value
    staff = client.app[keys.DATA].staff
    existing = await staff.by_username(username)
    if existing is not None:
        return existing
    return await create_account(
        staff,
        client.app[keys.AUTH].passwords,
        NewStaffAccount(
            username=username,
            display_name=display_name or f"{role.label} {username}",
            role=role,
            password=password or password_of(username),
        ),
    )


@dataclass(frozen=True, slots=True)
class StaffLogin:
    account: StaffAccount
    cookie: str  # the session secret, as the browser holds it
    origin: str
    session: dict[str, Any] = field(default_factory=dict)  # the body POST /session answered

    @property
    def actor(self) -> Actor:
        return Actor.staff(self.account)

    @property
    def headers(self) -> dict[str, str]:
        """Send with every request made as this person."""
        return {"Cookie": f"{COOKIE_NAME}={self.cookie}", "Origin": self.origin}


async def login(
    client: Client,
    role: StaffRole,
    *,
    username: str | None = None,
    password: str | None = None,
) -> StaffLogin:
    """Create the account if needed and log in through ``POST /api/v1/session``."""
    account = await create_staff(client, role, username=username, password=password)
    origin = origin_of(client)
    response = await client.post(
        "/api/v1/session",
        json={
            "username": account.username,
            "password": password or password_of(account.username),
        },
        headers={"Origin": origin},
    )
    assert response.status == 200, await response.text()
    cookie = response.cookies[COOKIE_NAME].value
    client.session.cookie_jar.clear()
    return StaffLogin(account, cookie, origin, await response.json())


@dataclass(frozen=True, slots=True)
class ApiCaller:
    token: ApiToken
    secret: str

    @property
    def actor(self) -> Actor:
        return Actor.machine(self.token.id, self.token.name, self.token.scopes)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


async def api_token(client: Client, *scopes: Scope, name: str = "e-court") -> ApiCaller:
    """Issue an API token with ``scopes`` (as an administrator would) and return its caller."""
    token, secret = await client.app[keys.AUTH].tokens.issue(
        name=name, scopes=frozenset(scopes), created_by="staff:admin"
    )
    return ApiCaller(token, secret)
