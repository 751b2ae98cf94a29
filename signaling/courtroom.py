"""The court's side of a live hearing: arrivals and departures, transfers, hearing states.

A Courtroom wraps one LiveHearing (rooms and media) with what the court decides and what
everyone is told. Admission, moderation, consultations and chat are its collaborators
(signaling.admission, .moderation, .consultations, .chat); they all notify through the
methods here, so who hears of what is decided in one place.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from court.errors import InvalidState, NotFound, PermissionDenied
from court.event_params import (
    ConsultationEnd,
    ConsultationEnded,
    EventParams,
    Gap,
    Joined,
    LeaveReason,
    Left,
    RecordResumed,
    ShareEnd,
    ShareEnded,
    StateChange,
)
from court.events import (
    HEARING,
    EventActor,
    EventKind,
    HearingEvent,
    Subject,
    audit_reason,
    check_params,
)
from court.hearing import Hearing, Participant
from court.hearing_state import LIVE, SITTING, HearingState, check_transition
from court.permissions import Permission, permissions_of
from court.roles import Role
from court.rooms import RoomKind, authorize_state_change
from signaling import messages
from signaling.attendance import Attendance
from signaling.events import ServerEvent
from signaling.hearing_events import EventSink
from signaling.live_hearing import LiveHearing
from signaling.rooms import LiveRoom
from signaling.session import Session

if TYPE_CHECKING:
    from signaling.admission import Admission
    from signaling.chat import Chat
    from signaling.consultations import Consultations
    from signaling.exhibits import ExhibitRegister
    from signaling.moderation import Moderation
    from signaling.protocol import CourtProtocol
    from signaling.screen_sharing import ScreenSharing

logger = logging.getLogger(__name__)

Emit = Callable[[str, str, dict[str, Any]], Awaitable[None]]  # sid, event, data


class Disconnect(Protocol):
    async def __call__(self, session: Session, left: Left, *, after_ack: bool = False) -> None:
        """Remove the session from the hearing and close its connection."""


# Moves a hearing to a state (persisted, audited and announced by the server); returns it.
ChangeState = Callable[[Hearing, HearingState, str, str], Awaitable[Hearing]]


async def change_state_in_memory(
    hearing: Hearing, target: HearingState, actor: str, reason: str
) -> Hearing:
    """For tests and tools without a database: the transition table, nothing stored."""
    check_transition(hearing.state, target)
    return dataclasses.replace(hearing, state=target)


def actor_of(participant: Participant | None) -> str:
    """The label the audit log and the protocol's ``author`` name a participant by."""
    return EventActor.of(participant).label


def require_court(by: Participant) -> None:
    if not by.can(Permission.MODERATE):
        raise PermissionDenied(f"only the court may do this, not the {by.role.label}")


