"""The HTTP edge: pages, static files, health, OpenAPI, problem+json and security headers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient

from court.hearing_state import HearingState
from court.permissions import Scope
from recordings.signing import key_fingerprint, load_or_create_key
from server import keys
from server.app import allowed_origins, create_app
from server.live_courtroom import signaling_audit
from server.settings import Settings
from signaling.audit import AuditEvent
from tests.server.audit_support import until
from tests.server.auth_helpers import api_token

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[web.Application], Awaitable[Client]]


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    return await aiohttp_client(create_app(settings))


def assert_secure(response: ClientResponse) -> None:
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "media-src 'self' blob:" in policy
    # Only the server's own origin: never any WebSocket host (ws: or wss: as a scheme).
    assert "connect-src 'self' ws://127.0.0.1:8080;" in policy
    assert " ws: " not in policy and "wss:" not in policy
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    # The default public URL is http: no HSTS there (it would be ignored anyway).
    assert "Strict-Transport-Security" not in headers


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/", "text/html", "<title>Courtroom</title>"),
        ("/join", "text/html", "<title>Hearing</title>"),
        ("/static/js/join.js", "javascript", "export {};"),
        ("/favicon.ico", "image/svg+xml", "<svg"),
    ],
)
async def test_pages_and_static_files_are_served_with_security_headers(
    client: Client, path: str, content_type: str, body: str
) -> None:
    response = await client.get(path)

    assert response.status == 200
    assert content_type in response.headers["Content-Type"]
    assert body in await response.text()
    assert_secure(response)


async def test_api_answers_are_never_stored_by_a_cache(client: Client) -> None:
    for path in ("/api/v1/health", "/api/v1/hearings", "/api/v1/nothing-here"):
        response = await client.get(path)

        assert response.headers["Cache-Control"] == "no-store", path
        assert_secure(response)


async def test_pages_may_be_cached_but_carry_the_policy(client: Client) -> None:
    response = await client.get("/")

    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/join", "/api/v1/health", "/api/v1/nothing-here"])
async def test_https_public_url_sends_hsts_and_a_wss_only_socket_origin(
    aiohttp_client: MakeClient, settings: Settings, path: str
) -> None:
    secure = replace(settings, public_url="https://court.example")
    client = await aiohttp_client(create_app(secure))

    response = await client.get(path)

    assert response.headers["Strict-Transport-Security"] == "max-age=63072000"
    policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' wss://court.example;" in policy
    assert "ws://" not in policy


async def test_health_says_ok(client: Client) -> None:
    response = await client.get("/api/v1/health")

    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_the_openapi_document_describes_health_and_hearings(client: Client) -> None:
    response = await client.get("/api/v1/openapi.json")
    document = await response.json()

    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://127.0.0.1:8080/api/v1"}]
    assert {"/health", "/hearings"} <= set(document["paths"])
    for path, operations in document["paths"].items():
        # Every path the document names is one the server answers: public ones at once,
        # the others by asking for credentials (never 404 or 405).
        for method, operation in operations.items():
            concrete = path.replace("{", "").replace("}", "")
            answered = await client.request(method.upper(), f"/api/v1{concrete}")
            if operation["security"] == []:
                assert answered.status < 500 and answered.status not in (401, 404, 405), path
            else:
                assert answered.status == 401, (method, path)


async def test_the_openapi_document_describes_errors_and_its_references_resolve(
    client: Client,
) -> None:
    document = await (await client.get("/api/v1/openapi.json")).json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            default = operation["responses"]["default"]
            assert "application/problem+json" in default["content"], (method, path)

    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(document):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


async def test_hearings_are_listed_for_the_e_court_systems_token(client: Client) -> None:
    ecourt = await api_token(client, Scope.HEARINGS_READ)
    hearing = await client.app[keys.HEARINGS].create(case_number="1-9/2026", title="State v. X")

    listed = await (await client.get("/api/v1/hearings", headers=ecourt.headers)).json()

    assert [(h["id"], h["case_number"]) for h in listed["hearings"]] == [(hearing.id, "1-9/2026")]


async def test_recordings_are_listed_for_a_token_that_may_read_the_record(client: Client) -> None:
    archive = await api_token(client, Scope.RECORDS_READ)
    scheduler = await api_token(client, Scope.HEARINGS_WRITE)

    allowed = await client.get("/api/v1/recordings", headers=archive.headers)
    refused = await client.get("/api/v1/recordings", headers=scheduler.headers)

    assert await allowed.json() == {"recordings": []}
    assert refused.status == 403


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/nothing-here", 404, "not_found"),
        ("GET", "/static/../settings.py", 404, "not_found"),
        ("POST", "/api/v1/health", 405, "method_not_allowed"),
    ],
)
async def test_errors_are_problem_details_with_security_headers(
    client: Client, method: str, path: str, status: int, code: str
) -> None:
    response = await client.request(method, path)

    assert response.status == status
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = await response.json()
    assert problem["status"] == status
    assert problem["code"] == code
    assert problem["title"] and problem["detail"]
    assert_secure(response)


async def test_the_static_folder_is_not_listed(client: Client) -> None:
    response = await client.get("/static/")

    assert response.status in (403, 404)
    assert response.headers["Content-Type"].startswith("application/problem+json")


async def test_an_unexpected_failure_is_a_500_problem_without_internals(
    aiohttp_client: MakeClient, settings: Settings
) -> None:
    app = create_app(settings)

    async def broken(_: web.Request) -> web.Response:
        raise RuntimeError("secret internals")

    app.router.add_get("/api/v1/broken", broken)
    client = await aiohttp_client(app)

    response = await client.get("/api/v1/broken")

    assert response.status == 500
    problem = await response.json()
    assert problem["code"] == "internal_error"
    assert "secret" not in await response.text()


async def test_socket_io_is_mounted_for_signaling(client: Client) -> None:
    # The Engine.IO handshake: "0" is its open packet. Joining a hearing needs a token.
    response = await client.get("/socket.io/", params={"EIO": "4", "transport": "polling"})

    assert response.status == 200
    assert (await response.text()).startswith("0{")


async def test_another_origin_may_not_open_the_signaling_connection(client: Client) -> None:
    response = await client.get(
        "/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": "https://evil.example"},
    )

    assert response.status == 400


def test_the_local_server_is_its_own_origin_under_every_loopback_name(
    settings: Settings,
) -> None:
    assert allowed_origins(settings) == [
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "http://localhost:8080",
    ]


async def test_signaling_refusals_reach_the_courts_audit_log(client: Client) -> None:
    record = signaling_audit(client.app[keys.AUDIT])

    await record(
        AuditEvent(
            actor="participant:prt_1 (observer)",
            action="signaling.publish",
            object="hearing:hrg_1",
            reason="the role Observer may not publish audio",
            denied=True,
        )
    )

    (entry,) = await client.app[keys.AUDIT].entries.page()
    assert (entry.actor, entry.action, entry.outcome) == (
        "participant:prt_1 (observer)",
        "signaling.publish",
        "denied",
    )
    assert (await client.app[keys.AUDIT].verify()).ok


def checkpointed_seqs(settings: Settings) -> list[int]:
    lines = settings.audit_checkpoints_file.read_text().splitlines()
    return [json.loads(line)["seq"] for line in lines]


async def test_the_running_app_checkpoints_new_audit_entries_with_the_court_key(
    aiohttp_client: MakeClient, courtroom_env: dict[str, str], web_dir: Path
) -> None:
    settings = Settings.from_env(
        {**courtroom_env, "COURTROOM_WEB_DIR": str(web_dir), "COURTROOM_AUDIT_CHECKPOINT_S": "0.05"}
    )
    client = await aiohttp_client(create_app(settings))
    checkpoints = client.app[keys.AUDIT_CHECKPOINTS]

    entry = await client.app[keys.AUDIT].record(actor="staff:a", action="test.x", object="o:1")
    await until(lambda: (found := checkpoints.latest()) is not None and found.seq == entry.seq)

    latest = checkpoints.latest()
    assert latest is not None
    court_key = load_or_create_key(settings.record_signing_key_file)
    assert (latest.head, latest.key) == (entry.digest, key_fingerprint(court_key))
    assert (await checkpoints.verify()).anchor == latest


async def test_closing_a_hearing_and_stopping_the_app_each_anchor_the_audit_log_at_once(
    aiohttp_client: MakeClient, courtroom_env: dict[str, str], web_dir: Path
) -> None:
    # The default interval (a minute) never comes round during the test.
    settings = Settings.from_env({**courtroom_env, "COURTROOM_WEB_DIR": str(web_dir)})
    client = await aiohttp_client(create_app(settings))
    hearing = await client.app[keys.HEARINGS].create(case_number="1-7/2026", title="T")
    states = client.app[keys.HEARING_STATES]

    await states.change(hearing.id, HearingState.OPEN, actor="staff:judge", reason="test")
    await states.change(hearing.id, HearingState.CLOSED, actor="staff:judge", reason="test")
    closed = await client.app[keys.AUDIT].entries.head()
    anchored_at_close = client.app[keys.AUDIT_CHECKPOINTS].latest()
    after_close = await client.app[keys.AUDIT].record(actor="staff:a", action="t", object="o")
    await client.close()

    assert closed is not None and closed.action == "hearing.closed"
    assert anchored_at_close is not None
    assert (anchored_at_close.seq, anchored_at_close.head) == (closed.seq, closed.digest)
    assert checkpointed_seqs(settings)[-2:] == [closed.seq, after_close.seq]
