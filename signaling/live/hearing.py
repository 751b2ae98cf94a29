"""A hearing while people are in it: its rooms and their media, who is where, its recording."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from court.errors import InvalidState, PermissionDenied
from court.event_params import LeaveReason, Left
from court.hearing import Hearing, Participant
from court.hearing_state import SITTING
from court.ids import ParticipantId
from court.permissions import Permission
from court.record_time import RecordMs
from court.rooms import BENCH, RoomKind, arrival_room
from media.frames import EncodedFrame
from media.producer import Producer
from media.router import Router
from media.settings import MediaSettings
from recordings import HearingRecording, RecordingInfo, RecordingStore
from recordings.speech import SpeechStatus, Transcript
from recordings.tracks import Kind as TrackKind
from signaling.live.attendance import Attendance, ConnectionState
from signaling.live.negotiator import Negotiator
from signaling.live.notices import Offer
from signaling.live.rooms import LiveRoom
from signaling.live.session import Session

logger = logging.getLogger(__name__)

SendTo = Callable[[str, str, Mapping[str, object]], Awaitable[None]]  # sid, event, data
Drop = Callable[[Session, Left], Awaitable[None]]  # session, why it leaves
# Told when a recording has stopped and its file is sealed (the server sends a webhook).
RecordingAvailable = Callable[[dict[str, Any]], Awaitable[None]]


def _utc(unix_s: float) -> str:
    return datetime.fromtimestamp(unix_s, UTC).isoformat().replace("+00:00", "Z")


class LiveHearing:
    """The rooms of one hearing, each with its own media Router, and everyone attending.

    Media policy lives here, not in media/: a participant's peer connection belongs to the
    Router of the room they are in and moves with them; who receives whom is the room's
    rule (signaling.live.rooms). The recording takes every hearing-room audio Producer as an
    input of the mixed master, and only those: consultation and waiting-room audio can never
    reach it, because their Producers belong to other Routers. A shared screen belongs to
    the room it was started in and ends before its sharer moves, so it never follows them
    into another room.
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
        # The one clock of the hearing (court/clock.py), the recorder's own: nothing in
        # signaling reads time.time or time.monotonic itself.
        self.clock = recordings.clock
        self._send_to = send_to
        self._drop = drop
        self._on_recording_available = on_recording_available
        self.waiting_room = self._new_room(f"{hearing.id}:waiting", RoomKind.WAITING)
        self.hearing_room = self._new_room(f"{hearing.id}:hearing", RoomKind.HEARING)
        self.consultation_rooms: dict[str, LiveRoom] = {}
        self.attendance: dict[ParticipantId, Attendance] = {}
        self.locked = False
        self.spotlight: ParticipantId | None = None
        self.recording: HearingRecording | None = None
        # Producer id -> what stops recording it (its track, its input to the master).
        self._recording_inputs: dict[str, Callable[[], None]] = {}
        # Told who is speaking in the hearing room now (from the recording's mixer), or
        # None when nobody is; the participant and the master time. Set by the Courtroom.
        self.on_active_speaker: Callable[[str | None, int], None] | None = None
        # Told what a participant said (speech to text, when configured). Set by the Courtroom.
        self.on_transcript: Callable[[str, Transcript], None] | None = None  # recording id
        self._recording_lock = asyncio.Lock()

    @property
    def router(self) -> Router:
        """The hearing room's Router (the one the recording listens to)."""
        return self.hearing_room.router

    @property
    def sessions(self) -> dict[ParticipantId, Session]:
        return {a.id: a.session for a in self.attendance.values() if a.session is not None}

    @property
    def is_idle(self) -> bool:
        """Nobody connected, nothing recording, and the court is not sitting or admitting."""
        return (
            not self.sessions
            and self.recording is None
            and self.hearing.state not in SITTING
            and not any(a.removed for a in self.attendance.values())
        )

    def rooms(self) -> list[LiveRoom]:
        return [self.waiting_room, self.hearing_room, *self.consultation_rooms.values()]

    def present_in(self, room: LiveRoom) -> list[Attendance]:
        return [a for a in room.members.values() if a.present]

    def find(self, participant_id: str) -> Attendance | None:
        return self.attendance.get(ParticipantId(participant_id))

    def record_time_ms(self) -> RecordMs | None:
        """Record time now, on the recording's own monotonic clock (court/record_time.py):
        a wall clock set during the hearing moves no stamp."""
        if self.recording is None:
            return None
        return self.recording.record_time_ms()

    # ---- arriving and departing --------------------------------------------------------

    async def place(self, session: Session) -> tuple[Attendance, bool]:
        """Give ``session`` a peer connection in its participant's room.

        Returns the attendance and whether this is a return (a reload or reconnect) that
        restored an earlier room. A removed participant, and a newcomer to a locked hearing,
        are refused.
        """
        participant = session.participant
        attendance = self.attendance.get(participant.id)
        if attendance is not None and attendance.removed:
            raise PermissionDenied("The court removed you from this hearing.")
        if attendance is None and self.locked and participant.role not in BENCH:
            raise PermissionDenied("The hearing is locked: the court admits no new participants.")
        returning = attendance is not None
        if attendance is None:
            attendance = Attendance(
                participant=participant, room=self.waiting_room, joined_at=self.clock.monotonic()
            )
            room = self.hearing_room if arrival_room(participant.role) is RoomKind.HEARING else None
            self._enter(attendance, room or self.waiting_room)
            self.attendance[participant.id] = attendance
        attendance.participant = participant
        attendance.session = session
        attendance.connection = ConnectionState.CONNECTED
        attendance.last_heartbeat = None
        attendance.joined_at = self.clock.monotonic()
        self._connect_media(session, attendance.room)
        return attendance, returning

    def _connect_media(self, session: Session, room: LiveRoom) -> None:
        transport = room.router.create_transport(session.participant.id)
        session.transport = transport

        async def send_offer(offer: Offer) -> None:
            await self._send_to(session.sid, "offer", offer)

        async def failed(reason: str) -> None:
            await self._drop(session, Left(LeaveReason.NEGOTIATION_FAILED, reason))

        session.negotiator = Negotiator(
            transport, send_offer, failed, self._media.negotiation_timeout_s
        )
        session.joined = True
        self._receive(session, room)

    async def depart(self, session: Session, *, back_to_waiting: bool) -> Attendance | None:
        """Take ``session`` out: its Producers close, so the others' copies go idle.

        The attendance stays (a reconnect restores the room) unless the participant left on
        purpose, in which case coming back means being admitted again.
        """
        attendance = self.attendance.get(session.participant.id)
        if attendance is None or attendance.session is not session:
            await self._close_media(session, None)
            return None
        attendance.session = None
        attendance.connection = ConnectionState.DISCONNECTED
        attendance.hand_raised = False
        self.stop_screen(attendance)  # its media closes with the connection, just below
        await self._close_media(session, attendance.room)
        leaves_hearing_room = attendance.room.kind is RoomKind.HEARING
        if back_to_waiting and leaves_hearing_room and attendance.participant.role not in BENCH:
            self._enter(attendance, self.waiting_room)
        return attendance

    async def _close_media(self, session: Session, room: LiveRoom | None) -> None:
        if session.negotiator is not None:
            await session.negotiator.close()
        if session.transport is not None:
            for candidate in [room] if room is not None else self.rooms():
                await candidate.router.close_transport(session.participant.id)
            await session.transport.close()
        session.consumers.clear()

    def restore_removed(self, participant: Participant) -> None:
        """A participant the court removed before this process held the hearing: kept (so
        the court can re-admit them) and refused if they come back."""
        if participant.id in self.attendance:
            return
        attendance = Attendance(participant=participant, room=self.waiting_room, removed=True)
        self._enter(attendance, self.waiting_room)
        self.attendance[participant.id] = attendance

    def forget(self, attendance: Attendance) -> None:
        attendance.room.members.pop(attendance.id, None)
        self.attendance.pop(attendance.id, None)

    # ---- transfers between rooms -------------------------------------------------------

    def transfer(self, attendance: Attendance, room: LiveRoom) -> LiveRoom:
        """Transfer a participant (and their peer connection, if connected) to ``room``."""
        previous = attendance.room
        if previous is room:
            return previous
        session = attendance.session
        # The court ends a share before moving its sharer (and says so); this only makes
        # sure a screen can never be carried along into another room.
        self.stop_screen(attendance)
        if session is not None and session.transport is not None:
            session.consumers.clear()
            previous.router.transfer_endpoint(attendance.id, room.router)
        self._enter(attendance, room)
        if session is not None and session.transport is not None:
            self._receive(session, room)
            assert session.negotiator is not None
            session.negotiator.request()  # the old room's Consumers were released
        return previous

    def _enter(self, attendance: Attendance, room: LiveRoom) -> None:
        attendance.room.members.pop(attendance.id, None)
        attendance.room = room
        room.members[attendance.id] = attendance
        attendance.waiting_since = self.clock.wall() if room.kind is RoomKind.WAITING else None
        if room.kind is not RoomKind.HEARING:
            attendance.hand_raised = False
            if self.spotlight == attendance.id:
                self.spotlight = None

    def open_consultation_room(self, consultation_id: str) -> LiveRoom:
        room = self._new_room(
            f"{self.hearing.id}:{consultation_id}", RoomKind.CONSULTATION, consultation_id
        )
        self.consultation_rooms[consultation_id] = room
        return room

    async def close_consultation_room(self, consultation_id: str) -> None:
        room = self.consultation_rooms.pop(consultation_id, None)
        if room is not None:
            await room.router.close()

    # ---- publishing and muting ---------------------------------------------------------

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

    def share_screen(self, attendance: Attendance) -> None:
        """Start receiving the participant's screen in the room they are in.

        The court's rule is one screen at a time per room; the Producer appears (and is
        forwarded and, in the hearing room, recorded) once the endpoint's answer sends it.
        """
        session = attendance.session
        participant = attendance.participant
        if not participant.can(Permission.PUBLISH_SCREEN):
            raise PermissionDenied(f"the role {participant.role.label} may not share a screen")
        if session is None or session.transport is None or session.negotiator is None:
            raise InvalidState("join the hearing first")
        room = attendance.room
        if room.kind is RoomKind.WAITING:
            raise InvalidState("Screens are shared in the hearing room or a consultation.")
        sharer = room.screen_sharer
        if sharer == attendance.id:
            raise InvalidState("You are already sharing your screen.")
        if sharer is not None:
            other = self.attendance.get(sharer)
            name = other.participant.name if other is not None else "Someone else"
            raise InvalidState(
                f"{name} is sharing a screen; only one screen is shown at a time. "
                "Ask them, or the court, to stop it first."
            )
        room.screen_sharer = attendance.id
        if session.transport.enable_publishing(("screen",)):
            session.negotiator.request()

    def stop_screen(self, attendance: Attendance) -> bool:
        """Stop the participant's share, if any: its Producer closes at once (nobody receives
        or records it from here on). True if there was one."""
        room = attendance.room
        if room.screen_sharer != attendance.id:
            return False
        room.screen_sharer = None
        session = attendance.session
        if (
            session is not None
            and session.transport is not None
            and room.router.stop_publishing(attendance.id, "screen")
        ):
            assert session.negotiator is not None
            session.negotiator.request()
        return True

    def apply_mute(self, attendance: Attendance) -> None:
        """Forward (and record) the participant's audio only while nobody muted it."""
        for producer in attendance.room.router.producers():
            if producer.endpoint_id == attendance.id and producer.kind == "audio":
                if attendance.muted:
                    producer.pause()
                else:
                    producer.resume()

    # ---- the recording -----------------------------------------------------------------

    async def start_recording(self, by: Participant | None) -> HearingRecording:
        if by is not None and not by.can(Permission.CONTROL_RECORDING):
            raise PermissionDenied(f"the role {by.role.label} may not start the recording")
        async with self._recording_lock:
            if self.recording is not None:
                raise InvalidState("the hearing is already being recorded")
            recording = await self._recordings.start(self.hearing.id)
            recording.on_active_speaker = self._active_speaker_changed
            recording.on_transcript = lambda words: self._transcribed(recording.id, words)
            self.recording = recording
            for producer in self.hearing_room.router.producers():
                self._record(producer)
        logger.info(
            "recording %s of %s started by %s",
            recording.id,
            self.hearing.id,
            "the court" if by is None else by.id,
        )
        return recording

    async def stop_recording(self, by: Participant | None) -> RecordingInfo:
        if by is not None and not by.can(Permission.CONTROL_RECORDING):
            raise PermissionDenied(f"the role {by.role.label} may not stop the recording")
        if by is not None and self.hearing.state in SITTING:
            raise InvalidState(
                "The recording runs for as long as the court sits; close the hearing to end it."
            )
        async with self._recording_lock:
            recording = self.recording
            if recording is None:
                raise InvalidState("the hearing is not being recorded")
            for stop in self._recording_inputs.values():
                stop()
            self._recording_inputs.clear()
            self.recording = None
            info = await recording.stop()
        await self._report_available(info)
        return info

    def _active_speaker_changed(self, participant_id: str | None, master_ms: int) -> None:
        if self.on_active_speaker is not None:
            self.on_active_speaker(participant_id, master_ms)

    def _transcribed(self, recording_id: str, transcript: Transcript) -> None:
        if self.on_transcript is not None:
            self.on_transcript(recording_id, transcript)

    @property
    def speech(self) -> SpeechStatus:
        """Whether speech to text suggests protocol entries, in words."""
        return self._recordings.speech

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
        for room in self.rooms():
            await room.router.close()
        self.consultation_rooms.clear()

    # ---- media policy: the rooms' Routers report Producers appearing and ending ---------

    def _new_room(
        self, room_id: str, kind: RoomKind, consultation_id: str | None = None
    ) -> LiveRoom:
        return LiveRoom(
            room_id,
            kind,
            self._media,
            on_producer_added=self._producer_added,
            on_producer_closed=self._producer_closed,
            consultation_id=consultation_id,
        )

    def _producer_added(self, room: LiveRoom, producer: Producer) -> None:
        attendance = self.attendance.get(ParticipantId(producer.endpoint_id))
        if attendance is not None and producer.kind == "audio" and attendance.muted:
            producer.pause()
        for member in self.present_in(room):
            if member.session is not None:
                self._receive(member.session, room)
        if room is self.hearing_room:
            self._record(producer)

    def _producer_closed(self, room: LiveRoom, producer: Producer) -> None:
        for member in self.present_in(room):
            if member.session is not None:
                self._receive(member.session, room)
        stop = self._recording_inputs.pop(producer.id, None)
        if stop is not None:
            stop()

    def _received(self, session: Session, room: LiveRoom) -> dict[str, Producer]:
        """The one rule of who receives what: every Producer of the room the participant is
        in, but their own, if the room's rules let them receive at all (a waiting room
        never does; see LiveRoom.receives). Nothing, while the endpoint's transport is not
        this room's (it is being transferred out)."""
        attendance = self.attendance.get(session.participant.id)
        if (
            attendance is None
            or attendance.room is not room
            or session.transport is None
            or session.transport not in room.router.transports()
            or not room.receives(attendance)
        ):
            return {}
        return {
            producer.id: producer
            for producer in room.router.producers()
            if producer.endpoint_id != session.participant.id
        }

    def _receive(self, session: Session, room: LiveRoom) -> None:
        """Bring what ``session`` receives in line with :meth:`_received`: Consumers for
        the Producers it should receive and lacks, released for those it should not, and
        one renegotiation if anything changed. Every change of rooms, Producers or rules
        comes here; nothing else adds or releases a Consumer."""
        transport = session.transport
        if transport is None:
            return
        wanted = self._received(session, room)
        changed = False
        for producer_id in [p for p in session.consumers if p not in wanted]:
            transport.release_consumer(session.consumers.pop(producer_id))
            changed = True
        for producer_id, producer in wanted.items():
            if producer_id not in session.consumers:
                session.consumers[producer_id] = room.router.consume(transport, producer)
                changed = True
        if changed and session.negotiator is not None:
            session.negotiator.request()

    def _record(self, producer: Producer) -> None:
        """Record a hearing-room Producer: its own track, and (audio) the mixed master."""
        if self.recording is None or producer.id in self._recording_inputs:
            return
        recording = self.recording
        kind: TrackKind = (
            "screen"
            if producer.source == "screen"
            else "audio"
            if producer.kind == "audio"
            else "video"
        )
        track = recording.add_track(producer.endpoint_id, kind)
        source = recording.add_source(producer.endpoint_id) if kind == "audio" else None

        def tap(frame: EncodedFrame) -> None:
            track.push(frame.data, frame.pts, frame.time_base, frame.is_keyframe)
            if track.wants_keyframe:  # the track's segment is due; the producer rate-limits
                producer.request_keyframe()
            if source is not None:
                source.push(frame.data, frame.pts, frame.time_base)

        remove_tap = producer.add_tap(tap)
        if kind != "audio":
            # A track file starts at a keyframe: ask for one now, rather than leave the
            # first seconds (or a short hearing's whole picture) out of the record.
            producer.request_keyframe()

        def stop() -> None:
            remove_tap()
            track.close()
            if source is not None:
                source.close()

        self._recording_inputs[producer.id] = stop
