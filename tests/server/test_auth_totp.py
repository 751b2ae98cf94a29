"""The optional second factor (TOTP): enrol, log in with a code, no replay, required for
administrators when COURTROOM_ADMIN_TOTP is on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pyotp
import pytest
from aiohttp import DummyCookieJar, web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from court.staff import StaffRole
from server import keys
from server.app import create_app
from server.auth.totp import TotpCodes
from server.settings import Settings
from tests.server.auth_helpers import StaffLogin, login, origin_of, password_of

Client = TestClient[web.Request, web.Application]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def make_client(
    aiohttp_client: AiohttpClient, settings: Settings, clock: FakeClock
) -> Client:
    app = create_app(settings)
    auth = app[keys.AUTH]
    app[keys.AUTH] = replace(auth, sessions=replace(auth.sessions, codes=TotpCodes(clock)))
    return await aiohttp_client(app, cookie_jar=DummyCookieJar())


@pytest.fixture
async def client(
    aiohttp_client: AiohttpClient, settings: Settings, web_dir: Path, clock: FakeClock
) -> Client:
    return await make_client(aiohttp_client, settings, clock)


def code(secret: str, clock: FakeClock) -> str:
    return pyotp.TOTP(secret).at(clock.now)


def wrong_code(secret: str, clock: FakeClock) -> str:
    """A code that none of the accepted steps (the current one and its neighbours) makes."""
    valid = {pyotp.TOTP(secret).at(clock.now + step) for step in (-30, 0, 30)}
    return next(f"{n:06d}" for n in range(4) if f"{n:06d}" not in valid)


async def enrol(client: Client, who: StaffLogin, clock: FakeClock) -> str:
    proposed = await client.post("/api/v1/session/totp", headers=who.headers)
    assert proposed.status == 200, await proposed.text()
    body = await proposed.json()
    assert body["uri"].startswith("otpauth://totp/")
    secret: str = body["secret"]
    enabled = await client.put(
        "/api/v1/session/totp",
        json={"secret": secret, "code": code(secret, clock)},
        headers=who.headers,
    )
    assert enabled.status == 200, await enabled.text()
    assert (await enabled.json())["totp_enabled"] is True
    return secret


async def post_login(client: Client, username: str, **extra: Any) -> Any:
    response = await client.post(
        "/api/v1/session",
        json={"username": username, "password": password_of(username), **extra},
        headers={"Origin": origin_of(client)},
    )
    client.session.cookie_jar.clear()
    return response


async def test_with_a_second_factor_a_login_needs_the_current_code_once(
    client: Client, clock: FakeClock
) -> None:
    judge = await login(client, StaffRole.JUDGE, username="jane")
    secret = await enrol(client, judge, clock)
    clock.now += 30

    asked = await post_login(client, "jane")
    assert asked.status == 401
    assert (await asked.json())["code"] == "second_factor_required"
    assert (await post_login(client, "jane", code=wrong_code(secret, clock))).status == 401
    current = code(secret, clock)
    assert (await post_login(client, "jane", code=current)).status == 200
    assert (await post_login(client, "jane", code=current)).status == 401  # no replay
    clock.now += 30
    assert (await post_login(client, "jane", code=code(secret, clock))).status == 200


async def test_a_wrong_code_does_not_enrol(client: Client, clock: FakeClock) -> None:
    judge = await login(client, StaffRole.JUDGE, username="jane")
    secret = pyotp.random_base32()
    wrong = wrong_code(secret, clock)

    response = await client.put(
        "/api/v1/session/totp", json={"secret": secret, "code": wrong}, headers=judge.headers
    )

    assert response.status == 422
    assert (await post_login(client, "jane")).status == 200


async def test_turning_it_off_needs_the_password(client: Client, clock: FakeClock) -> None:
    judge = await login(client, StaffRole.JUDGE, username="jane")
    await enrol(client, judge, clock)

    wrong = await client.request(
        "DELETE",
        "/api/v1/session/totp",
        json={"current_password": "not-it"},
        headers=judge.headers,
    )
    right = await client.request(
        "DELETE",
        "/api/v1/session/totp",
        json={"current_password": password_of("jane")},
        headers=judge.headers,
    )

    assert wrong.status == 403
    assert right.status == 200
    assert (await post_login(client, "jane")).status == 200


async def test_a_reset_removes_the_second_factor(client: Client, clock: FakeClock) -> None:
    admin = await login(client, StaffRole.ADMINISTRATOR, username="root")
    judge = await login(client, StaffRole.JUDGE, username="jane")
    await enrol(client, judge, clock)

    reset = await client.post(
        f"/api/v1/staff/{judge.account.id}/password-reset",
        json={"reason": "lost her phone"},
        headers=admin.headers,
    )

    assert reset.status == 200
    assert (await reset.json())["totp_enabled"] is False


async def test_administrators_must_enrol_when_the_setting_is_on(
    aiohttp_client: AiohttpClient, settings: Settings, web_dir: Path, clock: FakeClock
) -> None:
    client = await make_client(aiohttp_client, replace(settings, admin_totp=True), clock)
    admin = await login(client, StaffRole.ADMINISTRATOR, username="root")
    judge = await login(client, StaffRole.JUDGE, username="jane")
    assert admin.session["must_enrol_second_factor"] is True
    assert judge.session["must_enrol_second_factor"] is False

    refused = await client.get("/api/v1/staff", headers=admin.headers)
    assert refused.status == 403
    assert (await refused.json())["code"] == "second_factor_enrolment_required"
    assert (await client.get("/api/v1/hearings", headers=judge.headers)).status == 200

    await enrol(client, admin, clock)

    assert (await client.get("/api/v1/staff", headers=admin.headers)).status == 200
    off = await client.request(
        "DELETE",
        "/api/v1/session/totp",
        json={"current_password": password_of("root")},
        headers=admin.headers,
    )
    assert off.status == 409
