"""A real database (SQLite and PostgreSQL), migrated, with repositories and join links; and
every answer a test client gets, checked against the OpenAPI document."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.court_data import CourtData
from server.persistence.database import migrate
from server.settings import Settings
from tests.databases import postgres_database, sqlite_url
from tests.server.documented_answers import DocumentedAnswers

PAGES = {
    "index.html": "<!doctype html><title>Courtroom</title>",
    "join.html": "<!doctype html><title>Hearing</title>",
    "favicon.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    "js/join.js": "export {};",
}


@pytest.fixture
def aiohttp_client_cls() -> Iterator[type[TestClient[Any, Any]]]:
    """pytest-aiohttp's client, whose app checks each answer it gives against the OpenAPI
    document (tests/server/documented_answers.py); a mismatch fails the test."""
    answers = DocumentedAnswers()

    class CheckedClient(TestClient[Any, Any]):
        async def start_server(self) -> None:
            app = getattr(self.server, "app", None)
            if app is not None:
                app.on_response_prepare.append(answers.check)
            await super().start_server()

    yield CheckedClient
    assert answers.mismatches == [], "answers the OpenAPI document does not describe"


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    """Stand-in pages, so these tests check the server's routes, not the client's content."""
    root = tmp_path / "web"
    for name, text in PAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def settings(courtroom_env: dict[str, str], web_dir: Path) -> Settings:
    return Settings.from_env({**courtroom_env, "COURTROOM_WEB_DIR": str(web_dir)})


@pytest.fixture
def cli_environment(monkeypatch: pytest.MonkeyPatch, courtroom_env: dict[str, str]) -> None:
    """The process environment a ``courtroom`` command sees: this test's data dir only."""
    for name in ("COURTROOM_DATABASE_URL", "COURTROOM_SECRET_KEY", "COURTROOM_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in courtroom_env.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each data-layer test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        (tmp_path / "db").mkdir()
        yield sqlite_url(tmp_path / "db")
    else:
        async for url in postgres_database():
            yield url


# The data-layer tests' view of the wiring: repositories and join links over one database.
Database = CourtData


@pytest.fixture
async def database(
    courtroom_env: dict[str, str], web_dir: Path, database_url: str
) -> AsyncIterator[CourtData]:
    settings = Settings.from_env(
        {
            **courtroom_env,
            "COURTROOM_WEB_DIR": str(web_dir),
            "COURTROOM_DATABASE_URL": database_url,
        }
    )
    await migrate(database_url)
    data = CourtData.from_settings(settings)
    yield data
    await data.engine.dispose()
