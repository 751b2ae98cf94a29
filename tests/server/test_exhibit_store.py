"""The exhibit register as stored, on SQLite and PostgreSQL, and read over the REST API."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest

from court.errors import InvalidRequest, NotFound
from court.exhibits import Exhibit, ExhibitStatus, Showing
from server import keys
from server.app import create_app
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, actor_header, as_
from tests.server.conftest import Database

HOSTILE = "<script>alert(1)</script> & Ünïcödé — ağ, бы"


def _exhibit(hearing_id: str, exhibit_id: str, description: str = "Photograph") -> Exhibit:
    now = time.time()
    return Exhibit(
        id=exhibit_id,
        hearing_id=hearing_id,
        number=0,
        description=description,
        offered_by="prt_d",
        status=ExhibitStatus.OFFERED,
        showings=(),
        created_at=now,
        updated_at=now,
    )


async def test_exhibits_are_numbered_in_order_and_keep_their_showings(database: Database) -> None:
    hearing = await database.hearings.create(case_number="E-1", title="T")
    stored = await asyncio.gather(
        *(database.exhibits.add(_exhibit(hearing.id, f"exh_{i}")) for i in range(8))
    )
    assert sorted(e.number for e in stored) == list(range(1, 9))
    first = (await database.exhibits.of_hearing(hearing.id))[0]
    showings = (
        Showing("prt_d", "rec_1", 1200, 5400, ended=True),
        Showing("prt_d", None, None, None, ended=False),
    )
    saved = await database.exhibits.update(
        replace(first, description=HOSTILE, status=ExhibitStatus.ADMITTED, showings=showings)
    )
    assert (saved.number, saved.description, saved.status) == (1, HOSTILE, ExhibitStatus.ADMITTED)
    again = (await database.exhibits.of_hearing(hearing.id))[0]
    assert again.showings == showings and again.on_screen
    with pytest.raises(NotFound):
        await database.exhibits.update(_exhibit("hrg_other", first.id))
    with pytest.raises(InvalidRequest):
        await database.exhibits.add(_exhibit(hearing.id, "exh_nul", "a\x00b"))
    with pytest.raises(InvalidRequest):
        await database.exhibits.add(_exhibit(hearing.id, "exh_long", "x" * 501))
    assert len(await database.exhibits.of_hearing(hearing.id)) == 8


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


async def test_staff_read_the_register_and_others_are_refused(client: Client) -> None:
    app = client.app
    hearing = await app[keys.HEARINGS].create(
        case_number="E-2", title="T", presiding_judge="judge", clerk="clerk"
    )
    await app[keys.DATA].exhibits.add(_exhibit(hearing.id, "exh_a", HOSTILE))
    url = f"/api/v1/hearings/{hearing.id}/exhibits?reason=checking"
    response = await client.get(url, headers=as_("clerk"))
    assert response.status == 200
    (exhibit,) = (await response.json())["exhibits"]
    assert (exhibit["number"], exhibit["description"], exhibit["status"]) == (
        1,
        HOSTILE,
        "offered",
    )
    assert (await client.get(url)).status == 401
    assert (
        await client.get("/api/v1/hearings/hrg_none/exhibits", headers=as_("clerk"))
    ).status == 404
