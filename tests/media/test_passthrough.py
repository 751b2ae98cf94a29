"""The private aiortc attachment points the relay depends on.

aiortc is pinned to one minor version; if an upgrade moves any of these, these tests name
what moved instead of the relay silently decoding again or dropping keyframe requests.
"""

from __future__ import annotations

import inspect
from fractions import Fraction

import aiortc.rtcrtpreceiver as receiver_module
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.codecs import get_encoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from media import passthrough
from media.frames import EncodedFrame

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
OPUS = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111)


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
    sender = RTCRtpSender("video", transport=_FakeTransport())
    passthrough.on_keyframe_request(sender, lambda: calls.append("pli"))
    sender._send_keyframe()

    assert calls == ["pli"]


class _FakeTransport:
    """Just enough of an RTCDtlsTransport for a sender that never starts."""

    class _Ice:
        role = "controlling"

    transport = _Ice()
    state = "new"
