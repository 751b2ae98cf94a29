"""The signaling service as the server sees it: construct, attach to the app, close."""

from __future__ import annotations

import logging
from typing import Any

import socketio
from aiohttp import web
from socketio import packet

from court.ids import HearingId
from media import passthrough
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling import messages
from signaling.audit import Audit, not_audited
from signaling.hearings import HearingRegistry
from signaling.limits import Limits
from signaling.live.bus import EventSink, not_published
from signaling.live.courtroom import ChangeState, change_state_in_memory
from signaling.live.decisions import CourtDecisions
from signaling.live.features.chat import ChatStore, not_stored
from signaling.live.features.exhibits import ExhibitStore
from signaling.live.features.protocol import ProtocolStore
from signaling.live.hearing import LiveHearing
from signaling.live.recorder import RecordingAvailable
from signaling.namespace import Authenticate, HearingNamespace
from signaling.turn import IceOffer, no_turn

# Socket.IO's own liveness check. A closed tab closes its WebSocket at once; these bound
# how long a vanished network keeps a participant on the others' screens.
PING_INTERVAL_S = 5
PING_TIMEOUT_S = 5
# The largest Socket.IO message a client may send (an SDP answer is well under 64 KiB).
MAX_FRAME_BYTES = 256 * 1024

logger = logging.getLogger(__name__)

SIGNED_OUT_OF_BENCH = (
    "Your staff session ended (signed out, revoked, or the account disabled). Sign in "
    "again and join from the console."
)


class CourtSocketServer(socketio.AsyncServer):  # type: ignore[misc]
    """python-socketio's server, with the names it reserves refused as commands.

    A client may send an event named ``connect`` or ``disconnect`` like any other, and
    python-socketio hands it to the namespace's connect or disconnect handler: a connection
    that is already someone's could connect again with another participant's token, or be
    taken out of its hearing while it stays open. Such an event gets an error
    acknowledgement here and reaches nothing. (Private hook: the version is pinned, and
    tests/signaling/test_commands.py plays both.)
    """

    async def _handle_event(
        self, eio_sid: str, namespace: str | None, id: int | None, data: Any
    ) -> None:
        if isinstance(data, list) and data and data[0] in self.reserved_events:
            logger.warning("refused the reserved event %r sent by a client", data[0])
            if id is not None:
                refusal = messages.error(
                    "reserved_event", f"{data[0]!r} is the connection's own event, not a command"
                )
                await self._send_packet(
                    eio_sid,
                    self.packet_class(
                        packet.ACK, namespace=namespace or "/", id=id, data=[refusal]
                    ),
                )
            return
        await super()._handle_event(eio_sid, namespace, id, data)


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
        decisions: CourtDecisions | None = None,
        ice: IceOffer = no_turn,
        limits: Limits | None = None,
    ) -> None:
        passthrough.install()
        self.sio = CourtSocketServer(
            async_mode="aiohttp",
            cors_allowed_origins=cors_allowed_origins,
            ping_interval=PING_INTERVAL_S,
            ping_timeout=PING_TIMEOUT_S,
            # Engine.IO hands this to aiohttp's WebSocket as its message limit, so a larger
            # frame is refused while it arrives, before any token is checked.
            max_http_buffer_size=MAX_FRAME_BYTES,
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
            decisions=decisions,
        )
        self.namespace = HearingNamespace(authenticate, self.hearings, audit, ice, limits)
        self.sio.register_namespace(self.namespace)

    def attach(self, app: web.Application) -> None:
        self.sio.attach(app)

    def live_hearings(self) -> list[LiveHearing]:
        """The hearings live in this process, for observers that only read them
        (server/metrics.py); a snapshot, taken on the event loop."""
        return self.hearings.live_hearings()

    # ---- what the court decides outside a live hearing reaches it (the security review's
    # M1): the server calls these after it has stored the decision.

    async def remove_participant(self, hearing_id: str, participant_id: str, reason: str) -> bool:
        """The participant was removed from the hearing: their live session closes now."""
        return await self.hearings.remove_participant(HearingId(hearing_id), participant_id, reason)

    async def close_sessions(self, hearing_id: str, participant_id: str, reason: str) -> bool:
        """A join link of the participant was revoked: their live session closes now."""
        return await self.hearings.close_sessions(HearingId(hearing_id), participant_id, reason)

    async def close_staff_sessions(
        self, *, session_id: str | None = None, account_id: str | None = None
    ) -> int:
        """A staff session ended (or every session of an account): the bench pages it
        opened close now (the security review's H1)."""
        return await self.hearings.close_staff_sessions(
            session_id=session_id, account_id=account_id, reason=SIGNED_OUT_OF_BENCH
        )

    async def end_hearing(self, hearing_id: str, reason: str) -> None:
        """The hearing was cancelled: everyone in it is told and disconnected now."""
        await self.hearings.end_hearing(HearingId(hearing_id), reason)

    async def close(self) -> None:
        await self.hearings.close()
