"""The private aiortc attachment points the relay depends on.

aiortc is pinned to one minor version; if an upgrade moves any of these, these tests name
what moved instead of the relay silently decoding again or dropping keyframe requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import queue
import struct
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from fractions import Fraction
from types import SimpleNamespace
from typing import cast

import aioice
import aioice.ice
import aiortc.rtcrtpreceiver as receiver_module
from aiortc import (
    MediaStreamTrack,
    RTCDtlsTransport,
    RTCIceTransport,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpSender,
)
from aiortc.codecs import get_encoder
from aiortc.codecs.vpx import Vp8Encoder, VpxPayloadDescriptor
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcdtlstransport import RtpRouter
from aiortc.rtcrtpparameters import (
    RTCRtpCodecParameters,
    RTCRtpHeaderExtensionParameters,
    RTCRtpSendParameters,
)
from aiortc.rtcrtpreceiver import RemoteStreamTrack
from aiortc.rtp import RTCP_RTPFB_NACK, HeaderExtensionsMap, RtcpRtpfbPacket, RtpPacket, wrap_rtx

from media import passthrough
from media.consumer import Consumer
from media.frames import EncodedFrame
from media.ice import rtc_configuration, use_host_addresses
from media.settings import MediaSettings

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
OPUS = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111)
VIDEO_TB = Fraction(1, 90000)


def test_aiortc_receivers_still_look_up_their_decoder_through_the_module_global() -> None:
    source = inspect.getsource(receiver_module.decoder_worker)

    assert "get_decoder(codec)" in source
    assert "decoder.decode(encoded_frame)" in source


def test_install_makes_receivers_hand_out_encoded_frames_and_uninstall_restores() -> None:
    was_installed = passthrough.is_installed()
    passthrough.install()
    try:
        decoder = vars(receiver_module)["get_decoder"](OPUS)
        frames = decoder.decode(JitterFrame(b"\x78\x01\x02", timestamp=960))
        assert frames == [EncodedFrame(b"\x78\x01\x02", 960, Fraction(1, 48000), True)]
    finally:
        if not was_installed:
            passthrough.uninstall()
            assert not passthrough.is_installed()


def test_vp8_keyframes_are_recognised_from_the_frame_tag() -> None:
    decoder = passthrough.PassthroughDecoder(VP8)

    (key,) = decoder.decode(JitterFrame(bytes([0x10, 0x02, 0x00]), timestamp=0))
    (delta,) = decoder.decode(JitterFrame(bytes([0x11, 0x02, 0x00]), timestamp=3000))

    assert key.is_keyframe and not delta.is_keyframe
    assert decoder.decode(JitterFrame(b"", timestamp=0)) == []


def test_aiortc_senders_pack_encoded_frames_without_encoding() -> None:
    frame = EncodedFrame(
        b"\x10" + bytes(50), pts=3000, time_base=Fraction(1, 90000), is_keyframe=True
    )

    payloads, timestamp = get_encoder(VP8).pack(frame)  # type: ignore[arg-type]

    assert timestamp == 3000
    assert b"".join(p[-51:] for p in payloads[-1:]).endswith(bytes(50))
    assert "self.__encoder.pack(data)" in inspect.getsource(RTCRtpSender._next_encoded_frame)


async def test_keyframe_requests_have_their_private_hooks() -> None:
    assert hasattr(RTCRtpReceiver, "_send_rtcp_pli")
    assert "self._send_keyframe()" in inspect.getsource(RTCRtpSender._handle_rtcp_packet)

    calls: list[str] = []
    sender = RTCRtpSender("video", transport=cast(RTCDtlsTransport, _FakeTransport()))
    passthrough.on_keyframe_request(sender, lambda: calls.append("pli"))
    sender._send_keyframe()

    assert calls == ["pli"]


class _FakeTransport:
    """Just enough of an RTCDtlsTransport for a sender that never starts."""

    class _Ice:
        role = "controlling"

    transport = _Ice()
    state = "new"


# --- RtpForwarder: the sender's RTP stream written by the relay itself ---------------------

VP8_SEND = RTCRtpSendParameters(
    codecs=[
        VP8,
        RTCRtpCodecParameters(
            mimeType="video/rtx", clockRate=90000, payloadType=97, parameters={"apt": 96}
        ),
    ],
    headerExtensions=[
        RTCRtpHeaderExtensionParameters(id=1, uri="urn:ietf:params:rtp-hdrext:sdes:mid"),
        RTCRtpHeaderExtensionParameters(
            id=3, uri="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
        ),
    ],
    muxId="1",
)
OPUS_SEND = RTCRtpSendParameters(
    codecs=[OPUS],
    headerExtensions=[
        RTCRtpHeaderExtensionParameters(id=1, uri="urn:ietf:params:rtp-hdrext:sdes:mid"),
        RTCRtpHeaderExtensionParameters(id=2, uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
    ],
    muxId="0",
)


def test_aiortc_still_has_what_the_forwarder_attaches_to() -> None:
    # The sender is started through its (instance) send() with the negotiated parameters.
    connect = inspect.getsource(RTCPeerConnection)
    assert "await transceiver.sender.send(self.__localRtp(transceiver))" in connect
    # NACKs reach the sender's _retransmit; its sender reports read the four counters.
    assert "await self._retransmit(seq)" in inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    rtcp = inspect.getsource(RTCRtpSender._run_rtcp)
    for counter in ("__ntp_timestamp", "__rtp_timestamp", "__packet_count", "__octet_count"):
        assert f"self.{counter}" in rtcp
    # What the DTLS transport's _send_rtp does, and how aioice sends on the selected pair.
    send_rtp = inspect.getsource(RTCDtlsTransport._send_rtp)
    assert "self._tx_srtp.protect(data)" in send_rtp
    assert "await self.transport._send(data)" in send_rtp
    assert "self.__tx_bytes += len(data)" in send_rtp
    assert "self.__tx_packets += 1" in send_rtp
    assert "self._send = self._connection.send" in inspect.getsource(RTCIceTransport)
    sendto = inspect.getsource(aioice.Connection.sendto)
    assert "active_pair = self._nominated.get(component)" in sendto
    assert "active_pair.protocol.send_data(data, active_pair.remote_addr)" in sendto
    send_data = inspect.getsource(aioice.ice.StunProtocol.send_data)
    assert send_data.rstrip().endswith("self.transport.sendto(data, addr)")


async def test_aiortc_objects_carry_the_attributes_the_forwarder_uses() -> None:
    pc = RTCPeerConnection()
    try:
        transceiver = pc.addTransceiver("video", direction="sendonly")
        sender = transceiver.sender
        forwarder = passthrough.RtpForwarder(transceiver)
        for name in (
            "_ssrc",
            "_rtx_ssrc",
            "_RTCRtpSender__ntp_timestamp",
            "_RTCRtpSender__rtp_timestamp",
            "_RTCRtpSender__packet_count",
            "_RTCRtpSender__octet_count",
        ):
            assert isinstance(getattr(sender, name), int), name
        dtls = sender.transport
        assert hasattr(dtls, "_tx_srtp")
        assert isinstance(dtls._RTCDtlsTransport__tx_bytes, int)  # type: ignore[attr-defined]
        assert isinstance(dtls._RTCDtlsTransport__tx_packets, int)  # type: ignore[attr-defined]
        assert isinstance(dtls.transport._connection, aioice.Connection)
        assert dtls.transport._connection._nominated == {}
        assert not forwarder.ready
        assert sender._retransmit == forwarder._retransmit
    finally:
        await pc.close()


class _Socket:
    """The selected pair's transport: records what is sent where."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, tuple[str, int]]] = []

    def sendto(self, data: bytes, address: tuple[str, int]) -> None:
        self.sent.append((data, address))


