"""The only module that touches aiortc's private API.

Stock aiortc decodes every received frame in a thread per receiver and re-encodes it for
every sender: about 0.11 core per delivered audio+video stream on our machine kind
(../shared/reference/aiortc-relay.md). Forwarding the encoded frames instead costs about
0.0035 core. aiortc has no public hook for that, so this module:

* replaces the decoder factory that ``aiortc.rtcrtpreceiver.decoder_worker`` calls, so that
  receivers hand out :class:`EncodedFrame` objects instead of decoded frames, and lets the
  relay's receivers do so on the event loop, without the hop through a decoder thread;
* sends RTCP picture loss indications (PLI) to a publisher, because a forwarding relay has
  no encoder of its own to make a keyframe;
* intercepts keyframe requests that subscribers send to our senders;
* routes received RTP of a stream not yet known by its MID (:func:`route_by_mid`), so a
  publisher's second video track (a shared screen) never lands on its camera's receiver;
* sends forwarded frames on a sender's RTP stream itself (:class:`RtpForwarder`), instead
  of through ``RTCRtpSender``'s per-packet loop: the relay's cost is almost all per-packet
  Python work, and most of that loop's work is the same for every packet.

aiortc is pinned to one minor version in pyproject.toml and tests/media/test_passthrough.py
checks each of these attachment points, so an upgrade that moves them fails loudly.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import random
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import aiortc.rtcrtpreceiver as _receiver_module
from aiortc import MediaStreamTrack, RTCRtpReceiver, RTCRtpSender, RTCRtpTransceiver
from aiortc.codecs import get_encoder, is_rtx
from aiortc.codecs.base import Encoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import convert_timebase
from aiortc.rtcdtlstransport import RtpRouter
from aiortc.rtcrtpparameters import RTCRtpCodecParameters, RTCRtpSendParameters
from aiortc.rtcrtpsender import random_sequence_number
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_RTPFB_NACK,
    RTP_HISTORY_SIZE,
    AnyRtcpPacket,
    HeaderExtensions,
    HeaderExtensionsMap,
    RtcpPsfbPacket,
    RtcpRtpfbPacket,
    RtpPacket,
    pack_remb_fci,
    unpack_remb_fci,
    wrap_rtx,
)
from aiortc.utils import random32

from media.budget import TokenBucket
from media.frames import EncodedFrame
from media.settings import MediaSettings

logger = logging.getLogger(__name__)

_original_get_decoder: Any = None

# The module global that aiortc's receiver thread (``decoder_worker``) calls per codec.
_DECODER_FACTORY = "get_decoder"


def _hooks() -> dict[str, Any]:
    return vars(_receiver_module)


class PassthroughDecoder:
    """Stands where aiortc expects a decoder and wraps the bytes instead of decoding them."""

    def __init__(self, codec: RTCRtpCodecParameters) -> None:
        mime = codec.mimeType.lower()
        self._time_base = Fraction(1, codec.clockRate)
        self._is_video = mime.startswith("video/")
        self._is_vp8 = mime == "video/vp8"

    def decode(self, encoded_frame: JitterFrame) -> list[EncodedFrame]:
        data = encoded_frame.data
        if not data:
            return []
        # RFC 6386 section 9.1: bit 0 of the VP8 frame tag is 0 for a key frame.
        # Audio frames are all independently decodable for our purposes.
        is_keyframe = not self._is_video or (self._is_vp8 and not data[0] & 0x01)
        return [EncodedFrame(data, encoded_frame.timestamp, self._time_base, is_keyframe)]


def install() -> None:
    """Make every receiver in this process forward encoded frames. Idempotent.

    Process-wide by necessity (aiortc looks the factory up as a module global): run the relay
    in its own process, never next to code that needs decoded frames from aiortc.
    """
    global _original_get_decoder
    if _original_get_decoder is None:
        _original_get_decoder = _hooks()[_DECODER_FACTORY]
    _hooks()[_DECODER_FACTORY] = PassthroughDecoder


def uninstall() -> None:
    """Restore aiortc's decoders (tests and benchmarks that compare with stock aiortc)."""
    global _original_get_decoder
    if _original_get_decoder is not None:
        _hooks()[_DECODER_FACTORY] = _original_get_decoder
        _original_get_decoder = None


