"""The load process's side of the baseline (bench/baseline_server.py): HTTP offer/answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from aiortc import (
    RTCPeerConnection,
    RTCRtpCapabilities,
    RTCRtpReceiver,
    RTCRtpTransceiver,
    RTCSessionDescription,
)

from bench.clip import Clip, audio_track, video_track
from bench.measure import ServerProcess, SubscriberStats, free_port, server_process
from bench.target import FrameCounting
from media.ice import rtc_configuration
from media.settings import MediaSettings

VIDEO_CAPABILITIES = RTCRtpReceiver.getCapabilities("video") or RTCRtpCapabilities()
LOAD_SETTINGS = MediaSettings(host_addresses=("127.0.0.1",))


def _prefer_vp8(transceiver: RTCRtpTransceiver) -> None:
    # The benchmark is about VP8 (what browsers publish to us); aiortc would also offer H.264.
    if transceiver.kind == "video":
        transceiver.setCodecPreferences(
            [
                c
                for c in VIDEO_CAPABILITIES.codecs
                if c.mimeType.lower() in ("video/vp8", "video/rtx")
            ]
        )


class _HttpPeer:
    def __init__(self) -> None:
        self.pc = RTCPeerConnection(rtc_configuration(LOAD_SETTINGS))
        self.counting: FrameCounting | None = None

    async def negotiate(self, url: str) -> None:
        for transceiver in self.pc.getTransceivers():
            _prefer_vp8(transceiver)
        await self.pc.setLocalDescription(await self.pc.createOffer())
        offer = self.pc.localDescription
        body = {"sdp": offer.sdp, "type": offer.type}
        async with aiohttp.ClientSession() as http, http.post(url, json=body) as response:
            response.raise_for_status()
            answer = await response.json()
        await self.pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))

    async def close(self) -> None:
        if self.counting is not None:
            self.counting.close()
        await self.pc.close()


class BaselineTarget:
    name = "stock aiortc"

    @asynccontextmanager
    async def server(self, workdir: Path) -> AsyncIterator[ServerProcess]:
        port = free_port()
        async with server_process(
            ["-m", "bench.baseline_server", "--port", str(port)],
            port=port,
            log_path=workdir / f"baseline-{port}.log",
            ready_path="/status",
        ) as server:
            yield server

    async def publish(self, server: ServerProcess, clip: Clip) -> _HttpPeer:
        peer = _HttpPeer()
        peer.pc.addTransceiver(audio_track(clip), "sendonly")
        peer.pc.addTransceiver(video_track(clip), "sendonly")
        await peer.negotiate(server.base_url + "/publish")
        return peer

    async def subscribe(
        self, server: ServerProcess, index: int, stats: SubscriberStats
    ) -> _HttpPeer:
        peer = _HttpPeer()
        peer.counting = FrameCounting(stats)
        peer.pc.on("track", peer.counting.on_track)
        peer.pc.addTransceiver("audio", "recvonly")
        peer.pc.addTransceiver("video", "recvonly")
        await peer.negotiate(server.base_url + "/subscribe")
        return peer
