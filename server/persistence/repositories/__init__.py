"""Repositories: the only code that opens database sessions; they speak court/ types.

One module per aggregate; this package re-exports them for the wiring in server/.
"""

from server.persistence.repositories.api_tokens import ApiToken, ApiTokenRepository
from server.persistence.repositories.archive import ArchiveRepository
from server.persistence.repositories.chat import ChatRepository
from server.persistence.repositories.exhibits import ExhibitRepository
from server.persistence.repositories.hearings import HearingFilter, HearingRepository
from server.persistence.repositories.join_links import JoinLinkRecord, JoinLinkRepository
from server.persistence.repositories.participants import ParticipantRepository
from server.persistence.repositories.protocol import ProtocolRepository
from server.persistence.repositories.record_keys import (
    KeyConflict,
    RecordKey,
    RecordKeyRepository,
    RecordKeyState,
    Succession,
)
from server.persistence.repositories.staff import (
    SessionInfo,
    StaffAccountRepository,
    StaffCredentials,
    StaffSession,
    StaffSessionRepository,
)

__all__ = [
    "ApiToken",
    "ApiTokenRepository",
    "ArchiveRepository",
    "ChatRepository",
    "ExhibitRepository",
    "HearingFilter",
    "HearingRepository",
    "JoinLinkRecord",
    "JoinLinkRepository",
    "KeyConflict",
    "ParticipantRepository",
    "ProtocolRepository",
    "RecordKey",
    "RecordKeyRepository",
    "RecordKeyState",
    "SessionInfo",
    "StaffAccountRepository",
    "StaffCredentials",
    "StaffSession",
    "StaffSessionRepository",
    "Succession",
]