def is_installed() -> bool:
    return _hooks().get(_DECODER_FACTORY) is PassthroughDecoder


_original_route_rtp: Any = None


def route_by_mid() -> None:
    """Route RTP of an SSRC not seen before by its MID header extension (RFC 8843) when it
    has one, instead of by payload type. Process-wide; idempotent.

    aiortc binds an unknown SSRC to the one receiver registered for its payload type. A
    publisher starts sending on a new m-line as soon as it has answered, before the relay
    has applied that answer and registered the m-line's receiver; while its camera is the
    only video receiver, the first packets of a newly shared screen (its keyframe among
    them) would be taken for the camera's, and the camera's picture would break for every
    subscriber until its next keyframe. With the MID, such packets are dropped until their
    own receiver is registered (the publisher resends a keyframe when asked). Packets
    without a MID (libwebrtc stops sending it once its SSRC is acknowledged) go the usual
    way, by the SSRC then known.
    """
    global _original_route_rtp
    if _original_route_rtp is not None:
        return
    original = RtpRouter.route_rtp
    _original_route_rtp = original

    def route_rtp(self: RtpRouter, packet: RtpPacket) -> Any:
        mid = packet.extensions.mid
        if mid is None or packet.ssrc in self.ssrc_table:
            return original(self, packet)
        receiver = self.mid_table.get(mid)
        if receiver is not None:
            self.ssrc_table[packet.ssrc] = receiver
        return receiver

    RtpRouter.route_rtp = route_rtp  # type: ignore[method-assign]


# The receiver's queue to its decoder thread, and the thread (None until receive()).
_RECEIVER_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_RECEIVER_DECODER_THREAD = "_RTCRtpReceiver__decoder_thread"


class _InlineDecoding:
    """Stands in for a receiver's decoder queue: wraps each frame at once, on the loop.

    aiortc hands every complete frame to a decoder thread through a ``queue.Queue``, and
    the thread hands the result back with ``run_coroutine_threadsafe``: two thread switches
    and a wake-up of the event loop per frame, to wrap bytes. Here ``put`` (called by the
    receiver on the event loop) does the wrapping and feeds the track's queue directly.
    The decoder thread still runs, idle in :meth:`get`, until aiortc stops the receiver:
    then it ends the track as it always does.
    """

    def __init__(self, output: asyncio.Queue[Any]) -> None:
        self._output = output
        self._decoder: PassthroughDecoder | None = None
        self._codec_name: str | None = None
        self._end: queue.Queue[None] = queue.Queue()

    def put(self, task: tuple[RTCRtpCodecParameters, JitterFrame] | None) -> None:
        if task is None:
            self._end.put(None)
            return
        codec, encoded_frame = task
        try:
            if self._decoder is None or codec.name != self._codec_name:
                self._decoder, self._codec_name = PassthroughDecoder(codec), codec.name
            for frame in self._decoder.decode(encoded_frame):
                self._output.put_nowait(frame)
        except Exception:
            # This runs in aiortc's RTP receive path on the event loop (no decoder thread to
            # absorb it): drop the frame rather than break the transport's receive loop.
            logger.exception("could not hand out a received frame; dropped")

    def get(self) -> None:
        return self._end.get()


def decode_inline(receiver: RTCRtpReceiver) -> bool:
    """Make ``receiver`` hand out :class:`EncodedFrame` objects without its decoder thread.

    Call it between the receiver getting its track and aiortc starting it: in the peer
    connection's "track" event. Returns False, and leaves the receiver to :func:`install`'s
    decoder factory, otherwise.
    """
    track: MediaStreamTrack | None = receiver.track  # None until a description gives one
    if track is None or getattr(receiver, _RECEIVER_DECODER_THREAD) is not None:
        return False
    output = track._queue  # type: ignore[attr-defined]
    setattr(receiver, _RECEIVER_DECODER_QUEUE, _InlineDecoding(output))
    return True


