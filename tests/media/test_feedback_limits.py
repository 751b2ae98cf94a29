"""A subscriber cannot amplify traffic with RTCP feedback (the security review's M6): NACKs
make the relay send again only within a budget, and PLIs reach the publisher at a bounded
rate, with a real aiortc subscriber sending crafted feedback in a loop."""

from __future__ import annotations

import asyncio
import time
from typing import cast

from media import passthrough
from media.budget import TokenBucket
from media.ice import use_host_addresses
from media.passthrough import (
    MAX_NACKED_PER_PACKET,
    RETRANSMIT_BURST_BYTES,
    RETRANSMIT_BURST_PACKETS,
    RETRANSMIT_BYTES_PER_S,
    RETRANSMIT_PACKETS_PER_S,
    RtpForwarder,
)
from media.producer import KEYFRAME_REQUEST_BURST, KEYFRAME_REQUESTS_PER_S
from media.router import Router
from tests.media.peers import SETTINGS, Listener, Peer, until
from tests.support.media import ColourCamera


def test_a_token_bucket_gives_its_burst_then_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=10, burst=3, monotonic=lambda: now[0])

    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.wait_s() == 0.1
    now[0] += 0.1
    assert bucket.take() and not bucket.take()
    now[0] += 60
    assert sum(bucket.take() for _ in range(10)) == 3  # never more than the burst saved


async def test_a_subscriber_looping_nacks_and_plis_gets_only_the_budget() -> None:
    use_host_addresses(["127.0.0.1"])
    listener = Listener()
    router = Router("room", SETTINGS, listener)
    publisher, subscriber = Peer(), Peer()
    camera = ColourCamera()
    publisher.sending = {"video": camera}
    try:
        published = router.create_transport("pub")
        watching = router.create_transport("sub")
        published.enable_publishing(("video",))
        await publisher.negotiate(published)
        await listener.until(lambda: any(p.id == "pub:video" for p in listener.added))
        producer = listener.added[-1]
        consumer = router.consume(watching, producer)
        await subscriber.negotiate(watching)
        track = subscriber.track_of("pub", "video")
        forwarder = cast(RtpForwarder, consumer._sink)
        (receiver,) = [
            t.receiver for t in subscriber.pc.getTransceivers() if t.receiver.track is track
        ]
        # The subscriber sees the picture, and the relay has history to send again.
        async with asyncio.timeout(10):
            await track.recv()
        await until(lambda: bool(receiver.getSynchronizationSources()))
        media_ssrc = receiver.getSynchronizationSources()[0].source
        await asyncio.sleep(1.5)  # about 45 packets of history

        counts = watching.counts()
        keyframes, retransmitted = camera.keyframes_sent, forwarder.retransmitted
        asked = 0
        started = time.monotonic()
        while time.monotonic() - started < 2.0:
            # The whole history, NACKed a hundred times a second, and a PLI each time.
            newest = forwarder._sequence
            lost = [(newest - 128 + i) & 0xFFFF for i in range(128)]
            await receiver._send_rtcp_nack(media_ssrc, lost)
            await receiver._send_rtcp_pli(media_ssrc)
            asked += len(lost)
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # the last feedback arrives
        elapsed = time.monotonic() - started
        after = watching.counts()

        sent_again = forwarder.retransmitted - retransmitted
        assert sent_again > 0  # real losses are still answered
        assert sent_again <= RETRANSMIT_BURST_PACKETS + RETRANSMIT_PACKETS_PER_S * elapsed
        assert forwarder.retransmits_refused > 0
        # Unbounded, aiortc would have sent about this many packets again.
        assert asked > 20 * sent_again
        assert asked >= 100 * MAX_NACKED_PER_PACKET
        # All the relay sent the subscriber: the camera (200 kbit/s at most) and the budget.
        stream_bytes = 200_000 / 8 * elapsed * 1.5
        budget_bytes = RETRANSMIT_BURST_BYTES + RETRANSMIT_BYTES_PER_S * elapsed
        assert after.bytes_sent - counts.bytes_sent <= stream_bytes + budget_bytes
        # Two hundred PLIs reached the relay; the camera was asked for a few keyframes.
        forced = camera.keyframes_sent - keyframes
        assert forced <= KEYFRAME_REQUEST_BURST + KEYFRAME_REQUESTS_PER_S * elapsed + 1
        assert forced >= 1  # a subscriber's picture loss is still passed on
    finally:
        await router.close()
        await publisher.pc.close()
        await subscriber.pc.close()


async def test_a_nack_is_answered_in_full_within_the_budget() -> None:
    """A real loss (a few packets) goes out at once: the cap is far above it."""
    assert MAX_NACKED_PER_PACKET >= 32
    assert RETRANSMIT_BURST_PACKETS >= 32
    assert passthrough.RETRANSMIT_BURST_BYTES >= 32 * 1300
