"""The hearings API: create, list with filters, read, reschedule before opening, cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from court.hearing_state import HearingState
from server import keys
from server.app import create_app
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, api_client, as_, hearing_body


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    return await api_client(aiohttp_client, create_app(settings))


async def create(client: Client, actor: str = "clerk", **changes: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/hearings", json=hearing_body(**changes), headers=as_(actor)
    )
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


async def test_a_clerk_creates_a_hearing_and_reads_it_back(client: Client) -> None:
    body = hearing_body()
    response = await client.post("/api/v1/hearings", json=body, headers=as_("clerk"))

    assert response.status == 201
    created = await response.json()
    assert response.headers["Location"] == f"/api/v1/hearings/{created['id']}"
    assert created["state"] == "scheduled"
    assert created["duration_minutes"] == 90
    start = datetime.fromisoformat(body["scheduled_start"])
    assert datetime.fromisoformat(created["scheduled_start"]) == start
    assert datetime.fromisoformat(created["scheduled_end"]) == start + timedelta(minutes=90)
    read = await client.get(f"/api/v1/hearings/{created['id']}", headers=as_("token_read"))
    assert await read.json() == created


async def test_the_list_filters_by_date_court_case_state_and_judge(client: Client) -> None:
    day = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    a = await create(client, case_number="A-1", scheduled_start=day.isoformat())
    b = await create(
        client,
        case_number="B-2",
        court="Appeal Court",
        scheduled_start=(day + timedelta(days=1)).isoformat(),
    )
    c = await create(
        client,
        case_number="C-3",
        presiding_judge="judge2",
        scheduled_start=(day + timedelta(days=2)).isoformat(),
    )
    await client.post(
        f"/api/v1/hearings/{c['id']}/cancel", json={"reason": "withdrawn"}, headers=as_("clerk")
    )

    async def ids(query: dict[str, str]) -> list[str]:
        response = await client.get("/api/v1/hearings", params=query, headers=as_("token_read"))
        assert response.status == 200, await response.text()
        return [h["id"] for h in (await response.json())["hearings"]]

    assert await ids({}) == [a["id"], b["id"], c["id"]]
    assert await ids({"from": (day + timedelta(hours=1)).isoformat()}) == [b["id"], c["id"]]
    assert await ids({"to": (day + timedelta(days=1)).isoformat()}) == [a["id"]]
    assert await ids({"court": "Appeal Court"}) == [b["id"]]
    assert await ids({"case_number": "A-1"}) == [a["id"]]
    assert await ids({"state": "cancelled"}) == [c["id"]]
    assert await ids({"judge": "judge2"}) == [c["id"]]
    assert await ids({"limit": "1", "offset": "1"}) == [b["id"]]


async def test_a_scheduled_hearing_is_rescheduled_and_keeps_its_duration(client: Client) -> None:
    hearing = await create(client)
    later = datetime(2027, 1, 15, 14, 30, tzinfo=UTC)

    response = await client.post(
        f"/api/v1/hearings/{hearing['id']}/reschedule",
        json={"scheduled_start": later.isoformat(), "reason": "defence counsel ill"},
        headers=as_("judge"),
    )

    assert response.status == 200, await response.text()
    moved = await response.json()
    assert datetime.fromisoformat(moved["scheduled_start"]) == later
    assert moved["duration_minutes"] == 90


async def test_a_hearing_that_has_opened_cannot_be_rescheduled(
    client: Client,
) -> None:
    hearing = await create(client)
    await client.app[keys.HEARINGS].set_state(hearing["id"], HearingState.OPEN)

    response = await client.post(
        f"/api/v1/hearings/{hearing['id']}/reschedule",
        json={"scheduled_start": "2027-01-15T14:30:00Z", "reason": "late"},
        headers=as_("clerk"),
    )

    assert response.status == 409
    assert (await response.json())["code"] == "invalid_state"
    read = await client.get(f"/api/v1/hearings/{hearing['id']}", headers=as_("clerk"))
    assert (await read.json())["scheduled_start"] == hearing["scheduled_start"]


async def test_a_cancelled_hearing_cannot_be_cancelled_or_rescheduled_again(
    client: Client,
) -> None:
    hearing = await create(client)
    path = f"/api/v1/hearings/{hearing['id']}"

    first = await client.post(f"{path}/cancel", json={"reason": "plea"}, headers=as_("clerk"))
    again = await client.post(f"{path}/cancel", json={"reason": "plea"}, headers=as_("clerk"))
    moved = await client.post(
        f"{path}/reschedule",
        json={"scheduled_start": "2027-01-15T14:30:00Z", "reason": "x"},
        headers=as_("clerk"),
    )

    assert (first.status, (await first.json())["state"]) == (200, "cancelled")
    assert (again.status, moved.status) == (409, 409)


async def test_a_judge_schedules_only_hearings_they_preside_over(client: Client) -> None:
    own = await client.post("/api/v1/hearings", json=hearing_body(), headers=as_("judge"))
    others = await client.post(
        "/api/v1/hearings", json=hearing_body(presiding_judge="judge2"), headers=as_("judge")
    )

    assert own.status == 201
    assert others.status == 403
    assert (await others.json())["code"] == "permission_denied"
    listed = await client.get("/api/v1/hearings", headers=as_("token_read"))
    assert len((await listed.json())["hearings"]) == 1


async def test_without_credentials_the_api_answers_401_with_a_problem(client: Client) -> None:
    response = await client.get("/api/v1/hearings")

    assert response.status == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert (await response.json())["code"] == "not_authenticated"


async def test_a_start_given_with_an_offset_is_the_same_moment_when_read_back(
    client: Client,
) -> None:
    # 10:00 in Baku (+04:00) is 06:00 UTC; SQLite would keep "10:00" if we did not convert.
    created = await create(client, scheduled_start="2026-12-01T10:00:00+04:00")

    start = datetime.fromisoformat(created["scheduled_start"])
    assert start == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    listed = await client.get(
        "/api/v1/hearings",
        params={"from": "2026-12-01T09:59:00+04:00", "to": "2026-12-01T10:01:00+04:00"},
        headers=as_("clerk"),
    )
    assert [h["id"] for h in (await listed.json())["hearings"]] == [created["id"]]
