"""A hearing while people are in it: its room's media, who is present, its recording."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from court.errors import InvalidState, PermissionDenied
from court.hearing import Hearing, Participant
from court.ids import ParticipantId
from court.permissions import Permission
from media.producer import Producer
from media.router import Router
from media.settings import MediaSettings
from recordings import AudioSource, HearingRecording, RecordingInfo, RecordingStore
from signaling.negotiator import Negotiator
from signaling.session import Session

logger = logging.getLogger(__name__)

SendTo = Callable[[str, str, dict[str, Any]], Awaitable[None]]  # sid, event, data
Drop = Callable[[Session, str], Awaitable[None]]  # session, reason
# Told when a recording has stopped and its file is sealed (the server sends a webhook).
RecordingAvailable = Callable[[dict[str, Any]], Awaitable[None]]


def _utc(unix_s: float) -> str:
    return datetime.fromtimestamp(unix_s, UTC).isoformat().replace("+00:00", "Z")


class LiveHearing:
    """Everyone present in one hearing's courtroom, with one media Router.

    Subscription policy lives here, not in media/: every participant receives every other
    participant's audio and video. The recording takes every hearing-room audio Producer as
    an input of the mixed master, and keeps running while people come and go.
    """

    def __init__(
        self,
        hearing: Hearing,
        *,
        media: MediaSettings,
        recordings: RecordingStore,
        send_to: SendTo,
        drop: Drop,
        on_recording_available: RecordingAvailable | None = None,
    ) -> None:
        self.hearing = hearing
        self._media = media
        self._recordings = recordings
        self._send_to = send_to
        self._drop = drop
        self._on_recording_available = on_recording_available
        self.router = Router(f"{hearing.id}:hearing", media, self)
        self.sessions: dict[ParticipantId, Session] = {}
        self.recording: HearingRecording | None = None
        self._recording_inputs: dict[str, tuple[AudioSource, Callable[[], None]]] = {}
        self._recording_lock = asyncio.Lock()

    @property
    def is_idle(self) -> bool:
        return not self.sessions and self.recording is None

    def present(self) -> list[Participant]:
        return [s.participant for s in self.sessions.values()]

    async def admit(self, session: Session) -> None:
        """Give ``session`` a peer connection and subscribe it to everything in the room."""
        transport = self.router.create_transport(session.participant.id)
        session.transport = transport

        async def send_offer(offer: dict[str, Any]) -> None:
            await self._send_to(session.sid, "offer", offer)

        async def failed(reason: str) -> None:
            await self._drop(session, f"negotiation failed: {reason}")

        session.negotiator = Negotiator(
            transport, send_offer, failed, self._media.negotiation_timeout_s
        )
        self.sessions[session.participant.id] = session
        session.joined = True
        for producer in self.router.producers():
            self._subscribe(session, producer)
        if session.consumers:
            session.negotiator.request()

    def publish(self, session: Session, *, audio: bool, video: bool) -> None:
        participant = session.participant
        kinds: list[str] = []
        if audio:
            if not participant.can(Permission.PUBLISH_AUDIO):
                raise PermissionDenied(f"the role {participant.role.label} may not publish audio")
            kinds.append("audio")
        if video:
            if not participant.can(Permission.PUBLISH_VIDEO):
                raise PermissionDenied(f"the role {participant.role.label} may not publish video")
            kinds.append("video")
        assert session.transport is not None and session.negotiator is not None
        if session.transport.enable_publishing(tuple(kinds)):
            session.negotiator.request()

    async def remove(self, session: Session) -> None:
        """Take ``session`` out: its Producers close, so the others' copies go idle."""
        if self.sessions.get(session.participant.id) is session:
            del self.sessions[session.participant.id]
        if session.negotiator is not None:
            await session.negotiator.close()
        if session.transport is not None:
            await self.router.close_transport(session.participant.id)
        session.consumers.clear()

    async def start_recording(self, by: Participant) -> HearingRecording:
        if not by.can(Permission.CONTROL_RECORDING):
            raise PermissionDenied(f"the role {by.role.label} may not start the recording")
        async with self._recording_lock:
            if self.recording is not None:
                raise InvalidState("the hearing is already being recorded")
            recording = await self._recordings.start(self.hearing.id)
            self.recording = recording
            for producer in self.router.producers():
                self._record(producer)
        logger.info("recording %s of %s started by %s", recording.id, self.hearing.id, by.id)
        return recording

    async def stop_recording(self, by: Participant | None) -> RecordingInfo:
        if by is not None and not by.can(Permission.CONTROL_RECORDING):
            raise PermissionDenied(f"the role {by.role.label} may not stop the recording")
        async with self._recording_lock:
            recording = self.recording
            if recording is None:
                raise InvalidState("the hearing is not being recorded")
            for source, remove_tap in self._recording_inputs.values():
                remove_tap()
                source.close()
            self._recording_inputs.clear()
            self.recording = None
            info = await recording.stop()
        await self._report_available(info)
        return info

    async def _report_available(self, info: RecordingInfo) -> None:
        if self._on_recording_available is None:
            return
        try:
            await self._on_recording_available(
                {
                    "hearing_id": info.hearing_id,
                    "case_number": self.hearing.case_number,
                    "recording_id": info.recording_id,
                    "started_at": _utc(info.started_at),
                    "stopped_at": None if info.stopped_at is None else _utc(info.stopped_at),
                    "duration_s": info.duration_s,
                }
            )
        except Exception:
            # The recording is sealed whatever happens to the report about it.
            logger.exception("reporting recording %s as available failed", info.recording_id)

    async def close(self) -> None:
        if self.recording is not None:
            await self.stop_recording(None)
        await self.router.close()

    # RouterListener: the media layer reports Producers appearing and ending.

    def producer_added(self, producer: Producer) -> None:
        for session in self.sessions.values():
            if session.participant.id != producer.endpoint_id:
                self._subscribe(session, producer)
                assert session.negotiator is not None
                session.negotiator.request()
        self._record(producer)

    def producer_closed(self, producer: Producer) -> None:
        for session in self.sessions.values():
            consumer = session.consumers.pop(producer.id, None)
            if consumer is not None and session.transport is not None:
                session.transport.release_consumer(consumer)
                assert session.negotiator is not None
                session.negotiator.request()
        entry = self._recording_inputs.pop(producer.id, None)
        if entry is not None:
            source, remove_tap = entry
            remove_tap()
            source.close()

    def _subscribe(self, session: Session, producer: Producer) -> None:
        if session.transport is None or producer.id in session.consumers:
            return
        if producer.endpoint_id == session.participant.id:
            return
        session.consumers[producer.id] = self.router.consume(session.transport, producer)

    def _record(self, producer: Producer) -> None:
        if self.recording is None or producer.kind != "audio":
            return
        if producer.id in self._recording_inputs:
            return
        source = self.recording.add_source(producer.endpoint_id)
        remove_tap = producer.add_tap(lambda f: source.push(f.data, f.pts, f.time_base))
        self._recording_inputs[producer.id] = (source, remove_tap)
