"""Schemathesis against our own OpenAPI document: generated requests never get a 5xx.

Every operation of /api/v1/openapi.json is called with inputs generated from its schema
(valid ones and broken ones), as an administrator for the administrators' routes and with
an all-scopes API token for the rest. Each answer must be a non-5xx response whose body and
content type match the document: a 2xx body its schema, an error a problem+json document.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis import checks

from court.permissions import Scope
from court.roles import Role
from court.staff import StaffRole
from server import keys
from server.app import create_app
from server.auth.accounts import create_account
from server.auth.bodies import NewStaffAccount
from server.openapi import openapi_document
from server.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


PORT = _free_port()
BASE = f"http://127.0.0.1:{PORT}"
schema = schemathesis.openapi.from_dict(openapi_document(BASE))
schema.config.update(base_url=f"{BASE}/api/v1")

ADMIN_PASSWORD = "schemathesis-admin-password"
# Routes only a staff administrator may use (API tokens never administer).
STAFF_ONLY = ("/staff", "/api-tokens", "/webhooks", "/audit")


@dataclass
class LiveServer:
    bearer: dict[str, str]
    admin: dict[str, str]


def _serve(
    settings_: Settings, ready: threading.Event, stop: threading.Event, out: dict[str, object]
) -> None:
    async def main() -> None:
        app = create_app(settings_)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", PORT).start()
        auth = app[keys.AUTH]
        await create_account(
            app[keys.DATA].staff,
            auth.passwords,
            NewStaffAccount(
                username="admin",
                display_name="Administrator",
                role=StaffRole.ADMINISTRATOR,
                password=ADMIN_PASSWORD,
            ),
        )
        _, secret = await auth.tokens.issue(
            name="schemathesis", scopes=frozenset(Scope), created_by="test"
        )
        # Something to find: a hearing with a participant, so reads are not all 404.
        hearing = await app[keys.HEARINGS].create(case_number="S-1", title="Schema")
        await app[keys.PARTICIPANTS].add(hearing.id, name="W", role=Role.WITNESS)
        out["secret"] = secret
        ready.set()
        await asyncio.to_thread(stop.wait)
        await runner.cleanup()

    asyncio.run(main())


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("schema") / "data"
    settings_ = Settings.from_env(
        {
            "COURTROOM_DATA_DIR": str(data_dir),
            "COURTROOM_HOST": "127.0.0.1",
            "COURTROOM_PORT": str(PORT),
            "COURTROOM_ICE_HOST_ADDRESSES": "127.0.0.1",
        }
    )
    ready, stop = threading.Event(), threading.Event()
    out: dict[str, object] = {}
    thread = threading.Thread(target=_serve, args=(settings_, ready, stop, out), daemon=True)
    thread.start()
    assert ready.wait(30), "the server did not start"
    login = requests.post(
        f"{BASE}/api/v1/session",
        json={"username": "admin", "password": ADMIN_PASSWORD},
        headers={"Origin": BASE},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    cookie = login.cookies["courtroom_session"]
    try:
        yield LiveServer(
            bearer={"Authorization": f"Bearer {out['secret']}"},
            admin={"Cookie": f"courtroom_session={cookie}", "Origin": BASE},
        )
    finally:
        stop.set()
        thread.join(30)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_generated_request_gets_a_server_error(
    case: schemathesis.Case[Any], live_server: LiveServer
) -> None:
    path = case.operation.path
    if path == "/session":
        # Never with the admin's cookie: a generated DELETE would log the administrator out.
        headers: dict[str, str] = {"Origin": BASE}
    elif path.startswith(STAFF_ONLY):
        headers = live_server.admin
    else:
        headers = live_server.bearer
    case.call_and_validate(
        headers=headers,
        checks=[
            checks.not_a_server_error,
            checks.content_type_conformance,
            checks.response_schema_conformance,
        ],
    )