class Courtroom:
    def __init__(
        self,
        live: LiveHearing,
        *,
        emit: Emit,
        disconnect: Disconnect,
        change_state: ChangeState,
        events: EventSink,
    ) -> None:
        self.live = live
        self._emit = emit
        self.disconnect = disconnect
        self._change_state = change_state
        self._events = events
        self.recorder_alerted = False
        # Who is speaking in the hearing room now (the recording's speaker detection),
        # and the master time it changed; None: nobody, or not recorded.
        self.active_speaker: str | None = None
        self._active_speaker_ms = 0
        self._speaker_sender: asyncio.Task[None] | None = None
        live.on_active_speaker = self._active_speaker_changed
        live.on_transcript = lambda recording_id, words: self.protocol.suggest(recording_id, words)
        # Set by the registry right after construction (they need the courtroom too).
        self.admission: Admission
        self.moderation: Moderation
        self.consultations: Consultations
        self.chat: Chat
        self.protocol: CourtProtocol
        self.exhibits: ExhibitRegister
        self.screens: ScreenSharing

    @property
    def hearing(self) -> Hearing:
        return self.live.hearing

    # ---- who hears what ----------------------------------------------------------------

    def participant_view(self, attendance: Attendance) -> dict[str, Any]:
        view = messages.participant_view(attendance.participant)
        view["hand_raised"] = attendance.hand_raised
        view["muted"] = attendance.muted
        view["muted_by_court"] = attendance.muted_by_court
        # Only a hearing-room share: one inside a consultation is not the court's to know.
        view["sharing_screen"] = self.live.hearing_room.screen_sharer == attendance.id
        return view

    def others_in(self, room: LiveRoom, attendance: Attendance) -> list[dict[str, Any]]:
        return [
            self.participant_view(a) for a in self.live.present_in(room) if a.id != attendance.id
        ]

    def court(self) -> list[Attendance]:
        return [
            a
            for a in self.live.attendance.values()
            if a.present and a.participant.can(Permission.MODERATE)
        ]

    async def send(self, attendance: Attendance, event: str, data: dict[str, Any]) -> None:
        if attendance.session is not None:
            await self._emit(attendance.session.sid, event, data)

    async def to_room(
        self,
        room: LiveRoom,
        event: str,
        data: dict[str, Any],
        *,
        skip: Attendance | None = None,
    ) -> None:
        for member in self.live.present_in(room):
            if member is not skip:
                await self.send(member, event, data)

    async def to_court(self, event: str, data: dict[str, Any]) -> None:
        for member in self.court():
            await self.send(member, event, data)

    async def to_everyone(self, event: str, data: dict[str, Any]) -> None:
        for attendance in list(self.live.attendance.values()):
            await self.send(attendance, event, data)

    def roster(self) -> dict[str, Any]:
        live = self.live
        entries = []
        for attendance in live.attendance.values():
            entry = self.participant_view(attendance)
            entry.update(
                room=attendance.room.view(),
                connection=attendance.connection.value,
                device_check=attendance.device_check,
                waiting_since=attendance.waiting_since,
                removed=attendance.removed,
            )
            entries.append(entry)
        # Observers watching: those in the hearing room (the waiting ones are in the roster).
        observers = sum(
            1
            for a in live.hearing_room.members.values()
            if a.present and a.participant.role is Role.OBSERVER
        )
        return {
            "roster": entries,
            "observers": observers,
            "locked": live.locked,
            "spotlight": live.spotlight,
            "consultations": self.consultations.views(),
        }

    async def roster_changed(self) -> None:
        await self.to_court(ServerEvent.ROSTER_CHANGED, self.roster())

    async def participant_updated(self, attendance: Attendance) -> None:
        data = {"participant": self.participant_view(attendance)}
        await self.to_room(attendance.room, ServerEvent.PARTICIPANT_UPDATED, data)
        await self.roster_changed()

    async def publish(
        self,
        kind: EventKind,
        by: Participant | None,
        subject: Subject,
        params: EventParams,
    ) -> None:
        """Publish a hearing event (audited; the court protocol writes it down) and, while
        the hearing is recorded, put it on the recording's timeline. An event that ends a
        gap (``Gap``: a lost connection) is kept on the timeline as a span."""
        check_params(kind, params)
        reason = audit_reason(kind, params)
        gap_s = params.seconds if isinstance(params, Gap) else None
        recording = self.live.recording
        now_ms = self.live.record_time_ms()
        if recording is not None and now_ms is not None:
            start_ms = now_ms if gap_s is None else max(0, now_ms - round(gap_s * 1000))
            try:
                await recording.note(
                    "gap" if gap_s is not None else kind.value,
                    start_ms,
                    None if gap_s is None else now_ms,
                    subject.label,
                    reason or kind.value,
                )
            except Exception:
                logger.exception("could not put %s on the timeline of %s", kind, recording.id)
        event = HearingEvent(
            hearing_id=self.hearing.id,
            kind=kind,
            actor=EventActor.of(by),
            subject=subject,
            params=params,
            at=self.live.clock.wall(),
            record_time_ms=self.live.record_time_ms(),
        )
        try:
            await self._events(event)
        except Exception:
            # The court's action has happened; a failing audit store is logged loudly.
            logger.exception("could not publish hearing event %s", kind)
        try:
            await self.protocol.write_event(event, by)
        except Exception:
            logger.exception("could not write hearing event %s into the protocol", kind)
        try:
            await self.exhibits.observe(event, by)  # a screen shown is an exhibit
        except Exception:
            logger.exception("could not keep hearing event %s in the exhibit register", kind)

    # ---- who is speaking ---------------------------------------------------------------

    def _active_speaker_changed(self, participant_id: str | None, master_ms: int) -> None:
        """From the recording, on the event loop. Changes may come faster than they are
        sent: one sender sends the latest until it stops changing, so the hearing room
        hears them in order and never a stale one last."""
        self.active_speaker = participant_id
        self._active_speaker_ms = master_ms
        if self._speaker_sender is None or self._speaker_sender.done():
            self._speaker_sender = asyncio.get_running_loop().create_task(
                self._send_active_speaker(), name=f"active speaker {self.hearing.id}"
            )

    async def _send_active_speaker(self) -> None:
        sent: tuple[str | None, int] | None = None
        while sent != (self.active_speaker, self._active_speaker_ms):
            sent = (self.active_speaker, self._active_speaker_ms)
            recording = self.live.recording
            data = {
                "participant_id": sent[0],
                "recording_id": None if recording is None else recording.id,
                "record_ms": sent[1],
            }
            try:
                await self.to_room(self.live.hearing_room, ServerEvent.ACTIVE_SPEAKER_CHANGED, data)
            except Exception:
                logger.exception("could not tell the hearing room who is speaking")

    # ---- arriving and leaving ----------------------------------------------------------

    async def arrive(self, session: Session) -> dict[str, Any]:
        """Place a freshly joined session in its room; returns the join acknowledgement."""
        if self.hearing.state not in LIVE:
            raise InvalidState("This hearing has ended.")
        attendance, returning = await self.live.place(session)
        room = attendance.room
        await self.to_room(
            room,
            ServerEvent.PARTICIPANT_JOINED,
            {"participant": self.participant_view(attendance)},
            skip=attendance,
        )
        subject = Subject.participant(attendance.id)
        if attendance.gap_started_at is not None:
            gap_s = self.live.clock.monotonic() - attendance.gap_started_at
            attendance.gap_started_at = None
            await self.publish(EventKind.PARTICIPANT_RECONNECTED, None, subject, Gap(gap_s))
        else:
            await self.publish(EventKind.PARTICIPANT_JOINED, None, subject, Joined(room.kind))
        await self.roster_changed()
        recording = self.live.recording
        protocol = await self.protocol.entries(attendance.participant)
        participant_view = self.participant_view(attendance)
        participant_view["permissions"] = sorted(
            p.value for p in permissions_of(attendance.participant.role)
        )
        return {
            "participant": participant_view,
            "hearing": messages.hearing_view(self.hearing),
            "room": room.view(),
            "participants": self.others_in(room, attendance),
            "recording": None if recording is None else messages.running_recording_view(recording),
            "locked": self.live.locked,
            "spotlight": self.live.spotlight,
            "active_speaker": self.active_speaker,
            "rejoined": returning and room.kind is not RoomKind.WAITING,
            "chat": self.chat.history_for(attendance),
            "protocol": protocol,  # for those who write it; empty for everyone else
            "exhibits": await self.exhibits.views(attendance.participant),  # the same
            "speech_to_text": self.protocol.speech_view(attendance.participant),  # the same
            "consultations": self.consultations.views_for(attendance),
            # The court's roster arrives with the acknowledgement: a roster_changed sent
            # during the join would reach the page before it listens for one.
            "roster": self.roster() if attendance.participant.can(Permission.MODERATE) else None,
        }

    async def depart(self, session: Session, left: Left) -> None:
        reason = left.said
        await self.screens.end_for_session(session, left)
        back_to_waiting = left.cause is LeaveReason.LEFT
        attendance = await self.live.depart(session, back_to_waiting=back_to_waiting)
        if attendance is None:
            return
        await self.to_room(
            attendance.room,
            ServerEvent.PARTICIPANT_LEFT,
            {"participant_id": attendance.id, "reason": reason},
        )
        subject = Subject.participant(attendance.id)
        if left.cause is LeaveReason.DISCONNECTED and attendance.gap_started_at is None:
            attendance.gap_started_at = self.live.clock.monotonic()
        await self.publish(EventKind.PARTICIPANT_LEFT, None, subject, left)
        await self.roster_changed()

    # ---- transfers -----------------------------------------------------------------------

    def attendance_of(self, participant_id: str) -> Attendance:
        attendance = self.live.find(participant_id)
        if attendance is None:
            raise NotFound("No participant with that id has joined this hearing.")
        return attendance

    async def transfer(self, attendance: Attendance, room: LiveRoom, reason: str) -> None:
        """Transfer a participant and tell both rooms and the participant."""
        if attendance.room is not room:
            await self.screens.end_for(attendance, ShareEnded(ShareEnd.TRANSFERRED))
        previous = self.live.transfer(attendance, room)
        if previous is room:
            return
        await self.to_room(
            previous,
            ServerEvent.PARTICIPANT_LEFT,
            {"participant_id": attendance.id, "reason": "transferred"},
        )
        await self.to_room(
            room,
            ServerEvent.PARTICIPANT_JOINED,
            {"participant": self.participant_view(attendance)},
            skip=attendance,
        )
        await self.send(
            attendance,
            ServerEvent.ROOM_CHANGED,
            {
                "room": room.view(),
                "participants": self.others_in(room, attendance),
                "reason": reason,
                "spotlight": self.live.spotlight,
            },
        )
        await self.roster_changed()

    async def resume_record(self) -> None:
        """A sitting hearing without a recorder (the server restarted mid-session) resumes
        its record at once, in a new recording; the gap is published with its reason."""
        if self.hearing.state not in SITTING or self.live.recording is not None:
            return
        recording = await self.live.start_recording(None)
        await recording.note(
            "gap",
            0,
            0,
            None,
            "the recorder restarted: what came before is in the previous recording",
        )
        await self.publish(
            EventKind.RECORDING_RESUMED,
            None,
            HEARING,
            RecordResumed(self.hearing.state, recording.id),
        )

    # ---- hearing states ----------------------------------------------------------------

    async def set_state(self, by: Participant, target: HearingState, reason: str) -> Hearing:
        authorize_state_change(by.role, target)
        check_transition(self.hearing.state, target)
        live = self.live
        if target is HearingState.IN_SESSION:
            if live.recording is None:
                await live.start_recording(None)
                await self.to_everyone(
                    ServerEvent.RECORDING_STARTED,
                    {"recording": messages.running_recording_view(live.recording)},  # type: ignore[arg-type]
                )
            if live.recording is None or not live.recording.is_running:
                raise InvalidState(
                    "The recorder is not running, so the hearing cannot go into session."
                )
        previous = self.hearing.state
        live.hearing = await self._change_state(self.hearing, target, actor_of(by), reason)
        await self.to_everyone(
            ServerEvent.HEARING_STATE_CHANGED,
            {"hearing": messages.hearing_view(live.hearing), "reason": reason},
        )
        await self.publish(
            EventKind.HEARING_STATE_CHANGED, by, HEARING, StateChange(previous, target, reason)
        )
        if target is HearingState.CLOSED:
            await self._close_hearing(by)
        return live.hearing

    async def _close_hearing(self, by: Participant) -> None:
        """Everyone leaves; the recording is sealed; links stop working (the state says so)."""
        await self.consultations.end_all(ConsultationEnded(ConsultationEnd.HEARING_CLOSED))
        live = self.live
        if live.recording is not None:
            info = await live.stop_recording(None)
            await self.to_everyone(
                ServerEvent.RECORDING_STOPPED,
                {"recording": messages.stopped_recording_view(info)},
            )
        for attendance in list(live.attendance.values()):
            session = attendance.session
            if session is not None:
                closed = Left(LeaveReason.CLOSED)
                await self.disconnect(session, closed, after_ack=attendance.id == by.id)
        live.attendance.clear()
