"""The media connections of a live hearing's sessions: one peer connection each, in a room.

A session's peer connection (``media.Transport``, with its ``Negotiator``) belongs to the
Router of the room its participant is in. It is made there on arrival, handed to another
room's Router on a transfer (no new ICE and DTLS handshake, one renegotiation) and closed
on departure. What it receives is not decided here: each change ends in
``Subscriptions.reconcile``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping

from court.event_params import LeaveReason, Left
from media.settings import MediaSettings
from signaling.live.negotiator import Negotiator
from signaling.live.notices import Offer
from signaling.live.rooms import LiveRoom
from signaling.live.session import Session
from signaling.live.subscriptions import Subscriptions

SendTo = Callable[[str, str, Mapping[str, object]], Awaitable[None]]  # sid, event, data
Drop = Callable[[Session, Left], Awaitable[None]]  # session, why it leaves


class MediaConnections:
    def __init__(
        self,
        media: MediaSettings,
        subscriptions: Subscriptions,
        *,
        send_to: SendTo,
        drop: Drop,
    ) -> None:
        self._media = media
        self._subscriptions = subscriptions
        self._send_to = send_to
        self._drop = drop

    def connect(self, session: Session, room: LiveRoom) -> None:
        """Give ``session`` a peer connection in ``room`` and what it receives there."""
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
        self._subscriptions.reconcile(session, room)

    def transfer_out(self, session: Session, previous: LiveRoom, room: LiveRoom) -> None:
        """Hand the session's peer connection from ``previous``'s Router to ``room``'s; its
        participant enters ``room`` next (:meth:`transferred_in`)."""
        if session.transport is None:
            return
        self._subscriptions.transport_left(session)
        previous.router.transfer_endpoint(session.participant.id, room.router)

    def transferred_in(self, session: Session, room: LiveRoom) -> None:
        """The participant is in ``room`` now: what they receive there, and a renegotiation
        (the old room's Consumers were released, whatever the new room gives)."""
        if session.transport is None:
            return
        self._subscriptions.reconcile(session, room)
        if session.negotiator is not None:
            session.negotiator.request()

    async def close(self, session: Session, rooms: Iterable[LiveRoom]) -> None:
        """Close the session's peer connection and its Producers, in whichever of ``rooms``
        holds it (its participant's room, or every room when that is not known)."""
        if session.negotiator is not None:
            await session.negotiator.close()
        if session.transport is not None:
            for room in rooms:
                await room.router.close_transport(session.participant.id)
            await session.transport.close()
        self._subscriptions.transport_left(session)
