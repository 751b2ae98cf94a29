"""A Consumer keeps each outgoing RTP timeline decodable across Producer switches."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from typing import Any

from media.consumer import MAX_QUEUED, Consumer
from media.frames import EncodedFrame

VIDEO_TB = Fraction(1, 90000)


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
    consumer, producer = Consumer("video"), FakeProducer("a")
    consumer.bind(producer)  # type: ignore[arg-type]

    consumer.push(video(100))
    consumer.push(video(3100, key=True))
    consumer.push(video(6100))

    assert producer.keyframe_requests == 1
    frames = await drain(consumer, 2)
    assert [f.is_keyframe for f in frames] == [True, False]
    assert [f.pts for f in frames] == [0, 3000]


async def test_switching_producers_continues_the_timeline_instead_of_jumping_back() -> None:
    consumer, first, second = Consumer("video"), FakeProducer("a"), FakeProducer("b")
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
    consumer, producer = Consumer("video"), FakeProducer("a")
    consumer.bind(producer)  # type: ignore[arg-type]
    consumer.push(video(0, key=True))
    for i in range(1, MAX_QUEUED["video"] + 5):
        consumer.push(video(i * 3000))

    assert producer.keyframe_requests == 2
    consumer.push(video(99 * 3000, key=True))
    (frame,) = await drain(consumer, 1)
    assert frame.is_keyframe


async def test_audio_never_waits_for_a_keyframe() -> None:
    consumer, producer = Consumer("audio"), FakeProducer("a", kind="audio")
    consumer.bind(producer)  # type: ignore[arg-type]

    consumer.push(EncodedFrame(b"\x78", 960, Fraction(1, 48000), True))

    (frame,) = await drain(consumer, 1)
    assert frame.data == b"\x78" and frame.pts == 0
