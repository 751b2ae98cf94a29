"""The live hearing's chat as stored (SQLite and PostgreSQL) and as staff read it over HTTP."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from court.access import Actor, ActorKind
from court.errors import InvalidRequest
from court.hearing import Hearing
from court.ids import HearingId
from server import keys
from server.actors import ACTOR
from server.app import create_app
from server.audit import Outcome
from server.persistence.database import alembic_config, migrate
from server.settings import Settings
from signaling.live.features.chat import ChatMessage
from signaling.messages import MAX_CHAT_LENGTH
from tests.server.api_support import Client, Handler, MakeClient, actor_header, as_
from tests.server.conftest import Database

# 2026-03-01 09:30:00.123456 UTC: a time with microseconds, as Unix seconds.
MORNING = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC).timestamp()


def message(
    hearing: Hearing,
    id: str,
    *,
    at: float = MORNING,
    sender: str = "prt_defendant",
    to: str | None = None,
    text: str = "May I speak to my counsel?",
) -> ChatMessage:
    return ChatMessage(
        id=id, hearing_id=hearing.id, sender_id=sender, recipient_id=to, text=text, sent_at=at
    )


async def a_hearing(database: Database, case_number: str = "1-1/2026") -> Hearing:
    return await database.hearings.create(case_number=case_number, title="State v. Chat")


async def test_messages_come_back_exactly_as_they_were_sent(database: Database) -> None:
    hearing = await a_hearing(database)
    sent = [
        message(hearing, "msg_to_clerk"),
        message(
            hearing,
            "msg_to_defendant",
            at=MORNING + 61.5,
            sender="prt_clerk",
            to="prt_defendant",
            text="Jā — the court will call you.\nPlease wait. ✓",
        ),
        message(hearing, "msg_longest", at=MORNING + 120, text="x" * MAX_CHAT_LENGTH),
    ]
    for each in sent:
        await database.chat.add(each)

    assert await database.chat.list_for_hearing(hearing.id) == sent


async def test_sent_at_is_stored_as_utc_to_the_microsecond(database: Database) -> None:
    hearing = await a_hearing(database)
    now = time.time()  # finer than a microsecond: kept to the microsecond
    await database.chat.add(message(hearing, "msg_morning"))
    await database.chat.add(message(hearing, "msg_now", at=now))

    morning, latest = await database.chat.list_for_hearing(hearing.id)
    async with database.sessions() as session:
        stored = (
            await session.execute(
                text("SELECT sent_at FROM chat_messages WHERE id = 'msg_morning'")
            )
        ).scalar_one()

    assert morning.sent_at == MORNING
    assert abs(latest.sent_at - now) <= 1e-6
    if isinstance(stored, str):  # SQLite keeps the wall time: it must be UTC's
        assert stored == "2026-03-01 09:30:00.123456"
    else:
        assert stored == datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)
        assert stored.utcoffset() is not None


async def test_messages_are_listed_by_time_sent_then_id_whatever_the_order_stored(
    database: Database,
) -> None:
    hearing = await a_hearing(database)
    for id, at in (("msg_c", MORNING + 2), ("msg_b", MORNING), ("msg_d", MORNING + 1)):
        await database.chat.add(message(hearing, id, at=at))
    await database.chat.add(message(hearing, "msg_a", at=MORNING))  # same time as msg_b

    listed = await database.chat.list_for_hearing(hearing.id)

    assert [m.id for m in listed] == ["msg_a", "msg_b", "msg_d", "msg_c"]


async def test_a_hearing_lists_only_its_own_messages(database: Database) -> None:
    first = await a_hearing(database, "1-1/2026")
    second = await a_hearing(database, "1-2/2026")
    await database.chat.add(message(first, "msg_first"))
    await database.chat.add(message(second, "msg_second"))

    assert [m.id for m in await database.chat.list_for_hearing(first.id)] == ["msg_first"]
    assert [m.id for m in await database.chat.list_for_hearing(second.id)] == ["msg_second"]
    assert await database.chat.list_for_hearing("hrg_missing") == []


async def test_messages_are_read_a_page_at_a_time(database: Database) -> None:
    hearing = await a_hearing(database)
    for n in range(5):
        await database.chat.add(message(hearing, f"msg_{n}", at=MORNING + n))

    pages = [
        [m.id for m in await database.chat.list_for_hearing(hearing.id, limit=2, offset=offset)]
        for offset in (0, 2, 4, 6)
    ]

    assert pages == [["msg_0", "msg_1"], ["msg_2", "msg_3"], ["msg_4"], []]


async def test_a_message_of_a_hearing_that_does_not_exist_is_refused(database: Database) -> None:
    ghost = Hearing(id=HearingId("hrg_missing"), case_number="0-0/2026", title="Never stored")

    with pytest.raises(IntegrityError):
        await database.chat.add(message(ghost, "msg_lost"))


async def test_a_message_id_is_stored_once(database: Database) -> None:
    hearing = await a_hearing(database)
    original = message(hearing, "msg_once")
    await database.chat.add(original)

    with pytest.raises(IntegrityError):
        await database.chat.add(message(hearing, "msg_once", text="rewritten"))

    assert await database.chat.list_for_hearing(hearing.id) == [original]


@pytest.mark.parametrize(
    "bad",
    [
        {"text": ""},
        {"text": "x" * (MAX_CHAT_LENGTH + 1)},
        {"text": "nul \x00 inside"},  # PostgreSQL cannot store it; SQLite must not either
        {"id": "msg_" + "x" * 40},
        {"sender_id": ""},
        {"recipient_id": "prt_" + "x" * 40},
    ],
    ids=["empty", "too long", "nul", "long id", "no sender", "long recipient"],
)
async def test_a_message_the_table_cannot_hold_is_refused_on_every_database(
    database: Database, bad: dict[str, Any]
) -> None:
    hearing = await a_hearing(database)

    with pytest.raises(InvalidRequest):
        await database.chat.add(replace(message(hearing, "msg_bad"), **bad))

    assert await database.chat.list_for_hearing(hearing.id) == []


async def test_the_chat_migration_can_be_undone_and_redone(
    database: Database, database_url: str
) -> None:
    hearing = await a_hearing(database)
    config = alembic_config(database_url)

    await asyncio.to_thread(command.downgrade, config, "0002")
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    assert "chat_messages" not in tables and "hearings" in tables

    await migrate(database_url)
    await database.chat.add(message(hearing, "msg_after"))
    assert [m.id for m in await database.chat.list_for_hearing(hearing.id)] == ["msg_after"]


# Over HTTP: GET /api/v1/hearings/{id}/chat, for staff who may read the hearing.

NOBODY = Actor(ActorKind.MACHINE, "tok_none", "no-scopes", frozenset())


@web.middleware
async def powerless_header(request: web.Request, handler: Handler) -> web.StreamResponse:
    """An authenticated caller holding no permission at all (no real role is one)."""
    if request.headers.get("X-Test-Actor") == "nobody":
        request[ACTOR] = NOBODY
        return await handler(request)
    return await actor_header(request, handler)


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(powerless_header)
    return await aiohttp_client(app)


async def test_staff_read_a_hearings_chat_in_order_with_utc_times(client: Client) -> None:
    data = client.app[keys.DATA]
    hearing = await data.hearings.create(
        case_number="1-1/2026", title="State v. Chat", clerk="clerk"
    )
    other = await data.hearings.create(case_number="1-2/2026", title="State v. Other")
    await data.chat.add(message(hearing, "msg_2", at=MORNING + 60, sender="prt_clerk", to="prt_d"))
    await data.chat.add(message(hearing, "msg_1", text="Hello"))
    await data.chat.add(message(other, "msg_other"))

    response = await client.get(
        f"/api/v1/hearings/{hearing.id}/chat?reason=checking", headers=as_("clerk")
    )

    assert response.status == 200
    assert await response.json() == {
        "messages": [
            {
                "id": "msg_1",
                "hearing_id": hearing.id,
                "sender_id": "prt_defendant",
                "recipient_id": None,
                "text": "Hello",
                "sent_at": "2026-03-01T09:30:00.123456Z",
            },
            {
                "id": "msg_2",
                "hearing_id": hearing.id,
                "sender_id": "prt_clerk",
                "recipient_id": "prt_d",
                "text": "May I speak to my counsel?",
                "sent_at": "2026-03-01T09:31:00.123456Z",
            },
        ]
    }


async def test_the_chat_is_read_a_page_at_a_time_over_http(client: Client) -> None:
    data = client.app[keys.DATA]
    hearing = await data.hearings.create(
        case_number="1-1/2026", title="State v. Chat", clerk="clerk"
    )
    for n in range(3):
        await data.chat.add(message(hearing, f"msg_{n}", at=MORNING + n))

    response = await client.get(
        f"/api/v1/hearings/{hearing.id}/chat?limit=2&offset=1&reason=checking",
        headers=as_("clerk"),
    )

    assert [m["id"] for m in (await response.json())["messages"]] == ["msg_1", "msg_2"]


async def test_a_hearing_without_chat_has_an_empty_list(client: Client) -> None:
    hearing = await client.app[keys.HEARINGS].create(case_number="1-1/2026", title="Quiet")

    response = await client.get(
        f"/api/v1/hearings/{hearing.id}/chat?reason=checking", headers=as_("token_read")
    )

    assert (response.status, await response.json()) == (200, {"messages": []})


async def test_the_chat_of_an_unknown_hearing_is_not_found(client: Client) -> None:
    response = await client.get("/api/v1/hearings/hrg_nope/chat", headers=as_("clerk"))

    assert response.status == 404
    assert (await response.json())["code"] == "not_found"


async def test_anonymous_callers_learn_nothing_about_the_chat(client: Client) -> None:
    hearing = await client.app[keys.HEARINGS].create(case_number="1-1/2026", title="T")

    known = await client.get(f"/api/v1/hearings/{hearing.id}/chat")
    unknown = await client.get("/api/v1/hearings/hrg_nope/chat")

    assert (known.status, unknown.status) == (401, 401)


async def test_a_caller_who_may_not_read_hearings_is_refused_and_audited(client: Client) -> None:
    data = client.app[keys.DATA]
    hearing = await data.hearings.create(case_number="1-1/2026", title="T")
    await data.chat.add(message(hearing, "msg_private"))

    response = await client.get(
        f"/api/v1/hearings/{hearing.id}/chat?reason=checking", headers=as_("nobody")
    )

    assert response.status == 403
    assert "msg_private" not in await response.text()
    denied = [
        e
        for e in await client.app[keys.AUDIT].entries.page(limit=100)
        if e.outcome == Outcome.DENIED
    ]
    assert [(e.actor, e.action, e.object) for e in denied] == [
        ("token:no-scopes", "chat.list", f"hearing:{hearing.id}")
    ]
