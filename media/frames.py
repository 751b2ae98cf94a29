"""The unit the relay forwards: one encoded audio or video frame, never decoded."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One depayloaded frame as it came off the wire (an Opus packet or a VP8 frame).

    It quacks like ``av.Packet`` where aiortc's senders look (``bytes()``, ``pts``,
    ``time_base``), so ``RTCRtpSender`` re-packetizes it with ``encoder.pack`` instead of
    encoding. Building it costs no copy of the payload: every subscriber and the recorder
    share the same ``data``.
    """

    data: bytes
    pts: int
    time_base: Fraction
    is_keyframe: bool

    def __bytes__(self) -> bytes:
        return self.data

    def with_pts(self, pts: int) -> EncodedFrame:
        return EncodedFrame(self.data, pts, self.time_base, self.is_keyframe)
