"""A second video source (a shared screen) through one Router, with real aiortc peers:
forwarded untouched, told apart from the camera, stopped and started again on one m-line."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial

import pytest
from aiortc import MediaStreamTrack

from media.consumer import Consumer
from media.frames import EncodedFrame
from media.ice import use_host_addresses
from media.router import Router
from tests.media.peers import SETTINGS, Listener, Peer
from tests.support.media import ColourCamera


def _screens_added(listener: Listener, count: int) -> bool:
    return sum(p.id == "pub:screen" for p in listener.added) == count


async def frames(track: MediaStreamTrack, sent: list[bytes], count: int) -> list[EncodedFrame]:
    """The next ``count`` frames of ``sent`` on ``track`` (older ones queued there skipped)."""
    got: list[EncodedFrame] = []
    async with asyncio.timeout(10):
        while len(got) < count:
            frame = await track.recv()
            assert isinstance(frame, EncodedFrame)
            if got or frame.data in sent:
                got.append(frame)
    return got


@pytest.fixture
async def peers() -> AsyncIterator[list[Peer]]:
    use_host_addresses(["127.0.0.1"])
    made: list[Peer] = []
    yield made
    for peer in made:
        await peer.pc.close()


async def test_a_screen_is_forwarded_as_its_own_source_and_restarts_on_the_same_m_line(
    peers: list[Peer],
) -> None:
    listener = Listener()
    router = Router("room", SETTINGS, listener)
    publisher, viewer = Peer(), Peer()
    peers.extend([publisher, viewer])
    published = router.create_transport("pub")
    watching = router.create_transport("sub")
    camera = ColourCamera((255, 0, 0))
    publisher.sending = {"video": camera}
    consumers: dict[str, Consumer] = {}  # by producer id
    try:
        published.enable_publishing(("video",))
        await publisher.negotiate(published)
        await listener.until(lambda: any(p.id == "pub:video" for p in listener.added))
        m_lines = publisher.pc.localDescription.sdp.count("\r\nm=")

        for round_, colour in enumerate(((0, 0, 255), (0, 255, 0), (0, 0, 255))):
            screen = ColourCamera(colour)
            publisher.sending["screen"] = screen
            assert published.enable_publishing(("screen",))
            await publisher.negotiate(published)
            await listener.until(partial(_screens_added, listener, round_ + 1))
            producer = listener.added[-1]
            assert (producer.kind, producer.source) == ("video", "screen")
            for p in router.producers():
                if p.id not in consumers:
                    consumers[p.id] = router.consume(watching, p)
            await viewer.negotiate(watching)
            assert sorted(s for e, _, s in viewer.tracks.values() if e == "pub") == [
                "screen",
                "video",
            ]
            shown = await frames(viewer.track_of("pub", "screen"), screen.sent, 10)
            assert shown[0].is_keyframe  # a new subscriber's picture starts on a keyframe
            assert all(f.data in screen.sent for f in shown)  # forwarded, not transcoded
            await frames(viewer.track_of("pub", "video"), camera.sent, 5)

            assert router.stop_publishing("pub", "screen")
            assert producer.is_closed and producer in listener.closed
            assert not producer.consumers()
            assert [p.id for p in router.producers()] == ["pub:video"]
            publisher.sending["screen"] = None
            watching.release_consumer(consumers.pop("pub:screen"))
            await publisher.negotiate(published)
            await viewer.negotiate(watching)
            assert [s for e, _, s in viewer.tracks.values() if e == "pub"] == ["video"]
            await frames(viewer.track_of("pub", "video"), camera.sent, 5)
        # Stopping and starting again reuses the one screen m-line.
        assert publisher.pc.localDescription.sdp.count("\r\nm=") == m_lines + 1
        assert not router.stop_publishing("pub", "screen")  # already stopped
    finally:
        await router.close()
