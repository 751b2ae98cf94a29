"""Who belongs to a live hearing, where they are, and how their connection is doing.

An Attendance outlives the Socket.IO connection that created it: a participant who reloads
the page or whose network changes comes back to the room they were in, without being
admitted again. Only the court's decisions (admit, send back, remove) move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from court.hearing import Participant
from court.ids import ParticipantId
from media.link_quality import LinkQuality

if TYPE_CHECKING:
    from signaling.live.rooms import LiveRoom
    from signaling.live.session import Session


# What a participant's device check found, per device.
DeviceResult = Literal["ok", "failed", "skipped"]


class ConnectionState(StrEnum):
    CONNECTED = "connected"
    # Heartbeats or media stopped arriving, but the socket has not closed (yet).
    CONNECTION_LOST = "connection_lost"
    DISCONNECTED = "disconnected"


@dataclass(eq=False)
class Attendance:
    participant: Participant
    room: LiveRoom
    session: Session | None = None
    connection: ConnectionState = ConnectionState.CONNECTED
    waiting_since: float | None = None  # Unix seconds, while in the waiting room
    device_check: dict[str, DeviceResult] | None = None
    hand_raised: bool = False
    self_muted: bool = False
    muted_by_court: bool = False
    unmute_requested: bool = False
    removed: bool = False
    # Where the participant was before a consultation, to return them there afterwards.
    room_before_consultation: LiveRoom | None = None
    # Monotonic instants: the last heartbeat (None until the client sends one), and the
    # start of the current gap in the participant's presence.
    last_heartbeat: float | None = None
    gap_started_at: float | None = None
    joined_at: float = 0.0  # monotonic, set by the live hearing from its clock
    # The connection as last measured (features/connection_quality.py); None until then.
    link: LinkQuality | None = None

    @property
    def id(self) -> ParticipantId:
        return self.participant.id

    @property
    def muted(self) -> bool:
        return self.self_muted or self.muted_by_court

    @property
    def present(self) -> bool:
        return self.session is not None
