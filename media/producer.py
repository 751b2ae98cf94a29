"""A Producer: one incoming track of one endpoint, fanned out to Consumers and taps."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiortc import MediaStreamTrack, RTCRtpReceiver
from aiortc.mediastreams import MediaStreamError

from media import passthrough
from media.budget import TokenBucket
from media.frames import EncodedFrame

if TYPE_CHECKING:
    from media.consumer import Consumer

logger = logging.getLogger(__name__)

FrameTap = Callable[[EncodedFrame], None]


def producer_id(endpoint_id: str, source: str) -> str:
    """``<endpoint>:<source>``: one Producer per endpoint and source at a time."""
    return f"{endpoint_id}:{source}"


# Browsers answer a PLI within a frame or two; asking more often than this only makes
# them send keyframes back to back, which costs bandwidth for every subscriber.
KEYFRAME_REQUEST_INTERVAL_S = 0.3
# Sustained, fewer still for what subscribers ask: any subscriber's PLI or FIR becomes a
# request to the publisher, so without this one observer could keep the judge's camera at
# about three keyframes a second for everyone (the security review's M6). A few losses at
# once are still answered at once; beyond that subscribers together get one keyframe a
# second from a publisher. The relay's own requests (a subscriber bound or connected, a
# recording started) are not counted: they follow joins and commands, which signaling
# limits, and a new subscriber's picture must not wait for an attacker's budget.
KEYFRAME_REQUESTS_PER_S = 1.0
KEYFRAME_REQUEST_BURST = 3

# Audio's hard limit (bit/s): Opus never exceeds 510 kbit/s, so this stops only a crafted
# publisher filling the recording with "audio"; an honest one's audio is never touched,
# whatever its video does (each has its own budget).
MAX_AUDIO_BITRATE = 512_000


def bitrate_budget(bitrate: int, monotonic: Callable[[], float]) -> TokenBucket:
    """Bytes a second for ``bitrate`` bit/s, with one second of slack (a keyframe)."""
    return TokenBucket(bitrate / 8, bitrate / 8, monotonic)


def advertised_bitrate(max_video_bitrate: int) -> int:
    """What each video track is asked to stay under (REMB): 3/8 of the publisher's cap."""
    return max_video_bitrate * 3 // 8


