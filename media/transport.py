"""A Transport: the one RTCPeerConnection between the relay and one endpoint."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiortc import (
    MediaStreamTrack,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpSender,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc import sdp as aiortc_sdp
from aiortc.exceptions import InvalidStateError
from aiortc.mediastreams import MediaStreamError

from media import candidates, passthrough
from media.consumer import Consumer
from media.ice import IcePath, rtc_configuration, selected_path
from media.ports import MediaPortsExhausted
from media.settings import MediaSettings

logger = logging.getLogger(__name__)

# What an endpoint may publish, each on a receive transceiver of its own: the microphone,
# the camera, and a shared screen (a second video track, forwarded like the camera).
SOURCES = ("audio", "video", "screen")
SOURCE_KIND = {"audio": "audio", "video": "video", "screen": "video"}

# Forwarding means every endpoint must speak the codec the publisher used: VP8 is the one
# video codec every browser encodes and decodes; Opus is WebRTC's mandatory audio codec.
_PREFERRED_MIME = {"audio": ("audio/opus",), "video": ("video/vp8", "video/rtx")}


@dataclass(frozen=True, slots=True)
class SessionOffer:
    """An offer for the endpoint, with what each of its m-lines is for."""

    sdp: str
    publish: dict[str, str | None]
    tracks: dict[str, tuple[str, str, str]]  # mid -> (endpoint carried, kind, source)


# A published track begins (again): the track, its receiver, and its source (SOURCES).
IncomingTrack = Callable[[MediaStreamTrack, RTCRtpReceiver, str], None]


class NegotiationError(Exception):
    """An offer could not be made or an answer could not be applied."""


class TransportClosed(NegotiationError):
    """The peer connection closed (its participant left) while a negotiation was due."""


@dataclass(frozen=True, slots=True)
class TransportCounts:
    """What one connection has carried so far (SRTP/SRTCP datagrams and their bytes, as
    aiortc's transport statistics count them), and how ICE connected it."""

    bytes_sent: int = 0
    bytes_received: int = 0
    packets_sent: int = 0
    packets_received: int = 0
    path: IcePath | None = None


class Transport:
    """Owns the peer connection to one endpoint; the relay is always the offerer.

    Publishing uses receive-only transceivers that the relay adds on request, one per
    source. A source can stop and start again (a screen share): aiortc has no
    ``removeTrack`` and keeps a receiver's track for the life of the connection, so stopping
    turns the transceiver ``inactive`` and drains its track here, and starting again turns
    it back to ``recvonly`` and, once the endpoint's answer says it sends, hands the same
    track out again as a new beginning (``on_incoming_track``).

    Each subscription is a send-only transceiver with a persistent :class:`Consumer`; when
    the subscription ends the transceiver goes ``inactive`` and is reused for the next one
    of its kind (camera or screen alike), so the SDP does not grow with every join and
    leave.
    """

    def __init__(self, endpoint_id: str, settings: MediaSettings) -> None:
        passthrough.route_by_mid()  # one endpoint's two video tracks never mix (see there)
        self.endpoint_id = endpoint_id
        self._monotonic = settings.monotonic
        self._pc = RTCPeerConnection(rtc_configuration(settings))
        self._peer_networks = candidates.allowed_networks(
            settings.peer_networks, settings.host_addresses
        )
        self._publish: dict[str, RTCRtpTransceiver] = {}  # by source
        # Sources whose track has been handed out (to a Producer) since it last started.
        self._announced: set[str] = set()
        # Tracks of stopped sources, drained until they start again (aiortc queues otherwise;
        # a crafted client may keep sending on an inactive m-line).
        self._idle: dict[str, asyncio.Task[None]] = {}
        self._consumers: dict[Consumer, RTCRtpTransceiver] = {}
        self._on_incoming_track: IncomingTrack | None = None
        self._closed = False
        self._discard_tasks: set[asyncio.Task[None]] = set()
        self._pc.on("track", self._handle_track)
        self._pc.on("connectionstatechange", self._handle_connection_state)

    @property
    def is_closed(self) -> bool:
        return self._closed

    def counts(self) -> TransportCounts:
        """The connection's counters, read without waiting (for server/metrics.py). With
        BUNDLE every transceiver shares one DTLS transport; before negotiation there is none."""
        transceivers = self._pc.getTransceivers()
        if not transceivers:
            return TransportCounts()
        dtls = transceivers[0].sender.transport
        stats = next(iter(dtls._get_stats().values()))
        return TransportCounts(
            bytes_sent=stats.bytesSent,
            bytes_received=stats.bytesReceived,
            packets_sent=stats.packetsSent,
            packets_received=stats.packetsReceived,
            path=selected_path(dtls.transport),
        )

    def senders(self) -> list[RTCRtpSender]:
        """The senders of its subscriptions, live or idle (their statistics: link_quality.py)."""
        return [transceiver.sender for transceiver in self._consumers.values()]

    def receivers(self) -> list[RTCRtpReceiver]:
        """The receivers of what the endpoint publishes, live or stopped (the same)."""
        return [transceiver.receiver for transceiver in self._publish.values()]

    def on_incoming_track(self, callback: IncomingTrack) -> None:
        self._on_incoming_track = callback

    def enable_publishing(self, sources: tuple[str, ...]) -> bool:
        """Receive each of ``sources`` (SOURCES): a new receive transceiver, or a stopped one
        turned back on. True if anything changed (a negotiation is due)."""
        changed = False
        for source in sources:
            transceiver = self._publish.get(source)
            if transceiver is None:
                transceiver = self._pc.addTransceiver(SOURCE_KIND[source], direction="recvonly")
                _prefer_forwardable_codecs(transceiver)
                self._publish[source] = transceiver
                changed = True
            elif transceiver.direction == "inactive":
                transceiver.direction = "recvonly"
                changed = True
        return changed

    def stop_publishing(self, source: str) -> bool:
        """Stop receiving ``source``; takes effect at the next negotiation. True if it was on.

        The caller closes the source's Producer first; from then on this Transport drains
        the track, until :meth:`enable_publishing` and an answer start it again.
        """
        transceiver = self._publish.get(source)
        if transceiver is None or transceiver.direction == "inactive":
            return False
        transceiver.direction = "inactive"
        self._announced.discard(source)
        track: MediaStreamTrack | None = transceiver.receiver.track  # None until answered
        if track is not None:
            self._drain_idle(source, track)
        return True

    def _drain_idle(self, source: str, track: MediaStreamTrack) -> None:
        if source in self._idle:
            return
        task = asyncio.get_running_loop().create_task(discard(track))
        self._idle[source] = task

        def done(_: asyncio.Task[None]) -> None:
            if self._idle.get(source) is task:
                del self._idle[source]

        task.add_done_callback(done)

    def is_publishing(self, source: str) -> bool:
        """Whether the relay wants ``source`` from the endpoint (it may not have begun yet)."""
        transceiver = self._publish.get(source)
        return transceiver is not None and transceiver.direction != "inactive"

    def acquire_consumer(self, kind: str) -> Consumer:
        """Return an idle Consumer of ``kind``: a recycled transceiver or a new one."""
        for consumer, transceiver in self._consumers.items():
            if (
                consumer.kind == kind
                and consumer.producer is None
                and transceiver.direction == "inactive"
                and transceiver.currentDirection in ("inactive", None)
            ):
                transceiver.direction = "sendonly"
                return consumer
        consumer = Consumer(kind, self._monotonic)
        transceiver = self._pc.addTransceiver(consumer, direction="sendonly")
        _prefer_forwardable_codecs(transceiver)
        passthrough.on_keyframe_request(transceiver.sender, consumer.subscriber_lost_picture)
        consumer.forward_to(
            passthrough.RtpForwarder(
                transceiver, on_ready=consumer.flush, monotonic=self._monotonic
            )
        )
        self._consumers[consumer] = transceiver
        return consumer

    def release_consumer(self, consumer: Consumer) -> None:
        """Stop sending on ``consumer``'s transceiver; takes effect at the next negotiation."""
        consumer.unbind()
        transceiver = self._consumers.get(consumer)
        if transceiver is not None:
            transceiver.direction = "inactive"

    def release_all_consumers(self) -> None:
        """Release every Consumer (the endpoint moves to another room)."""
        for consumer in self._consumers:
            self.release_consumer(consumer)

    def needs_negotiation(self) -> bool:
        """Whether a transceiver's wanted direction differs from the negotiated one."""
        return any(
            t.mid is None or t.direction != t.currentDirection for t in self._pc.getTransceivers()
        )

    async def create_offer(self) -> SessionOffer:
        """Set and return a new local offer covering every transceiver."""
        if self._closed:
            raise TransportClosed("transport closed")
        try:
            await self._pc.setLocalDescription(await self._pc.createOffer())
        except InvalidStateError as exc:
            # Closed between the check and the offer: the hearing or the room is closing.
            raise TransportClosed(str(exc)) from exc
        except MediaPortsExhausted as exc:
            # Logged with the setting's name where it happened; the endpoint is told less.
            raise NegotiationError("the server has no free media port for this connection") from exc
        local = self._pc.localDescription
        return SessionOffer(sdp=local.sdp, publish=self._publish_mids(), tracks=self._track_map())

    async def apply_answer(self, sdp: str) -> None:
        """Apply the endpoint's answer to the outstanding offer.

        The answer is checked before aiortc sees it (aiortc has no rollback, and a half-applied
        description would corrupt the transceivers): it must parse, and answer every m-line of
        the offer with the same mid. Its ICE candidates are filtered (media/candidates.py):
        the relay sends STUN only to the few at addresses the operator allows. On
        NegotiationError the offer stays outstanding, so the endpoint may send a corrected
        answer.
        """
        if self._closed:
            raise NegotiationError("transport closed")
        if self._pc.signalingState != "have-local-offer":
            raise NegotiationError("there is no outstanding offer to answer")
        try:
            parsed = aiortc_sdp.SessionDescription.parse(sdp)
        except Exception as exc:
            raise NegotiationError(f"the answer is not valid SDP: {exc}") from exc
        offered = [
            m.rtp.muxId
            for m in aiortc_sdp.SessionDescription.parse(self._pc.localDescription.sdp).media
        ]
        answered = [m.rtp.muxId for m in parsed.media]
        if answered != offered:
            raise NegotiationError(f"the answer has m-lines {answered}, the offer {offered}")
        # Everything is bundled on the first m-line's transport: it must carry ICE and DTLS.
        first = parsed.media[0] if parsed.media else None
        if first is None or not first.ice or not first.dtls or not first.dtls.fingerprints:
            raise NegotiationError("the answer lacks ICE or DTLS parameters")
        try:
            await self._pc.setRemoteDescription(
                RTCSessionDescription(sdp=self._allowed_candidates(sdp), type="answer")
            )
        except Exception as exc:
            raise NegotiationError(f"the answer could not be applied: {exc}") from exc
        for source, transceiver in self._publish.items():
            if transceiver.currentDirection in ("recvonly", "sendrecv"):
                self._announce(source, transceiver)  # a stopped source started again
        for consumer in self._consumers:
            consumer.request_keyframe()

    def _allowed_candidates(self, sdp: str) -> str:
        """``sdp`` with only the candidates the operator allows: aioice sends STUN to each."""
        filtered = candidates.filter_answer(sdp, self._peer_networks)
        if filtered.refused:
            logger.warning(
                "Transport(%s) refused %d ICE candidate(s) of its answer, kept %d: %s",
                self.endpoint_id,
                len(filtered.refused),
                filtered.kept,
                ", ".join(filtered.refused[:5]),
            )
        return filtered.sdp

    async def close(self) -> None:
        """Close the peer connection; Consumers are unbound. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for consumer in self._consumers:
            consumer.unbind()
        for task in [*self._discard_tasks, *self._idle.values()]:
            task.cancel()
        await self._pc.close()

    def _publish_mids(self) -> dict[str, str | None]:
        return {s: (t.mid if (t := self._publish.get(s)) else None) for s in SOURCES}

    def _track_map(self) -> dict[str, tuple[str, str, str]]:
        return {
            transceiver.mid: (
                consumer.producer.endpoint_id,
                consumer.kind,
                consumer.producer.source,
            )
            for consumer, transceiver in self._consumers.items()
            if transceiver.mid is not None
            and consumer.producer is not None
            and transceiver.direction == "sendonly"
        }

    def _handle_track(self, track: MediaStreamTrack) -> None:
        transceiver = next(
            (t for t in self._pc.getTransceivers() if t.receiver.track is track), None
        )
        source = next((s for s, t in self._publish.items() if t is transceiver), None)
        if transceiver is None or source is None:
            # The endpoint answered "send" on an m-line the relay offered for sending only
            # (a crafted client): never forward it, but drain it so aiortc does not queue.
            logger.warning(
                "Transport(%s) refused an unrequested %s track",
                self.endpoint_id,
                track.kind,
            )
            task = asyncio.get_running_loop().create_task(discard(track))
            self._discard_tasks.add(task)
            task.add_done_callback(self._discard_tasks.discard)
            return
        # The track exists from now on, and aiortc starts its receiver only after this event.
        passthrough.decode_inline(transceiver.receiver)
        if transceiver.direction == "inactive":
            # Stopped while its first answer was on the way: drained, not forwarded.
            self._drain_idle(source, track)
            return
        self._announce(source, transceiver)

    def _announce(self, source: str, transceiver: RTCRtpTransceiver) -> None:
        """Hand the track of ``source`` out as beginning, once per start."""
        track: MediaStreamTrack | None = transceiver.receiver.track  # None until answered
        if (
            source in self._announced
            or track is None
            or transceiver.direction == "inactive"
            or self._closed
        ):
            return
        self._announced.add(source)
        idle = self._idle.pop(source, None)
        if idle is not None:
            idle.cancel()
        if self._on_incoming_track is not None:
            self._on_incoming_track(track, transceiver.receiver, source)

    def _handle_connection_state(self) -> None:
        state = self._pc.connectionState
        logger.debug("Transport(%s) connection %s", self.endpoint_id, state)
        if state == "connected":
            for consumer in self._consumers:
                consumer.request_keyframe()


def _prefer_forwardable_codecs(transceiver: RTCRtpTransceiver) -> None:
    capabilities = RTCRtpSender.getCapabilities(transceiver.kind)
    wanted = _PREFERRED_MIME[transceiver.kind]
    transceiver.setCodecPreferences(
        [c for c in capabilities.codecs if c.mimeType.lower() in wanted]
    )


async def discard(track: MediaStreamTrack) -> None:
    """Read and drop every frame of ``track`` until it ends (aiortc queues unread frames)."""
    try:
        while True:
            await track.recv()
    except MediaStreamError:
        return
