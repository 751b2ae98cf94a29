"""A staff account's life: password change and reset, disable and enable, its sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import DummyCookieJar, web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient
from sqlalchemy import select

from court.staff import StaffRole
from server import keys
from server.app import create_app
from server.auth.bootstrap import INITIAL_ADMIN_FILE, ensure_first_administrator
from server.auth.sessions import COOKIE_NAME
from server.persistence.models import AuditEntryRow
from server.settings import Settings
from tests.server.auth_helpers import StaffLogin, login, origin_of, password_of

Client = TestClient[web.Request, web.Application]

NEW_PASSWORD = "a-brand-new-long-password"


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings, web_dir: Path) -> Client:
    return await aiohttp_client(create_app(settings), cookie_jar=DummyCookieJar())


@pytest.fixture
async def admin(client: Client) -> StaffLogin:
    return await login(client, StaffRole.ADMINISTRATOR, username="root")


@pytest.fixture
async def judge(client: Client) -> StaffLogin:
    return await login(client, StaffRole.JUDGE, username="jane")


async def try_login(client: Client, username: str, password: str) -> int:
    response = await client.post(
        "/api/v1/session",
        json={"username": username, "password": password},
        headers={"Origin": origin_of(client)},
    )
    client.session.cookie_jar.clear()
    return response.status


async def audit_log(client: Client) -> list[tuple[str, str, str, str, str]]:
    async with client.app[keys.DATA].sessions() as session:
        rows = await session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq))
        return [(r.actor, r.action, r.object, r.outcome, r.reason or "") for r in rows]


async def change(client: Client, who: StaffLogin, **body: Any) -> Any:
    return await client.put(
        "/api/v1/session/password",
        json={"current_password": password_of(who.account.username), **body},
        headers=who.headers,
    )


# ---- own password ------------------------------------------------------------------------


async def test_a_judge_changes_her_password_and_her_other_sessions_end(
    client: Client, judge: StaffLogin
) -> None:
    other = await login(client, StaffRole.JUDGE, username="jane")

    response = await change(client, judge, new_password=NEW_PASSWORD)

    assert response.status == 200, await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    assert (await client.get("/api/v1/session", headers=judge.headers)).status == 200
    assert (await client.get("/api/v1/session", headers=other.headers)).status == 401
    assert await try_login(client, "jane", password_of("jane")) == 401
    assert await try_login(client, "jane", NEW_PASSWORD) == 200
    assert ("staff:jane", "staff.password_change", "staff:jane", "allowed") in [
        e[:4] for e in await audit_log(client)
    ]


async def test_a_wrong_current_password_changes_nothing_and_is_audited(
    client: Client, judge: StaffLogin
) -> None:
    response = await change(
        client, judge, current_password="not-my-password", new_password=NEW_PASSWORD
    )

    assert response.status == 401
    assert (await response.json())["code"] == "not_authenticated"
    assert await try_login(client, "jane", password_of("jane")) == 200
    assert ("staff:jane", "staff.password_change", "staff:jane", "denied") in [
        e[:4] for e in await audit_log(client)
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"new_password": "short"},
        {"new_password": NEW_PASSWORD, "extra": 1},
        {"current_password": "", "new_password": NEW_PASSWORD},
    ],
)
async def test_a_bad_change_is_a_422_problem(
    client: Client, judge: StaffLogin, body: dict[str, Any]
) -> None:
    response = await change(client, judge, **body)

    assert response.status == 422
    assert response.content_type == "application/problem+json"


async def test_the_new_password_must_differ(client: Client, judge: StaffLogin) -> None:
    response = await change(client, judge, new_password=password_of("jane"))

    assert response.status == 422


async def test_only_a_logged_in_person_changes_a_password(client: Client) -> None:
    response = await client.put(
        "/api/v1/session/password",
        json={"current_password": "x", "new_password": NEW_PASSWORD},
        headers={"Origin": origin_of(client)},
    )

    assert response.status == 401


# ---- reset by an administrator --------------------------------------------------------------


async def reset(client: Client, admin: StaffLogin, target: StaffLogin, reason: str = "x") -> Any:
    return await client.post(
        f"/api/v1/staff/{target.account.id}/password-reset",
        json={"reason": reason},
        headers=admin.headers,
    )


async def test_a_reset_gives_a_temporary_password_that_must_be_changed(
    client: Client, admin: StaffLogin, judge: StaffLogin
) -> None:
    response = await reset(client, admin, judge, "forgot her password")

    assert response.status == 200, await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.json()
    temporary = body["temporary_password"]
    assert body["must_change_password"] is True
    # Her old session has ended; the old password no longer works.
    assert (await client.get("/api/v1/session", headers=judge.headers)).status == 401
    assert await try_login(client, "jane", password_of("jane")) == 401

    fresh = await login(client, StaffRole.JUDGE, username="jane", password=temporary)
    assert fresh.session["must_change_password"] is True
    refused = await client.get("/api/v1/hearings", headers=fresh.headers)
    assert refused.status == 403
    assert (await refused.json())["code"] == "password_change_required"
    # The court's name and time zone are public, and the account page shows times in it.
    assert (await client.get("/api/v1/court", headers=fresh.headers)).status == 200
    changed = await client.put(
        "/api/v1/session/password",
        json={"current_password": temporary, "new_password": NEW_PASSWORD},
        headers=fresh.headers,
    )
    assert changed.status == 200
    assert (await changed.json())["must_change_password"] is False
    assert (await client.get("/api/v1/hearings", headers=fresh.headers)).status == 200
    assert ("staff:root", "staff.password_reset", "staff:jane", "allowed") in [
        e[:4] for e in await audit_log(client)
    ]
    assert any(e[1] == "staff.password_reset" and "forgot" in e[4] for e in await audit_log(client))


async def test_only_an_administrator_resets_and_it_is_audited(
    client: Client, admin: StaffLogin, judge: StaffLogin
) -> None:
    response = await reset(client, judge, admin)

    assert response.status == 403
    assert ("staff:jane", "staff.password_reset", f"staff:{admin.account.id}", "denied") in [
        e[:4] for e in await audit_log(client)
    ]
    assert await try_login(client, "root", password_of("root")) == 200


async def test_a_reset_needs_a_reason_and_an_existing_account(
    client: Client, admin: StaffLogin, judge: StaffLogin
) -> None:
    no_reason = await client.post(
        f"/api/v1/staff/{judge.account.id}/password-reset", json={}, headers=admin.headers
    )
    unknown = await client.post(
        "/api/v1/staff/stf_nobody/password-reset", json={"reason": "x"}, headers=admin.headers
    )

    assert no_reason.status == 422
    assert unknown.status == 404


# ---- disable and enable -------------------------------------------------------------------


async def test_a_disabled_account_loses_its_sessions_and_cannot_log_in_until_enabled(
    client: Client, admin: StaffLogin, judge: StaffLogin
) -> None:
    path = f"/api/v1/staff/{judge.account.id}"
    disabled = await client.post(f"{path}/disable", json={"reason": "left"}, headers=admin.headers)

    assert disabled.status == 200
    assert (await disabled.json())["disabled"] is True
    assert (await client.get("/api/v1/session", headers=judge.headers)).status == 401
    assert await try_login(client, "jane", password_of("jane")) == 401

    enabled = await client.post(f"{path}/enable", json={"reason": "back"}, headers=admin.headers)

    assert (await enabled.json())["disabled"] is False
    assert await try_login(client, "jane", password_of("jane")) == 200
    actions = [e[1:4] for e in await audit_log(client)]
    assert ("staff.disable", "staff:jane", "allowed") in actions
    assert ("staff.enable", "staff:jane", "allowed") in actions


async def test_nobody_disables_their_own_account(client: Client, admin: StaffLogin) -> None:
    response = await client.post(
        f"/api/v1/staff/{admin.account.id}/disable", json={"reason": "x"}, headers=admin.headers
    )

    assert response.status == 409


async def test_only_an_administrator_disables_or_enables(
    client: Client, admin: StaffLogin, judge: StaffLogin
) -> None:
    for action in ("disable", "enable"):
        response = await client.post(
            f"/api/v1/staff/{admin.account.id}/{action}",
            json={"reason": "x"},
            headers=judge.headers,
        )
        assert response.status == 403


# ---- sessions -----------------------------------------------------------------------------


async def sessions_of(client: Client, who: StaffLogin, caller: StaffLogin) -> Any:
    return await client.get(f"/api/v1/staff/{who.account.id}/sessions", headers=caller.headers)


async def test_a_person_lists_and_revokes_their_own_sessions(
    client: Client, judge: StaffLogin
) -> None:
    other = await login(client, StaffRole.JUDGE, username="jane")

    response = await sessions_of(client, judge, judge)

    assert response.status == 200
    listed = (await response.json())["sessions"]
    assert len(listed) == 2
    assert [s["current"] for s in listed].count(True) == 1
    other_id = next(s["id"] for s in listed if not s["current"])
    assert COOKIE_NAME not in str(listed) and other.cookie not in str(listed)

    revoked = await client.delete(
        f"/api/v1/staff/{judge.account.id}/sessions/{other_id}", headers=judge.headers
    )

    assert revoked.status == 204
    assert (await client.get("/api/v1/session", headers=other.headers)).status == 401
    assert (await client.get("/api/v1/session", headers=judge.headers)).status == 200
    again = await client.delete(
        f"/api/v1/staff/{judge.account.id}/sessions/{other_id}", headers=judge.headers
    )
    assert again.status == 404


async def test_an_administrator_revokes_someone_elses_session(
    client: Client, admin: StaffLogin, judge: StaffLogin
) -> None:
    listed = (await (await sessions_of(client, judge, admin)).json())["sessions"]
    assert [s["current"] for s in listed] == [False]

    revoked = await client.delete(
        f"/api/v1/staff/{judge.account.id}/sessions/{listed[0]['id']}", headers=admin.headers
    )

    assert revoked.status == 204
    assert (await client.get("/api/v1/session", headers=judge.headers)).status == 401
    assert ("staff:root", "session.revoke", "staff:jane", "allowed") in [
        e[:4] for e in await audit_log(client)
    ]


async def test_nobody_else_sees_or_ends_a_persons_sessions(
    client: Client, admin: StaffLogin, judge: StaffLogin
) -> None:
    clerk = await login(client, StaffRole.CLERK, username="carl")
    listed = (await (await sessions_of(client, judge, judge)).json())["sessions"]

    assert (await sessions_of(client, judge, clerk)).status == 403
    response = await client.delete(
        f"/api/v1/staff/{judge.account.id}/sessions/{listed[0]['id']}", headers=clerk.headers
    )
    assert response.status == 403
    assert (await client.get("/api/v1/session", headers=judge.headers)).status == 200
    # A session of another account is not found through one's own path.
    mine = await client.delete(
        f"/api/v1/staff/{clerk.account.id}/sessions/{listed[0]['id']}", headers=clerk.headers
    )
    assert mine.status == 404


async def test_the_first_administrator_must_change_the_printed_password_whose_file_then_goes(
    client: Client,
) -> None:
    settings = client.app[keys.SETTINGS]
    password = await ensure_first_administrator(
        client.app[keys.DATA], client.app[keys.AUTH].passwords, settings.data_dir
    )
    assert password is not None
    admin = await login(client, StaffRole.ADMINISTRATOR, username="admin", password=password)
    assert admin.session["must_change_password"] is True
    assert (await client.get("/api/v1/staff", headers=admin.headers)).status == 403

    changed = await client.put(
        "/api/v1/session/password",
        json={"current_password": password, "new_password": NEW_PASSWORD},
        headers=admin.headers,
    )

    assert changed.status == 200
    assert not (settings.data_dir / INITIAL_ADMIN_FILE).exists()
    assert (await client.get("/api/v1/staff", headers=admin.headers)).status == 200
