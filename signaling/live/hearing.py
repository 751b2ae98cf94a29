"""A hearing while people are in it: its rooms, who is where, and the parts of its media.

LiveHearing composes the media side of one hearing from parts of one concept each, every
part made complete before the next that needs it: who receives what
(signaling.live.subscriptions), the sessions' peer connections (.connections), what
participants publish and muting (.publishing), shared screens (.screens) and the recording
(.recorder, with its taps). Left here is what ties them to the court's rooms: who attends
and where (arrivals, departures, transfers, consultation rooms), and where each Producer
event of a room goes.
"""

from __future__ import annotations

from court.errors import PermissionDenied
from court.hearing import Hearing, Participant
from court.hearing_state import SITTING
from court.ids import ParticipantId
from court.rooms import BENCH, RoomKind, arrival_room
from media.producer import Producer
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling.live.attendance import Attendance, ConnectionState
from signaling.live.connections import Drop, MediaConnections, SendTo
from signaling.live.publishing import Publishing
from signaling.live.recorder import HearingRecorder, RecordingAvailable
from signaling.live.rooms import LiveRoom
from signaling.live.screens import Screens
from signaling.live.session import Session
from signaling.live.subscriptions import Subscriptions


class LiveHearing:
    """The rooms of one hearing, each with its own media Router, and everyone attending.

    Media policy lives here and in the parts, not in media/: a participant's peer
    connection belongs to the Router of the room they are in and moves with them; who
    receives whom is the room's rule (signaling.live.rooms). The recording takes every
    hearing-room Producer, and only those: consultation and waiting-room media can never
    reach it, because their Producers belong to other Routers. A shared screen ends before
    its sharer moves, so it never follows them into another room.
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
        # The one clock of the hearing (court/clock.py), the recorder's own: nothing in
        # signaling reads time.time or time.monotonic itself.
        self.clock = recordings.clock
        # Read by the parts below through this very dictionary: emptied, never replaced.
        self.attendance: dict[ParticipantId, Attendance] = {}
        self.locked = False
        self.spotlight: ParticipantId | None = None
        self.subscriptions = Subscriptions(self.attendance)
        self.connections = MediaConnections(media, self.subscriptions, send_to=send_to, drop=drop)
        self.publishing = Publishing(self.attendance)
        self.screens = Screens(self.attendance)
        # The rooms report their Producers to the parts above (and, the hearing room's, to
        # the recorder below): no Producer appears before a session connects, after this.
        self.waiting_room = self._new_room(f"{hearing.id}:waiting", RoomKind.WAITING)
        self.hearing_room = self._new_room(f"{hearing.id}:hearing", RoomKind.HEARING)
        self.consultation_rooms: dict[str, LiveRoom] = {}
        self.recorder = HearingRecorder(
            lambda: self.hearing, recordings, self.hearing_room.router, on_recording_available
        )

    @property
    def sessions(self) -> dict[ParticipantId, Session]:
        return {a.id: a.session for a in self.attendance.values() if a.session is not None}

    @property
    def is_idle(self) -> bool:
        """Nobody connected, nothing recording, and the court is not sitting or admitting."""
        return (
            not self.sessions
            and self.recorder.recording is None
            and self.hearing.state not in SITTING
            and not any(a.removed for a in self.attendance.values())
        )

    def rooms(self) -> list[LiveRoom]:
        return [self.waiting_room, self.hearing_room, *self.consultation_rooms.values()]

    def present_in(self, room: LiveRoom) -> list[Attendance]:
        return [a for a in room.members.values() if a.present]

    def find(self, participant_id: str) -> Attendance | None:
        return self.attendance.get(ParticipantId(participant_id))

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
        self.connections.connect(session, attendance.room)
        return attendance, returning

    async def depart(self, session: Session, *, back_to_waiting: bool) -> Attendance | None:
        """Take ``session`` out: its Producers close, so the others' copies go idle.

        The attendance stays (a reconnect restores the room) unless the participant left on
        purpose, in which case coming back means being admitted again.
        """
        attendance = self.attendance.get(session.participant.id)
        if attendance is None or attendance.session is not session:
            await self.connections.close(session, self.rooms())
            return None
        attendance.session = None
        attendance.connection = ConnectionState.DISCONNECTED
        attendance.hand_raised = False
        self.screens.stop(attendance)  # its media closes with the connection, just below
        await self.connections.close(session, [attendance.room])
        leaves_hearing_room = attendance.room.kind is RoomKind.HEARING
        if back_to_waiting and leaves_hearing_room and attendance.participant.role not in BENCH:
            self._enter(attendance, self.waiting_room)
        return attendance

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
        self.screens.stop(attendance)
        if session is not None:
            self.connections.transfer_out(session, previous, room)
        self._enter(attendance, room)
        if session is not None:
            self.connections.transferred_in(session, room)
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

    async def close(self) -> None:
        if self.recorder.recording is not None:
            await self.recorder.stop(None)
        for room in self.rooms():
            await room.router.close()
        self.consultation_rooms.clear()

    # ---- where the rooms' Routers report Producers appearing and ending -----------------

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
        self.publishing.producer_added(producer)
        self.subscriptions.room_changed(room)
        if room is self.hearing_room:
            self.recorder.tap(producer)

    def _producer_closed(self, room: LiveRoom, producer: Producer) -> None:
        self.subscriptions.room_changed(room)
        # Only the hearing room's Producers are tapped; untapping another does nothing.
        self.recorder.untap(producer)
