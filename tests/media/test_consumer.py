"""A Consumer keeps each outgoing RTP timeline decodable across Producer switches."""

from __future__ import annotations

import asyncio
import time
from fractions import Fraction
from typing import Any

import pytest

from media import consumer as consumer_module
from media.consumer import MAX_QUEUED, Consumer
from media.frames import EncodedFrame

VIDEO_TB = Fraction(1, 90000)


def consumer_of(kind: str) -> Consumer:
    return Consumer(kind, time.monotonic)


class FakeProducer:
    """Stands in for a Producer: records keyframe requests and bound consumers."""

    def __init__(self, endpoint_id: str, kind: str = "video") -> None:
        self.endpoint_id = endpoint_id
        self.kind = kind
        self.id = f"{endpoint_id}:{kind}"
        self.consumers: set[Any] = set()
        self.keyframe_requests = 0

    def add_consumer(self, consumer: Any) -> None:
        self.consumers.add(consumer)

    def remove_consumer(self, consumer: Any) -> None:
        self.consumers.discard(consumer)

    def request_keyframe(self) -> None:
        self.keyframe_requests += 1


def video(pts: int, key: bool = False) -> EncodedFrame:
    return EncodedFrame(bytes([0x10 if key else 0x11]), pts, VIDEO_TB, key)


async def drain(consumer: Consumer, n: int) -> list[EncodedFrame]:
    async with asyncio.timeout(1):
        return [await consumer.recv() for _ in range(n)]


async def test_video_waits_for_a_keyframe_and_asks_for_one_when_bound() -> None:
    consumer, producer = consumer_of("video"), FakeProducer("a")
    consumer.bind(producer)  # type: ignore[arg-type]

    consumer.push(video(100))
    consumer.push(video(3100, key=True))
    consumer.push(video(6100))

    assert producer.keyframe_requests == 1
    frames = await drain(consumer, 2)
    assert [f.is_keyframe for f in frames] == [True, False]
    assert [f.pts for f in frames] == [0, 3000]


async def test_switching_producers_continues_the_timeline_instead_of_jumping_back() -> None:
    consumer, first, second = (
        consumer_of("video"),
        FakeProducer("a"),
        FakeProducer("b"),
    )
    consumer.bind(first)  # type: ignore[arg-type]
    consumer.push(video(900_000, key=True))
    consumer.push(video(903_000))
    await drain(consumer, 2)

    consumer.bind(second)  # type: ignore[arg-type]
    consumer.push(video(12, key=True))
    (frame,) = await drain(consumer, 1)

    assert first.consumers == set() and second.consumers == {consumer}
    assert frame.pts == 3000 + 3000


async def test_a_subscriber_that_falls_behind_sheds_and_restarts_on_a_keyframe() -> None:
    consumer, producer = consumer_of("video"), FakeProducer("a")
    consumer.bind(producer)  # type: ignore[arg-type]
    consumer.push(video(0, key=True))
    for i in range(1, MAX_QUEUED["video"] + 5):
        consumer.push(video(i * 3000))

    assert producer.keyframe_requests == 2
    consumer.push(video(99 * 3000, key=True))
    (frame,) = await drain(consumer, 1)
    assert frame.is_keyframe


async def test_audio_never_waits_for_a_keyframe() -> None:
    consumer, producer = consumer_of("audio"), FakeProducer("a", kind="audio")
    consumer.bind(producer)  # type: ignore[arg-type]

    consumer.push(EncodedFrame(b"\x78", 960, Fraction(1, 48000), True))

    (frame,) = await drain(consumer, 1)
    assert frame.data == b"\x78" and frame.pts == 0


class FakeSink:
    """Stands in for media.passthrough.RtpForwarder: records what it is asked to send."""

    def __init__(self, ready: bool = True) -> None:
        self.ready = ready
        self.sent: list[tuple[EncodedFrame, int]] = []
        self.error: Exception | None = None

    def send(self, frame: EncodedFrame, pts: int) -> bool:
        if self.error is not None:
            raise self.error
        if not self.ready:
            return False
        self.sent.append((frame, pts))
        return True


async def test_with_a_sink_frames_are_sent_at_once_and_never_queued() -> None:
    consumer, producer, sink = consumer_of("video"), FakeProducer("a"), FakeSink()
    consumer.forward_to(sink)
    consumer.bind(producer)  # type: ignore[arg-type]

    consumer.push(video(100))
    consumer.push(video(3100, key=True))
    consumer.push(video(6100))

    assert [(f.pts, pts) for f, pts in sink.sent] == [(3100, 0), (6100, 3000)]
    recv = asyncio.ensure_future(consumer.recv())
    await asyncio.sleep(0.01)
    assert not recv.done(), "aiortc's sender loop must get nothing to send twice"
    recv.cancel()

    consumer.bind(FakeProducer("b"))  # type: ignore[arg-type]
    consumer.push(video(7, key=True))
    assert sink.sent[-1][1] == 6000, "the timeline continues across producers"


