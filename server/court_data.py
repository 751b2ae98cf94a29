"""The court's data services built from settings: engine, repositories, join links, the
audit log and webhooks.

One place builds them, so the app, the CLI and tools that prepare data all get the same
wiring.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from server.audit import AuditLog
from server.join_links import JoinLinks
from server.persistence.database import create_engine, migrate, sessions
from server.persistence.repositories import (
    ApiTokenRepository,
    ArchiveRepository,
    ChatRepository,
    ExhibitRepository,
    HearingRepository,
    JoinLinkRepository,
    ParticipantRepository,
    ProtocolRepository,
    RecordKeyRepository,
    StaffAccountRepository,
    StaffSessionRepository,
)
from server.settings import Settings
from server.webhooks import Webhooks


@dataclass(frozen=True, slots=True)
class CourtData:
    engine: AsyncEngine
    sessions: async_sessionmaker[Any]
    hearings: HearingRepository
    participants: ParticipantRepository
    links: JoinLinks
    audit: AuditLog
    webhooks: Webhooks
    staff: StaffAccountRepository
    staff_sessions: StaffSessionRepository
    api_tokens: ApiTokenRepository
    chat: ChatRepository  # chat.add is the signaling layer's ChatStore
    archive: ArchiveRepository
    protocol: ProtocolRepository  # the signaling layer's ProtocolStore
    exhibits: ExhibitRepository  # the signaling layer's ExhibitStore
    record_keys: RecordKeyRepository  # read and changed only through server/court_key.py

    @classmethod
    def from_settings(cls, settings: Settings) -> CourtData:
        engine = create_engine(settings.database_url)
        factory = sessions(engine)
        hearings = HearingRepository(factory)
        participants = ParticipantRepository(factory)
        staff_sessions = StaffSessionRepository(factory)
        links = JoinLinks(
            settings.secret_key,
            settings.public_url,
            hearings,
            participants,
            JoinLinkRepository(factory),
            settings.join_link_ttl_s,
            staff_sessions,
        )
        return cls(
            engine=engine,
            sessions=factory,
            hearings=hearings,
            participants=participants,
            links=links,
            audit=AuditLog(factory),
            webhooks=Webhooks(factory),
            staff=StaffAccountRepository(factory),
            staff_sessions=staff_sessions,
            api_tokens=ApiTokenRepository(factory),
            chat=ChatRepository(factory),
            archive=ArchiveRepository(factory),
            protocol=ProtocolRepository(factory),
            exhibits=ExhibitRepository(factory),
            record_keys=RecordKeyRepository(factory),
        )


@asynccontextmanager
async def open_court_data(settings: Settings) -> AsyncIterator[CourtData]:
    """Migrate, then yield the services; the engine is disposed on exit (CLI and tools)."""
    await migrate(settings.database_url)
    data = CourtData.from_settings(settings)
    try:
        yield data
    finally:
        await data.engine.dispose()
