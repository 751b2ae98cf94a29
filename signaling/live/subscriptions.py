"""Who receives what in a live hearing: the one rule, and the Consumers kept in line with it.

LiveKit's SubscriptionManager keeps a desired state and reconciles; so does this. The
desired Consumers of a participant follow from where they are and the room's rule
(``LiveRoom.receives``), never from what happened; every change of rooms, Producers or
rules calls :meth:`Subscriptions.reconcile`, which diffs the desired against the current
Consumers and renegotiates once if anything changed. Nothing else adds or releases a
Consumer.
"""

from __future__ import annotations

from collections.abc import Mapping

from court.ids import ParticipantId
from media.producer import Producer
from signaling.live.attendance import Attendance
from signaling.live.rooms import LiveRoom
from signaling.live.session import Session


class Subscriptions:
    def __init__(self, attendance: Mapping[ParticipantId, Attendance]) -> None:
        self._attendance = attendance

    def desired(self, session: Session, room: LiveRoom) -> dict[str, Producer]:
        """The one rule of who receives what: every Producer of the room the participant is
        in, but their own, if the room's rules let them receive at all (a waiting room
        never does; see LiveRoom.receives). Nothing, while the endpoint's transport is not
        this room's (it is being transferred out)."""
        attendance = self._attendance.get(session.participant.id)
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

    def reconcile(self, session: Session, room: LiveRoom) -> None:
        """Bring what ``session`` receives in line with :meth:`desired`: Consumers for the
        Producers it should receive and lacks, released for those it should not, and one
        renegotiation if anything changed."""
        transport = session.transport
        if transport is None:
            return
        wanted = self.desired(session, room)
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

    def room_changed(self, room: LiveRoom) -> None:
        """A Producer of ``room`` appeared or ended: everyone present there reconciles."""
        for member in list(room.members.values()):
            if member.session is not None:
                self.reconcile(member.session, room)

    @staticmethod
    def transport_left(session: Session) -> None:
        """The session's transport closed or left its room: its Consumers went with it (the
        Router released them), so none is left to diff against."""
        session.consumers.clear()
