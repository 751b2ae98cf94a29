"""The bench is a staff account, not a bearer link (the security review's H1).

The review's demonstration: a clerk (or the e-court system's ``hearings:write`` token) adds a
judge to any hearing, or issues a link for the hearing's judge participant, and whoever holds
it is the judge. Now neither is possible through the API: the presiding judge and the
named clerk join from their own staff session, and the token they get dies with it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from court.errors import NotAuthenticated
from court.ids import HearingId
from court.permissions import Scope
from court.roles import Role
from court.staff import StaffRole
from server import keys
from server.app import create_app
from server.audit import Outcome
from server.join_links import SIGNED_OUT
from server.settings import Settings
from signaling.client import ParticipantClient
from signaling.events import ServerEvent
from tests.server.api_support import Client, MakeClient
from tests.server.auth_helpers import StaffLogin, api_token, create_staff, login


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    return await aiohttp_client(create_app(settings))


async def a_hearing(client: Client, judge: str = "judge", clerk: str = "clerk") -> HearingId:
    await create_staff(client, StaffRole.JUDGE, username=judge)
    await create_staff(client, StaffRole.CLERK, username=clerk)
    hearing = await client.app[keys.HEARINGS].create(
        case_number="B-1",
        title="State v. Bench",
        presiding_judge=judge,
        clerk=clerk,
        scheduled_start=datetime.now(UTC) + timedelta(hours=1),
    )
    return hearing.id


async def join(client: Client, hearing_id: str, who: StaffLogin) -> tuple[int, dict[str, object]]:
    response = await client.post(
        f"/api/v1/hearings/{hearing_id}/bench", json={}, headers=who.headers
    )
    return response.status, await response.json()


async def test_the_review_s_demonstration_gives_no_one_a_bench_link(client: Client) -> None:
    hearing_id = await a_hearing(client)
    judge_participant = await client.app[keys.PARTICIPANTS].add(
        hearing_id, name="Judge", role=Role.JUDGE
    )
    clerk = await login(client, StaffRole.CLERK)  # the hearing's own clerk, even
    ecourt = await api_token(client, Scope.HEARINGS_WRITE)
    base = f"/api/v1/hearings/{hearing_id}/participants"

    for headers in (clerk.headers, ecourt.headers):
        for role in ("judge", "clerk"):
            added = await client.post(base, json={"name": "X", "role": role}, headers=headers)
            assert added.status == 422
            assert added.headers["Content-Type"].startswith("application/problem+json")
            assert "staff accounts" in (await added.json())["detail"]
        linked = await client.post(f"{base}/{judge_participant.id}/links", json={}, headers=headers)
        assert linked.status == 403
        assert linked.headers["Content-Type"].startswith("application/problem+json")

    assert [p.id for p in await client.app[keys.PARTICIPANTS].of_hearing(hearing_id)] == [
        judge_participant.id
    ]
    assert await client.app[keys.JOIN_LINKS].records.of_hearing(hearing_id) == []
    denied = [
        e.actor
        for e in await client.app[keys.AUDIT].entries.page(limit=100)
        if e.outcome == Outcome.DENIED and e.action == "join_link.issue"
    ]
    assert sorted(denied) == ["staff:clerk", "token:e-court"]


async def test_the_presiding_judge_and_the_clerk_join_from_their_sessions(client: Client) -> None:
    hearing_id = await a_hearing(client)
    judge = await login(client, StaffRole.JUDGE)
    clerk = await login(client, StaffRole.CLERK)

    status, joined = await join(client, hearing_id, judge)
    again_status, again = await join(client, hearing_id, judge)
    clerk_status, clerk_joined = await join(client, hearing_id, clerk)

    assert (status, again_status, clerk_status) == (201, 201, 201)
    links = client.app[keys.JOIN_LINKS]
    grant = await links.authenticate(str(joined["token"]))
    assert (grant.participant.role, grant.participant.name) == (Role.JUDGE, "Judge judge")
    # The same participant each time: one judge in the hearing, however often they join.
    assert (await links.authenticate(str(again["token"]))).participant.id == grant.participant.id
    assert (await links.authenticate(str(clerk_joined["token"]))).participant.role is Role.CLERK
    assert str(joined["url"]).endswith(f"/join#token={joined['token']}")
    assert [
        e.actor
        for e in await client.app[keys.AUDIT].entries.page(limit=100)
        if e.action == "bench.join"
    ] == ["staff:judge", "staff:judge", "staff:clerk"]


async def test_no_one_else_joins_the_bench(client: Client) -> None:
    hearing_id = await a_hearing(client)
    other_judge = await login(client, StaffRole.JUDGE, username="judge2")
    other_clerk = await login(client, StaffRole.CLERK, username="clerk2")
    admin = await login(client, StaffRole.ADMINISTRATOR, username="admin")
    ecourt = await api_token(client, Scope.HEARINGS_WRITE)
    url = f"/api/v1/hearings/{hearing_id}/bench"

    answers = [await join(client, hearing_id, who) for who in (other_judge, other_clerk, admin)]
    by_token = await client.post(url, json={}, headers=ecourt.headers)
    judge = await login(client, StaffRole.JUDGE)
    no_origin = await client.post(url, json={}, headers={"Cookie": judge.headers["Cookie"]})
    anonymous = await client.post(url, json={})

    assert [status for status, _ in answers] == [403, 403, 403]
    assert all(problem["status"] == 403 for _, problem in answers)
    assert by_token.status == 403
    assert (await by_token.json())["code"] == "permission_denied"
    assert no_origin.status == 403  # a cookie change without our Origin
    assert anonymous.status == 401
    assert await client.app[keys.PARTICIPANTS].of_hearing(hearing_id) == []
    denied = [
        e.actor
        for e in await client.app[keys.AUDIT].entries.page(limit=100)
        if e.outcome == Outcome.DENIED and e.action == "bench.join"
    ]
    assert sorted(denied) == ["staff:admin", "staff:clerk2", "staff:judge2", "token:e-court"]


async def test_the_bench_token_stops_working_when_the_staff_session_ends(client: Client) -> None:
    hearing_id = await a_hearing(client)
    judge = await login(client, StaffRole.JUDGE)
    clerk = await login(client, StaffRole.CLERK)
    _, joined = await join(client, hearing_id, judge)
    _, clerk_joined = await join(client, hearing_id, clerk)
    links = client.app[keys.JOIN_LINKS]
    await links.authenticate(str(joined["token"]))  # works while signed in

    logged_out = await client.delete("/api/v1/session", headers=judge.headers)
    assert logged_out.status in (200, 204)
    with pytest.raises(NotAuthenticated) as refused:
        await links.authenticate(str(joined["token"]))
    assert refused.value.message == SIGNED_OUT

    # Revoked by the account's owner or an administrator elsewhere: the same.
    sessions = client.app[keys.DATA].staff_sessions
    assert await sessions.revoke_all(clerk.account.id) == 1
    with pytest.raises(NotAuthenticated):
        await links.authenticate(str(clerk_joined["token"]))
    # And it never outlives the session it was issued to.
    record = await links.records.get(str(joined["link"]["id"]))  # type: ignore[index]
    assert record is not None
    assert record.expires_at <= datetime.now(UTC) + timedelta(hours=12, minutes=1)


async def test_a_bench_page_closes_when_its_staff_session_ends(client: Client) -> None:
    """Logging out (or the session revoked, or the account disabled) reaches the live
    hearing: the judge's page opened from that session is told and closed at once."""
    hearing_id = await a_hearing(client)
    judge = await login(client, StaffRole.JUDGE)
    clerk = await login(client, StaffRole.CLERK)
    _, joined = await join(client, hearing_id, judge)
    _, clerk_joined = await join(client, hearing_id, clerk)
    base = str(client.make_url("/")).rstrip("/")
    judge_page = ParticipantClient(base, str(joined["token"]))
    clerk_page = ParticipantClient(base, str(clerk_joined["token"]))
    try:
        await judge_page.connect()
        await clerk_page.connect()

        logged_out = await client.delete("/api/v1/session", headers=judge.headers)
        assert logged_out.status == 204
        await judge_page.wait_until(lambda: not judge_page.sio.connected)
        (told,) = judge_page.received(ServerEvent.REMOVED)
        assert "staff session ended" in told["reason"]
        assert clerk_page.sio.connected  # another person's session: untouched

        sessions = await client.get(
            f"/api/v1/staff/{clerk.account.id}/sessions", headers=clerk.headers
        )
        (mine,) = (await sessions.json())["sessions"]
        revoked = await client.delete(
            f"/api/v1/staff/{clerk.account.id}/sessions/{mine['id']}", headers=clerk.headers
        )
        assert revoked.status == 204
        await clerk_page.wait_until(lambda: not clerk_page.sio.connected)
    finally:
        for page in (judge_page, clerk_page):
            await page.close()