class _ConnectedTransport:
    """An RTCDtlsTransport as the forwarder sees one: connected, with a nominated pair.

    SRTP "protection" prefixes b"P" so a test sees that every packet went through it.
    """

    def __init__(self) -> None:
        self.socket = _Socket()
        pair = SimpleNamespace(
            protocol=SimpleNamespace(transport=self.socket), remote_addr=("192.0.2.1", 5000)
        )
        self.state = "connected"
        self.transport = SimpleNamespace(
            role="controlling", _connection=SimpleNamespace(_nominated={1: pair})
        )
        self._tx_srtp = SimpleNamespace(protect=lambda data: b"P" + data)
        self._RTCDtlsTransport__tx_bytes = 0
        self._RTCDtlsTransport__tx_packets = 0
        self.rtcp: list[bytes] = []

    def _register_rtp_sender(self, sender: object, parameters: object) -> None:
        pass

    def _unregister_rtp_sender(self, sender: object) -> None:
        pass

    async def _send_rtp(self, data: bytes) -> None:
        self.rtcp.append(data)

    def sent(self) -> list[bytes]:
        """The RTP packets sent so far, unprotected."""
        assert all(data.startswith(b"P") for data, _ in self.socket.sent)
        return [data[1:] for data, _ in self.socket.sent]


