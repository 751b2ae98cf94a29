"""The protocol keeps its history: every save before signing keeps the version it replaces
(one writer's typing folded into one revision), edits are audited, the migration gives
existing entries their first revision, and the history is read over the REST API."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from court.errors import InvalidState, NotFound
from court.protocol import (
    REVISION_WINDOW_S,
    EntryKind,
    ProtocolEntry,
    ProtocolSignature,
    SignerRole,
)
from server import keys
from server.app import create_app
from server.live_courtroom import AuditedProtocol
from server.persistence.database import create_engine, migrate, sessions
from server.persistence.repositories import ProtocolRepository
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, actor_header, as_
from tests.server.conftest import Database
from tests.server.migration_support import upgrade_to_just_before

CLERK = "participant:prt_c (clerk)"
JUDGE = "participant:prt_j (judge)"
HOSTILE = "<img src=x onerror=alert(1)> & «ağ»"


def _entry(hearing_id: str, entry_id: str, text: str, at: float) -> ProtocolEntry:
    return ProtocolEntry(
        id=entry_id,
        hearing_id=hearing_id,
        number=0,
        kind=EntryKind.STATEMENT,
        recording_id="rec_1",
        record_ms=1500,
        speaker_id="prt_w",
        text=text,
        author=CLERK,
        automatic=False,
        created_at=at,
        updated_at=at,
    )


async def test_every_save_before_signing_keeps_the_version_it_replaces_but_not_each_keystroke(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="R-1", title="T")
    protocol = database.protocol
    t0 = time.time()
    first = await protocol.add(_entry(hearing.id, "ent_r1", "I", t0))
    assert first.revisions == 1

    async def save(text: str, at: float, by: str = CLERK, **changes: object) -> ProtocolEntry:
        current = next(e for e in await protocol.of_hearing(hearing.id) if e.id == first.id)
        changed = replace(current, text=text, updated_at=at, **changes)  # type: ignore[arg-type]
        return await protocol.update(changed, by)

    # The clerk types on for a minute, a save every half second: one revision, as typed.
    words = ["saw", "the", "car", "at", "the", "corner", "of", "the", "street"]
    typed = "I"
    for i, word in enumerate(words, start=1):
        typed = f"{typed} {word}"
        assert (await save(typed, t0 + 0.5 * i)).revisions == 1
    last = t0 + 0.5 * len(words) + REVISION_WINDOW_S  # a pause as long as the window
    assert (await save(typed + ".", last)).revisions == 2
    typed += "."
    # The same writer again within the window: the latest revision's text is replaced.
    assert (await save(typed + " It was red.", last + 2.0)).revisions == 2
    # Another writer always adds one, even at once, and so does a new stamp, speaker or kind.
    assert (await save(HOSTILE, last + 2.5, JUDGE)).revisions == 3
    assert (await save(HOSTILE, last + 3.0, JUDGE, record_ms=900)).revisions == 4
    assert (await save(HOSTILE, last + 3.5, JUDGE, speaker_id=None)).revisions == 5
    assert (await save(HOSTILE, last + 4.0, JUDGE, kind=EntryKind.ANSWER)).revisions == 6
    # A save that changes nothing keeps nothing, however late.
    assert (await save(HOSTILE, last + 4.0 + REVISION_WINDOW_S * 3, JUDGE)).revisions == 6

    entry, history = await protocol.revisions(hearing.id, first.id)
    assert (entry.text, entry.revisions, entry.record_ms) == (HOSTILE, 6, 900)
    assert [r.revision for r in history] == [1, 2, 3, 4, 5, 6]
    assert [r.saved_by for r in history] == [CLERK, CLERK, JUDGE, JUDGE, JUDGE, JUDGE]
    assert [r.text for r in history[:3]] == [
        "I saw the car at the corner of the street",
        "I saw the car at the corner of the street. It was red.",
        HOSTILE,
    ]
    assert [r.record_ms for r in history] == [1500, 1500, 1500, 900, 900, 900]
    assert [r.speaker_id for r in history] == ["prt_w"] * 4 + [None, None]
    assert history[-1].kind is EntryKind.ANSWER
    assert history[0].saved_at == pytest.approx(t0 + 4.5, abs=0.001)  # its last save
    assert history[1].saved_at == pytest.approx(last + 2.0, abs=0.001)
    assert [e.revisions for e in await protocol.of_hearing(hearing.id)] == [6]

    with pytest.raises(NotFound):
        await protocol.revisions("hrg_other", first.id)
    with pytest.raises(NotFound):
        await protocol.revisions(hearing.id, "ent_missing")
    await protocol.sign(ProtocolSignature(hearing.id, SignerRole.CLERK, "staff:c", "0", t0))
    with pytest.raises(InvalidState):
        await save("rewritten after signing", last + 100.0)
    assert [r.text for r in (await protocol.revisions(hearing.id, first.id))[1]][-1] == HOSTILE


async def test_two_writers_saving_one_entry_at_once_get_revisions_numbered_one_after_another(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="R-2", title="T")
    t0 = time.time()
    entry = await database.protocol.add(_entry(hearing.id, "ent_r2", "begun", t0))
    writers = [f"participant:prt_{i} (clerk)" for i in range(6)]
    await asyncio.gather(
        *(
            database.protocol.update(replace(entry, text=f"by {w}", updated_at=t0 + 1), w)
            for w in writers
        )
    )
    _, history = await database.protocol.revisions(hearing.id, entry.id)
    assert [r.revision for r in history] == list(range(1, 8))
    assert sorted(r.saved_by for r in history[1:]) == sorted(writers)


async def test_an_edit_from_the_live_hearing_is_audited_and_typing_is_not(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="R-3", title="T")
    store = AuditedProtocol(database.protocol, database.audit)
    t0 = time.time()
    entry = await store.add(_entry(hearing.id, "ent_r3", "The witness", t0))
    for i, text in enumerate(("The witness said", "The witness said no")):
        entry = await store.update(replace(entry, text=text, updated_at=t0 + i + 1), CLERK)
    assert entry.revisions == 1
    assert await database.audit.entries.mentioning(hearing.id) == []

    moved = replace(entry, text="The witness said yes", record_ms=700, updated_at=t0 + 3)
    entry = await store.update(moved, JUDGE)
    assert entry.revisions == 2
    (audited,) = await database.audit.entries.mentioning(hearing.id)
    assert (audited.actor, audited.action) == (JUDGE, "protocol.entry.revise")
    assert audited.object == f"hearing:{hearing.id}/protocol-entry:{entry.number}"
    assert audited.reason == f"entry {entry.number}, revision 2: text, record time changed"


def _sqlite_path(settings: Settings) -> Path:
    return settings.data_dir / "courtroom.db"


async def test_a_database_with_protocol_entries_is_upgraded_with_each_entry_as_its_first_revision(
    settings: Settings,
) -> None:
    url = settings.database_url
    await upgrade_to_just_before(url, "_protocol_revisions.py")
    with sqlite3.connect(_sqlite_path(settings)) as db:
        db.execute(
            "INSERT INTO hearings (id, case_number, title, created_at) "
            "VALUES ('hrg_old', '1-1/2025', 'Old', '2025-01-01 10:00:00')"
        )
        for number, text in ((1, "said first"), (2, "edited in place, long ago")):
            db.execute(
                "INSERT INTO protocol_entries (id, hearing_id, number, kind, recording_id, "
                "record_ms, speaker_id, text, author, automatic, created_at, updated_at) "
                "VALUES (?, 'hrg_old', ?, 'statement', 'rec_1', ?, 'prt_w', ?, ?, 0, "
                "'2025-01-01 10:00:00', '2025-01-01 10:05:00')",
                (f"ent_old{number}", number, number * 1000, text, CLERK),
            )

    await migrate(url)

    engine = create_engine(url)
    try:
        protocol = ProtocolRepository(sessions(engine))
        entries = await protocol.of_hearing("hrg_old")
        entry, history = await protocol.revisions("hrg_old", "ent_old2")
    finally:
        await engine.dispose()
    assert [e.revisions for e in entries] == [1, 1]
    (first,) = history
    assert (first.revision, first.text, first.record_ms) == (1, "edited in place, long ago", 2000)
    assert (first.saved_by, first.saved_at) == (CLERK, entry.updated_at)


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


async def test_the_protocol_counts_each_entrys_revisions_and_staff_who_read_it_read_its_history(
    client: Client,
) -> None:
    app = client.app
    hearing = await app[keys.HEARINGS].create(case_number="R-4", title="T", clerk="clerk")
    other = await app[keys.HEARINGS].create(case_number="R-5", title="T", clerk="clerk")
    protocol = app[keys.DATA].protocol
    t0 = time.time()
    entry = await protocol.add(_entry(hearing.id, "ent_r4", "first", t0))
    await protocol.add(_entry(hearing.id, "ent_r5", "never edited", t0))
    await protocol.update(replace(entry, text=HOSTILE, updated_at=t0 + 1), JUDGE)

    read = await client.get(
        f"/api/v1/hearings/{hearing.id}/protocol?reason=checking", headers=as_("clerk")
    )
    assert [e["revisions"] for e in (await read.json())["entries"]] == [2, 1]

    url = f"/api/v1/hearings/{hearing.id}/protocol/entries/{entry.id}/revisions?reason=checking"
    response = await client.get(url, headers=as_("token_read"))
    assert response.status == 200
    body = await response.json()
    assert (body["entry_id"], body["number"]) == (entry.id, 1)
    assert [(r["revision"], r["text"], r["saved_by"]) for r in body["revisions"]] == [
        (1, "first", CLERK),
        (2, HOSTILE, JUDGE),
    ]
    assert body["revisions"][1]["saved_at"] == pytest.approx(t0 + 1, abs=0.001)
    assert set(body["revisions"][0]) == {
        "revision",
        "kind",
        "speaker_id",
        "text",
        "record_ms",
        "saved_by",
        "saved_at",
    }
    assert (await client.get(url)).status == 401
    elsewhere = f"/api/v1/hearings/{other.id}/protocol/entries/{entry.id}/revisions?reason=checking"
    assert (await client.get(elsewhere, headers=as_("clerk"))).status == 404
    missing = f"/api/v1/hearings/{hearing.id}/protocol/entries/ent_none/revisions?reason=checking"
    assert (await client.get(missing, headers=as_("clerk"))).status == 404