class Producer:
    """Reads one received track for as long as it lives and hands every frame on.

    The track is drained whether or not anyone consumes it: aiortc queues received frames
    without bound otherwise (aiortc-relay.md, gotcha G5).
    """

    def __init__(
        self,
        *,
        endpoint_id: str,
        track: MediaStreamTrack,
        receiver: RTCRtpReceiver,
        on_closed: Callable[[Producer], None],
        source: str | None = None,
        monotonic: Callable[[], float],
        budget: TokenBucket | None = None,
        advertised_bitrate: int | None = None,
    ) -> None:
        """``budget`` (bytes) bounds what is forwarded and recorded: a publisher's video
        tracks share one (MediaSettings.max_video_bitrate); audio has its own. A video
        track is asked (REMB) to stay under ``advertised_bitrate`` bit/s."""
        self.endpoint_id = endpoint_id
        self._monotonic = monotonic
        self.kind: str = track.kind
        # What the track is to its subscribers: "audio", "video" (the camera) or "screen"
        # (a second video track); Consumers only care about ``kind``.
        self.source: str = source or track.kind
        self.id = producer_id(endpoint_id, self.source)
        self._track = track
        self._receiver = receiver
        self._on_closed = on_closed
        self._consumers: set[Consumer] = set()
        self._taps: list[FrameTap] = []
        self._closed = False
        self._paused = False
        # When the last frame arrived (monotonic): a silent publisher is a lost connection.
        self.last_frame_at = monotonic()
        self._last_keyframe_request = 0.0
        self._keyframe_budget = TokenBucket(
            KEYFRAME_REQUESTS_PER_S, KEYFRAME_REQUEST_BURST, monotonic
        )
        self.keyframe_requests_sent = 0
        self._pending_keyframe_request: asyncio.TimerHandle | None = None
        self._pending_is_budgeted = False
        self._keyframe_tasks: set[asyncio.Task[bool]] = set()
        if budget is None and self.kind == "audio":
            budget = bitrate_budget(MAX_AUDIO_BITRATE, monotonic)
        self._budget = budget
        self._over_budget = False
        self._advertised_bitrate = advertised_bitrate if self.kind == "video" else None
        if self._advertised_bitrate is not None:
            passthrough.cap_bitrate_estimate(receiver, self._advertised_bitrate)
        # Over the budget: frames and bytes not forwarded nor recorded, and how many times
        # the publisher went over (each logged once).
        self.dropped_frames = 0
        self.dropped_bytes = 0
        self.times_over_budget = 0
        self._drain = asyncio.get_running_loop().create_task(self._run(), name=f"drain {self.id}")

    @property
    def is_closed(self) -> bool:
        return self._closed

    @property
    def over_budget(self) -> bool:
        """Whether the publisher is past its bitrate budget (its frames are being dropped)."""
        return self._over_budget

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        """Stop handing frames to Consumers and taps (the court muted the participant).

        The track is still drained; nothing received while paused is forwarded or recorded.
        """
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        # A video subscriber needs a keyframe to show anything after the pause.
        self.request_keyframe()

    def consumers(self) -> list[Consumer]:
        return list(self._consumers)

    def rehome(self, on_closed: Callable[[Producer], None]) -> None:
        """Report the end of this Producer to another Router from now on (a transfer)."""
        self._on_closed = on_closed

    def add_consumer(self, consumer: Consumer) -> None:
        self._consumers.add(consumer)

    def remove_consumer(self, consumer: Consumer) -> None:
        self._consumers.discard(consumer)

    def add_tap(self, tap: FrameTap) -> Callable[[], None]:
        """Also hand every frame to ``tap`` (the recorder); returns the function that removes it.

        A tap runs on the event loop for every frame, so it must only enqueue.
        """
        self._taps.append(tap)

        def remove() -> None:
            if tap in self._taps:
                self._taps.remove(tap)

        return remove

    def request_keyframe(self) -> None:
        """Ask the publisher for a keyframe because the relay needs one (a subscriber bound
        or connected, a recording started), at most once per interval.

        A request inside the interval is not dropped but deferred to its end: the
        subscriber that asked still needs its keyframe.
        """
        self._ask_for_keyframe(budgeted=False)

    def keyframe_asked_by_subscriber(self) -> None:
        """Ask the publisher for a keyframe because a subscriber said it lost the picture
        (RTCP PLI or FIR): as :meth:`request_keyframe`, and within a budget shared by every
        subscriber (KEYFRAME_REQUESTS_PER_S), so that no subscriber can make a publisher
        send keyframes faster than that. Over the budget the request waits for it."""
        self._ask_for_keyframe(budgeted=True)

    def _ask_for_keyframe(self, *, budgeted: bool) -> None:
        if self.kind != "video" or self._closed:
            return
        pending = self._pending_keyframe_request
        if pending is not None:
            if budgeted or not self._pending_is_budgeted:
                return  # one is on its way as soon as allowed; it serves this one too
            pending.cancel()  # the relay's own request need not wait for the budget
            self._pending_keyframe_request = None
        since = self._monotonic() - self._last_keyframe_request
        wait = KEYFRAME_REQUEST_INTERVAL_S - since
        if budgeted:
            wait = max(wait, self._keyframe_budget.wait_s())
        if wait <= 0:
            self._send_keyframe_request(budgeted=budgeted)
        else:
            loop = asyncio.get_running_loop()
            self._pending_is_budgeted = budgeted
            self._pending_keyframe_request = loop.call_later(wait, self._deferred_request)

    def _deferred_request(self) -> None:
        self._pending_keyframe_request = None
        self._ask_for_keyframe(budgeted=self._pending_is_budgeted)

    def _send_keyframe_request(self, *, budgeted: bool) -> None:
        if budgeted:
            self._keyframe_budget.take()
        self._last_keyframe_request = self._monotonic()
        self.keyframe_requests_sent += 1
        task = asyncio.get_running_loop().create_task(passthrough.send_picture_loss(self._receiver))
        self._keyframe_tasks.add(task)
        task.add_done_callback(self._keyframe_tasks.discard)

    async def _run(self) -> None:
        try:
            while True:
                frame = await self._track.recv()
                if not isinstance(frame, EncodedFrame):
                    # Only possible if the passthrough hook was not installed: fail loudly
                    # rather than relay decoded frames that the senders would re-encode.
                    raise TypeError(f"relay received {type(frame).__name__}, not EncodedFrame")
                self.last_frame_at = self._monotonic()
                if self._advertised_bitrate is not None:
                    self._advertise(self._advertised_bitrate)
                if not self._paused and self._within_budget(frame):
                    self._hand_on(frame)
        except MediaStreamError:
            logger.debug("Producer(%s) track ended", self.id)
        except asyncio.CancelledError:
            pass
        finally:
            self._finish()

    def _hand_on(self, frame: EncodedFrame) -> None:
        for consumer in tuple(self._consumers):
            try:
                consumer.push(frame)
            except Exception:
                # One subscriber's broken connection must never stop the others'.
                logger.exception("Producer(%s) could not push to a consumer", self.id)
        for tap in tuple(self._taps):
            try:
                tap(frame)
            except Exception:
                logger.exception("Producer(%s) tap failed; removing it", self.id)
                self._taps.remove(tap)

    def _advertise(self, bitrate: int) -> None:
        """Tell the publisher the cap once, as soon as its first frame names its source."""
        self._advertised_bitrate = None
        task = asyncio.get_running_loop().create_task(
            passthrough.send_bitrate_estimate(self._receiver, bitrate)
        )
        self._keyframe_tasks.add(task)
        task.add_done_callback(self._keyframe_tasks.discard)

    def _within_budget(self, frame: EncodedFrame) -> bool:
        """Whether ``frame`` may be forwarded and recorded.

        Past the budget, video is dropped until a keyframe fits again (a delta frame after
        a gap cannot be decoded); the publisher is asked for one, within the keyframe
        budget. Audio frames each stand alone: only those over the budget are dropped.
        """
        budget = self._budget
        if budget is None:
            return True
        size = len(frame.data)
        if self._over_budget:
            if frame.is_keyframe and budget.take(size):
                self._over_budget = False
                logger.info("Producer(%s) is within its bitrate budget again", self.id)
                return True
        elif budget.take(size):
            return True
        else:
            self._over_budget = True
            self.times_over_budget += 1
            logger.warning(
                "Producer(%s) exceeded its bitrate budget; its frames are neither forwarded "
                "nor recorded until it is within it again (%d times so far)",
                self.id,
                self.times_over_budget,
            )
        self.dropped_frames += 1
        self.dropped_bytes += size
        self.keyframe_asked_by_subscriber()  # within the same budget: its own doing
        return False

    def _finish(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._pending_keyframe_request is not None:
            self._pending_keyframe_request.cancel()
        for consumer in tuple(self._consumers):
            consumer.unbind()
        self._consumers.clear()
        self._taps.clear()
        self._on_closed(self)

    def stop(self) -> None:
        """Stop forwarding at once: Consumers unbound, taps dropped, the Router told.

        For a publisher that stops one source while its peer connection stays up (a screen
        share ending): the drain task is only cancelled, since the track lives on and the
        Transport drains it from now on. Idempotent.
        """
        self._drain.cancel()
        self._finish()

    async def close(self) -> None:
        """Stop forwarding; every bound Consumer is unbound. Idempotent."""
        if not self._drain.done():
            self._drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain
        self._finish()
