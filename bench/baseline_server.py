"""The baseline: stock aiortc relaying one publisher to N subscribers, as its docs suggest.

Run as its own process (``python -m bench.baseline_server --port P``) so the benchmark can
measure its CPU alone. It receives the publisher with aiortc's own decoders and fans the
decoded frames out through ``aiortc.contrib.media.MediaRelay``; every subscriber's sender
encodes them again (VP8 and Opus). That is what an SFU built on unmodified aiortc does, and
what our relay (media/, packet passthrough) is measured against.

Signalling is plain HTTP, the client offers: ``POST /publish`` and ``POST /subscribe`` take
``{"sdp", "type"}`` and return the answer. Like our server it never contacts a STUN server,
offers only the host addresses given, and bundles everything (MAX_BUNDLE).
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiohttp import web
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay

from media.ice import rtc_configuration, use_host_addresses
from media.settings import MediaSettings
from media.transport import discard
from server.cli import event_loop_factory

logger = logging.getLogger(__name__)

PUBLISHER_WAIT_S = 10.0


class RelayState:
    def __init__(self) -> None:
        self.relay = MediaRelay()
        self.peers: set[RTCPeerConnection] = set()
        self.sources: dict[str, MediaStreamTrack] = {}
        self.published = asyncio.Event()
        self.drains: set[asyncio.Task[None]] = set()

    def add_source(self, track: MediaStreamTrack) -> None:
        self.sources[track.kind] = track
        # Consume the source even while nobody subscribes: aiortc queues every decoded
        # frame otherwise. Our relay drains its incoming tracks too, so N = 0 compares
        # like with like.
        task = asyncio.ensure_future(discard(self.relay.subscribe(track)))
        self.drains.add(task)
        if {"audio", "video"} <= self.sources.keys():
            self.published.set()


_SETTINGS = web.AppKey("settings", MediaSettings)
_STATE = web.AppKey("state", RelayState)


async def _answer(pc: RTCPeerConnection) -> web.Response:
    await pc.setLocalDescription(await pc.createAnswer())
    return web.json_response({"sdp": pc.localDescription.sdp, "type": pc.localDescription.type})


def _peer(request: web.Request) -> RTCPeerConnection:
    state = request.app[_STATE]
    pc = RTCPeerConnection(rtc_configuration(request.app[_SETTINGS]))
    state.peers.add(pc)

    @pc.on("connectionstatechange")
    async def on_state() -> None:
        if pc.connectionState in ("failed", "closed"):
            state.peers.discard(pc)
            await pc.close()

    return pc


async def publish(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    offer = await request.json()
    pc = _peer(request)
    pc.on("track", state.add_source)
    await pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], offer["type"]))
    return await _answer(pc)


async def subscribe(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    offer = await request.json()
    await asyncio.wait_for(state.published.wait(), PUBLISHER_WAIT_S)
    pc = _peer(request)
    await pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], offer["type"]))
    # addTrack reuses the offer's recvonly transceivers, one per kind.
    for kind in ("audio", "video"):
        pc.addTrack(state.relay.subscribe(state.sources[kind]))
    return await _answer(pc)


async def status(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    return web.json_response({"peers": len(state.peers), "published": state.published.is_set()})


async def _close_all(app: web.Application) -> None:
    state = app[_STATE]
    for task in state.drains:
        task.cancel()
    await asyncio.gather(*(pc.close() for pc in state.peers), return_exceptions=True)
    state.peers.clear()


def make_app(settings: MediaSettings) -> web.Application:
    app = web.Application()
    app[_SETTINGS] = settings
    app[_STATE] = RelayState()
    app.router.add_post("/publish", publish)
    app.router.add_post("/subscribe", subscribe)
    app.router.add_get("/status", status)
    app.on_shutdown.append(_close_all)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--ice-host-address",
        action="append",
        default=None,
        help="ICE host candidate address (repeatable; default 127.0.0.1)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    addresses = tuple(args.ice_host_address or ["127.0.0.1"])
    use_host_addresses(addresses)
    # The same event loop as our server (uvloop where installed), so the comparison measures
    # the relay design and nothing else.
    factory = event_loop_factory()
    # SIGTERM stops the app gracefully (aiohttp runs on_shutdown), closing every peer.
    web.run_app(
        make_app(MediaSettings(host_addresses=addresses)),
        loop=None if factory is None else factory(),
        host=args.host,
        port=args.port,
        print=None,
        access_log=None,
    )


if __name__ == "__main__":
    main()
