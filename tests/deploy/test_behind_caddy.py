"""courtroom behind the shipped Caddyfile, over HTTPS, reached from another network
namespace: the audit log and login throttling count the participant's own address (not
Caddy's, not one the client writes into X-Forwarded-For), and cookies are Secure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.topology import (
    PARTICIPANT_ADDRESS,
    SERVER_ADDRESS,
    SITE,
    Caddy,
    Courtroom,
    Namespace,
    caddy,
    courtroom,
    curl,
    parse,
    participant_namespace,
)
from tests.e2e.harness import free_port

CLERK, CLERK_PASSWORD = "clerk-behind-caddy", "a clerk's long password"
OTHER, OTHER_PASSWORD = "judge-behind-caddy", "a judge's long password"
ORIGIN = f"https://{SITE}"
# Failed logins of one account from one address before that address is refused for it
# (server/auth/throttle.py ACCOUNT_LIMIT).
ACCOUNT_LIMIT = 5


@pytest.fixture(scope="module")
def namespace() -> Iterator[Namespace]:
    with participant_namespace() as found:
        yield found


@pytest.fixture(scope="module")
def installation(
    tmp_path_factory: pytest.TempPathFactory, namespace: Namespace
) -> Iterator[tuple[Courtroom, Caddy]]:
    base = tmp_path_factory.mktemp("behind-caddy")
    settings = {
        "COURTROOM_PUBLIC_URL": ORIGIN,
        "COURTROOM_TRUSTED_PROXIES": "127.0.0.1,::1",
        "COURTROOM_ICE_HOST_ADDRESSES": SERVER_ADDRESS,
    }
    with courtroom(base, settings) as server:
        for username, role, password in (
            (CLERK, "clerk", CLERK_PASSWORD),
            (OTHER, "judge", OTHER_PASSWORD),
        ):
            added = server.cli(
                "users", "add", username, "--role", role, "--name", username, "--password-stdin",
                stdin=password + "\n",
            )  # fmt: skip
            assert added.returncode == 0, added.stderr
        upstream = server.direct_url.removeprefix("http://")
        with caddy(base, upstream) as front:
            yield server, front


def _login(
    front: Caddy, username: str, password: str, *, namespace: Namespace | None, forged: str = ""
) -> tuple[int, dict[str, list[str]]]:
    headers = {"Origin": ORIGIN if front.https_port == 443 else f"{ORIGIN}:{front.https_port}"}
    if forged:
        headers["X-Forwarded-For"] = forged
    done = curl(
        front.root_cert,
        "/api/v1/session",
        namespace=namespace,
        method="POST",
        json_body=json.dumps({"username": username, "password": password}),
        headers=headers,
        port=front.https_port,
    )
    response = parse(done)
    return response.status, response.headers


def _audit(server: Courtroom, action: str, username: str) -> list[str]:
    listed = server.cli("audit", "list", "--limit", "500")
    assert listed.returncode == 0, listed.stderr
    return [
        line
        for line in listed.stdout.splitlines()
        if f" {action} " in line and f"staff:{username}" in line
    ]


def test_the_page_is_served_over_https_by_caddy_with_its_security_headers(
    installation: tuple[Courtroom, Caddy], namespace: Namespace
) -> None:
    _, front = installation
    page = parse(curl(front.root_cert, "/login", namespace=namespace))
    assert page.status == 200, page
    # HSTS only because the public URL is https: courtroom sends it itself.
    assert any("max-age=" in v for v in page.headers.get("strict-transport-security", [])), (
        page.headers
    )
    # Caddy's own server header: the answer really came through the proxy.
    assert page.headers.get("server") == ["Caddy"], page.headers
    # The metrics stay off the public site whatever courtroom would answer.
    assert parse(curl(front.root_cert, "/metrics", namespace=namespace)).status == 404


def test_a_failed_login_is_audited_with_the_participants_address_not_a_forged_one(
    installation: tuple[Courtroom, Caddy], namespace: Namespace
) -> None:
    server, front = installation
    status, _ = _login(front, OTHER, "not the password", namespace=namespace, forged="203.0.113.9")
    assert status == 401
    (entry,) = _audit(server, "session.login_failed", OTHER)
    assert f"from {PARTICIPANT_ADDRESS}" in entry, entry
    assert "203.0.113.9" not in entry and "127.0.0.1" not in entry, entry

    status, headers = _login(front, OTHER, OTHER_PASSWORD, namespace=namespace)
    assert status == 200
    (cookie,) = headers["set-cookie"]
    assert re.search(r";\s*Secure", cookie), cookie
    (entry,) = _audit(server, "session.login", OTHER)
    assert f"from {PARTICIPANT_ADDRESS}" in entry, entry
    # courtroom's access log names the participant too, not Caddy.
    logins = [line for line in server.log().splitlines() if "POST /api/v1/session" in line]
    assert logins and all(f"aiohttp.access: {PARTICIPANT_ADDRESS} [" in x for x in logins), logins


def test_forged_forwarding_headers_do_not_escape_the_throttle_and_others_still_log_in(
    installation: tuple[Courtroom, Caddy], namespace: Namespace
) -> None:
    """Each failure claims another address in X-Forwarded-For; Caddy replaces the header
    with the participant's, courtroom trusts it from Caddy alone, so all of them count
    against 10.16.0.2. The clerk logging in from the server's side of the link (another
    client address to Caddy) is not refused."""
    _, front = installation
    for attempt in range(ACCOUNT_LIMIT):
        status, _ = _login(
            front,
            CLERK,
            "a wrong password",
            namespace=namespace,
            forged=f"198.51.100.{attempt + 1}",
        )
        assert status == 401, attempt
    status, headers = _login(
        front, CLERK, CLERK_PASSWORD, namespace=namespace, forged="198.51.100.200"
    )
    assert status == 429, "the right password from the throttled address must be refused"
    assert headers.get("retry-after"), headers

    status, _ = _login(front, CLERK, CLERK_PASSWORD, namespace=None)
    assert status == 200, "the same account from another address must not be refused"


def test_without_trusted_proxies_every_participant_is_caddy(
    tmp_path: Path, namespace: Namespace
) -> None:
    """The setting is what makes the difference: left out, courtroom ignores the header
    and audits Caddy's loopback address for everyone (safe, but useless to the court)."""
    port = free_port()  # the module's Caddy holds 443
    with courtroom(tmp_path, {"COURTROOM_PUBLIC_URL": f"{ORIGIN}:{port}"}) as server:
        upstream = server.direct_url.removeprefix("http://")
        with caddy(tmp_path, upstream, https_port=port) as front:
            status, _ = _login(front, "nobody", "wrong password", namespace=namespace)
            assert status == 401
        (entry,) = _audit(server, "session.login_failed", "nobody")
        assert "from 127.0.0.1" in entry, entry
