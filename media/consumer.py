"""A Consumer: the outgoing track on one send transceiver of a subscriber's Transport."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from aiortc import MediaStreamTrack

from media.frames import EncodedFrame

if TYPE_CHECKING:
    from media.producer import Producer

logger = logging.getLogger(__name__)

# Frames one Consumer may hold before it sheds: ~0.5 s of either kind. A subscriber that
# falls this far behind is better served by fresh media than by growing latency.
MAX_QUEUED = {"audio": 25, "video": 15}

# A Consumer waiting for a keyframe asks its Producer again after this long without one.
KEYFRAME_RETRY_S = 1.0

# RTP clock ticks between two frames, used to continue the outgoing timeline when the
# Consumer switches Producers (48 kHz Opus in 20 ms frames; 90 kHz video at 30 fps).
FRAME_STEP = {"audio": 960, "video": 3000}


class FrameSink(Protocol):
    """Sends a Consumer's frames itself (media.passthrough.RtpForwarder), without a queue."""

    @property
    def ready(self) -> bool: ...

    def send(self, frame: EncodedFrame, pts: int) -> bool: ...


class Consumer(MediaStreamTrack):
    """Feeds one ``RTCRtpSender`` with frames of whichever Producer it is bound to.

    It lives as long as its transceiver: aiortc's sender loop ends for good when its track
    ends, and transceivers are recycled between Producers rather than removed (aiortc has
    no ``removeTrack``). Rebinding keeps the RTP timeline monotonic, because a browser
    treats a timestamp jump backwards on the same SSRC as late packets and drops them.
    Video waits for a keyframe after every (re)binding or shed, so the browser never gets
    frames it cannot decode.

    With a :class:`FrameSink` (:meth:`forward_to`), frames go out on the Producer's turn of
    the event loop, straight through the sink, and never wait in a queue: ``recv`` then has
    nothing to return and aiortc's sender loop, the reader of this track, idles. While the
    sink cannot send (the transport still connecting, the transceiver not yet negotiated to
    send), audio is dropped and video from the latest keyframe on is held (at most
    ``MAX_QUEUED`` frames) and sent first once it can; beyond that, video waits for a new
    keyframe and asks for one, again every ``KEYFRAME_RETRY_S`` until it comes.
    """

    def __init__(self, kind: str, monotonic: Callable[[], float]) -> None:
        super().__init__()
        self.kind = kind
        self._monotonic = monotonic
        self._producer: Producer | None = None
        self._queue: deque[EncodedFrame] = deque()
        self._ready = asyncio.Event()
        self._needs_keyframe = kind == "video"
        self._offset: int | None = None
        self._last_pts: int | None = None
        self._sink: FrameSink | None = None
        self._held: list[EncodedFrame] = []
        self._keyframe_asked_at: float | None = None
        self._sink_failed = False

    @property
    def producer(self) -> Producer | None:
        return self._producer

    def bind(self, producer: Producer) -> None:
        if producer.kind != self.kind:
            raise ValueError(f"a {self.kind} consumer cannot carry a {producer.kind} producer")
        self.unbind()
        self._producer = producer
        self._needs_keyframe = self.kind == "video"
        self._offset = None
        producer.add_consumer(self)
        producer.request_keyframe()
        self._keyframe_asked_at = self._monotonic()

    def unbind(self) -> None:
        if self._producer is not None:
            self._producer.remove_consumer(self)
            self._producer = None
        self._queue.clear()
        self._held = []

    def request_keyframe(self) -> None:
        """The relay needs a keyframe for this subscriber (connected, renegotiated, shed)."""
        if self._producer is not None:
            self._producer.request_keyframe()

    def subscriber_lost_picture(self) -> None:
        """The subscriber asked for a keyframe (RTCP PLI or FIR): passed on to the publisher
        within the budget every subscriber of it shares."""
        if self._producer is not None:
            self._producer.keyframe_asked_by_subscriber()

    def forward_to(self, sink: FrameSink) -> None:
        """Send every frame through ``sink`` from now on instead of queueing it for ``recv``."""
        self._sink = sink
        self._queue.clear()

    def push(self, frame: EncodedFrame) -> None:
        """Take one frame from the bound Producer (on the event loop; never blocks)."""
        if self._sink is not None:
            self._forward(self._sink, frame)
            return
        if self._needs_keyframe:
            if not frame.is_keyframe:
                return
            self._needs_keyframe = False
        if self._offset is None:
            start = 0 if self._last_pts is None else self._last_pts + FRAME_STEP[self.kind]
            self._offset = start - frame.pts
        if len(self._queue) >= MAX_QUEUED[self.kind]:
            self._queue.clear()
            if self.kind == "video":
                self._needs_keyframe = True
                self.request_keyframe()
                logger.info("Consumer(%s) fell behind; waiting for a keyframe", self.id)
                return
        self._queue.append(frame.with_pts(frame.pts + self._offset))
        self._ready.set()

    def flush(self) -> None:
        """Send held video now if the sink can (called when it may just have become ready)."""
        if self._sink is not None and self._held:
            self._send_held(self._sink)

    def _forward(self, sink: FrameSink, frame: EncodedFrame) -> None:
        if self._needs_keyframe:
            if not frame.is_keyframe:
                self._ask_again_for_keyframe(sink)
                return
            self._needs_keyframe = False
        if self._held and not self._send_held(sink):
            # Still not sendable: keep this frame with the others, if it can be decoded.
            if frame.is_keyframe:
                self._held = [frame]
            elif self._held:
                self._hold(frame)
            return
        self._send(sink, frame)

    def _send_held(self, sink: FrameSink) -> bool:
        """Send the frames held (a keyframe first) if the sink can now; False if it cannot."""
        if not sink.ready:
            return False
        held, self._held = self._held, []
        for index, frame in enumerate(held):
            if not self._send(sink, frame):
                for later in held[index + 1 :]:
                    if self._held:
                        self._hold(later)
                return False
        return True

    def _send(self, sink: FrameSink, frame: EncodedFrame) -> bool:
        """Send one frame (video: in decodable order); on failure, start holding or waiting."""
        if self._offset is None:
            start = 0 if self._last_pts is None else self._last_pts + FRAME_STEP[self.kind]
            self._offset = start - frame.pts
        pts = frame.pts + self._offset
        try:
            sent = sink.send(frame, pts)
        except Exception:
            if not self._sink_failed:
                self._sink_failed = True
                logger.exception("Consumer(%s) could not send a frame", self.id)
            sent = False
        if sent:
            self._last_pts = pts
        elif self.kind == "video":
            if frame.is_keyframe:
                self._held = [frame]
            else:
                self._wait_for_keyframe()
        return sent

    def _hold(self, frame: EncodedFrame) -> None:
        # Video only: audio is never held, it is worth nothing late.
        if frame.is_keyframe:
            self._held = [frame]
        elif len(self._held) < MAX_QUEUED["video"]:
            self._held.append(frame)
        else:
            self._wait_for_keyframe()

    def _wait_for_keyframe(self) -> None:
        self._held = []
        self._needs_keyframe = True
        self._keyframe_asked_at = None  # ask as soon as the sink can send one

    def _ask_again_for_keyframe(self, sink: FrameSink) -> None:
        """Ask for a keyframe when the last request is lost, ignored or never made.

        Browsers ignore requests that come soon after the previous one (libwebrtc: 300 ms),
        so a single request can go unanswered; until a keyframe comes the subscriber sees
        nothing and asks for nothing itself.
        """
        now = self._monotonic()
        asked = self._keyframe_asked_at
        if (asked is None or now - asked > KEYFRAME_RETRY_S) and sink.ready:
            self._keyframe_asked_at = now
            self.request_keyframe()

    async def recv(self) -> EncodedFrame:  # type: ignore[override]
        while not self._queue:
            self._ready.clear()
            await self._ready.wait()
        frame = self._queue.popleft()
        self._last_pts = frame.pts
        return frame
