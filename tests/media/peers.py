"""Real aiortc endpoints for relay tests: one Router, publishers and subscribers on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription

from media import passthrough
from media.ice import rtc_configuration
from media.producer import Producer
from media.settings import MediaSettings
from media.transport import Transport

SETTINGS = MediaSettings(host_addresses=("127.0.0.1",))


class Listener:
    def __init__(self) -> None:
        self.added: list[Producer] = []
        self.closed: list[Producer] = []
        self.changed = asyncio.Event()

    def producer_added(self, producer: Producer) -> None:
        self.added.append(producer)
        self.changed.set()

    def producer_closed(self, producer: Producer) -> None:
        self.closed.append(producer)
        self.changed.set()

    async def until(self, predicate: Callable[[], bool]) -> None:
        async with asyncio.timeout(10):
            while not predicate():
                self.changed.clear()
                await self.changed.wait()


class Peer:
    """An endpoint: answers the relay's offers, sends its own tracks on the sources named.

    ``edit_answer`` rewrites the answer before the relay gets it (a crafted client).
    """

    def __init__(self, settings: MediaSettings = SETTINGS) -> None:
        self.pc = RTCPeerConnection(rtc_configuration(settings))
        self.sending: dict[str, MediaStreamTrack | None] = {}
        self.received: dict[str, MediaStreamTrack] = {}  # by mid
        self.tracks: dict[str, tuple[str, str, str]] = {}
        self.edit_answer: Callable[[str], str] = lambda sdp: sdp
        self.pc.on("track", self._track)

    def _track(self, track: MediaStreamTrack) -> None:
        (transceiver,) = [t for t in self.pc.getTransceivers() if t.receiver.track is track]
        passthrough.decode_inline(transceiver.receiver)
        assert transceiver.mid is not None
        self.received[transceiver.mid] = track

    async def negotiate(self, transport: Transport) -> None:
        offer = await transport.create_offer()
        await self.pc.setRemoteDescription(RTCSessionDescription(offer.sdp, "offer"))
        mids = {mid: source for source, mid in offer.publish.items() if mid is not None}
        for transceiver in self.pc.getTransceivers():
            source = mids.get(transceiver.mid or "")
            if source is None:
                continue
            own = self.sending.get(source)
            if transceiver.sender.track is not own:
                transceiver.sender.replaceTrack(own)
            transceiver.direction = "sendonly" if own is not None else "inactive"
            attach = getattr(own, "attach_to", None)
            if attach is not None:
                attach(transceiver.sender)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await transport.apply_answer(self.edit_answer(self.pc.localDescription.sdp))
        self.tracks = offer.tracks

    def track_of(self, endpoint: str, source: str) -> MediaStreamTrack:
        (mid,) = [m for m, (e, _, s) in self.tracks.items() if (e, s) == (endpoint, source)]
        return self.received[mid]


async def until(condition: Callable[[], bool], within_s: float = 10.0) -> None:
    """Await ``condition``, polled (what it watches announces nothing)."""
    async with asyncio.timeout(within_s):
        while True:
            if condition():
                return
            await asyncio.sleep(0.02)


def add_candidates(sdp: str, lines: list[str]) -> str:
    """``sdp`` with ``lines`` (a=candidate:...) put first among its first m-section's
    candidates: pairs are checked in order, and once one succeeds aioice stops checking."""
    head, sep, rest = sdp.partition("a=candidate:")
    assert sep, "the answer has no candidates to add before"
    return head + "".join(f"{line}\r\n" for line in lines) + sep + rest
