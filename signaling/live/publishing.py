"""What a participant's microphone and camera send into the relay, and muting.

A source is taken in only if the participant's Role may publish it (court.permissions);
a muted participant's audio Producer is paused, so it is neither forwarded nor recorded,
from the moment it appears until nobody mutes it any longer.
"""

from __future__ import annotations

from collections.abc import Mapping

from court.errors import PermissionDenied
from court.ids import ParticipantId
from court.permissions import Permission
from media.producer import Producer
from signaling.live.attendance import Attendance
from signaling.live.session import Session


class Publishing:
    def __init__(self, attendance: Mapping[ParticipantId, Attendance]) -> None:
        self._attendance = attendance

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

    def apply_mute(self, attendance: Attendance) -> None:
        """Forward (and record) the participant's audio only while nobody muted it."""
        for producer in attendance.room.router.producers():
            if producer.endpoint_id == attendance.id and producer.kind == "audio":
                if attendance.muted:
                    producer.pause()
                else:
                    producer.resume()

    def producer_added(self, producer: Producer) -> None:
        """A muted participant's audio starts paused (a reconnect must not unmute them)."""
        attendance = self._attendance.get(ParticipantId(producer.endpoint_id))
        if attendance is not None and producer.kind == "audio" and attendance.muted:
            producer.pause()