@asynccontextmanager
async def started_forwarder(
    kind: str, parameters: RTCRtpSendParameters
) -> AsyncIterator[tuple[passthrough.RtpForwarder, RTCRtpSender, _ConnectedTransport]]:
    """A forwarder on a sender that aiortc's own send() started with ``parameters``."""
    transport = _ConnectedTransport()
    sender = RTCRtpSender(kind, transport=transport)  # type: ignore[arg-type]
    transceiver = SimpleNamespace(sender=sender, currentDirection="sendonly")
    started: list[bool] = []
    forwarder = passthrough.RtpForwarder(
        transceiver,  # type: ignore[arg-type]
        on_ready=lambda: started.append(forwarder.ready),
    )
    assert not forwarder.ready
    await sender.send(parameters)
    assert started == [True], "on_ready runs once aiortc has started the sender"
    try:
        yield forwarder, sender, transport
    finally:
        await sender.stop()


def _aiortc_packets(
    parameters: RTCRtpSendParameters,
    payloads: list[bytes],
    *,
    ssrc: int,
    sequence_number: int,
    timestamp: int,
    abs_send_time: int | None,
) -> list[bytes]:
    """What RTCRtpSender._run_rtp serializes for one frame's payloads."""
    extensions = HeaderExtensionsMap()
    extensions.configure(parameters)
    packets = []
    payload_type = parameters.codecs[0].payloadType
    assert payload_type is not None
    for index, payload in enumerate(payloads):
        packet = RtpPacket(
            payload_type=payload_type,
            sequence_number=(sequence_number + index) & 0xFFFF,
            timestamp=timestamp,
        )
        packet.ssrc = ssrc
        packet.payload = payload
        packet.marker = int(index == len(payloads) - 1)
        packet.extensions.abs_send_time = abs_send_time
        packet.extensions.mid = parameters.muxId
        packets.append(packet.serialize(extensions))
    return packets


async def test_forwarded_vp8_is_byte_for_byte_what_aiortc_would_send() -> None:
    data = bytes([0x10]) + bytes(range(256)) * 12  # a keyframe of three packets
    async with started_forwarder("video", VP8_SEND) as (forwarder, sender, _):
        assert forwarder.ready
        ntp = passthrough.ntp_now()
        packets = forwarder.packetize(EncodedFrame(data, 0, VIDEO_TB, True), 12345, ntp)

        extensions = HeaderExtensionsMap()
        extensions.configure(VP8_SEND)
        first = RtpPacket.parse(packets[0], extensions)
        descriptor, _ = VpxPayloadDescriptor.parse(first.payload)
        assert descriptor.picture_id is not None
        assert len(packets) == 3
        assert packets == _aiortc_packets(
            VP8_SEND,
            Vp8Encoder._packetize(data, descriptor.picture_id),
            ssrc=sender._ssrc,
            sequence_number=first.sequence_number,
            timestamp=12345,
            abs_send_time=(ntp >> 14) & 0xFFFFFF,
        )


async def test_forwarded_opus_is_byte_for_byte_what_aiortc_would_send() -> None:
    async with started_forwarder("audio", OPUS_SEND) as (forwarder, sender, _):
        frame = EncodedFrame(b"\x78" + bytes(80), 960, Fraction(1, 48000), True)
        (packet,) = forwarder.packetize(frame, 777, passthrough.ntp_now())

        sequence_number = RtpPacket.parse(packet).sequence_number
        assert [packet] == _aiortc_packets(
            OPUS_SEND,
            [frame.data],
            ssrc=sender._ssrc,
            sequence_number=sequence_number,
            timestamp=777,
            abs_send_time=None,
        )


