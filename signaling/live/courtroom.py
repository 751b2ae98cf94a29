"""One live hearing, composed: its rooms and media, who is told what, and its features.

The Courtroom builds the parts of a hearing in order, each complete when it is made: the
LiveHearing (rooms, media, recording), the audience, roster, transfers and event bus (the
narrow interfaces of signaling.live.ports), then the features (admission, moderation,
consultations, chat, the protocol, exhibits, screen sharing, who speaks, connection health
and quality),
each given only the interfaces it needs. A feature reacts to what others cause through its
hooks (signaling.live.hooks); none imports this module or another feature (import-linter
contracts in pyproject.toml). What is left here is what the hearing does as a whole:
arrivals and departures, hearing states, the recording.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import cast

from court.errors import InvalidState
from court.event_params import NO_PARAMS, Gap, Joined, LeaveReason, Left, RecordResumed, StateChange
from court.events import HEARING, EventActor, EventKind, Subject
from court.hearing import Hearing, Participant
from court.hearing_state import LIVE, SITTING, HearingState, check_transition
from court.permissions import Permission, permissions_of
from court.rooms import RoomKind, authorize_state_change
from media.settings import MediaSettings
from recordings import HearingRecording, RecordingInfo, RecordingStore
from signaling.live import views
from signaling.live.audience import Emit, HearingAudience
from signaling.live.bus import EventSink, HearingEventBus
from signaling.live.decisions import CourtDecisions, MemoryDecisions
from signaling.live.features.admission import Admission
from signaling.live.features.chat import Chat, ChatStore
from signaling.live.features.connection_quality import ConnectionQuality
from signaling.live.features.consultations import Consultations
from signaling.live.features.exhibits import ExhibitRegister, ExhibitStore
from signaling.live.features.health import ConnectionHealth
from signaling.live.features.moderation import Moderation
from signaling.live.features.protocol import CourtProtocol, ProtocolStore
from signaling.live.features.screen_sharing import ScreenSharing
from signaling.live.features.speaker import ActiveSpeaker
from signaling.live.hearing import LiveHearing
from signaling.live.hooks import Hooks
from signaling.live.notices import HearingJoined, HearingStateChanged, Removed
from signaling.live.ports import Disconnect, ExitCause, RoomExit
from signaling.live.recorder import RecordingAvailable
from signaling.live.roster import HearingRoster
from signaling.live.server_events import ServerEvent
from signaling.live.session import Session
from signaling.live.transfers import RoomTransfers

# Moves a hearing to a state (persisted, audited and announced by the server); returns it.
ChangeState = Callable[[Hearing, HearingState, str, str], Awaitable[Hearing]]


async def change_state_in_memory(
    hearing: Hearing, target: HearingState, actor: str, reason: str
) -> Hearing:
    """For tests and tools without a database: the transition table, nothing stored."""
    check_transition(hearing.state, target)
    return dataclasses.replace(hearing, state=target)


@dataclasses.dataclass(frozen=True, slots=True)
class Stores:
    """Where a hearing's features keep what must outlive it (the server's database)."""

    chat: ChatStore
    protocol: ProtocolStore
    exhibits: ExhibitStore
    decisions: CourtDecisions = dataclasses.field(default_factory=MemoryDecisions)


class Courtroom:
    def __init__(
        self,
        hearing: Hearing,
        *,
        media: MediaSettings,
        recordings: RecordingStore,
        stores: Stores,
        emit: Emit,
        disconnect: Disconnect,
        change_state: ChangeState,
        events: EventSink,
        on_recording_available: RecordingAvailable | None = None,
    ) -> None:
        self.live = live = LiveHearing(
            hearing,
            media=media,
            recordings=recordings,
            send_to=emit,
            drop=disconnect,
            on_recording_available=on_recording_available,
        )
        self.disconnect = disconnect
        self._change_state = change_state
        self.hooks = hooks = Hooks()
        self.audience = audience = HearingAudience(live, emit)
        self.roster = roster = HearingRoster(live, audience, hooks)
        self.transfers = transfers = RoomTransfers(live, audience, roster, hooks)
        self.events = bus = HearingEventBus(live, events)
        self.admission = Admission(
            live,
            audience=audience,
            roster=roster,
            transfers=transfers,
            events=bus,
            disconnect=disconnect,
        )
        self.moderation = Moderation(
            live,
            audience=audience,
            roster=roster,
            events=bus,
            exits=hooks,
            disconnect=disconnect,
            decisions=stores.decisions,
        )
        self.consultations = Consultations(
            live, audience=audience, roster=roster, transfers=transfers, events=bus
        )
        self.chat = Chat(live, stores.chat, audience=audience, roster=roster, events=bus)
        self.protocol = CourtProtocol(live, stores.protocol, audience=audience)
        self.exhibits = ExhibitRegister(
            live, stores.exhibits, audience=audience, protocol=self.protocol
        )
        self.screens = ScreenSharing(live, audience=audience, roster=roster, events=bus)
        self.speaker = ActiveSpeaker(live, audience=audience)
        self.health = ConnectionHealth(
            live,
            audience=audience,
            roster=roster,
            events=bus,
            max_video_bitrate=media.max_video_bitrate,
        )
        self.quality = ConnectionQuality(live, audience=audience)
        # The order is the hooks' order: the protocol writes an event down before the
        # exhibit register (which writes its own entries) follows a screen share.
        hooks.add(
            self.admission,
            self.moderation,
            self.consultations,
            self.chat,
            self.protocol,
            self.exhibits,
            self.screens,
            self.speaker,
            self.health,
            self.quality,
        )
        for feature in hooks:
            bus.subscribe(type(feature).__name__, feature.on_event)
        live.recorder.listen(speaker=self.speaker.changed, transcript=self.protocol.suggest)
        self._decisions = stores.decisions

    async def restore(self) -> None:
        """Take up what the court decided before this process held the hearing: the lock,
        and who was removed (they are refused as they were)."""
        stored = await self._decisions.of_hearing(self.hearing.id)
        self.live.locked = stored.locked
        for participant, _reason in stored.removed:
            self.live.restore_removed(participant)

    @property
    def hearing(self) -> Hearing:
        return self.live.hearing

    # ---- arriving and leaving ----------------------------------------------------------

    async def arrive(self, session: Session, *, replaced_previous: bool = False) -> HearingJoined:
        """Place a freshly joined session in its room; returns the join acknowledgement
        (``replaced_previous``: an older page with the same link was closed for it)."""
        if self.hearing.state not in LIVE:
            raise InvalidState("This hearing has ended.")
        attendance, returning = await self.live.place(session)
        room = attendance.room
        await self.audience.about_members(
            room,
            ServerEvent.PARTICIPANT_JOINED,
            {"participant": self.roster.participant_view(attendance)},
            skip=attendance,
        )
        subject = Subject.participant(attendance.id)
        if attendance.gap_started_at is not None:
            gap_s = self.live.clock.monotonic() - attendance.gap_started_at
            attendance.gap_started_at = None
            await self.events.publish(EventKind.PARTICIPANT_RECONNECTED, None, subject, Gap(gap_s))
        else:
            await self.events.publish(
                EventKind.PARTICIPANT_JOINED, None, subject, Joined(room.kind)
            )
        await self.roster.roster_changed()
        recording = self.live.recorder.recording
        permissions = sorted(p.value for p in permissions_of(attendance.participant.role))
        ack = {
            "participant": {**self.roster.participant_view(attendance), "permissions": permissions},
            "hearing": views.hearing_view(self.hearing),
            "room": room.view(),
            "participants": self.roster.others_in(room, attendance),
            "recording": None if recording is None else views.running_recording_view(recording),
            "locked": self.live.locked,
            "spotlight": self.live.spotlight,
            "rejoined": returning and room.kind is not RoomKind.WAITING,
            # What each feature tells a joiner: chat, the protocol and exhibits (for those
            # who write it; empty for everyone else), consultations, who is speaking.
            **await self.hooks.join_view(attendance),
            # The court's roster arrives with the acknowledgement: a roster_changed sent
            # during the join would reach the page before it listens for one.
            "roster": self.roster.roster()
            if attendance.participant.can(Permission.MODERATE)
            else None,
            "replaced_previous": replaced_previous,
        }
        # The features' parts are checked at the wire by the tests (notices.HearingJoined).
        return cast(HearingJoined, ack)

    async def depart(self, session: Session, left: Left) -> None:
        reason = left.said
        current = self.live.find(session.participant.id)
        if current is not None and current.session is session:
            await self.hooks.leaving_room(current, RoomExit(ExitCause.LEFT, left))
        back_to_waiting = left.cause is LeaveReason.LEFT
        attendance = await self.live.depart(session, back_to_waiting=back_to_waiting)
        if attendance is None:
            return
        await self.audience.about_members(
            attendance.room,
            ServerEvent.PARTICIPANT_LEFT,
            {"participant_id": attendance.id, "reason": reason},
        )
        subject = Subject.participant(attendance.id)
        if left.cause is LeaveReason.DISCONNECTED and attendance.gap_started_at is None:
            attendance.gap_started_at = self.live.clock.monotonic()
        await self.events.publish(EventKind.PARTICIPANT_LEFT, None, subject, left)
        await self.roster.roster_changed()

    async def resume_record(self) -> None:
        """A sitting hearing without a recorder (the server restarted mid-session) resumes
        its record at once, in a new recording; the gap is published with its reason."""
        if self.hearing.state not in SITTING or self.live.recorder.recording is not None:
            return
        recording = await self.live.recorder.start(None)
        await recording.note(
            "gap",
            0,
            0,
            None,
            "the recorder restarted: what came before is in the previous recording",
        )
        await self.events.publish(
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
            if live.recorder.recording is None:
                await live.recorder.start(None)
                await self.audience.to_everyone(
                    ServerEvent.RECORDING_STARTED,
                    {"recording": views.running_recording_view(live.recorder.recording)},  # type: ignore[arg-type]
                )
            if live.recorder.recording is None or not live.recorder.recording.is_running:
                raise InvalidState(
                    "The recorder is not running, so the hearing cannot go into session."
                )
        previous = self.hearing.state
        live.hearing = await self._change_state(
            self.hearing, target, EventActor.of(by).label, reason
        )
        told: HearingStateChanged = {"hearing": views.hearing_view(live.hearing), "reason": reason}
        # The bench's reasons are for those in the hearing: those who wait learn the state,
        # never why (a witness must not hear "witness K. contradicted ...").
        withheld: HearingStateChanged = {**told, "reason": ""}
        for attendance in list(live.attendance.values()):
            waiting = attendance.room.kind is RoomKind.WAITING
            data = withheld if waiting else told
            await self.audience.send(attendance, ServerEvent.HEARING_STATE_CHANGED, data)
        await self.events.publish(
            EventKind.HEARING_STATE_CHANGED, by, HEARING, StateChange(previous, target, reason)
        )
        if target is HearingState.CLOSED:
            await self._close_hearing(by)
        return live.hearing

    async def _close_hearing(self, by: Participant) -> None:
        """Everyone leaves; the recording is sealed; links stop working (the state says so)."""
        await self.hooks.hearing_closing()
        live = self.live
        if live.recorder.recording is not None:
            info = await live.recorder.stop(None)
            await self.audience.to_everyone(
                ServerEvent.RECORDING_STOPPED,
                {"recording": views.stopped_recording_view(info)},
            )
        for attendance in list(live.attendance.values()):
            session = attendance.session
            if session is not None:
                closed = Left(LeaveReason.CLOSED)
                await self.disconnect(session, closed, after_ack=attendance.id == by.id)
        live.attendance.clear()

    async def end(self, reason: str) -> None:
        """The hearing was cancelled outside it (the API): everyone is told why and their
        connections close now; the recording, if any, is sealed."""
        if self.live.recorder.recording is not None:
            await self.stop_recording_for_the_court()
        for attendance in list(self.live.attendance.values()):
            session = attendance.session
            if session is not None:
                told: Removed = {"reason": reason, "cause": "hearing_cancelled"}
                await self.audience.send(attendance, ServerEvent.REMOVED, told)
                await self.disconnect(session, Left(LeaveReason.CLOSED))
        self.live.attendance.clear()

    async def stop_recording_for_the_court(self) -> None:
        info = await self.live.recorder.stop(None)
        await self.audience.to_everyone(
            ServerEvent.RECORDING_STOPPED, {"recording": views.stopped_recording_view(info)}
        )

    async def close(self) -> None:
        """The live hearing ends in this process (nobody is left, or the server stops)."""
        try:
            await self.protocol.close()
        finally:
            await self.live.close()

    # ---- the recording, started and stopped by the bench ---------------------------------

    async def start_recording(self, by: Participant) -> HearingRecording:
        recording = await self.live.recorder.start(by)
        await self.audience.to_everyone(
            ServerEvent.RECORDING_STARTED,
            {"recording": views.running_recording_view(recording)},
        )
        await self.events.publish(EventKind.RECORDING_STARTED, by, HEARING, NO_PARAMS)
        return recording

    async def stop_recording(self, by: Participant) -> RecordingInfo:
        info = await self.live.recorder.stop(by)
        await self.audience.to_everyone(
            ServerEvent.RECORDING_STOPPED,
            {"recording": views.stopped_recording_view(info)},
        )
        await self.events.publish(EventKind.RECORDING_STOPPED, by, HEARING, NO_PARAMS)
        return info