async def send_picture_loss(receiver: RTCRtpReceiver) -> bool:
    """Ask the publisher behind ``receiver`` for a keyframe (RTCP PLI, RFC 4585 6.3.1).

    Returns False when the receiver has not seen a media source yet.
    """
    sources = receiver.getSynchronizationSources()
    if not sources:
        return False
    await receiver._send_rtcp_pli(sources[0].source)
    return True


# The receiver's RTCP SSRC, set once its transport is started (None before).
_RECEIVER_RTCP_SSRC = "_RTCRtpReceiver__rtcp_ssrc"


def cap_bitrate_estimate(receiver: RTCRtpReceiver, max_bitrate: int) -> None:
    """Never let ``receiver`` tell its publisher it may send more than ``max_bitrate`` bit/s.

    aiortc's receiver estimates the publisher's bandwidth (abs-send-time) and sends it as
    REMB (RTCP PSFB APP, draft-alvestrand-rmcat-remb), which browsers take as the most they
    may send: the relay's REMB is clamped to the cap on its way out.
    """
    send_rtcp = receiver._send_rtcp

    async def clamped(packet: AnyRtcpPacket) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            try:
                bitrate, ssrcs = unpack_remb_fci(packet.fci)
            except ValueError:
                pass
            else:
                if bitrate > max_bitrate:
                    packet.fci = pack_remb_fci(max_bitrate, ssrcs)
        await send_rtcp(packet)

    receiver._send_rtcp = clamped  # type: ignore[method-assign]


async def send_bitrate_estimate(receiver: RTCRtpReceiver, bitrate: int) -> bool:
    """Tell the publisher behind ``receiver`` it may send ``bitrate`` bit/s (RTCP REMB).

    aiortc's own estimate goes out only once it has one, and only when the publisher sends
    abs-send-time: the cap is said at once. False before a media source is known.
    """
    sources = receiver.getSynchronizationSources()
    rtcp_ssrc = getattr(receiver, _RECEIVER_RTCP_SSRC)
    if not sources or rtcp_ssrc is None:
        return False
    packet = RtcpPsfbPacket(fmt=RTCP_PSFB_APP, ssrc=rtcp_ssrc, media_ssrc=0)
    packet.fci = pack_remb_fci(bitrate, [sources[0].source])
    await receiver._send_rtcp(packet)
    return True


# What a receiver counts of each stream it receives, by SSRC (aiortc's StreamStatistics, from
# which its receiver reports are made), and which SSRCs carry retransmissions (RTX).
_RECEIVER_STREAMS = "_RTCRtpReceiver__remote_streams"
_RECEIVER_RTX_SSRCS = "_RTCRtpReceiver__rtx_ssrc"


@dataclass(frozen=True, slots=True)
class ReceivedCount:
    """Packets of one received stream so far: expected (from the sequence numbers) and lost
    (expected but never arrived; RFC 3550 A.3), as the relay's receiver reports say them."""

    expected: int
    lost: int


