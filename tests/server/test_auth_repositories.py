"""Staff accounts, staff sessions and API tokens as stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from court.errors import InvalidState, NotFound
from court.permissions import Scope
from court.staff import StaffRole
from server.persistence.database import create_engine, migrate, sessions
from server.persistence.models import ApiTokenRow, StaffSessionRow
from server.persistence.repositories import StaffAccountRepository
from server.settings import Settings
from tests.server.conftest import Database
from tests.server.migration_support import upgrade_to_just_before

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_an_account_is_added_and_found_by_id_and_username(database: Database) -> None:
    added = await database.staff.add(
        username="alice", display_name="Alice Judge", role=StaffRole.JUDGE, password_hash="h1"
    )

    assert added.id.startswith("stf_")
    assert await database.staff.get(added.id) == added
    assert await database.staff.by_username("alice") == added
    credentials = await database.staff.credentials("alice")
    assert credentials is not None
    assert (credentials.account, credentials.password_hash) == (added, "h1")
    assert added.created_at.tzinfo is not None
    assert not added.disabled


async def test_a_clerks_courts_are_stored_whole_and_come_back_with_the_account(
    database: Database,
) -> None:
    clerk = await database.staff.add(
        username="zoe", display_name="Zoe Clerk", role=StaffRole.CLERK, password_hash="h"
    )
    assert clerk.courts == frozenset()

    courts = frozenset({"Bak\u0131 Apellyasiya M\u0259hk\u0259m\u0259si", "District Court"})
    assigned = await database.staff.set_courts(clerk.id, courts)

    assert assigned.courts == courts
    assert await database.staff.get(clerk.id) == assigned
    assert await database.staff.by_username("zoe") == assigned
    now = datetime.now(UTC)
    _, secret = await database.staff_sessions.create(
        assigned, now=now, expires_at=now + timedelta(hours=1)
    )
    session = await database.staff_sessions.get(secret, now=now)
    assert session is not None and session.account.courts == courts
    assert (await database.staff.set_courts(clerk.id, frozenset())).courts == frozenset()


async def test_accounts_stored_before_clerks_had_courts_have_none_after_the_upgrade(
    settings: Settings,
) -> None:
    url = settings.database_url
    await upgrade_to_just_before(url, "_clerk_courts.py")
    with sqlite3.connect(settings.data_dir / "courtroom.db") as db:
        db.execute(
            "INSERT INTO staff_accounts (id, username, display_name, role, password_hash, "
            "created_at) VALUES ('stf_old', 'old.clerk', 'Old Clerk', 'clerk', 'h', "
            "'2025-01-01 10:00:00')"
        )

    await migrate(url)

    engine = create_engine(url)
    try:
        account = await StaffAccountRepository(sessions(engine)).get("stf_old")
    finally:
        await engine.dispose()
    assert account is not None and account.courts == frozenset()


async def test_unknown_accounts_are_none(database: Database) -> None:
    assert await database.staff.get("stf_nobody") is None
    assert await database.staff.by_username("nobody") is None
    assert await database.staff.credentials("nobody") is None


async def test_accounts_are_listed_by_username_and_counted(database: Database) -> None:
    assert await database.staff.count() == 0
    for name, role in (("zoe", StaffRole.CLERK), ("adam", StaffRole.ARCHIVIST)):
        await database.staff.add(username=name, display_name=name, role=role, password_hash="h")

    listed = await database.staff.list()

    assert [(a.username, a.role) for a in listed] == [
        ("adam", StaffRole.ARCHIVIST),
        ("zoe", StaffRole.CLERK),
    ]
    assert await database.staff.count() == 2


async def test_a_username_is_taken_once_even_when_two_add_it_at_once(
    database: Database,
) -> None:
    async def add() -> object:
        return await database.staff.add(
            username="bob", display_name="Bob", role=StaffRole.CLERK, password_hash="h"
        )

    results = await asyncio.gather(add(), add(), return_exceptions=True)

    refused = [r for r in results if isinstance(r, InvalidState)]
    assert len(refused) == 1
    assert "bob" in refused[0].message
    assert await database.staff.count() == 1


async def test_a_password_hash_is_replaced(database: Database) -> None:
    account = await database.staff.add(
        username="carol", display_name="Carol", role=StaffRole.CLERK, password_hash="old"
    )

    await database.staff.set_password_hash(account.id, "new")

    credentials = await database.staff.credentials("carol")
    assert credentials is not None and credentials.password_hash == "new"
    with pytest.raises(NotFound):
        await database.staff.set_password_hash("stf_nobody", "x")


async def test_a_session_is_found_by_its_secret_and_only_its_digest_is_stored(
    database: Database,
) -> None:
    account = await database.staff.add(
        username="dan", display_name="Dan", role=StaffRole.JUDGE, password_hash="h"
    )

    created, secret = await database.staff_sessions.create(
        account, now=NOW, expires_at=NOW + timedelta(hours=12)
    )

    found = await database.staff_sessions.get(secret, now=NOW + timedelta(hours=1))
    assert found == created
    assert found.account == account
    assert found.expires_at == NOW + timedelta(hours=12)
    async with database.sessions() as session:
        stored = list(await session.scalars(select(StaffSessionRow.id)))
    assert stored == [hashlib.sha256(secret.encode()).hexdigest()]
    assert secret not in stored


async def test_an_expired_or_unknown_session_is_not_found(database: Database) -> None:
    account = await database.staff.add(
        username="eve", display_name="Eve", role=StaffRole.CLERK, password_hash="h"
    )
    _, secret = await database.staff_sessions.create(
        account, now=NOW, expires_at=NOW + timedelta(hours=12)
    )

    assert await database.staff_sessions.get(secret, now=NOW + timedelta(hours=12)) is None
    assert await database.staff_sessions.get("not-a-session", now=NOW) is None


async def test_a_deleted_session_is_gone(database: Database) -> None:
    account = await database.staff.add(
        username="fay", display_name="Fay", role=StaffRole.CLERK, password_hash="h"
    )
    _, secret = await database.staff_sessions.create(
        account, now=NOW, expires_at=NOW + timedelta(hours=1)
    )

    assert await database.staff_sessions.delete(secret)
    assert not await database.staff_sessions.delete(secret)
    assert await database.staff_sessions.get(secret, now=NOW) is None


async def test_expired_sessions_are_deleted_and_live_ones_kept(database: Database) -> None:
    account = await database.staff.add(
        username="gus", display_name="Gus", role=StaffRole.CLERK, password_hash="h"
    )
    _, old = await database.staff_sessions.create(
        account, now=NOW, expires_at=NOW + timedelta(hours=1)
    )
    _, live = await database.staff_sessions.create(
        account, now=NOW, expires_at=NOW + timedelta(hours=3)
    )

    later = NOW + timedelta(hours=2)
    assert await database.staff_sessions.delete_expired(now=later) == 1

    assert await database.staff_sessions.get(live, now=later) is not None
    assert not await database.staff_sessions.delete(old)


async def test_an_api_token_secret_is_returned_once_and_stored_as_its_digest(
    database: Database,
) -> None:
    token, secret = await database.api_tokens.create(
        name="e-court",
        scopes=frozenset({Scope.HEARINGS_WRITE, Scope.HEARINGS_READ}),
        created_by="staff:admin",
    )

    assert token.id.startswith("tok_")
    assert secret.startswith("crt_") and len(secret) > 40
    assert token.scopes == {Scope.HEARINGS_READ, Scope.HEARINGS_WRITE}
    assert token.active
    assert await database.api_tokens.find(secret) == token
    assert await database.api_tokens.get(token.id) == token
    async with database.sessions() as session:
        row = await session.scalar(select(ApiTokenRow))
    assert row is not None
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.scopes == "hearings:read hearings:write"


async def test_an_unknown_api_token_is_not_found(database: Database) -> None:
    assert await database.api_tokens.find("crt_unknown") is None
    assert await database.api_tokens.get("tok_unknown") is None


async def test_api_tokens_are_listed_in_creation_order(database: Database) -> None:
    first, _ = await database.api_tokens.create(
        name="one", scopes=frozenset({Scope.RECORDS_READ}), created_by="staff:admin"
    )
    second, _ = await database.api_tokens.create(
        name="two", scopes=frozenset({Scope.HEARINGS_READ}), created_by="staff:admin"
    )

    listed = await database.api_tokens.list()

    assert [t.id for t in listed] == [first.id, second.id]


async def test_a_revoked_api_token_stays_listed_with_its_first_revocation_time(
    database: Database,
) -> None:
    token, secret = await database.api_tokens.create(
        name="old", scopes=frozenset({Scope.HEARINGS_READ}), created_by="staff:admin"
    )

    revoked = await database.api_tokens.revoke(token.id)
    again = await database.api_tokens.revoke(token.id)

    assert not revoked.active
    assert again.revoked_at == revoked.revoked_at
    found = await database.api_tokens.find(secret)
    assert found is not None and not found.active
    with pytest.raises(NotFound):
        await database.api_tokens.revoke("tok_unknown")
