"""Bad input on every route: a 4xx problem response, and nothing in the database changes."""

from __future__ import annotations

from typing import Any

import pytest

from court.roles import Role
from server import keys
from server.app import create_app
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, api_client, as_, hearing_body

LONG = "x" * 5000


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    return await api_client(aiohttp_client, create_app(settings))


async def snapshot(client: Client) -> Any:
    app = client.app
    hearings = await app[keys.HEARINGS].list()
    return [
        (
            h,
            await app[keys.PARTICIPANTS].of_hearing(h.id),
            await app[keys.JOIN_LINKS].records.of_hearing(h.id),
        )
        for h in hearings
    ]


@pytest.fixture
async def world(client: Client) -> dict[str, str]:
    """Two hearings, one participant with a link in each."""
    app = client.app
    ids: dict[str, str] = {}
    for key, case in (("h", "1-1/2026"), ("other", "1-2/2026")):
        hearing = await app[keys.HEARINGS].create(
            case_number=case, title="T", court="C", presiding_judge="judge"
        )
        participant = await app[keys.PARTICIPANTS].add(hearing.id, name="P", role=Role.WITNESS)
        link = await app[keys.JOIN_LINKS].issue(hearing, participant, by="test")
        ids[key], ids[f"{key}_p"], ids[f"{key}_l"] = hearing.id, participant.id, link.record.id
    return ids


def without(key: str) -> dict[str, Any]:
    body = hearing_body()
    del body[key]
    return body


CASES: list[tuple[str, str, str, Any]] = [
    # (name, method, path, body); {h} own hearing, {other} another hearing, {p}/{l} own
    ("missing case number", "POST", "/api/v1/hearings", without("case_number")),
    ("missing start", "POST", "/api/v1/hearings", without("scheduled_start")),
    ("empty body", "POST", "/api/v1/hearings", {}),
    ("body not an object", "POST", "/api/v1/hearings", [1, 2]),
    ("duration as text", "POST", "/api/v1/hearings", hearing_body(duration_minutes="90")),
    ("duration zero", "POST", "/api/v1/hearings", hearing_body(duration_minutes=0)),
    ("duration over a day", "POST", "/api/v1/hearings", hearing_body(duration_minutes=1441)),
    (
        "start without offset",
        "POST",
        "/api/v1/hearings",
        hearing_body(scheduled_start="2026-12-01T10:00:00"),
    ),
    ("start not a date", "POST", "/api/v1/hearings", hearing_body(scheduled_start="tomorrow")),
    ("title too long", "POST", "/api/v1/hearings", hearing_body(title=LONG)),
    ("case number with newline", "POST", "/api/v1/hearings", hearing_body(case_number="1\n2")),
    ("blank title", "POST", "/api/v1/hearings", hearing_body(title="   ")),
    ("judge not a username", "POST", "/api/v1/hearings", hearing_body(presiding_judge="Dr. X")),
    ("unknown field", "POST", "/api/v1/hearings", hearing_body(extra=1)),
    ("bad language", "POST", "/api/v1/hearings", hearing_body(language="english")),
    (
        "reschedule unknown hearing",
        "POST",
        "/api/v1/hearings/hrg_nope/reschedule",
        {"scheduled_start": "2027-01-01T10:00:00Z", "reason": "x"},
    ),
    (
        "reschedule without reason",
        "POST",
        "/api/v1/hearings/{h}/reschedule",
        {"scheduled_start": "2027-01-01T10:00:00Z"},
    ),
    (
        "reschedule start as number",
        "POST",
        "/api/v1/hearings/{h}/reschedule",
        {"scheduled_start": 1700000000, "reason": "x"},
    ),
    ("cancel without reason", "POST", "/api/v1/hearings/{h}/cancel", {}),
    ("cancel reason too long", "POST", "/api/v1/hearings/{h}/cancel", {"reason": LONG}),
    ("cancel unknown hearing", "POST", "/api/v1/hearings/hrg_nope/cancel", {"reason": "x"}),
    ("participant without name", "POST", "/api/v1/hearings/{h}/participants", {"role": "witness"}),
    (
        "participant unknown role",
        "POST",
        "/api/v1/hearings/{h}/participants",
        {"name": "X", "role": "emperor"},
    ),
    (
        "participant custody as text",
        "POST",
        "/api/v1/hearings/{h}/participants",
        {"name": "X", "role": "defendant", "in_custody": "yes"},
    ),
    (
        "participant name too long",
        "POST",
        "/api/v1/hearings/{h}/participants",
        {"name": LONG, "role": "witness"},
    ),
    (
        "participant represents unknown",
        "POST",
        "/api/v1/hearings/{h}/participants",
        {"name": "X", "role": "defence", "represents": "prt_nope"},
    ),
    (
        "participant represents other hearing's",
        "POST",
        "/api/v1/hearings/{h}/participants",
        {"name": "X", "role": "defence", "represents": "{other_p}"},
    ),
    (
        "participant in unknown hearing",
        "POST",
        "/api/v1/hearings/hrg_nope/participants",
        {"name": "X", "role": "witness"},
    ),
    ("remove unknown participant", "DELETE", "/api/v1/hearings/{h}/participants/prt_nope", None),
    (
        "remove other hearing's participant",
        "DELETE",
        "/api/v1/hearings/{h}/participants/{other_p}",
        None,
    ),
    (
        "remove with bad reason type",
        "DELETE",
        "/api/v1/hearings/{h}/participants/{h_p}",
        {"reason": 5},
    ),
    (
        "link for unknown participant",
        "POST",
        "/api/v1/hearings/{h}/participants/prt_nope/links",
        {},
    ),
    (
        "link for other hearing's participant",
        "POST",
        "/api/v1/hearings/{h}/participants/{other_p}/links",
        {},
    ),
    (
        "link expiring in the past",
        "POST",
        "/api/v1/hearings/{h}/participants/{h_p}/links",
        {"expires_at": "2001-01-01T00:00:00Z"},
    ),
    (
        "link expiry not a date",
        "POST",
        "/api/v1/hearings/{h}/participants/{h_p}/links",
        {"expires_at": "soon"},
    ),
    ("revoke unknown link", "DELETE", "/api/v1/hearings/{h}/links/lnk_nope", None),
    ("revoke other hearing's link", "DELETE", "/api/v1/hearings/{h}/links/{other_l}", None),
    ("list filter bad state", "GET", "/api/v1/hearings?state=asleep", None),
    ("list filter bad date", "GET", "/api/v1/hearings?from=yesterday", None),
    ("list filter limit too high", "GET", "/api/v1/hearings?limit=100000", None),
    ("list filter negative offset", "GET", "/api/v1/hearings?offset=-1", None),
    ("list filter repeated", "GET", "/api/v1/hearings?court=a&court=b", None),
    (
        "list filter from after to",
        "GET",
        "/api/v1/hearings?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
        None,
    ),
    ("read unknown hearing", "GET", "/api/v1/hearings/hrg_nope", None),
    ("chat of unknown hearing", "GET", "/api/v1/hearings/hrg_nope/chat", None),
    (
        "chat limit zero",
        "GET",
        "/api/v1/hearings/{h}/chat?limit=0&reason=checking",
        None,
    ),
    (
        "chat limit too high",
        "GET",
        "/api/v1/hearings/{h}/chat?limit=100000&reason=checking",
        None,
    ),
    (
        "chat limit not a number",
        "GET",
        "/api/v1/hearings/{h}/chat?limit=ten&reason=checking",
        None,
    ),
    (
        "chat negative offset",
        "GET",
        "/api/v1/hearings/{h}/chat?offset=-1&reason=checking",
        None,
    ),
    (
        "chat unknown parameter",
        "GET",
        "/api/v1/hearings/{h}/chat?after=1&reason=checking",
        None,
    ),
    (
        "chat parameter repeated",
        "GET",
        "/api/v1/hearings/{h}/chat?limit=1&limit=2&reason=checking",
        None,
    ),
    (
        "read other hearing's participant",
        "GET",
        "/api/v1/hearings/{h}/participants/{other_p}",
        None,
    ),
]