async def test_send_protects_and_sends_each_packet_and_keeps_aiortcs_counters() -> None:
    async with started_forwarder("video", VP8_SEND) as (forwarder, sender, transport):
        assert forwarder.send(EncodedFrame(bytes([0x10]) + bytes(3000), 0, VIDEO_TB, True), 0)
        assert forwarder.send(EncodedFrame(bytes([0x11]) + bytes(100), 0, VIDEO_TB, False), 3000)

        packets = [RtpPacket.parse(p) for p in transport.sent()]
        assert [p.marker for p in packets] == [0, 0, 1, 1]
        assert {address for _, address in transport.socket.sent} == {("192.0.2.1", 5000)}
        numbers = [p.sequence_number for p in packets]
        assert numbers == [(numbers[0] + i) & 0xFFFF for i in range(4)]
        assert (packets[3].timestamp - packets[0].timestamp) & 0xFFFFFFFF == 3000
        pictures = [VpxPayloadDescriptor.parse(p.payload)[0].picture_id for p in packets]
        assert pictures[0] == pictures[2] and pictures[3] == (pictures[0] + 1) & 0x7FFF  # type: ignore[operator]

        # The counters aiortc's sender reports (RTCP SR) and its getStats read.
        assert sender._RTCRtpSender__packet_count == 4  # type: ignore[attr-defined]
        assert sender._RTCRtpSender__octet_count == sum(len(p.payload) for p in packets)  # type: ignore[attr-defined]
        assert sender._RTCRtpSender__rtp_timestamp == packets[3].timestamp  # type: ignore[attr-defined]
        assert sender._RTCRtpSender__ntp_timestamp > 0  # type: ignore[attr-defined]
        assert transport._RTCDtlsTransport__tx_packets == 4
        assert transport._RTCDtlsTransport__tx_bytes == sum(
            len(d) for d, _ in transport.socket.sent
        )


async def test_a_nack_is_answered_from_the_history_as_rtx() -> None:
    async with started_forwarder("video", VP8_SEND) as (forwarder, sender, transport):
        forwarder.send(EncodedFrame(bytes([0x10]) + bytes(2000), 0, VIDEO_TB, True), 0)
        lost = RtpPacket.parse(transport.sent()[1])
        transport.socket.sent.clear()

        nack = RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=1, media_ssrc=sender._ssrc)
        nack.lost = [lost.sequence_number, (lost.sequence_number + 1000) & 0xFFFF]
        await sender._handle_rtcp_packet(nack)

        (rtx,) = [RtpPacket.parse(p) for p in transport.sent()]  # the unknown one is ignored
        assert rtx.payload_type == 97
        assert rtx.ssrc == sender._rtx_ssrc
        assert rtx.timestamp == lost.timestamp
        assert rtx.payload == struct.pack("!H", lost.sequence_number) + lost.payload


async def test_nothing_is_sent_unless_negotiated_to_send_and_connected() -> None:
    frame = EncodedFrame(b"\x78", 0, Fraction(1, 48000), True)
    async with started_forwarder("audio", OPUS_SEND) as (forwarder, _, transport):
        transceiver = forwarder._transceiver

        def refused() -> bool:  # read afresh each time: mypy would narrow ``ready`` otherwise
            return not forwarder.ready and not forwarder.send(frame, 0)

        transceiver.currentDirection = "inactive"  # type: ignore[misc]
        assert refused()
        transceiver.currentDirection = "sendonly"  # type: ignore[misc]
        transport.state = "closed"
        assert refused()
        transport.state = "connected"
        transport.transport._connection._nominated.clear()
        assert refused()
        assert transport.sent() == []


