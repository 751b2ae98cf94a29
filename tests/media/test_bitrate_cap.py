"""A publisher's bitrate is capped by the relay (the security review's M6): asked by REMB,
and past the hard limit its video is neither forwarded nor recorded; its audio and other
publishers are untouched. Real aiortc publishers, a synthetic one far over the cap."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import replace
from pathlib import Path

from aiortc import RTCRtpSender
from aiortc.rtp import RTCP_PSFB_APP, AnyRtcpPacket, RtcpPsfbPacket, unpack_remb_fci

from media.frames import EncodedFrame
from media.ice import use_host_addresses
from media.producer import MAX_AUDIO_BITRATE, Producer, advertised_bitrate
from media.router import Router
from tests.media.peers import SETTINGS, Listener, Peer
from tests.support.media import ColourCamera, Flood, ToneTrack

ROOT = Path(__file__).resolve().parents[2]
CAP = 400_000  # bit/s: aiortc sends the flood at 2 Mbit/s or so on a shared machine
CAPPED = replace(SETTINGS, max_video_bitrate=CAP)


class Recorded:
    """A recording tap: what of a Producer would reach the record."""

    def __init__(self, producer: Producer) -> None:
        self.frames = 0
        self.bytes = 0
        producer.add_tap(self.take)

    def take(self, frame: EncodedFrame) -> None:
        self.frames += 1
        self.bytes += len(frame.data)


def remb_heard_by(sender: RTCRtpSender) -> list[int]:
    """The bitrates the relay's REMB tells ``sender``'s publisher."""
    heard: list[int] = []
    handle = sender._handle_rtcp_packet

    async def handle_rtcp_packet(packet: AnyRtcpPacket) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            heard.append(unpack_remb_fci(packet.fci)[0])
        await handle(packet)

    sender._handle_rtcp_packet = handle_rtcp_packet  # type: ignore[method-assign]
    return heard


async def test_a_flooding_publisher_is_capped_and_a_normal_one_is_not() -> None:
    use_host_addresses(["127.0.0.1"])
    listener = Listener()
    router = Router("room", CAPPED, listener)
    flooder, honest = Peer(CAPPED), Peer(CAPPED)
    flood, tone, camera = Flood(), ToneTrack(), ColourCamera()
    flooder.sending = {"audio": tone, "video": flood}
    honest.sending = {"video": camera}
    try:
        for name, peer in (("flooder", flooder), ("honest", honest)):
            transport = router.create_transport(name)
            transport.enable_publishing(("audio", "video"))
            await peer.negotiate(transport)
        wanted = {"flooder:audio", "flooder:video", "honest:video"}
        await listener.until(lambda: wanted <= {p.id for p in listener.added})
        producers = {p.id: p for p in listener.added}
        recorded = {pid: Recorded(producers[pid]) for pid in wanted}
        (video_sender,) = [
            t.sender for t in flooder.pc.getTransceivers() if t.sender.track is flood
        ]
        remb = remb_heard_by(video_sender)
        sent_before = flood.sent_bytes
        camera_before = len(camera.sent)
        started = time.monotonic()
        await asyncio.sleep(4.0)
        elapsed = time.monotonic() - started

        over = producers["flooder:video"]
        flooded = flood.sent_bytes - sent_before
        budget = CAP / 8 * (elapsed + 1)  # the rate, and one second of slack
        assert flooded > 3 * budget  # the publisher really sent far more than the cap
        assert recorded["flooder:video"].bytes <= budget
        assert recorded["flooder:video"].frames > 0  # capped, not cut off
        assert over.times_over_budget >= 1 and over.dropped_bytes > 0
        # The flooder's audio is recorded whole, and the honest camera is untouched.
        assert producers["flooder:audio"].dropped_frames == 0
        assert recorded["flooder:audio"].frames >= 40 * elapsed
        assert producers["honest:video"].dropped_frames == 0
        # (a few frames of the window are still on their way)
        assert recorded["honest:video"].frames >= 0.9 * (len(camera.sent) - camera_before)
        # The relay asked for no more than its advertised share of the cap.
        assert remb and max(remb) <= advertised_bitrate(CAP)
    finally:
        await router.close()
        await flooder.pc.close()
        await honest.pc.close()


def test_the_court_pages_camera_and_screen_stay_under_the_advertised_cap() -> None:
    """The pages send each video at most at web/js/media.js's MAX_VIDEO_BITRATE; a browser
    applies REMB to its whole connection, so camera and screen together must fit in it."""
    source = (ROOT / "web" / "js" / "media.js").read_text()
    found = re.search(r"^const MAX_VIDEO_BITRATE = (\d+);", source, re.M)
    assert found is not None
    page_video = int(found.group(1))
    default = SETTINGS.max_video_bitrate
    assert default == 4_000_000
    assert 2 * page_video <= advertised_bitrate(default) < default
    assert MAX_AUDIO_BITRATE > 510_000  # Opus's own maximum
