"""A Router: the media of one room. Consumers bind only to Producers of their own Router."""

from __future__ import annotations

import logging
from typing import Protocol

from aiortc import MediaStreamTrack, RTCRtpReceiver

from media.budget import TokenBucket
from media.consumer import Consumer
from media.producer import Producer, advertised_bitrate, bitrate_budget, producer_id
from media.settings import MediaSettings
from media.transport import Transport

logger = logging.getLogger(__name__)


class RouterListener(Protocol):
    def producer_added(self, producer: Producer) -> None: ...

    def producer_closed(self, producer: Producer) -> None: ...


class IsolationError(Exception):
    """A Consumer was asked to carry a Producer of another Router."""


class Router:
    """Owns the Transports and Producers of one room.

    Isolation is structural: :meth:`consume` refuses any Producer or Transport that this
    Router does not own, so media of one room (a private consultation, say) can never be
    bound into another room's Transports or its recording.
    """

    def __init__(self, room_id: str, settings: MediaSettings, listener: RouterListener) -> None:
        self.room_id = room_id
        self._settings = settings
        self._listener = listener
        self._transports: dict[str, Transport] = {}
        self._producers: dict[str, Producer] = {}
        # Per publisher: the bytes its video tracks (camera and screen) may send together.
        self._video_budgets: dict[str, TokenBucket] = {}
        self._closed = False

    def create_transport(self, endpoint_id: str) -> Transport:
        if self._closed:
            raise RuntimeError(f"Router({self.room_id}) is closed")
        if endpoint_id in self._transports:
            raise ValueError(f"endpoint {endpoint_id} already has a transport")
        transport = Transport(endpoint_id, self._settings)

        def incoming(track: MediaStreamTrack, receiver: RTCRtpReceiver, source: str) -> None:
            self._add_producer(endpoint_id, track, receiver, source)

        transport.on_incoming_track(incoming)
        self._transports[endpoint_id] = transport
        return transport

    def producers(self) -> list[Producer]:
        return list(self._producers.values())

    def consume(self, transport: Transport, producer: Producer) -> Consumer:
        """Start sending ``producer`` to ``transport``'s endpoint on an idle Consumer."""
        if self._transports.get(transport.endpoint_id) is not transport:
            raise IsolationError(f"transport {transport.endpoint_id} is not in {self.room_id}")
        if self._producers.get(producer.id) is not producer:
            raise IsolationError(f"producer {producer.id} is not in {self.room_id}")
        if producer.endpoint_id == transport.endpoint_id:
            raise IsolationError("an endpoint never consumes its own producer")
        consumer = transport.acquire_consumer(producer.kind)
        consumer.bind(producer)
        return consumer

    def stop_publishing(self, endpoint_id: str, source: str) -> bool:
        """Stop forwarding one source of an endpoint whose connection stays (a screen share
        ending): its Producer closes at once, so Consumers and recording taps let go, and
        the endpoint's Transport stops receiving it at the next negotiation. The source may
        start again (``Transport.enable_publishing``) as a new Producer with the same id.
        True if anything changed (a negotiation is due)."""
        transport = self._transports.get(endpoint_id)
        if transport is None:
            raise KeyError(f"endpoint {endpoint_id} has no transport in {self.room_id}")
        producer = self._producers.get(producer_id(endpoint_id, source))
        if producer is not None:
            producer.stop()
        return transport.stop_publishing(source)

    def transfer_endpoint(self, endpoint_id: str, target: Router) -> None:
        """Hand an endpoint's Transport and Producers over to ``target`` (another room).

        The peer connection stays up, so a transfer costs one renegotiation, not a new ICE
        and DTLS handshake. Isolation holds across the transfer: this Router's listener is told
        that the endpoint's Producers are gone (it unbinds their Consumers and recording
        taps), every Consumer on the transferred Transport is released (they carry this room's
        Producers), and only then does ``target`` adopt them.
        """
        if target is self:
            return
        if target._closed:
            raise RuntimeError(f"Router({target.room_id}) is closed")
        transport = self._transports.pop(endpoint_id, None)
        if transport is None:
            raise KeyError(f"endpoint {endpoint_id} has no transport in {self.room_id}")
        moving = [p for p in self._producers.values() if p.endpoint_id == endpoint_id]
        for producer in moving:
            del self._producers[producer.id]
            for consumer in producer.consumers():
                consumer.unbind()
            self._listener.producer_closed(producer)
        transport.release_all_consumers()
        budget = self._video_budgets.pop(endpoint_id, None)
        if budget is not None:
            target._video_budgets[endpoint_id] = budget  # a new screen shares it there
        target._adopt(transport, moving)

    def transports(self) -> list[Transport]:
        return list(self._transports.values())

    def _adopt(self, transport: Transport, producers: list[Producer]) -> None:
        endpoint_id = transport.endpoint_id
        if endpoint_id in self._transports:
            raise ValueError(f"endpoint {endpoint_id} already has a transport")
        self._transports[endpoint_id] = transport

        def incoming(track: MediaStreamTrack, receiver: RTCRtpReceiver, source: str) -> None:
            self._add_producer(endpoint_id, track, receiver, source)

        transport.on_incoming_track(incoming)
        for producer in producers:
            producer.rehome(self._producer_closed)
            self._producers[producer.id] = producer
            self._listener.producer_added(producer)

    async def close_transport(self, endpoint_id: str) -> None:
        """Close an endpoint's transport and its Producers (their Consumers are unbound)."""
        transport = self._transports.pop(endpoint_id, None)
        self._video_budgets.pop(endpoint_id, None)
        for producer in [p for p in self._producers.values() if p.endpoint_id == endpoint_id]:
            await producer.close()
        if transport is not None:
            await transport.close()

    async def close(self) -> None:
        self._closed = True
        for endpoint_id in list(self._transports):
            await self.close_transport(endpoint_id)

    def _add_producer(
        self, endpoint_id: str, track: MediaStreamTrack, receiver: RTCRtpReceiver, source: str
    ) -> None:
        settings = self._settings
        budget = None
        if track.kind == "video":
            budget = self._video_budgets.get(endpoint_id)
            if budget is None:
                budget = bitrate_budget(settings.max_video_bitrate, settings.monotonic)
                self._video_budgets[endpoint_id] = budget
        producer = Producer(
            endpoint_id=endpoint_id,
            track=track,
            receiver=receiver,
            on_closed=self._producer_closed,
            source=source,
            monotonic=settings.monotonic,
            budget=budget,
            advertised_bitrate=advertised_bitrate(settings.max_video_bitrate),
        )
        previous = self._producers.get(producer.id)
        self._producers[producer.id] = producer
        if previous is not None:
            logger.warning("Router(%s) replaced producer %s", self.room_id, producer.id)
        self._listener.producer_added(producer)

    def _producer_closed(self, producer: Producer) -> None:
        if self._producers.get(producer.id) is producer:
            del self._producers[producer.id]
        self._listener.producer_closed(producer)