async def test_frames_cross_a_real_connection_from_forwarder_to_inline_receiver() -> None:
    """Over loopback, with ICE and SRTP: the relay's sending and receiving ends together.

    The payloads arrive unchanged, sender reports count them, and the receiver that wraps
    frames on the event loop ends its track when the connection closes.
    """
    original_host_addresses = aioice.ice.get_host_addresses
    use_host_addresses(["127.0.0.1"])
    settings = MediaSettings(host_addresses=("127.0.0.1",))
    relay, viewer = (RTCPeerConnection(rtc_configuration(settings)) for _ in range(2))
    tasks: set[asyncio.Future[None]] = set()
    inline: list[bool] = []
    try:
        consumer = Consumer("video", time.monotonic)
        transceiver = relay.addTransceiver(consumer, direction="sendonly")
        forwarder = passthrough.RtpForwarder(transceiver)
        consumer.forward_to(forwarder)
        consumer.bind(_Producer())  # type: ignore[arg-type]
        received: asyncio.Queue[EncodedFrame] = asyncio.Queue()

        @viewer.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            (receiver,) = [r for r in viewer.getReceivers() if r.track is track]
            inline.append(passthrough.decode_inline(receiver))

            async def read() -> None:
                with contextlib.suppress(MediaStreamError):
                    while True:
                        # decode_inline made the track hand out encoded frames
                        received.put_nowait(cast(EncodedFrame, await track.recv()))

            tasks.add(asyncio.ensure_future(read()))

        await relay.setLocalDescription(await relay.createOffer())
        await viewer.setRemoteDescription(relay.localDescription)
        await viewer.setLocalDescription(await viewer.createAnswer())
        await relay.setRemoteDescription(viewer.localDescription)
        await _until(lambda: forwarder.ready, timeout_s=10)
        assert inline == [True]

        sent = [bytes([0x10 if i == 0 else 0x11, i]) + bytes(range(256)) * 8 for i in range(20)]
        for index, data in enumerate(sent):
            consumer.push(EncodedFrame(data, 1000 + index * 3000, VIDEO_TB, index == 0))
            await asyncio.sleep(0.03)
        async with asyncio.timeout(5):
            # The jitter buffer releases a frame when the next one starts: all but the last.
            got = [await received.get() for _ in range(len(sent) - 1)]
        assert all(isinstance(f, EncodedFrame) for f in got)
        assert [f.data for f in got] == sent[:-1]
        assert [f.pts - got[0].pts for f in got] == [i * 3000 for i in range(len(got))]
        assert got[0].is_keyframe and not any(f.is_keyframe for f in got[1:])

        packets = sum(-(-len(data) // 1296) for data in sent)
        outbound = [
            s for s in (await transceiver.sender.getStats()).values() if s.type == "outbound-rtp"
        ]
        assert outbound[0].packetsSent == packets
        # The viewer learns the count from aiortc's sender reports (every 0.5 to 1.5 s).
        async with asyncio.timeout(5):
            while True:
                stats = (await viewer.getReceivers()[0].getStats()).values()
                remote = [s for s in stats if s.type == "remote-outbound-rtp"]
                if remote and remote[0].packetsSent == packets:
                    break
                await asyncio.sleep(0.1)

        async with asyncio.timeout(5):
            await viewer.close()
            await asyncio.gather(*tasks)  # each reader saw its track end
    finally:
        for task in tasks:
            task.cancel()
        await relay.close()
        await viewer.close()
        aioice.ice.get_host_addresses = original_host_addresses


def test_aiortc_receivers_still_pass_frames_through_a_queue_to_their_decoder_thread() -> None:
    """What passthrough.decode_inline replaces, and the stop path it relies on."""
    receive = inspect.getsource(RTCRtpReceiver.receive)
    assert "self.__decoder_queue," in receive
    assert "self._track._queue," in receive
    assert "self.__decoder_queue.put((codec, encoded_frame))" in inspect.getsource(
        RTCRtpReceiver._handle_rtp_packet
    )
    stop = inspect.getsource(RTCRtpReceiver._RTCRtpReceiver__stop_decoder)  # type: ignore[attr-defined]
    assert "self.__decoder_queue.put(None)" in stop
    assert "self.__decoder_thread.join()" in stop
    worker = inspect.getsource(receiver_module.decoder_worker)
    assert "task = input_q.get()" in worker
    assert "asyncio.run_coroutine_threadsafe(output_q.put(None), loop)" in worker


async def test_decode_inline_needs_a_receiver_with_a_track_that_has_not_started() -> None:
    pc = RTCPeerConnection()
    try:
        receiver = pc.addTransceiver("audio", direction="recvonly").receiver
        assert receiver._RTCRtpReceiver__decoder_thread is None  # type: ignore[attr-defined]
        assert isinstance(receiver._RTCRtpReceiver__decoder_queue, queue.Queue)  # type: ignore[attr-defined]
        assert not passthrough.decode_inline(receiver), "no track before a remote description"

        receiver._track = RemoteStreamTrack(kind="audio")
        assert passthrough.decode_inline(receiver)
        receiver._RTCRtpReceiver__decoder_queue.put(  # type: ignore[attr-defined]
            (OPUS, JitterFrame(b"\x78\x01", timestamp=960))
        )
        frame = receiver.track._queue.get_nowait()  # type: ignore[attr-defined]
        assert frame == EncodedFrame(b"\x78\x01", 960, Fraction(1, 48000), True)
    finally:
        await pc.close()


async def _until(predicate: Callable[[], bool], timeout_s: float) -> None:
    async with asyncio.timeout(timeout_s):
        for _ in itertools.count():
            if predicate():
                return
            await asyncio.sleep(0.01)


class _Producer:
    kind = "video"

    def add_consumer(self, consumer: object) -> None:
        pass

    def remove_consumer(self, consumer: object) -> None:
        pass

    def request_keyframe(self) -> None:
        pass


def test_aiortc_still_routes_rtp_by_ssrc_then_payload_type_with_a_mid_table_beside() -> None:
    """What passthrough.route_by_mid wraps: the router's tables and its fallback."""
    original = passthrough._original_route_rtp or RtpRouter.route_rtp  # once wrapped, that one
    source = inspect.getsource(original)
    assert "self.ssrc_table.get(packet.ssrc)" in source
    assert "self.payload_type_table.get(packet.payload_type" in source
    assert "self.mid_table[mid] = receiver" in inspect.getsource(RtpRouter.register_receiver)
    assert "mid=parameters.muxId" in inspect.getsource(RTCDtlsTransport._register_rtp_receiver)


def test_a_new_stream_goes_by_its_mid_never_to_the_only_receiver_of_its_payload_type() -> None:
    passthrough.route_by_mid()
    router = RtpRouter()
    camera, screen = object(), object()
    router.register_receiver(camera, ssrcs=[1111], payload_types=[96], mid="1")  # type: ignore[arg-type]

    def packet(ssrc: int, mid: str | None) -> RtpPacket:
        p = RtpPacket(payload_type=96, ssrc=ssrc)
        p.extensions.mid = mid
        return p

    # The screen's first packets, before the relay registered its receiver: dropped, not
    # taken for the camera's (the only receiver of payload type 96).
    assert router.route_rtp(packet(2222, "3")) is None
    assert 2222 not in router.ssrc_table
    router.register_receiver(screen, ssrcs=[], payload_types=[96], mid="3")  # type: ignore[arg-type]
    assert router.route_rtp(packet(2222, "3")) is screen
    assert router.route_rtp(packet(2222, None)) is screen  # MID no longer sent: by SSRC
    assert router.route_rtp(packet(1111, None)) is camera


# --- Reading what a receiver counted (media/link_quality.py) ----------------------------


async def test_received_counts_are_each_media_streams_first_arrivals_not_its_retransmissions() -> (
    None
):
    receiver = RTCRtpReceiver("video", transport=cast(RTCDtlsTransport, _FakeTransport()))
    rtx = RTCRtpCodecParameters(
        mimeType="video/rtx", clockRate=90000, payloadType=97, parameters={"apt": 96}
    )
    # What receive() sets from the negotiated parameters, without starting a decoder thread.
    receiver._RTCRtpReceiver__codecs = {96: VP8, 97: rtx}  # type: ignore[attr-defined]
    receiver._RTCRtpReceiver__rtx_ssrc = {2222: 1111}  # type: ignore[attr-defined]
    vp8 = b"\x90\x80\x01\x10\x02\x00"  # a descriptor and a keyframe's first bytes

    def media(sequence: int) -> RtpPacket:
        return RtpPacket(
            payload_type=96,
            sequence_number=sequence,
            timestamp=sequence * 3000,
            ssrc=1111,
            payload=vp8,
        )

    for sequence in (1, 2, 4, 5, 6, 9, 10):  # 3, 7 and 8 lost on the way
        await receiver._handle_rtp_packet(media(sequence), arrival_time_ms=0)
    repaired = wrap_rtx(media(3), payload_type=97, sequence_number=500, ssrc=2222)
    await receiver._handle_rtp_packet(repaired, arrival_time_ms=0)

    assert passthrough.received_counts(receiver) == {1111: passthrough.ReceivedCount(10, 3)}