async def test_video_from_a_keyframe_is_held_until_the_sink_can_send_and_then_sent_first() -> None:
    consumer, producer, sink = (
        consumer_of("video"),
        FakeProducer("a"),
        FakeSink(ready=False),
    )
    consumer.forward_to(sink)
    consumer.bind(producer)  # type: ignore[arg-type]

    consumer.push(video(0))  # nothing decodable yet
    consumer.push(video(3000, key=True))  # the transport is still connecting: held
    consumer.push(video(6000))
    sink.ready = True
    consumer.push(video(9000))

    assert [(f.pts, pts) for f, pts in sink.sent] == [(3000, 0), (6000, 3000), (9000, 6000)]
    assert producer.keyframe_requests == 1  # the one made when it was bound


async def test_held_video_goes_out_as_soon_as_the_sink_says_it_is_ready() -> None:
    consumer, producer, sink = (
        consumer_of("video"),
        FakeProducer("a"),
        FakeSink(ready=False),
    )
    consumer.forward_to(sink)
    consumer.bind(producer)  # type: ignore[arg-type]
    consumer.push(video(0, key=True))
    consumer.flush()
    assert sink.sent == []

    sink.ready = True
    consumer.flush()  # what the forwarder's on_ready does, without waiting for a next frame
    consumer.push(video(3000))

    assert [(f.pts, pts) for f, pts in sink.sent] == [(0, 0), (3000, 3000)]


async def test_audio_is_dropped_while_the_sink_cannot_send() -> None:
    consumer, producer = consumer_of("audio"), FakeProducer("a", kind="audio")
    sink = FakeSink(ready=False)
    consumer.forward_to(sink)
    consumer.bind(producer)  # type: ignore[arg-type]

    consumer.push(EncodedFrame(b"\x78", 960, Fraction(1, 48000), True))
    sink.ready = True
    consumer.push(EncodedFrame(b"\x79", 1920, Fraction(1, 48000), True))

    assert [(f.data, pts) for f, pts in sink.sent] == [(b"\x79", 960)]


async def test_when_too_much_video_was_held_a_new_keyframe_is_asked_for_once_it_can_go() -> None:
    consumer, producer, sink = (
        consumer_of("video"),
        FakeProducer("a"),
        FakeSink(ready=False),
    )
    consumer.forward_to(sink)
    consumer.bind(producer)  # type: ignore[arg-type]
    consumer.push(video(0, key=True))
    for i in range(1, MAX_QUEUED["video"] + 2):
        consumer.push(video(i * 3000))
    assert producer.keyframe_requests == 1

    sink.ready = True
    consumer.push(video(99 * 3000))
    consumer.push(video(100 * 3000))
    assert producer.keyframe_requests == 2
    assert sink.sent == []

    consumer.push(video(101 * 3000, key=True))
    assert [f.pts for f, _ in sink.sent] == [101 * 3000]


async def test_a_consumer_waiting_for_a_keyframe_asks_again_when_none_comes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    consumer, producer, sink = consumer_of("video"), FakeProducer("a"), FakeSink()
    consumer.forward_to(sink)
    consumer.bind(producer)  # type: ignore[arg-type]
    consumer.push(video(0))
    assert producer.keyframe_requests == 1, "asked when bound; too soon to ask again"

    monkeypatch.setattr(consumer_module, "KEYFRAME_RETRY_S", 0.0)
    consumer.push(video(3000))
    assert producer.keyframe_requests == 2
    sink.ready = False
    consumer.push(video(6000))
    assert producer.keyframe_requests == 2, "no use asking while it could not be sent"


async def test_a_failing_sink_drops_frames_without_raising_into_the_producer() -> None:
    consumer, producer, sink = (
        consumer_of("audio"),
        FakeProducer("a", kind="audio"),
        FakeSink(),
    )
    consumer.forward_to(sink)
    consumer.bind(producer)  # type: ignore[arg-type]
    sink.error = OSError("network unreachable")

    consumer.push(EncodedFrame(b"\x78", 960, Fraction(1, 48000), True))
    sink.error = None
    consumer.push(EncodedFrame(b"\x79", 1920, Fraction(1, 48000), True))

    assert [f.data for f, _ in sink.sent] == [b"\x79"]
