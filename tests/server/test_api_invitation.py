"""POST /api/v1/invitation: the holder of a join link learns, before joining, as whom,
to which case and when (in the court's time zone); a link that would not join says why."""

from __future__ import annotations

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


async def post(client: Client, path: str, body: dict[str, Any], actor: str = "clerk") -> Any:
    response = await client.post(path, json=body, headers=as_(actor))
    assert response.status == 201, await response.text()
    return await response.json()


async def invited(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
    hearing = await post(
        client,
        "/api/v1/hearings",
        hearing_body(scheduled_start="2026-12-08T10:00:00Z", duration_minutes=60),
    )
    defendant = await post(
        client,
        f"/api/v1/hearings/{hearing['id']}/participants",
        {"name": "Rashad Huseynov", "role": "defendant"},
    )
    link = await post(
        client, f"/api/v1/hearings/{hearing['id']}/participants/{defendant['id']}/links", {}
    )
    return hearing, link


async def test_the_link_says_who_joins_which_case_and_when_in_the_court_s_zone(
    client: Client,
) -> None:
    hearing, link = await invited(client)

    response = await client.post("/api/v1/invitation", json={"token": link["token"]})

    assert response.status == 200, await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    assert await response.json() == {
        "participant": {"name": "Rashad Huseynov", "role": "defendant", "role_label": "Defendant"},
        "hearing": {
            "case_number": hearing["case_number"],
            "title": hearing["title"],
            "court": "District Court",
            "courtroom": "Room 3",
            "state": "scheduled",
            "scheduled_start": "2026-12-08T10:00:00Z",
            "scheduled_end": "2026-12-08T11:00:00Z",
        },
        "court": {"name": "", "time_zone": "Asia/Baku"},
    }


@pytest.mark.parametrize(
    ("token", "status"),
    [("", 422), ("no spaces allowed", 422), ("forged.token", 401)],
)
async def test_a_token_that_is_not_a_join_link_learns_nothing(
    client: Client, token: str, status: int
) -> None:
    response = await client.post("/api/v1/invitation", json={"token": token})

    assert response.status == status
    assert "hearing" not in await response.json()


async def test_a_revoked_link_or_an_ended_hearing_is_refused_saying_why(client: Client) -> None:
    hearing, link = await invited(client)
    _, other = await invited(client)
    await client.delete(
        f"/api/v1/hearings/{hearing['id']}/links/{link['id']}", headers=as_("clerk")
    )
    other_hearing = other["hearing_id"]
    await client.app[keys.HEARINGS].set_state(other_hearing, HearingState.OPEN)
    await client.app[keys.HEARINGS].set_state(other_hearing, HearingState.CANCELLED)

    revoked = await client.post("/api/v1/invitation", json={"token": link["token"]})
    ended = await client.post("/api/v1/invitation", json={"token": other["token"]})

    assert revoked.status == 401
    assert "revoked" in (await revoked.json())["detail"]
    assert ended.status == 401
    assert "ended" in (await ended.json())["detail"]
