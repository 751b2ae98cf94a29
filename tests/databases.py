"""The two databases the data layer must work on: SQLite (the default) and PostgreSQL.

PostgreSQL tests get a fresh database each, created on the local server through its Unix
socket (the tests run in a network namespace with only loopback, where the socket still
works). Where no server answers, the tests skip on a developer's machine and fail in CI
(CI=true): a data layer that was never run against PostgreSQL is not tested.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

# Override with COURTROOM_TEST_POSTGRES, e.g. postgresql+asyncpg://user:pw@db.example/postgres
DEFAULT_ADMIN_URL = "postgresql+asyncpg://postgres@/postgres?host=/var/run/postgresql"


def admin_url() -> str:
    return os.environ.get("COURTROOM_TEST_POSTGRES") or DEFAULT_ADMIN_URL


async def _admin_connection() -> asyncpg.Connection:
    url = make_url(admin_url())
    host = url.query.get("host") or url.host
    return await asyncpg.connect(
        host=host if isinstance(host, str) else None,
        port=url.port,
        user=url.username,
        password=url.password,
        database=url.database,
        timeout=5,
    )


async def postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database; dropped afterwards."""
    try:
        admin = await _admin_connection()
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        message = f"PostgreSQL is not reachable at {admin_url()}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the PostgreSQL tests must run)")
        pytest.skip(message)
    name = f"courtroom_test_{secrets.token_hex(6)}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'courtroom.db'}"
