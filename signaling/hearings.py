"""The registry of live hearings, and the Socket.IO side of joining and leaving."""

from __future__ import annotations

import logging
from typing import Any

import socketio

from court.errors import InvalidState
from court.ids import HearingId
from media.settings import MediaSettings
from recordings import HearingRecording, RecordingInfo, RecordingStore
from signaling import messages
from signaling.events import NAMESPACE, ServerEvent
from signaling.live_hearing import LiveHearing, RecordingAvailable
from signaling.session import Session

logger = logging.getLogger(__name__)


def _broadcast_group(hearing_id: HearingId) -> str:
    # A Socket.IO room; the word "room" is reserved for court rooms in our vocabulary.
    return f"hearing:{hearing_id}"


class HearingRegistry:
    """Creates a LiveHearing on the first join and closes it when nobody and nothing is left."""

    def __init__(
        self,
        sio: socketio.AsyncServer,
        media: MediaSettings,
        recordings: RecordingStore,
        *,
        on_recording_available: RecordingAvailable | None = None,
    ) -> None:
        self._sio = sio
        self._media = media
        self._recordings = recordings
        self._on_recording_available = on_recording_available
        self._live: dict[HearingId, LiveHearing] = {}

    def live(self, session: Session) -> LiveHearing:
        """The live hearing ``session`` has joined, or InvalidState."""
        live = self._live.get(session.hearing.id)
        if not session.joined or session.closed or live is None:
            raise InvalidState("join the hearing first")
        return live

    def find(self, hearing_id: HearingId) -> LiveHearing | None:
        return self._live.get(hearing_id)

    async def join(self, session: Session) -> LiveHearing:
        live = self._live.get(session.hearing.id)
        if live is None:
            live = LiveHearing(
                session.hearing,
                media=self._media,
                recordings=self._recordings,
                send_to=self._send_to,
                drop=self.drop,
                on_recording_available=self._on_recording_available,
            )
            self._live[session.hearing.id] = live
        previous = live.sessions.get(session.participant.id)
        if previous is not None:
            # The same join link opened again (a reload, a second device): the newer
            # connection wins, and the older one is told why it was closed.
            await self.drop(previous, "replaced")
        await self._sio.enter_room(session.sid, _broadcast_group(live.hearing.id), NAMESPACE)
        await live.admit(session)
        await self._emit(
            live,
            ServerEvent.PARTICIPANT_JOINED,
            {"participant": messages.participant_view(session.participant)},
            skip_sid=session.sid,
        )
        return live

    async def leave(self, session: Session, *, reason: str) -> None:
        """Remove ``session`` from its hearing (idempotent)."""
        if session.closed:
            return
        session.closed = True
        live = self._live.get(session.hearing.id)
        if live is None or not session.joined:
            return
        await live.remove(session)
        await self._sio.leave_room(session.sid, _broadcast_group(live.hearing.id), NAMESPACE)
        if live.sessions.get(session.participant.id) is None:
            await self._emit(
                live,
                ServerEvent.PARTICIPANT_LEFT,
                {"participant_id": session.participant.id, "reason": reason},
            )
        await self._close_if_idle(live)

    async def drop(self, session: Session, reason: str) -> None:
        """Remove ``session`` and close its connection (replaced, or negotiation failed)."""
        await self.leave(session, reason=reason)
        await self._sio.disconnect(session.sid, namespace=NAMESPACE)

    async def start_recording(self, session: Session) -> HearingRecording:
        live = self.live(session)
        recording = await live.start_recording(session.participant)
        await self._emit(
            live,
            ServerEvent.RECORDING_STARTED,
            {"recording": messages.running_recording_view(recording)},
        )
        return recording

    async def stop_recording(self, session: Session) -> RecordingInfo:
        live = self.live(session)
        info = await live.stop_recording(session.participant)
        await self._emit(
            live,
            ServerEvent.RECORDING_STOPPED,
            {"recording": messages.stopped_recording_view(info)},
        )
        await self._close_if_idle(live)
        return info

    async def _close_if_idle(self, live: LiveHearing) -> None:
        # Several leaves can reach this point for one hearing; only the one that still finds
        # this LiveHearing registered closes it.
        if live.is_idle and self._live.get(live.hearing.id) is live:
            del self._live[live.hearing.id]
            await live.close()

    async def close(self) -> None:
        """Stop every recording and close every peer connection (server shutdown)."""
        for live in list(self._live.values()):
            for session in list(live.sessions.values()):
                session.closed = True
            try:
                await live.close()
            except Exception:
                logger.exception("closing hearing %s failed", live.hearing.id)
        self._live.clear()

    async def _emit(
        self,
        live: LiveHearing,
        event: str,
        data: dict[str, Any],
        skip_sid: str | None = None,
    ) -> None:
        await self._sio.emit(
            event,
            data,
            room=_broadcast_group(live.hearing.id),
            skip_sid=skip_sid,
            namespace=NAMESPACE,
        )

    async def _send_to(self, sid: str, event: str, data: dict[str, Any]) -> None:
        await self._sio.emit(event, data, to=sid, namespace=NAMESPACE)
