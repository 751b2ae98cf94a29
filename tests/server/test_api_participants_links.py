"""Participants and their join links through the API, as a clerk prepares a hearing."""

from __future__ import annotations

from typing import Any

import pytest

from court.errors import NotAuthenticated
from server import keys
from server.app import create_app
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, api_client, as_, hearing_body


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    return await api_client(aiohttp_client, create_app(settings))


async def post(client: Client, path: str, body: dict[str, Any], status: int = 201) -> Any:
    response = await client.post(path, json=body, headers=as_("clerk"))
    assert response.status == status, await response.text()
    return await response.json()


async def test_a_clerk_adds_a_defendant_in_custody_and_their_counsel(client: Client) -> None:
    hearing = await post(client, "/api/v1/hearings", hearing_body())
    base = f"/api/v1/hearings/{hearing['id']}/participants"

    defendant = await post(
        client, base, {"name": "R. Huseynov", "role": "defendant", "in_custody": True}
    )
    counsel = await post(
        client, base, {"name": "A. Lawyer", "role": "defence", "represents": defendant["id"]}
    )

    listed = await client.get(base, headers=as_("token_read"))
    assert (await listed.json())["participants"] == sorted(
        [defendant, counsel], key=lambda p: p["id"]
    )
    assert defendant["in_custody"] is True and defendant["role_label"] == "Defendant"
    assert counsel["represents"] == defendant["id"]


async def test_counsel_cannot_represent_a_participant_of_another_hearing(client: Client) -> None:
    one = await post(client, "/api/v1/hearings", hearing_body())
    two = await post(client, "/api/v1/hearings", hearing_body(case_number="1-43/2026"))
    stranger = await post(
        client, f"/api/v1/hearings/{two['id']}/participants", {"name": "X", "role": "defendant"}
    )

    response = await client.post(
        f"/api/v1/hearings/{one['id']}/participants",
        json={"name": "A. Lawyer", "role": "defence", "represents": stranger["id"]},
        headers=as_("clerk"),
    )

    assert response.status == 422
    assert client.app[keys.PARTICIPANTS] is not None
    assert await client.app[keys.PARTICIPANTS].of_hearing(one["id"]) == []


async def test_an_issued_link_admits_its_participant_until_it_is_revoked(client: Client) -> None:
    hearing = await post(client, "/api/v1/hearings", hearing_body())
    witness = await post(
        client,
        f"/api/v1/hearings/{hearing['id']}/participants",
        {"name": "L. Karimova", "role": "witness"},
    )

    link = await post(
        client, f"/api/v1/hearings/{hearing['id']}/participants/{witness['id']}/links", {}
    )

    assert link["url"] == f"http://127.0.0.1:8080/join#token={link['token']}"
    assert link["active"] is True and link["issued_by"] == "staff:clerk"
    assert link["expires_at"] > hearing["scheduled_end"]
    links = client.app[keys.JOIN_LINKS]
    grant = await links.authenticate(link["token"])
    assert grant.participant.id == witness["id"]

    revoked = await client.delete(
        f"/api/v1/hearings/{hearing['id']}/links/{link['id']}", headers=as_("clerk")
    )

    assert revoked.status == 200
    assert (await revoked.json())["active"] is False
    with pytest.raises(NotAuthenticated, match="revoked"):
        await links.authenticate(link["token"])
    listed = await client.get(f"/api/v1/hearings/{hearing['id']}/links", headers=as_("clerk"))
    assert [(x["id"], x["active"]) for x in (await listed.json())["links"]] == [(link["id"], False)]
    assert "token" not in (await listed.json())["links"][0]


async def test_removing_a_participant_revokes_their_links_and_keeps_the_others(
    client: Client,
) -> None:
    hearing = await post(client, "/api/v1/hearings", hearing_body())
    base = f"/api/v1/hearings/{hearing['id']}/participants"
    witness = await post(client, base, {"name": "W", "role": "witness"})
    expert = await post(client, base, {"name": "E", "role": "expert"})
    witness_link = await post(client, f"{base}/{witness['id']}/links", {})
    expert_link = await post(client, f"{base}/{expert['id']}/links", {})

    removed = await client.delete(f"{base}/{witness['id']}", headers=as_("clerk"))

    assert removed.status == 200
    listed = await (await client.get(base, headers=as_("clerk"))).json()
    assert [p["id"] for p in listed["participants"]] == [expert["id"]]
    with pytest.raises(NotAuthenticated):
        await client.app[keys.JOIN_LINKS].authenticate(witness_link["token"])
    assert (
        await client.app[keys.JOIN_LINKS].authenticate(expert_link["token"])
    ).participant.id == expert["id"]
    again = await client.delete(f"{base}/{witness['id']}", headers=as_("clerk"))
    assert again.status == 404


async def test_a_link_cannot_be_issued_or_revoked_through_another_hearing(client: Client) -> None:
    one = await post(client, "/api/v1/hearings", hearing_body())
    two = await post(client, "/api/v1/hearings", hearing_body(case_number="1-43/2026"))
    witness = await post(
        client, f"/api/v1/hearings/{one['id']}/participants", {"name": "W", "role": "witness"}
    )
    link = await post(
        client, f"/api/v1/hearings/{one['id']}/participants/{witness['id']}/links", {}
    )

    issued = await client.post(
        f"/api/v1/hearings/{two['id']}/participants/{witness['id']}/links",
        json={},
        headers=as_("clerk"),
    )
    revoked = await client.delete(
        f"/api/v1/hearings/{two['id']}/links/{link['id']}", headers=as_("clerk")
    )

    assert (issued.status, revoked.status) == (404, 404)
    still = await client.app[keys.JOIN_LINKS].authenticate(link["token"])
    assert still.participant.id == witness["id"]
