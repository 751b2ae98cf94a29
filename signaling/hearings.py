"""The registry of live hearings, and the Socket.IO side of joining and leaving."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import socketio

from court.errors import InvalidState
from court.event_params import LeaveReason, Left
from court.ids import HearingId
from court.rooms import BENCH
from media.settings import MediaSettings
from recordings import HearingRecording, RecordingInfo, RecordingStore
from signaling.events import NAMESPACE, ServerEvent
from signaling.live.bus import EventSink, not_published
from signaling.live.courtroom import ChangeState, Courtroom, Stores, change_state_in_memory
from signaling.live.decisions import CourtDecisions, MemoryDecisions
from signaling.live.features.chat import ChatStore, not_stored
from signaling.live.features.exhibits import ExhibitStore, MemoryExhibitStore
from signaling.live.features.health import HealthMonitor
from signaling.live.features.protocol import MemoryProtocolStore, ProtocolStore
from signaling.live.hearing import LiveHearing
from signaling.live.notices import HearingJoined
from signaling.live.recorder import RecordingAvailable
from signaling.live.session import Session

logger = logging.getLogger(__name__)

# How long a connection closed by its own command stays open for the acknowledgement.
ACK_GRACE_S = 1.0

ALREADY_CONNECTED = (
    "You are already in this hearing in another window. Join again with take_over to "
    "continue here; the other window is then closed."
)


class BenchAlreadyConnected(InvalidState):
    """A judge or clerk joined while their earlier page is still in the hearing."""

    code = "bench_already_connected"


class HearingRegistry:
    """Creates a Courtroom on the first join and closes it when nobody and nothing is left."""

    def __init__(
        self,
        sio: socketio.AsyncServer,
        media: MediaSettings,
        recordings: RecordingStore,
        *,
        on_recording_available: RecordingAvailable | None = None,
        change_state: ChangeState = change_state_in_memory,
        events: EventSink = not_published,
        chat_store: ChatStore = not_stored,
        protocol_store: ProtocolStore | None = None,
        exhibit_store: ExhibitStore | None = None,
        decisions: CourtDecisions | None = None,
    ) -> None:
        self._sio = sio
        self._media = media
        self._recordings = recordings
        self._on_recording_available = on_recording_available
        self._change_state = change_state
        self._events = events
        self._stores = Stores(
            chat=chat_store,
            protocol=protocol_store if protocol_store is not None else MemoryProtocolStore(),
            exhibits=exhibit_store if exhibit_store is not None else MemoryExhibitStore(),
            decisions=decisions if decisions is not None else MemoryDecisions(),
        )
        self._live: dict[HearingId, Courtroom] = {}
        self._later: set[asyncio.Task[None]] = set()
        self._health = HealthMonitor(
            lambda: [check for c in self._live.values() for check in (c.health, c.quality)]
        )

    def courtroom(self, session: Session) -> Courtroom:
        """The courtroom ``session`` has joined, or InvalidState."""
        courtroom = self._live.get(session.hearing.id)
        if not session.joined or session.closed or courtroom is None:
            raise InvalidState("join the hearing first")
        return courtroom

    def live(self, session: Session) -> LiveHearing:
        return self.courtroom(session).live

    def courtroom_of(self, live: LiveHearing) -> Courtroom:
        courtroom = self._live.get(live.hearing.id)
        if courtroom is None or courtroom.live is not live:
            raise InvalidState("this hearing is no longer live")
        return courtroom

    def live_hearings(self) -> list[LiveHearing]:
        """Every hearing live now (a snapshot)."""
        return [courtroom.live for courtroom in self._live.values()]

    def find(self, hearing_id: HearingId) -> LiveHearing | None:
        courtroom = self._live.get(hearing_id)
        return None if courtroom is None else courtroom.live

    def _create(self, session: Session) -> Courtroom:
        return Courtroom(
            session.hearing,
            media=self._media,
            recordings=self._recordings,
            stores=self._stores,
            emit=self._send_to,
            disconnect=self.drop,
            change_state=self._change_state,
            events=self._events,
            on_recording_available=self._on_recording_available,
        )

    async def join(self, session: Session, *, take_over: bool = False) -> HearingJoined:
        """Place ``session`` in its hearing; returns the join acknowledgement's data.

        A bench member (judge, clerk) already in the hearing from another page is never
        replaced silently: without ``take_over`` the join is refused with
        BenchAlreadyConnected, so that the new page asks the person first."""
        bench = session.participant.role in BENCH
        existing = self._live.get(session.hearing.id)
        previous = None if existing is None else existing.live.sessions.get(session.participant.id)
        replaced = previous is not None
        if previous is not None:
            if bench and not take_over:
                raise BenchAlreadyConnected(ALREADY_CONNECTED)
            # The same person joined again (a reload, a second device): the newer connection
            # wins (for the bench, only once they confirmed it), and the older one is told
            # why it was closed.
            cause = "taken_over" if bench else "reopened"
            await self._send_to(previous.sid, ServerEvent.SESSION_REPLACED, {"cause": cause})
            await self.drop(previous, Left(LeaveReason.REPLACED))
        # Looked up after the drop: the hearing closes when the one who left was its last.
        courtroom = self._live.get(session.hearing.id)
        created = courtroom is None
        if courtroom is None:
            courtroom = self._create(session)
            self._live[session.hearing.id] = courtroom
            self._health.start()
        try:
            if created:
                await courtroom.restore()
                await courtroom.resume_record()
            data = await courtroom.arrive(session, replaced_previous=replaced)
        except Exception:
            if created:
                await self._close_if_idle(courtroom)
            raise
        return data

    async def leave(self, session: Session, left: Left) -> None:
        """Remove ``session`` from its hearing (idempotent)."""
        if session.closed:
            return
        session.closed = True
        courtroom = self._live.get(session.hearing.id)
        if courtroom is None or not session.joined:
            return
        await courtroom.depart(session, left)
        await self._close_if_idle(courtroom)

    async def drop(self, session: Session, left: Left, *, after_ack: bool = False) -> None:
        """Remove ``session`` and close its connection (replaced, removed, closed, failed).

        ``after_ack``: the session is the one whose command caused this (the judge closing
        the hearing); its connection closes a moment later, so the acknowledgement arrives.
        """
        await self.leave(session, left)
        if not after_ack:
            await self._sio.disconnect(session.sid, namespace=NAMESPACE)
            return

        async def later() -> None:
            await asyncio.sleep(ACK_GRACE_S)
            await self._sio.disconnect(session.sid, namespace=NAMESPACE)

        task = asyncio.get_running_loop().create_task(later())
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    async def start_recording(self, session: Session) -> HearingRecording:
        return await self.courtroom(session).start_recording(session.participant)

    async def stop_recording(self, session: Session) -> RecordingInfo:
        courtroom = self.courtroom(session)
        info = await courtroom.stop_recording(session.participant)
        await self._close_if_idle(courtroom)
        return info

    async def remove_participant(
        self, hearing_id: HearingId, participant_id: str, reason: str
    ) -> bool:
        """The court removed a participant from outside the hearing (signaling.service)."""
        courtroom = self._live.get(hearing_id)
        if courtroom is None:
            return False
        removed = await courtroom.moderation.remove_from_outside(participant_id, reason)
        await self._close_if_idle(courtroom)
        return removed

    async def close_sessions(self, hearing_id: HearingId, participant_id: str, reason: str) -> bool:
        courtroom = self._live.get(hearing_id)
        if courtroom is None:
            return False
        closed = await courtroom.moderation.close_sessions(participant_id, reason)
        await self._close_if_idle(courtroom)
        return closed

    async def close_staff_sessions(
        self, *, session_id: str | None = None, account_id: str | None = None, reason: str
    ) -> int:
        """Close the live pages a staff session opened (``session_id``), or any session of
        the account (``account_id``): the session was logged out or revoked, or the account
        disabled. How many were closed."""
        closed = 0
        for courtroom in list(self._live.values()):
            for session in list(courtroom.live.sessions.values()):
                mine = (session_id is not None and session.staff_session == session_id) or (
                    account_id is not None and session.staff_account == account_id
                )
                if mine and await courtroom.moderation.close_sessions(
                    session.participant.id, reason
                ):
                    closed += 1
            await self._close_if_idle(courtroom)
        return closed

    async def end_hearing(self, hearing_id: HearingId, reason: str) -> None:
        courtroom = self._live.get(hearing_id)
        if courtroom is not None:
            await courtroom.end(reason)
            await self._close_if_idle(courtroom)

    async def _close_if_idle(self, courtroom: Courtroom) -> None:
        # Several leaves can reach this point for one hearing; only the one that still finds
        # this Courtroom registered closes it.
        live = courtroom.live
        if live.is_idle and self._live.get(live.hearing.id) is courtroom:
            del self._live[live.hearing.id]
            await courtroom.close()

    async def close(self) -> None:
        """Stop every recording and close every peer connection (server shutdown)."""
        await self._health.stop()
        for courtroom in list(self._live.values()):
            for session in list(courtroom.live.sessions.values()):
                session.closed = True
            try:
                await courtroom.close()
            except Exception:
                logger.exception("closing hearing %s failed", courtroom.hearing.id)
        self._live.clear()

    async def _send_to(self, sid: str, event: str, data: Mapping[str, object]) -> None:
        await self._sio.emit(event, data, to=sid, namespace=NAMESPACE)