@pytest.mark.parametrize(("name", "method", "path", "body"), CASES, ids=[c[0] for c in CASES])
async def test_bad_input_gets_a_problem_and_changes_nothing(
    client: Client, world: dict[str, str], name: str, method: str, path: str, body: Any
) -> None:
    before = await snapshot(client)
    if isinstance(body, dict):
        body = {k: v.format(**world) if isinstance(v, str) else v for k, v in body.items()}

    response = await client.request(method, path.format(**world), json=body, headers=as_("clerk"))

    assert 400 <= response.status < 500, f"{name}: {response.status} {await response.text()}"
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = await response.json()
    assert problem["status"] == response.status and problem["code"] and problem["detail"]
    assert await snapshot(client) == before


@pytest.mark.parametrize(
    "raw",
    [b"{", b"not json", b'{"case_number": "1"', b"\xff\xfe", b"null", b"1e999999"],
)
async def test_a_body_that_is_not_json_is_refused(
    client: Client, world: dict[str, str], raw: bytes
) -> None:
    before = await snapshot(client)

    response = await client.post(
        "/api/v1/hearings",
        data=raw,
        headers={**as_("clerk"), "Content-Type": "application/json"},
    )

    assert response.status == 422
    assert await snapshot(client) == before


async def test_a_body_over_64_kib_is_refused_unread(client: Client, world: dict[str, str]) -> None:
    before = await snapshot(client)

    response = await client.post(
        "/api/v1/hearings", json=hearing_body(title="x" * 70_000), headers=as_("clerk")
    )

    assert response.status == 422
    assert "larger than" in (await response.json())["detail"]
    assert await snapshot(client) == before
