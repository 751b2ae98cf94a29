"""The database: Alembic migrations on start, durable SQLite, repositories in court/ types."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from court.hearing_state import HearingState
from court.ids import HearingId
from court.roles import Role
from server.persistence.database import alembic_config, create_engine, migrate, sessions
from server.persistence.models import Base
from server.persistence.repositories import HearingFilter, HearingRepository
from server.settings import Settings
from tests.server.conftest import Database


def sqlite_path(settings: Settings) -> Path:
    return settings.data_dir / "courtroom.db"


async def test_migrating_creates_the_tables_at_the_newest_revision(settings: Settings) -> None:
    await migrate(settings.database_url)

    with sqlite3.connect(sqlite_path(settings)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {
        "hearings",
        "participants",
        "join_links",
        "staff_accounts",
        "staff_sessions",
        "api_tokens",
        "webhooks",
        "webhook_deliveries",
        "audit_log",
        "chat_messages",
        "archived_recordings",
        "record_retention",
        "protocol_entries",
        "protocol_signatures",
        "exhibits",
        "record_keys",
        "protocol_entry_revisions",
        "alembic_version",
    } <= tables
    assert revision == "0014"


async def test_a_database_of_the_first_release_is_upgraded_with_its_data_kept(
    settings: Settings,
) -> None:
    url = settings.database_url
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0001")
    with sqlite3.connect(sqlite_path(settings)) as db:
        db.execute(
            "INSERT INTO hearings (id, case_number, title, created_at) "
            "VALUES ('hrg_old', '1-1/2025', 'Old', '2025-01-01 10:00:00')"
        )

    await migrate(url)

    engine = create_engine(url)
    try:
        hearing = await HearingRepository(sessions(engine)).get("hrg_old")
    finally:
        await engine.dispose()
    assert hearing is not None
    assert (hearing.case_number, hearing.state, hearing.court) == (
        "1-1/2025",
        HearingState.SCHEDULED,
        "",
    )


async def test_migrating_twice_changes_nothing_and_keeps_the_data(
    database: Database, database_url: str
) -> None:
    hearing = await database.hearings.create(case_number="1-1/2026", title="State v. One")

    await migrate(database_url)

    assert await database.hearings.list() == [hearing]


async def test_every_connection_is_durable_and_enforces_foreign_keys(settings: Settings) -> None:
    await migrate(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            synchronous = (await connection.execute(text("PRAGMA synchronous"))).scalar()
            foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
    finally:
        await engine.dispose()

    assert (journal, synchronous, foreign_keys) == ("wal", 2, 1)  # 2 is FULL


async def test_a_participant_of_a_hearing_that_does_not_exist_is_refused(
    database: Database,
) -> None:
    with pytest.raises(IntegrityError):
        await database.participants.add(HearingId("hrg_missing"), name="X", role=Role.WITNESS)


async def test_hearings_and_participants_come_back_as_they_were_stored(
    database: Database,
) -> None:
    first = await database.hearings.create(case_number="1-1/2026", title="State v. One")
    second = await database.hearings.create(case_number="1-2/2026", title="State v. Two")
    judge = await database.participants.add(first.id, name="Judge Jones", role=Role.JUDGE)
    witness = await database.participants.add(first.id, name="W. Smith", role=Role.WITNESS)
    await database.participants.add(second.id, name="Judge Kay", role=Role.JUDGE)

    assert await database.hearings.list() == [first, second]
    assert await database.hearings.get(first.id) == first
    assert await database.hearings.get("hrg_missing") is None
    assert await database.hearings.find_by_case_number("1-2/2026") == second
    assert await database.hearings.find_by_case_number("9-9/2026") is None
    assert await database.participants.get(witness.id) == witness
    assert await database.participants.get("prt_missing") is None
    assert sorted(await database.participants.of_hearing(first.id), key=lambda p: p.name) == [
        judge,
        witness,
    ]


async def test_a_clerks_view_holds_the_hearings_naming_them_and_those_of_their_courts(
    database: Database,
) -> None:
    named = await database.hearings.create(case_number="1", title="T", court="B", clerk="zoe")
    of_a = await database.hearings.create(case_number="2", title="T", court="A", clerk="max")
    await database.hearings.create(case_number="3", title="T", court="B", clerk="max")
    await database.hearings.create(case_number="4", title="T", court="", clerk="")

    def seen_by(courts: frozenset[str]) -> HearingFilter:
        return HearingFilter(assigned_to_clerk="zoe", clerk_courts=courts)

    assert await database.hearings.list(seen_by(frozenset({"A"}))) == [named, of_a]
    assert await database.hearings.list(seen_by(frozenset())) == [named]
    assert await database.hearings.courts() == ["A", "B"]


async def test_the_migrations_build_exactly_the_schema_the_models_describe(
    database: Database,
) -> None:
    # A model change without a migration would otherwise only fail on the first real query.
    engine = database.engine

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
