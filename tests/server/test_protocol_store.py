"""The court protocol as stored, on SQLite and PostgreSQL, and read over the REST API."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest

from court.errors import InvalidRequest, NotFound
from court.protocol import EntryKind, ProtocolEntry
from server import keys
from server.app import create_app
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, actor_header, as_
from tests.server.conftest import Database

HOSTILE = "<script>alert(1)</script> & Ünïcödé — ağ, бы"


def _entry(hearing_id: str, entry_id: str, text: str = "said") -> ProtocolEntry:
    now = time.time()
    return ProtocolEntry(
        id=entry_id,
        hearing_id=hearing_id,
        number=0,
        kind=EntryKind.STATEMENT,
        recording_id="rec_1",
        record_ms=1500,
        speaker_id="prt_w",
        text=text,
        author="participant:prt_c (clerk)",
        automatic=False,
        created_at=now,
        updated_at=now,
    )


async def test_entries_are_numbered_in_order_even_when_written_at_once(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="P-1", title="T")
    stored = await asyncio.gather(
        *(database.protocol.add(_entry(hearing.id, f"ent_{i}")) for i in range(12))
    )
    assert sorted(e.number for e in stored) == list(range(1, 13))
    read = await database.protocol.of_hearing(hearing.id)
    assert [e.number for e in read] == list(range(1, 13))

    saved = await database.protocol.update(replace(read[0], text=HOSTILE, record_ms=900))
    assert (saved.number, saved.text, saved.record_ms) == (1, HOSTILE, 900)
    assert (await database.protocol.of_hearing(hearing.id))[0].text == HOSTILE
    with pytest.raises(NotFound):
        await database.protocol.update(_entry("hrg_other", read[1].id))
    with pytest.raises(InvalidRequest):
        await database.protocol.add(_entry(hearing.id, "ent_nul", "a\x00b"))


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


async def test_staff_read_the_protocol_and_others_are_refused(client: Client) -> None:
    app = client.app
    hearing = await app[keys.HEARINGS].create(case_number="P-2", title="T", presiding_judge="judge")
    await app[keys.DATA].protocol.add(_entry(hearing.id, "ent_a", HOSTILE))
    url = f"/api/v1/hearings/{hearing.id}/protocol"
    response = await client.get(url, headers=as_("clerk"))
    assert response.status == 200
    (entry,) = (await response.json())["entries"]
    assert (entry["number"], entry["text"], entry["record_ms"]) == (1, HOSTILE, 1500)
    assert (await client.get(url)).status == 401
    assert (
        await client.get("/api/v1/hearings/hrg_none/protocol", headers=as_("clerk"))
    ).status == 404
