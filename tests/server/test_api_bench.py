"""Scheduling names a presiding judge and a clerk from the court's staff accounts, and every
scheduled fact can be changed, audited, until the hearing opens; the court tells every page
its name, time zone and languages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from court.hearing_state import HearingState
from court.staff import StaffRole
from server import keys
from server.app import create_app
from server.audit import Outcome
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, api_client, as_, hearing_body


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    return await api_client(aiohttp_client, create_app(settings))


async def create(client: Client, *, by: str = "clerk", **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/hearings", json=hearing_body(**changes), headers=as_(by))
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


async def test_anyone_may_read_the_court_s_time_zone_and_languages(client: Client) -> None:
    response = await client.get("/api/v1/court")

    assert response.status == 200
    assert await response.json() == {
        "name": "",
        "time_zone": "Asia/Baku",
        "languages": [
            {"code": "az", "name": "Azerbaijani"},
            {"code": "ru", "name": "Russian"},
            {"code": "en", "name": "English"},
        ],
    }


async def test_the_scheduling_form_is_offered_the_active_judges_and_clerks_by_name(
    client: Client,
) -> None:
    staff = client.app[keys.DATA].staff
    gone = await staff.add(
        username="retired", display_name="Judge Retired", role=StaffRole.JUDGE, password_hash="-"
    )
    await staff.set_disabled(gone.id, disabled_at=datetime.now(UTC))

    response = await client.get("/api/v1/court/bench", headers=as_("clerk"))
    refused = await client.get("/api/v1/court/bench", headers=as_("archivist"))

    assert response.status == 200
    assert await response.json() == {
        "judges": [
            {"username": "judge", "display_name": "Judge Amina Aliyeva"},
            {"username": "judge2", "display_name": "Judge Rauf Mammadov"},
        ],
        "clerks": [
            {"username": "clerk", "display_name": "Farid Mammadov"},
            {"username": "clerk2", "display_name": "Leyla Huseynova"},
            {"username": "clerk3", "display_name": "Nigar Rzayeva"},
        ],
    }
    assert refused.status == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"presiding_judge": "aaliyeva"}, "presiding_judge: there is no active staff account"),
        ({"presiding_judge": "clerk"}, "presiding_judge: 'clerk' is a clerk, not a judge"),
        ({"clerk": "judge2"}, "clerk: 'judge2' is a judge, not a clerk"),
        ({"clerk": "nobody"}, "clerk: there is no active staff account 'nobody'"),
    ],
)
async def test_a_judge_or_clerk_without_an_account_of_that_role_is_refused_and_nothing_stored(
    client: Client, changes: dict[str, str], message: str
) -> None:
    response = await client.post(
        "/api/v1/hearings", json=hearing_body(**changes), headers=as_("clerk")
    )

    assert response.status == 422
    problem = await response.json()
    assert problem["code"] == "invalid_request"
    assert message in problem["detail"]
    assert await client.app[keys.HEARINGS].list() == []


async def test_the_e_court_system_s_payload_without_a_clerk_still_schedules(client: Client) -> None:
    created = await create(client, by="token_write")
    with_clerk = await create(client, by="token_write", case_number="1-43/2026", clerk="clerk")

    assert created["clerk"] == ""
    assert with_clerk["clerk"] == "clerk"


async def test_a_clerk_who_names_no_clerk_becomes_the_hearing_s_clerk(client: Client) -> None:
    created = await create(client)

    assert created["clerk"] == "clerk"


async def test_a_clerk_changes_only_the_hearings_that_name_them(client: Client) -> None:
    """The security review's H1: any clerk could change any hearing, and hand it to
    themselves. Now another clerk's hearing, and one that names no clerk, are refused,
    audited, and unchanged; and a clerk may not schedule a hearing for another clerk."""
    mine = await create(client)
    unassigned = await create(client, by="token_write", case_number="1-44/2026")
    change = {"title": "Taken over", "clerk": "clerk2", "reason": "mine now"}

    refused = [
        await client.patch(f"/api/v1/hearings/{h['id']}", json=change, headers=as_(who))
        for h, who in ((mine, "other_clerk"), (unassigned, "other_clerk"), (mine, "clerk"))
    ]
    for_another = await client.post(
        "/api/v1/hearings",
        json=hearing_body(case_number="1-45/2026", clerk="clerk2"),
        headers=as_("clerk"),
    )

    assert [r.status for r in refused] == [403, 403, 403]
    for response in [*refused, for_another]:
        assert response.headers["Content-Type"].startswith("application/problem+json")
    assert for_another.status == 403
    for hearing in (mine, unassigned):
        read = await client.get(f"/api/v1/hearings/{hearing['id']}", headers=as_("token_read"))
        assert (await read.json())["title"] == hearing["title"]
    denied = await client.app[keys.AUDIT].entries.page(limit=100)
    assert sum(1 for e in denied if e.outcome == Outcome.DENIED) == 4

    # The e-court system (or the presiding judge) assigns the clerk; then it is theirs.
    assigned = await client.patch(
        f"/api/v1/hearings/{unassigned['id']}",
        json={"clerk": "clerk2", "reason": "assigned"},
        headers=as_("token_write"),
    )
    taken = await client.patch(
        f"/api/v1/hearings/{unassigned['id']}",
        json={"title": "Prepared", "reason": "typo"},
        headers=as_("other_clerk"),
    )
    assert assigned.status == 200
    assert taken.status == 200, await taken.text()


async def test_every_scheduled_fact_can_be_changed_before_opening_and_the_change_is_audited(
    client: Client,
) -> None:
    hearing = await create(client)
    change = {
        "case_number": "1-99/2026",
        "title": "State v. Corrected",
        "court": "Baku Court of Grave Crimes",
        "courtroom": "Room 7",
        "presiding_judge": "judge2",
        "clerk": "clerk",
        "scheduled_start": "2027-01-15T10:30:00Z",
        "duration_minutes": 45,
        "language": "az",
        "reason": "the summons named the wrong judge",
    }

    response = await client.patch(
        f"/api/v1/hearings/{hearing['id']}", json=change, headers=as_("clerk")
    )

    assert response.status == 200, await response.text()
    changed = await response.json()
    assert {k: changed[k] for k in change if k != "reason"} == {
        **{k: v for k, v in change.items() if k != "reason"},
        "scheduled_start": "2027-01-15T10:30:00Z",
    }
    (entry,) = [
        e for e in await client.app[keys.AUDIT].entries.latest(20) if e.action == "hearing.update"
    ]
    assert entry.actor == "staff:clerk"
    assert entry.object == f"hearing:{hearing['id']}"
    assert "presiding_judge: 'judge' -> 'judge2'" in entry.reason
    assert "title: 'State v. Example' -> 'State v. Corrected'" in entry.reason
    assert entry.reason.endswith(": the summons named the wrong judge")


async def test_a_change_naming_a_non_judge_changes_nothing(client: Client) -> None:
    hearing = await create(client)

    response = await client.patch(
        f"/api/v1/hearings/{hearing['id']}",
        json={"title": "New title", "presiding_judge": "clerk", "reason": "x"},
        headers=as_("clerk"),
    )

    assert response.status == 422
    read = await client.get(f"/api/v1/hearings/{hearing['id']}", headers=as_("clerk"))
    assert await read.json() == hearing


async def test_a_judge_may_not_hand_their_hearing_to_another_judge(client: Client) -> None:
    own = await client.post("/api/v1/hearings", json=hearing_body(), headers=as_("judge"))
    hearing = await own.json()

    handed = await client.patch(
        f"/api/v1/hearings/{hearing['id']}",
        json={"presiding_judge": "judge2", "reason": "x"},
        headers=as_("judge"),
    )
    retitled = await client.patch(
        f"/api/v1/hearings/{hearing['id']}",
        json={"title": "Retitled", "reason": "typo"},
        headers=as_("judge"),
    )

    assert handed.status == 403
    assert retitled.status == 200


async def test_once_the_hearing_has_opened_its_facts_are_settled(client: Client) -> None:
    hearing = await create(client)
    await client.app[keys.HEARINGS].set_state(hearing["id"], HearingState.OPEN)

    response = await client.patch(
        f"/api/v1/hearings/{hearing['id']}",
        json={"title": "Too late", "reason": "x"},
        headers=as_("clerk"),
    )

    assert response.status == 409
    assert (await response.json())["code"] == "invalid_state"
