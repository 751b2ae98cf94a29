"""Every web.AppKey in one place: typed access to the services the app owns."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from recordings import RecordingStore
from server.join_links import JoinLinks
from server.persistence.repositories import HearingRepository, ParticipantRepository
from server.settings import Settings
from signaling import Signaling

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", AsyncEngine)
HEARINGS = web.AppKey("hearings", HearingRepository)
PARTICIPANTS = web.AppKey("participants", ParticipantRepository)
JOIN_LINKS = web.AppKey("join_links", JoinLinks)
RECORDINGS = web.AppKey("recordings", RecordingStore)
SIGNALING = web.AppKey("signaling", Signaling)
