"""The client address behind trusted proxies, and why an outsider cannot lock the judge out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import DummyCookieJar, web
from aiohttp.test_utils import TestClient, make_mocked_request
from pytest_aiohttp import AiohttpClient

from court.staff import StaffRole
from server import keys
from server.app import create_app
from server.auth.proxies import client_address, parse_trusted_proxies
from server.settings import Settings, SettingsError
from tests.server.auth_helpers import create_staff, origin_of, password_of

Client = TestClient[web.Request, web.Application]


def address(peer: str, trusted: str, forwarded: str | None = None) -> str:
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    request = make_mocked_request("POST", "/api/v1/session", headers=headers)
    request = request.clone(remote=peer)
    return client_address(request, parse_trusted_proxies(trusted))


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert address("192.0.2.1", "", "203.0.113.9") == "192.0.2.1"


def test_only_a_trusted_proxy_may_name_the_client() -> None:
    assert address("10.0.0.2", "10.0.0.0/8", "203.0.113.9") == "203.0.113.9"
    assert address("192.0.2.1", "10.0.0.0/8", "203.0.113.9") == "192.0.2.1"


def test_a_forged_leftmost_entry_does_not_count() -> None:
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    assert address("10.0.0.2", "10.0.0.2", "1.2.3.4, 203.0.113.9") == "203.0.113.9"
    # Two proxies of ours in a row: the first untrusted one from the right.
    assert address("10.0.0.2", "10.0.0.0/8", "1.2.3.4, 203.0.113.9, 10.0.0.7") == "203.0.113.9"


def test_a_trusted_proxy_without_the_header_counts_as_the_client() -> None:
    assert address("10.0.0.2", "10.0.0.2") == "10.0.0.2"
    assert address("10.0.0.2", "10.0.0.2", "not-an-address") == "10.0.0.2"


def test_the_setting_is_parsed_and_checked(courtroom_env: dict[str, str]) -> None:
    settings = Settings.from_env(
        {**courtroom_env, "COURTROOM_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/24,::1"}
    )
    assert [str(n) for n in settings.trusted_proxies] == [
        "10.0.0.1/32",
        "192.168.0.0/24",
        "::1/128",
    ]
    with pytest.raises(SettingsError, match="COURTROOM_TRUSTED_PROXIES"):
        Settings.from_env({**courtroom_env, "COURTROOM_TRUSTED_PROXIES": "proxy.example"})


@pytest.fixture
async def behind_proxy(
    aiohttp_client: AiohttpClient, settings: Settings, web_dir: Path
) -> tuple[Client, list[float]]:
    """The app behind a proxy at 127.0.0.1 (the test client's address); sleeps recorded."""
    app = create_app(replace(settings, trusted_proxies=parse_trusted_proxies("127.0.0.1")))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    auth = app[keys.AUTH]
    app[keys.AUTH] = replace(auth, sessions=replace(auth.sessions, sleep=sleep))
    return await aiohttp_client(app, cookie_jar=DummyCookieJar()), slept


async def log_in(client: Client, username: str, password: str, client_ip: str) -> int:
    response = await client.post(
        "/api/v1/session",
        json={"username": username, "password": password},
        headers={"Origin": origin_of(client), "X-Forwarded-For": client_ip},
    )
    return response.status


async def test_an_outsider_cannot_lock_the_judge_out(
    behind_proxy: tuple[Client, list[float]],
) -> None:
    client, slept = behind_proxy
    await create_staff(client, StaffRole.JUDGE, username="jo")
    for _ in range(5):
        assert await log_in(client, "jo", "guess-guess-guess", "203.0.113.9") == 401
    assert await log_in(client, "jo", "guess-guess-guess", "203.0.113.9") == 429

    # The judge, elsewhere, gets in: slowed, not refused.
    assert await log_in(client, "jo", password_of("jo"), "198.51.100.1") == 200
    assert slept == [1.0]


async def test_behind_the_proxy_each_client_has_its_own_address_limit(
    behind_proxy: tuple[Client, list[float]],
) -> None:
    client, _ = behind_proxy
    await create_staff(client, StaffRole.CLERK, username="carla")
    for n in range(20):
        assert await log_in(client, f"user{n}", "guess-guess-guess", "203.0.113.9") == 401

    assert await log_in(client, "carla", password_of("carla"), "203.0.113.9") == 429
    assert await log_in(client, "carla", password_of("carla"), "198.51.100.1") == 200
