"""A room of a live hearing and its media: who receives whom is decided here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from court.ids import ParticipantId
from court.permissions import Permission
from court.rooms import ROOM_LABELS, RoomKind
from media.producer import Producer
from media.router import Router
from media.settings import MediaSettings
from signaling.live.notices import RoomView

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance

ProducerEvent = Callable[["LiveRoom", Producer], None]


class LiveRoom:
    """One room with its own Router, so media never crosses from one room to another.

    Subscription policy: nobody receives anything in the waiting room (each person sees only
    their own preview, and witnesses never see each other); in the hearing room everyone
    with the ``subscribe`` permission receives everyone else; in a consultation the members
    receive each other.
    """

    def __init__(
        self,
        room_id: str,
        kind: RoomKind,
        media: MediaSettings,
        *,
        on_producer_added: ProducerEvent,
        on_producer_closed: ProducerEvent,
        consultation_id: str | None = None,
    ) -> None:
        self.id = room_id
        self.consultation_id = consultation_id
        self.kind = kind
        self._on_producer_added = on_producer_added
        self._on_producer_closed = on_producer_closed
        self.router = Router(room_id, media, self)
        self.members: dict[str, Attendance] = {}
        # Who shows their screen in this room: one at a time, as a court expects.
        self.screen_sharer: ParticipantId | None = None

    @property
    def label(self) -> str:
        return ROOM_LABELS[self.kind]

    @property
    def members_see_each_other(self) -> bool:
        """Whether members are told of each other (who is there, who came, who left). Not in
        the waiting room: a witness must not learn who else waits, nor the public who the
        witnesses and victims are."""
        return self.kind is not RoomKind.WAITING

    def receives(self, attendance: Attendance) -> bool:
        if self.kind is RoomKind.WAITING:
            return False
        if self.kind is RoomKind.CONSULTATION:
            return True
        return attendance.participant.can(Permission.SUBSCRIBE)

    def view(self) -> RoomView:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "label": self.label,
            "consultation_id": self.consultation_id,
        }

    # RouterListener

    def producer_added(self, producer: Producer) -> None:
        self._on_producer_added(self, producer)

    def producer_closed(self, producer: Producer) -> None:
        self._on_producer_closed(self, producer)
