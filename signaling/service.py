"""The signaling service as the server sees it: construct, attach to the app, close."""

from __future__ import annotations

import socketio
from aiohttp import web

from media import passthrough
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling.audit import Audit, not_audited
from signaling.chat import ChatStore, not_stored
from signaling.courtroom import ChangeState, change_state_in_memory
from signaling.exhibits import ExhibitStore
from signaling.hearing_events import EventSink, not_published
from signaling.hearings import HearingRegistry
from signaling.live_hearing import RecordingAvailable
from signaling.namespace import Authenticate, HearingNamespace
from signaling.protocol import ProtocolStore

# Socket.IO's own liveness check. A closed tab closes its WebSocket at once; these bound
# how long a vanished network keeps a participant on the others' screens.
PING_INTERVAL_S = 5
PING_TIMEOUT_S = 5


class Signaling:
    """Owns the Socket.IO server, the live hearings and the media relay of this process.

    Constructing it switches this process's aiortc receivers to forwarding encoded frames
    (media.passthrough): the relay process never decodes on the live path.
    """

    def __init__(
        self,
        *,
        authenticate: Authenticate,
        media: MediaSettings,
        recordings: RecordingStore,
        cors_allowed_origins: list[str] | str,
        on_recording_available: RecordingAvailable | None = None,
        audit: Audit = not_audited,
        change_state: ChangeState = change_state_in_memory,
        events: EventSink = not_published,
        chat_store: ChatStore = not_stored,
        protocol_store: ProtocolStore | None = None,
        exhibit_store: ExhibitStore | None = None,
    ) -> None:
        passthrough.install()
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            cors_allowed_origins=cors_allowed_origins,
            ping_interval=PING_INTERVAL_S,
            ping_timeout=PING_TIMEOUT_S,
            max_http_buffer_size=256 * 1024,
        )
        self.hearings = HearingRegistry(
            self.sio,
            media,
            recordings,
            on_recording_available=on_recording_available,
            change_state=change_state,
            events=events,
            chat_store=chat_store,
            protocol_store=protocol_store,
            exhibit_store=exhibit_store,
        )
        self.namespace = HearingNamespace(authenticate, self.hearings, audit)
        self.sio.register_namespace(self.namespace)

    def attach(self, app: web.Application) -> None:
        self.sio.attach(app)

    async def close(self) -> None:
        await self.hearings.close()
