"""Every web.AppKey in one place: typed access to the services the app owns."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from recordings import RecordingStore
from server.archive.service import Archive
from server.audit import AuditLog
from server.audit.checkpoints import AuditCheckpoints
from server.auth.services import Auth
from server.court_data import CourtData
from server.hearing_states import HearingStates
from server.join_links import JoinLinks
from server.persistence.repositories import HearingRepository, ParticipantRepository
from server.protocol_signing import ProtocolSigning
from server.settings import Settings
from server.webhooks import Webhooks
from signaling import Signaling

SETTINGS = web.AppKey("settings", Settings)
DATA = web.AppKey("data", CourtData)
ENGINE = web.AppKey("engine", AsyncEngine)
HEARINGS = web.AppKey("hearings", HearingRepository)
HEARING_STATES = web.AppKey("hearing_states", HearingStates)
PARTICIPANTS = web.AppKey("participants", ParticipantRepository)
JOIN_LINKS = web.AppKey("join_links", JoinLinks)
AUDIT = web.AppKey("audit", AuditLog)
AUDIT_CHECKPOINTS = web.AppKey("audit_checkpoints", AuditCheckpoints)
WEBHOOKS = web.AppKey("webhooks", Webhooks)
RECORDINGS = web.AppKey("recordings", RecordingStore)
ARCHIVE = web.AppKey("archive", Archive)
PROTOCOL_SIGNING = web.AppKey("protocol_signing", ProtocolSigning)
SIGNALING = web.AppKey("signaling", Signaling)
AUTH = web.AppKey("auth", Auth)