def received_counts(receiver: RTCRtpReceiver) -> dict[int, ReceivedCount]:
    """What ``receiver`` has received of each media stream (by SSRC), before retransmission.

    Its public ``getStats`` names every SSRC of a receiver with one id, so the report keeps
    only the last: the retransmission (RTX) stream, once the relay has asked for a packet
    again. RTX streams are left out here: a repaired packet arrives on its own SSRC, and
    the media SSRC counts each packet's first arrival only, so its loss is the link's.
    """
    streams = getattr(receiver, _RECEIVER_STREAMS)
    rtx = getattr(receiver, _RECEIVER_RTX_SSRCS)
    return {
        ssrc: ReceivedCount(stream.packets_expected, stream.packets_lost)
        for ssrc, stream in streams.items()
        if ssrc not in rtx and stream.max_seq is not None
    }


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call ``callback`` when the remote end of ``sender`` asks for a keyframe (PLI or FIR).

    aiortc's sender would only set a flag for its encoder, which a forwarding sender never
    runs; the relay must pass the request on to the publisher instead.
    """
    sender._send_keyframe = callback  # type: ignore[method-assign]


# --- Sending: RtpForwarder -------------------------------------------------------------

_HEADER = struct.Struct("!BBHII")  # V=2|P|X|CC, M|PT, sequence number, timestamp, SSRC
_SEQUENCE = struct.Struct("!H")
_MARKER = 0x80
_NTP_UNIX_OFFSET_S = 2_208_988_800  # 1900-01-01 to 1970-01-01
_SENDING = ("sendonly", "sendrecv")

# aiortc's VP8 packetizer (aiortc/codecs/vpx.py): packets of at most 1300 bytes of payload,
# each starting with a 4-byte descriptor: X=1, S=1 on a frame's first packet, PID=0, I=1,
# and a 15-bit picture id (M=1) that counts frames per stream.
_VP8_PACKET_MAX = 1300
_VP8_DESCRIPTOR_SIZE = 4
_VP8_CHUNK = _VP8_PACKET_MAX - _VP8_DESCRIPTOR_SIZE
_VP8_FIRST = b"\x90\x80"
_VP8_NEXT = b"\x80\x80"

# The sender report that aiortc's RTCP task sends (RTCRtpSender._run_rtcp) reads these
# counters of the sender; the forwarder keeps them as aiortc's RTP loop would.
_SENDER_NTP = "_RTCRtpSender__ntp_timestamp"
_SENDER_RTP_TIMESTAMP = "_RTCRtpSender__rtp_timestamp"
_SENDER_PACKETS = "_RTCRtpSender__packet_count"
_SENDER_OCTETS = "_RTCRtpSender__octet_count"
# The DTLS transport's own counters (its getStats), kept as its _send_rtp would.
_DTLS_TX_BYTES = "_RTCDtlsTransport__tx_bytes"
_DTLS_TX_PACKETS = "_RTCDtlsTransport__tx_packets"

_Route = tuple[Callable[[bytes], bytes], Callable[[bytes, Any], None], Any, Any]

# What NACKs can make one forwarder send again (the security review's M6): aiortc answers
# every sequence number of every NACK, so a 1.2 KB NACK listing the whole history made
# about 150 KB of retransmissions, as often as a subscriber cared to send one. A real loss
# is a few packets; a burst loss on a 2.5 Mbit/s screen share is a few dozen.
MAX_NACKED_PER_PACKET = 64  # sequence numbers answered of one NACK, the oldest first
RETRANSMIT_PACKETS_PER_S = 100
RETRANSMIT_BURST_PACKETS = 64
RETRANSMIT_BYTES_PER_S = 125_000  # 1 Mbit/s
RETRANSMIT_BURST_BYTES = 80_000


def ntp_now() -> int:
    """The current time as a 64-bit NTP timestamp (what aiortc's clock.current_ntp_time gives)."""
    # RTCP sender reports carry the sender's wall clock by definition (RFC 3550 6.4.1); it
    # is never a stamp of the record.
    seconds, nanoseconds = divmod(time.time_ns(), 1_000_000_000)  # noqa: TID251
    return ((seconds + _NTP_UNIX_OFFSET_S) << 32) | ((nanoseconds << 32) // 1_000_000_000)


class RtpForwarder:
    """Sends encoded frames on one ``RTCRtpSender``'s RTP stream, synchronously.

    aiortc's sender loop (``RTCRtpSender._run_rtp``) is built for encoders: per frame and
    subscriber it wakes a task, and per packet it builds an ``RtpPacket``, serializes its
    header extensions through a map, reads the NTP clock through ``datetime`` twice, and
    awaits a chain of four coroutines down to ``sendto``. That loop was most of the relay's
    CPU. The forwarder writes the same bytes with the constant parts prepared once: the
    caller (the Producer's fan-out, through a Consumer) packetizes, protects with the DTLS
    transport's SRTP session and hands each packet to the selected ICE pair's socket, with
    no task switch and no await.

    What goes on the wire is what aiortc would send (tests/media/test_passthrough.py compares
    the bytes): the sender's SSRC and payload type, its negotiated header extensions (mid,
    abs-send-time), aiortc's VP8 payload descriptors with a picture id per stream, the
    marker bit on each frame's last packet, a random initial sequence number and timestamp.
    Everything else stays aiortc's: the sender's RTCP task sends sender reports from the
    counters this forwarder keeps up to date, and its RTCP handler still takes receiver
    reports, REMB and keyframe requests. NACKs are answered from this forwarder's history of
    the last 128 packets (aiortc's size), as RTX when negotiated, like aiortc's own, but
    within a budget (below).

    Retransmissions are bounded per forwarder (subscriber and track): at most
    MAX_NACKED_PER_PACKET of one NACK, and a budget of packets and bytes a second beyond
    which NACKed packets are not sent again (counted in ``retransmits_refused``).

    The sender's RTP loop keeps running (it owns the sender's lifecycle) but idles: its
    track is a Consumer that hands no frames to it while a forwarder carries them.
    """

    def __init__(
        self,
        transceiver: RTCRtpTransceiver,
        on_ready: Callable[[], None] | None = None,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        """Take over ``transceiver``'s sender; ``on_ready`` runs each time aiortc starts it.

        aiortc calls the sender's ``send()`` after every negotiation that leaves the
        transceiver sending, once the transport is connected: the moment frames can go out.
        """
        self._transceiver = transceiver
        self._sender = sender = transceiver.sender
        self._payload_type: int | None = None
        self._time_base = Fraction(1, 1)
        self._frame_time_base: Fraction | None = None  # a time base known to equal it
        self._packer: Callable[[EncodedFrame, int], list[bytes]] = self._pack_whole
        self._encoder: Encoder | None = None
        self._rtx_payload_type: int | None = None
        self._extensions_map = HeaderExtensionsMap()
        self._first_byte = 0x80
        self._extension_head = b""  # the header extension block up to abs-send-time ...
        self._extension_tail: bytes | None = None  # ... and after it; None: not negotiated
        self._header_size = _HEADER.size
        self._ssrc: int = sender._ssrc
        self._sequence = random_sequence_number()
        self._timestamp_origin = random32()
        self._picture_id = random.randint(0, (1 << 15) - 1)
        self._rtx_sequence = random_sequence_number()
        self._history: list[bytes | None] = [None] * RTP_HISTORY_SIZE
        clock = monotonic or MediaSettings().monotonic
        self._retransmit_packets = TokenBucket(
            RETRANSMIT_PACKETS_PER_S, RETRANSMIT_BURST_PACKETS, clock
        )
        self._retransmit_bytes = TokenBucket(RETRANSMIT_BYTES_PER_S, RETRANSMIT_BURST_BYTES, clock)
        self.retransmitted = 0  # packets sent again on a NACK
        self.retransmits_refused = 0  # NACKed packets not sent again: over the budget

        # aiortc calls send() with the negotiated parameters after each negotiation that
        # leaves the transceiver sending; like aiortc's sender, the first call configures.
        original_send = sender.send

        async def send(parameters: RTCRtpSendParameters) -> None:
            if self._payload_type is None:
                self._configure(parameters)
            await original_send(parameters)
            if on_ready is not None:
                on_ready()

        sender.send = send  # type: ignore[method-assign]
        sender._retransmit = self._retransmit  # type: ignore[method-assign]
        handle_rtcp = sender._handle_rtcp_packet

        async def handle_rtcp_packet(packet: AnyRtcpPacket) -> None:
            if isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
                self.answer_nack(packet.lost)
            else:
                await handle_rtcp(packet)

        sender._handle_rtcp_packet = handle_rtcp_packet  # type: ignore[method-assign]

    @property
    def ready(self) -> bool:
        """Whether a frame handed to :meth:`send` now would go on the wire."""
        return self._route() is not None

    def send(self, frame: EncodedFrame, pts: int) -> bool:
        """Send ``frame`` with presentation time ``pts``; False if it could not go out.

        A frame is not sent before aiortc has started the sender, while its transceiver is
        not negotiated to send, or when the transport is not connected.
        """
        route = self._route()
        if route is None:
            return False
        protect, sendto, address, dtls = route
        time_base = frame.time_base
        if time_base is not self._frame_time_base:
            if time_base != self._time_base:
                pts = convert_timebase(pts, time_base, self._time_base)
            else:
                self._frame_time_base = time_base  # the usual case, checked once
        timestamp = (self._timestamp_origin + pts) & 0xFFFFFFFF
        ntp = ntp_now()
        packets = self.packetize(frame, timestamp, ntp)
        history = self._history
        sent_bytes = 0
        for packet in packets:
            history[_SEQUENCE.unpack_from(packet, 2)[0] % RTP_HISTORY_SIZE] = packet
            data = protect(packet)
            sendto(data, address)
            sent_bytes += len(data)
        self._count(packets, timestamp, ntp, dtls, sent_bytes)
        return True

    def packetize(self, frame: EncodedFrame, timestamp: int, ntp: int) -> list[bytes]:
        """The RTP packets (not yet SRTP-protected) of one frame; advances the stream."""
        payloads = self._packer(frame, timestamp)
        if not payloads:
            return []
        if self._extension_tail is None:
            extension = self._extension_head
        else:
            abs_send_time = ((ntp >> 14) & 0xFFFFFF).to_bytes(3, "big")
            extension = b"".join((self._extension_head, abs_send_time, self._extension_tail))
        pack_header = _HEADER.pack
        first_byte, payload_type, ssrc = self._first_byte, self._payload_type or 0, self._ssrc
        sequence = self._sequence
        last = len(payloads) - 1
        packets = []
        for index, payload in enumerate(payloads):
            header = pack_header(
                first_byte,
                payload_type | _MARKER if index == last else payload_type,
                sequence,
                timestamp,
                ssrc,
            )
            packets.append(b"".join((header, extension, payload)))
            sequence = (sequence + 1) & 0xFFFF
        self._sequence = sequence
        return packets

    def _route(self) -> _Route | None:
        if self._payload_type is None or self._transceiver.currentDirection not in _SENDING:
            return None
        dtls = self._sender.transport
        if dtls.state != "connected":
            return None
        pair = dtls.transport._connection._nominated.get(1)
        if pair is None:
            return None
        return dtls._tx_srtp.protect, pair.protocol.transport.sendto, pair.remote_addr, dtls

    def _count(
        self, packets: list[bytes], timestamp: int, ntp: int, dtls: Any, sent_bytes: int
    ) -> None:
        sender = self._sender
        # aiortc counts payload octets, without the RTP header.
        octets = sum(map(len, packets)) - self._header_size * len(packets)
        setattr(sender, _SENDER_NTP, ntp)
        setattr(sender, _SENDER_RTP_TIMESTAMP, timestamp)
        setattr(sender, _SENDER_PACKETS, getattr(sender, _SENDER_PACKETS) + len(packets))
        setattr(sender, _SENDER_OCTETS, getattr(sender, _SENDER_OCTETS) + octets)
        setattr(dtls, _DTLS_TX_BYTES, getattr(dtls, _DTLS_TX_BYTES) + sent_bytes)
        setattr(dtls, _DTLS_TX_PACKETS, getattr(dtls, _DTLS_TX_PACKETS) + len(packets))

    def _configure(self, parameters: RTCRtpSendParameters) -> None:
        codec = parameters.codecs[0]
        mime = codec.mimeType.lower()
        self._time_base = Fraction(1, codec.clockRate)
        if mime == "video/vp8":
            self._packer = self._pack_vp8
        elif mime == "audio/opus":
            self._packer = self._pack_whole
        else:
            self._encoder = get_encoder(codec)
            self._packer = self._pack_with_encoder
        for candidate in parameters.codecs:
            if is_rtx(candidate) and candidate.parameters["apt"] == codec.payloadType:
                self._rtx_payload_type = candidate.payloadType
                break
        # The header extensions as aiortc serializes them, with abs-send-time (if it was
        # negotiated) located by serializing twice with different times.
        self._extensions_map.configure(parameters)
        values = HeaderExtensions()
        values.mid = parameters.muxId
        values.abs_send_time = 0
        profile, zeros = self._extensions_map.set(values)
        values.abs_send_time = 0xFFFFFF
        _, ones = self._extensions_map.set(values)
        if zeros:
            block = struct.pack("!HH", profile, len(zeros) >> 2) + zeros
            self._first_byte = 0x90
            changed = [i for i, (a, b) in enumerate(zip(zeros, ones, strict=True)) if a != b]
            if changed:
                start = 4 + changed[0]
                self._extension_head = block[:start]
                self._extension_tail = block[start + 3 :]
            else:
                self._extension_head = block
            self._header_size += len(block)
        self._payload_type = codec.payloadType

    def _pack_whole(self, frame: EncodedFrame, timestamp: int) -> list[bytes]:
        return [frame.data]

    def _pack_vp8(self, frame: EncodedFrame, timestamp: int) -> list[bytes]:
        data = frame.data
        picture_id = self._picture_id
        self._picture_id = (picture_id + 1) & 0x7FFF
        tail = (0x8000 | picture_id).to_bytes(2, "big")
        first, following = _VP8_FIRST + tail, _VP8_NEXT + tail
        return [
            (following if start else first) + data[start : start + _VP8_CHUNK]
            for start in range(0, len(data), _VP8_CHUNK)
        ]

    def _pack_with_encoder(self, frame: EncodedFrame, timestamp: int) -> list[bytes]:
        # Codecs the relay does not negotiate today: aiortc's own packetizer.
        assert self._encoder is not None
        payloads, _ = self._encoder.pack(frame)  # type: ignore[arg-type]
        return payloads

    def answer_nack(self, lost: list[int]) -> None:
        """Send again what a NACK lists and the history still holds, within the budget."""
        for sequence_number in dict.fromkeys(lost[:MAX_NACKED_PER_PACKET]):
            if not self._resend(sequence_number):
                return

    async def _retransmit(self, sequence_number: int) -> None:
        """Answer a NACK like ``RTCRtpSender._retransmit``, from this forwarder's history."""
        self._resend(sequence_number)

    def _resend(self, sequence_number: int) -> bool:
        """Send one packet again if the history holds it; False once over the budget."""
        packet = self._history[sequence_number % RTP_HISTORY_SIZE]
        if packet is None or _SEQUENCE.unpack_from(packet, 2)[0] != sequence_number:
            return True
        route = self._route()
        if route is None:
            return True
        # A packet goes again only if both budgets allow it; the bytes are checked first,
        # so a refused packet takes nothing from either.
        if self._retransmit_bytes.wait_s(len(packet)) > 0 or not self._retransmit_packets.take():
            self.retransmits_refused += 1
            return False
        self._retransmit_bytes.take(len(packet))
        if self._rtx_payload_type is not None:
            rtx = wrap_rtx(
                RtpPacket.parse(packet, self._extensions_map),
                payload_type=self._rtx_payload_type,
                sequence_number=self._rtx_sequence,
                ssrc=self._sender._rtx_ssrc,
            )
            self._rtx_sequence = (self._rtx_sequence + 1) & 0xFFFF
            packet = rtx.serialize(self._extensions_map)
        protect, sendto, address, dtls = route
        data = protect(packet)
        sendto(data, address)
        self.retransmitted += 1
        setattr(dtls, _DTLS_TX_BYTES, getattr(dtls, _DTLS_TX_BYTES) + len(data))
        setattr(dtls, _DTLS_TX_PACKETS, getattr(dtls, _DTLS_TX_PACKETS) + 1)
        return True
