"""A real SQLite database, migrated, with repositories and join links over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.join_links import JoinLinks
from server.persistence.database import create_engine, migrate, sessions
from server.persistence.repositories import HearingRepository, ParticipantRepository
from server.settings import Settings

PAGES = {
    "index.html": "<!doctype html><title>Courtroom</title>",
    "join.html": "<!doctype html><title>Hearing</title>",
    "favicon.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    "js/join.js": "export {};",
}


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


@dataclass
class Database:
    hearings: HearingRepository
    participants: ParticipantRepository
    links: JoinLinks


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    await migrate(settings.database_url)
    engine = create_engine(settings.database_url)
    factory = sessions(engine)
    hearings, participants = HearingRepository(factory), ParticipantRepository(factory)
    links = JoinLinks(settings.secret_key, settings.public_url, hearings, participants, ttl_s=3600)
    yield Database(hearings, participants, links)
    await engine.dispose()
