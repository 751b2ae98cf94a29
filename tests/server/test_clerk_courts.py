"""A clerk assigned to a court by an administrator sees and changes every hearing of that
court, scheduled by anyone, and no hearing of another court (issue 15; the security
review's H1). Callers log in the real way, so the assignment reaches them as it would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import DummyCookieJar
from pytest_aiohttp import AiohttpClient

from court.staff import StaffRole
from server import keys
from server.app import create_app
from server.audit import Outcome
from server.settings import Settings
from tests.server.api_support import hearing_body
from tests.server.auth_helpers import Client, StaffLogin, create_staff, login

A, B = "District Court A", "District Court B"


@pytest.fixture
def settings(courtroom_env: dict[str, str], web_dir: Path) -> Settings:
    return Settings.from_env(
        {**courtroom_env, "COURTROOM_WEB_DIR": str(web_dir), "COURTROOM_COURT_NAME": A}
    )


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings) -> Client:
    return await aiohttp_client(create_app(settings), cookie_jar=DummyCookieJar())


@pytest.fixture
async def admin(client: Client) -> StaffLogin:
    return await login(client, StaffRole.ADMINISTRATOR, username="root")


async def schedule(client: Client, court: str, case_number: str) -> dict[str, Any]:
    """A hearing of ``court`` scheduled by its judge, naming another clerk ("clerk.z")."""
    judge = await login(client, StaffRole.JUDGE, username="judge")
    await create_staff(client, StaffRole.CLERK, username="clerk.z")
    response = await client.post(
        "/api/v1/hearings",
        json=hearing_body(court=court, case_number=case_number, clerk="clerk.z"),
        headers=judge.headers,
    )
    assert response.status == 201, await response.text()
    return dict(await response.json())


async def assign(
    client: Client, admin: StaffLogin, staff_id: str, courts: list[str], reason: str = "rota"
) -> Any:
    return await client.put(
        f"/api/v1/staff/{staff_id}/courts",
        json={"courts": courts, "reason": reason},
        headers=admin.headers,
    )


async def test_an_administrator_assigns_a_clerk_to_courts_and_the_log_says_so(
    client: Client, admin: StaffLogin
) -> None:
    await schedule(client, B, "B-1")
    clerk = await create_staff(client, StaffRole.CLERK, username="clerk.a")

    listed = await client.get("/api/v1/courts", headers=admin.headers)
    assert (await listed.json()) == {"courts": [A, B]}  # this court's name, and B's hearing

    response = await assign(client, admin, clerk.id, [A, B], reason="covers both this week")
    assert response.status == 200, await response.text()
    assert (await response.json())["courts"] == [A, B]
    again = await assign(client, admin, clerk.id, [A], reason="back to A")
    assert (await again.json())["courts"] == [A]

    stored = await client.app[keys.DATA].staff.get(clerk.id)
    assert stored is not None and stored.courts == {A}
    entries = await client.app[keys.AUDIT].entries.page(limit=100)
    changes = [e for e in entries if e.action == "staff.courts"]
    assert [(e.actor, e.object, e.reason) for e in changes] == [
        (
            "staff:root",
            "staff:clerk.a",
            f"courts: [] -> ['{A}', '{B}']: covers both this week",
        ),
        ("staff:root", "staff:clerk.a", f"courts: ['{A}', '{B}'] -> ['{A}']: back to A"),
    ]
    # The clerk's own account says which courts are theirs.
    own = await login(client, StaffRole.CLERK, username="clerk.a")
    session = await client.get("/api/v1/session", headers=own.headers)
    assert (await session.json())["courts"] == [A]


async def test_only_clerks_are_assigned_and_only_to_courts_a_hearing_can_be_in(
    client: Client, admin: StaffLogin
) -> None:
    judge = await create_staff(client, StaffRole.JUDGE, username="judge")
    clerk = await create_staff(client, StaffRole.CLERK, username="clerk.a")

    for staff_id, courts, said in (
        (judge.id, [A], "only clerks are assigned to courts"),
        (clerk.id, ["Distrct Court A"], "no hearing is scheduled in 'Distrct Court A'"),
    ):
        response = await assign(client, admin, staff_id, courts)
        assert response.status == 422
        assert said in (await response.json())["detail"]
    missing = await assign(client, admin, "stf_nobody", [A])
    assert missing.status == 404

    stored = await client.app[keys.DATA].staff.get(clerk.id)
    assert stored is not None and stored.courts == frozenset()


async def test_a_clerk_cannot_assign_themselves_to_a_court(client: Client) -> None:
    clerk = await login(client, StaffRole.CLERK, username="clerk.a")
    response = await assign(client, clerk, clerk.account.id, [A])
    assert response.status == 403
    assert response.headers["Content-Type"].startswith("application/problem+json")
    entries = await client.app[keys.AUDIT].entries.page(limit=100)
    assert [(e.action, e.outcome) for e in entries if e.actor == "staff:clerk.a"][-1] == (
        "staff.courts",
        Outcome.DENIED,
    )


async def test_a_clerk_of_court_a_lists_and_changes_as_hearings_and_not_bs(
    client: Client, admin: StaffLogin
) -> None:
    of_a = await schedule(client, A, "A-1")
    of_b = await schedule(client, B, "B-1")
    clerk = await create_staff(client, StaffRole.CLERK, username="clerk.a")
    assert (await assign(client, admin, clerk.id, [A])).status == 200
    me = await login(client, StaffRole.CLERK, username="clerk.a")

    day = await client.get("/api/v1/hearings", headers=me.headers)
    assert [h["case_number"] for h in (await day.json())["hearings"]] == ["A-1"]

    for path in ("", "/participants", "/links"):
        assert (await client.get(f"/api/v1/hearings/{of_a['id']}{path}", headers=me.headers)).ok
        refused = await client.get(f"/api/v1/hearings/{of_b['id']}{path}", headers=me.headers)
        assert refused.status == 403
        assert refused.headers["Content-Type"].startswith("application/problem+json")
    for what in ("protocol", "chat", "exhibits"):
        read = f"/api/v1/hearings/{{}}/{what}?reason=preparing"
        assert (await client.get(read.format(of_a["id"]), headers=me.headers)).ok
        assert (await client.get(read.format(of_b["id"]), headers=me.headers)).status == 403

    change = {"title": "State v. Changed", "reason": "typo"}
    changed = await client.patch(f"/api/v1/hearings/{of_a['id']}", json=change, headers=me.headers)
    assert changed.status == 200
    refused = await client.patch(f"/api/v1/hearings/{of_b['id']}", json=change, headers=me.headers)
    assert refused.status == 403
    added = await client.post(
        f"/api/v1/hearings/{of_a['id']}/participants",
        json={"name": "W. Ness", "role": "witness"},
        headers=me.headers,
    )
    assert added.status == 201
    # Handing A's hearing to court B would put it out of the clerk's own reach: refused.
    moved = await client.patch(
        f"/api/v1/hearings/{of_a['id']}",
        json={"court": B, "reason": "wrong court"},
        headers=me.headers,
    )
    assert moved.status == 403
    # ...but they schedule in their court for another clerk, which they could not before.
    scheduled = await client.post(
        "/api/v1/hearings",
        json=hearing_body(court=A, case_number="A-2", clerk="clerk.z"),
        headers=me.headers,
    )
    assert scheduled.status == 201
    elsewhere = await client.post(
        "/api/v1/hearings",
        json=hearing_body(court=B, case_number="B-2", clerk="clerk.z"),
        headers=me.headers,
    )
    assert elsewhere.status == 403


async def test_a_clerk_of_the_court_neither_sits_nor_signs_until_the_hearing_names_them(
    client: Client, admin: StaffLogin
) -> None:
    of_a = await schedule(client, A, "A-1")
    clerk = await create_staff(client, StaffRole.CLERK, username="clerk.a")
    assert (await assign(client, admin, clerk.id, [A])).status == 200
    me = await login(client, StaffRole.CLERK, username="clerk.a")

    bench = f"/api/v1/hearings/{of_a['id']}/bench"
    assert (await client.post(bench, json={}, headers=me.headers)).status == 403
    sign = await client.post(f"/api/v1/hearings/{of_a['id']}/protocol/sign", headers=me.headers)
    assert sign.status == 403

    # Naming themselves (an audited change of their court's hearing) seats them.
    named = await client.patch(
        f"/api/v1/hearings/{of_a['id']}",
        json={"clerk": "clerk.a", "reason": "clerk.z is ill"},
        headers=me.headers,
    )
    assert named.status == 200
    seat = await client.post(bench, json={}, headers=me.headers)
    assert seat.status == 201, await seat.text()
    assert (await seat.json())["participant"]["role"] == "clerk"


async def test_a_clerk_moved_off_a_court_loses_its_hearings_at_once(
    client: Client, admin: StaffLogin
) -> None:
    of_a = await schedule(client, A, "A-1")
    clerk = await create_staff(client, StaffRole.CLERK, username="clerk.a")
    assert (await assign(client, admin, clerk.id, [A])).status == 200
    me = await login(client, StaffRole.CLERK, username="clerk.a")
    assert (await client.get(f"/api/v1/hearings/{of_a['id']}", headers=me.headers)).ok

    assert (await assign(client, admin, clerk.id, [])).status == 200
    after = await client.get(f"/api/v1/hearings/{of_a['id']}", headers=me.headers)
    assert after.status == 403
    day = await client.get("/api/v1/hearings", headers=me.headers)
    assert (await day.json())["hearings"] == []
