"""A Producer's fan-out: one subscriber that fails never stops the others."""

from __future__ import annotations

import asyncio
import time
from fractions import Fraction
from typing import Any

from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from media.frames import EncodedFrame
from media.producer import Producer


class Frames(MediaStreamTrack):
    kind = "audio"

    def __init__(self, count: int) -> None:
        super().__init__()
        self._left = count

    async def recv(self) -> EncodedFrame:  # type: ignore[override]
        if self._left == 0:
            raise MediaStreamError
        self._left -= 1
        await asyncio.sleep(0)
        return EncodedFrame(b"\x01", 960 * (10 - self._left), Fraction(1, 48000), True)


class Collecting:
    def __init__(self) -> None:
        self.frames: list[EncodedFrame] = []

    def push(self, frame: EncodedFrame) -> None:
        self.frames.append(frame)

    def unbind(self) -> None:
        """The Producer unbinds its consumers when its track ends."""


class Broken:
    def push(self, frame: EncodedFrame) -> None:
        raise AttributeError("the ICE transport went away mid-send")

    def unbind(self) -> None:
        """The Producer unbinds its consumers when its track ends."""


async def test_a_consumer_that_raises_does_not_stop_the_others() -> None:
    closed = asyncio.Event()
    producer = Producer(
        endpoint_id="publisher",
        track=Frames(10),
        receiver=Any,  # type: ignore[arg-type]  # never asked: no keyframe request here
        on_closed=lambda _: closed.set(),
        monotonic=time.monotonic,
    )
    healthy = Collecting()
    producer.add_consumer(Broken())  # type: ignore[arg-type]
    producer.add_consumer(healthy)  # type: ignore[arg-type]

    async with asyncio.timeout(5):
        await closed.wait()

    assert len(healthy.frames) == 10
