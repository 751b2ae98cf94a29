"""Staff log in and out: argon2id passwords, the session cookie, throttling, Origin checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from aiohttp import ClientResponse, DummyCookieJar, web
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher
from pytest_aiohttp import AiohttpClient
from sqlalchemy import select, update

from court.staff import StaffRole
from server import keys
from server.app import create_app
from server.auth.sessions import StaffSessions
from server.auth.throttle import LoginThrottle
from server.persistence.models import AuditEntryRow, StaffAccountRow, StaffSessionRow
from server.settings import Settings
from tests.server.auth_helpers import create_staff, login, origin_of, password_of

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[web.Application], Awaitable[Client]]

LOGIN_PAGE = "<!doctype html><title>Staff login</title>"


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeWallClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def use_sessions(app: web.Application, **changes: object) -> None:
    """Swap parts of the login service (throttle, clock) before the app starts."""
    auth = app[keys.AUTH]
    sessions: StaffSessions = replace(auth.sessions, **changes)  # type: ignore[arg-type]
    app[keys.AUTH] = replace(auth, sessions=sessions)


@pytest.fixture
def app(settings: Settings, web_dir: Path) -> web.Application:
    (web_dir / "login.html").write_text(LOGIN_PAGE)
    return create_app(settings)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wall() -> FakeWallClock:
    return FakeWallClock()


@pytest.fixture
async def client(
    aiohttp_client: AiohttpClient, app: web.Application, clock: FakeClock, wall: FakeWallClock
) -> Client:
    throttle = LoginThrottle(account_limit=5, address_limit=8, clock=clock)
    use_sessions(app, throttle=throttle, now=wall)
    # No cookie jar: each request in these tests says which cookie it carries.
    return await aiohttp_client(app, cookie_jar=DummyCookieJar())


async def post_login(
    client: Client, username: str, password: str, origin: str | None = None
) -> ClientResponse:
    headers = {} if origin is None else {"Origin": origin}
    return await client.post(
        "/api/v1/session", json={"username": username, "password": password}, headers=headers
    )


def set_cookie(response: ClientResponse) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(response.headers["Set-Cookie"])
    return cookie


async def audit_actions(client: Client) -> list[tuple[str, str, str, str]]:
    async with client.app[keys.DATA].sessions() as session:
        rows = await session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq))
        return [(r.actor, r.action, r.object, r.outcome) for r in rows]


# ---- logging in ------------------------------------------------------------------------


async def test_a_clerk_logs_in_and_gets_a_strict_http_only_session_cookie(
    client: Client, wall: FakeWallClock
) -> None:
    await create_staff(client, StaffRole.CLERK, username="carla", display_name="Carla Clerk")

    response = await post_login(client, "carla", password_of("carla"), origin_of(client))

    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.json()
    assert body["username"] == "carla"
    assert body["display_name"] == "Carla Clerk"
    assert body["role"] == "clerk"
    assert body["permissions"] == ["read_hearings", "schedule_hearings", "sign_protocol"]
    assert datetime.fromisoformat(body["session_expires_at"]) == wall.now + timedelta(hours=12)
    morsel = set_cookie(response)["courtroom_session"]
    assert len(morsel.value) >= 40
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/"
    assert morsel["max-age"] == str(12 * 3600)
    assert not morsel["secure"]  # served over http here; see the https test


async def test_the_session_cookie_is_secure_when_the_server_is_reached_over_https(
    aiohttp_client: AiohttpClient, courtroom_env: dict[str, str], web_dir: Path
) -> None:
    settings = Settings.from_env(
        {
            **courtroom_env,
            "COURTROOM_WEB_DIR": str(web_dir),
            "COURTROOM_PUBLIC_URL": "https://court.example",
        }
    )
    client = await aiohttp_client(create_app(settings), cookie_jar=DummyCookieJar())
    await create_staff(client, StaffRole.JUDGE)

    response = await post_login(client, "judge", password_of("judge"), "https://court.example")

    assert response.status == 200
    assert set_cookie(response)["courtroom_session"]["secure"] is True


async def test_the_session_names_the_logged_in_staff_member(client: Client) -> None:
    judge = await login(client, StaffRole.JUDGE)

    response = await client.get("/api/v1/session", headers=judge.headers)

    assert response.status == 200
    body = await response.json()
    assert (body["username"], body["role"]) == ("judge", "judge")
    assert body == judge.session


async def test_without_a_session_the_session_is_a_401_problem(client: Client) -> None:
    for headers in ({}, {"Cookie": "courtroom_session=made-up"}):
        response = await client.get("/api/v1/session", headers=headers)

        assert response.status == 401
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert (await response.json())["code"] == "not_authenticated"


async def test_only_the_digest_of_the_cookie_is_stored(client: Client) -> None:
    clerk = await login(client, StaffRole.CLERK)

    async with client.app[keys.DATA].sessions() as session:
        stored = list(await session.scalars(select(StaffSessionRow.id)))

    assert len(stored) == 1
    assert clerk.cookie not in stored[0]


async def test_the_username_is_not_case_sensitive(client: Client) -> None:
    await create_staff(client, StaffRole.ARCHIVIST, username="anna")

    response = await post_login(client, "  Anna ", password_of("anna"))

    assert response.status == 200
    assert (await response.json())["username"] == "anna"


async def test_a_wrong_password_and_an_unknown_username_get_the_same_401(
    client: Client,
) -> None:
    await create_staff(client, StaffRole.CLERK, username="carla")

    wrong = await post_login(client, "carla", "not-the-password")
    unknown = await post_login(client, "nobody", "not-the-password")

    for response in (wrong, unknown):
        assert response.status == 401
        assert "Set-Cookie" not in response.headers
        problem = await response.json()
        assert problem["code"] == "not_authenticated"
        assert problem["detail"] == "The username or password is wrong."


async def test_a_disabled_account_cannot_log_in_and_its_sessions_end(client: Client) -> None:
    clerk = await login(client, StaffRole.CLERK)
    async with client.app[keys.DATA].sessions.begin() as session:
        await session.execute(update(StaffAccountRow).values(disabled_at=datetime.now(UTC)))

    again = await post_login(client, "clerk", password_of("clerk"))
    current = await client.get("/api/v1/session", headers=clerk.headers)

    assert again.status == 401
    assert "disabled" in (await again.json())["detail"]
    assert current.status == 401


async def test_logins_and_failed_logins_are_audited(client: Client) -> None:
    await create_staff(client, StaffRole.CLERK, username="carla")

    await post_login(client, "carla", "wrong-password")
    await post_login(client, "ghost", "wrong-password")
    await post_login(client, "carla", password_of("carla"))

    assert await audit_actions(client) == [
        ("anonymous", "session.login_failed", "staff:carla", "denied"),
        ("anonymous", "session.login_failed", "staff:ghost", "denied"),
        ("staff:carla", "session.login", "staff:carla", "allowed"),
    ]


# ---- passwords -------------------------------------------------------------------------


async def test_passwords_are_stored_as_argon2id_hashes(client: Client) -> None:
    await create_staff(client, StaffRole.JUDGE, username="jo")

    credentials = await client.app[keys.DATA].staff.credentials("jo")

    assert credentials is not None
    assert credentials.password_hash.startswith("$argon2id$")
    assert password_of("jo") not in credentials.password_hash


async def test_a_hash_with_weaker_parameters_is_upgraded_at_the_next_login(
    client: Client,
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("an-old-password!")
    await client.app[keys.DATA].staff.add(
        username="old", display_name="Old", role=StaffRole.CLERK, password_hash=weak
    )

    response = await post_login(client, "old", "an-old-password!")

    assert response.status == 200
    credentials = await client.app[keys.DATA].staff.credentials("old")
    assert credentials is not None
    assert credentials.password_hash != weak
    assert not PasswordHasher().check_needs_rehash(credentials.password_hash)
    assert (await post_login(client, "old", "an-old-password!")).status == 200


# ---- sessions end ----------------------------------------------------------------------


async def test_logging_out_ends_the_session_on_the_server_and_clears_the_cookie(
    client: Client,
) -> None:
    clerk = await login(client, StaffRole.CLERK)

    response = await client.delete("/api/v1/session", headers=clerk.headers)

    assert response.status == 204
    cleared = set_cookie(response)["courtroom_session"]
    assert cleared.value == ""
    assert cleared["max-age"] == "0"
    # The old cookie, replayed, no longer works.
    assert (await client.get("/api/v1/session", headers=clerk.headers)).status == 401
    assert ("staff:clerk", "session.logout", "staff:clerk", "allowed") in await audit_actions(
        client
    )


async def test_logging_out_without_a_session_is_harmless(client: Client) -> None:
    response = await client.delete("/api/v1/session")

    assert response.status == 204


async def test_a_session_expires_after_twelve_hours_whatever_the_browser_does(
    client: Client, wall: FakeWallClock
) -> None:
    judge = await login(client, StaffRole.JUDGE)

    wall.now += timedelta(hours=11, minutes=59)
    assert (await client.get("/api/v1/session", headers=judge.headers)).status == 200
    wall.now += timedelta(minutes=1)
    assert (await client.get("/api/v1/session", headers=judge.headers)).status == 401


async def test_logging_in_again_ends_the_previous_session_of_that_browser(
    client: Client,
) -> None:
    first = await login(client, StaffRole.CLERK)

    response = await client.post(
        "/api/v1/session",
        json={"username": "clerk", "password": password_of("clerk")},
        headers=first.headers,
    )

    assert response.status == 200
    assert (await client.get("/api/v1/session", headers=first.headers)).status == 401


# ---- throttling ------------------------------------------------------------------------


async def test_after_five_failures_that_address_is_refused_even_the_right_password(
    client: Client, clock: FakeClock
) -> None:
    await create_staff(client, StaffRole.JUDGE, username="jo")
    for _ in range(5):
        assert (await post_login(client, "jo", "guess-guess-guess")).status == 401
        clock.advance(10)

    refused = await post_login(client, "jo", password_of("jo"))

    assert refused.status == 429
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.headers["Retry-After"] == str(15 * 60 - 50)
    problem = await refused.json()
    assert problem["code"] == "too_many_attempts"
    assert "Try again in 15 minutes" in problem["detail"]
    assert "Set-Cookie" not in refused.headers


async def test_a_throttled_account_can_log_in_once_the_window_has_passed(
    client: Client, clock: FakeClock
) -> None:
    await create_staff(client, StaffRole.JUDGE, username="jo")
    for _ in range(5):
        await post_login(client, "jo", "guess-guess-guess")

    clock.advance(15 * 60 - 1)
    assert (await post_login(client, "jo", password_of("jo"))).status == 429
    clock.advance(1)
    assert (await post_login(client, "jo", password_of("jo"))).status == 200


async def test_another_account_logs_in_while_one_is_throttled(
    client: Client, clock: FakeClock
) -> None:
    await create_staff(client, StaffRole.JUDGE, username="jo")
    await create_staff(client, StaffRole.CLERK, username="carla")
    for _ in range(5):
        await post_login(client, "jo", "guess-guess-guess")

    assert (await post_login(client, "jo", password_of("jo"))).status == 429
    assert (await post_login(client, "carla", password_of("carla"))).status == 200


async def test_one_address_trying_many_usernames_is_throttled(
    client: Client, clock: FakeClock
) -> None:
    await create_staff(client, StaffRole.CLERK, username="carla")
    # Eight usernames, one guess each: no account reaches its limit, the address does.
    for n in range(8):
        assert (await post_login(client, f"user{n}", "guess-guess-guess")).status == 401

    refused = await post_login(client, "carla", password_of("carla"))

    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) == 15 * 60


async def test_a_successful_login_starts_the_account_count_over(
    client: Client, clock: FakeClock
) -> None:
    await create_staff(client, StaffRole.JUDGE, username="jo")
    for _ in range(4):
        await post_login(client, "jo", "guess-guess-guess")
    assert (await post_login(client, "jo", password_of("jo"))).status == 200

    for _ in range(3):
        assert (await post_login(client, "jo", "guess-guess-guess")).status == 401
    assert (await post_login(client, "jo", password_of("jo"))).status == 200


# ---- Origin --------------------------------------------------------------------------


async def test_a_change_with_the_cookie_but_no_origin_is_refused(client: Client) -> None:
    clerk = await login(client, StaffRole.CLERK)

    response = await client.delete(
        "/api/v1/session", headers={"Cookie": f"courtroom_session={clerk.cookie}"}
    )

    assert response.status == 403
    assert (await response.json())["code"] == "permission_denied"
    assert (await client.get("/api/v1/session", headers=clerk.headers)).status == 200


async def test_a_change_with_the_cookie_from_another_origin_is_refused(client: Client) -> None:
    clerk = await login(client, StaffRole.CLERK)

    response = await client.delete(
        "/api/v1/session", headers={**clerk.headers, "Origin": "https://evil.example"}
    )

    assert response.status == 403
    assert "evil.example" in (await response.json())["detail"]
    assert (await client.get("/api/v1/session", headers=clerk.headers)).status == 200


@pytest.mark.parametrize("origin", ["http://localhost:8080", "http://[::1]:8080"])
async def test_the_local_server_under_another_loopback_name_is_the_same_origin(
    client: Client, origin: str
) -> None:
    clerk = await login(client, StaffRole.CLERK)

    response = await client.delete("/api/v1/session", headers={**clerk.headers, "Origin": origin})

    assert response.status == 204


async def test_reading_with_the_cookie_needs_no_origin(client: Client) -> None:
    clerk = await login(client, StaffRole.CLERK)

    response = await client.get(
        "/api/v1/session", headers={"Cookie": f"courtroom_session={clerk.cookie}"}
    )

    assert response.status == 200


async def test_a_login_posted_from_another_origin_is_refused(client: Client) -> None:
    await create_staff(client, StaffRole.CLERK, username="carla")

    response = await post_login(client, "carla", password_of("carla"), "https://evil.example")

    assert response.status == 403
    assert "Set-Cookie" not in response.headers


# ---- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "carla"},
        {"password": "x" * 20},
        {"username": 7, "password": "x" * 20},
        {"username": "carla", "password": ["x"]},
        {"username": "c" * 65, "password": "x" * 20},
        {"username": "carla", "password": "x" * 1025},
        {"username": "", "password": "x" * 20},
        {"username": "carla\n", "password": "x" * 20},
        {"username": "carla", "password": "x" * 20, "remember": True},
        ["carla", "x"],
    ],
)
async def test_a_malformed_login_is_a_422_problem_that_sets_no_cookie(
    client: Client, body: object
) -> None:
    response = await client.post("/api/v1/session", json=body)

    assert response.status == 422
    problem = await response.json()
    assert problem["code"] == "invalid_request"
    assert "Set-Cookie" not in response.headers


async def test_a_login_that_is_not_json_is_a_422_problem(client: Client) -> None:
    response = await client.post("/api/v1/session", data=b"username=carla&password=x")

    assert response.status == 422


async def test_a_refused_login_never_echoes_the_password(client: Client) -> None:
    response = await client.post(
        "/api/v1/session", json={"username": "carla", "password": "s3cret" * 200}
    )

    assert response.status == 422
    assert "s3cret" not in await response.text()


# ---- the page --------------------------------------------------------------------------


async def test_the_login_page_is_served(client: Client) -> None:
    response = await client.get("/login")

    assert response.status == 200
    assert "text/html" in response.headers["Content-Type"]
    assert "<title>Staff login</title>" in await response.text()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
