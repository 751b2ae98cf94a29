"""A Consumer: the outgoing track on one send transceiver of a subscriber's Transport."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING

from aiortc import MediaStreamTrack

from media.frames import EncodedFrame

if TYPE_CHECKING:
    from media.producer import Producer

logger = logging.getLogger(__name__)

# Frames one Consumer may hold before it sheds: ~0.5 s of either kind. A subscriber that
# falls this far behind is better served by fresh media than by growing latency.
MAX_QUEUED = {"audio": 25, "video": 15}

# RTP clock ticks between two frames, used to continue the outgoing timeline when the
# Consumer switches Producers (48 kHz Opus in 20 ms frames; 90 kHz video at 30 fps).
FRAME_STEP = {"audio": 960, "video": 3000}


class Consumer(MediaStreamTrack):
    """Feeds one ``RTCRtpSender`` with frames of whichever Producer it is bound to.

    It lives as long as its transceiver: aiortc's sender loop ends for good when its track
    ends, and transceivers are recycled between Producers rather than removed (aiortc has
    no ``removeTrack``). Rebinding keeps the RTP timeline monotonic, because a browser
    treats a timestamp jump backwards on the same SSRC as late packets and drops them.
    Video waits for a keyframe after every (re)binding or shed, so the browser never gets
    frames it cannot decode.
    """

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self._producer: Producer | None = None
        self._queue: deque[EncodedFrame] = deque()
        self._ready = asyncio.Event()
        self._needs_keyframe = kind == "video"
        self._offset: int | None = None
        self._last_pts: int | None = None

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

    def unbind(self) -> None:
        if self._producer is not None:
            self._producer.remove_consumer(self)
            self._producer = None
        self._queue.clear()

    def request_keyframe(self) -> None:
        """Called when the subscriber reports a lost picture; passed on to the publisher."""
        if self._producer is not None:
            self._producer.request_keyframe()

    def push(self, frame: EncodedFrame) -> None:
        """Take one frame from the bound Producer (on the event loop; never blocks)."""
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

    async def recv(self) -> EncodedFrame:  # type: ignore[override]
        while not self._queue:
            self._ready.clear()
            await self._ready.wait()
        frame = self._queue.popleft()
        self._last_pts = frame.pts
        return frame
