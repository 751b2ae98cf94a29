"""The only module that touches aiortc's private API.

Stock aiortc decodes every received frame in a thread per receiver and re-encodes it for
every sender: about 0.11 core per delivered audio+video stream on our machine kind
(../shared/reference/aiortc-relay.md). Forwarding the encoded frames instead costs about
0.0035 core. aiortc has no public hook for that, so this module:

* replaces the decoder factory that ``aiortc.rtcrtpreceiver.decoder_worker`` calls, so that
  receivers hand out :class:`EncodedFrame` objects instead of decoded frames;
* sends RTCP picture loss indications (PLI) to a publisher, because a forwarding relay has
  no encoder of its own to make a keyframe;
* intercepts keyframe requests that subscribers send to our senders.

aiortc is pinned to one minor version in pyproject.toml and tests/media/test_passthrough.py
checks each of these attachment points, so an upgrade that moves them fails loudly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import aiortc.rtcrtpreceiver as _receiver_module
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from media.frames import EncodedFrame

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


async def send_picture_loss(receiver: RTCRtpReceiver) -> bool:
    """Ask the publisher behind ``receiver`` for a keyframe (RTCP PLI, RFC 4585 6.3.1).

    Returns False when the receiver has not seen a media source yet.
    """
    sources = receiver.getSynchronizationSources()
    if not sources:
        return False
    await receiver._send_rtcp_pli(sources[0].source)
    return True


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call ``callback`` when the remote end of ``sender`` asks for a keyframe (PLI or FIR).

    aiortc's sender would only set a flag for its encoder, which a forwarding sender never
    runs; the relay must pass the request on to the publisher instead.
    """
    sender._send_keyframe = callback  # type: ignore[method-assign]
