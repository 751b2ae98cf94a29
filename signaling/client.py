"""A headless participant: joins a hearing over the signaling protocol with aiortc.

Used by the integration tests and the relay benchmark, and usable as a load generator. It
speaks exactly what a browser speaks (SIGNALING.md): connect with the join token, ``join``,
``publish``, answer the relay's offers with the ``answer`` command, and share a screen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import socketio
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)

from media import passthrough
from signaling.events import NAMESPACE, ClientEvent, ServerEvent

logger = logging.getLogger(__name__)


class CommandFailed(Exception):
    def __init__(self, event: str, code: str, message: str) -> None:
        super().__init__(f"{event}: {code}: {message}")
        self.code = code
        self.message = message


@dataclass
class ReceivedTrack:
    mid: str
    kind: str
    track: MediaStreamTrack
    participant_id: str | None = None
    source: str | None = None  # "audio", "video" (a camera) or "screen", from the offer


@dataclass
class ParticipantClient:
    base_url: str
    token: str
    audio: MediaStreamTrack | None = None
    video: MediaStreamTrack | None = None
    screen: MediaStreamTrack | None = None  # sent while a share runs
    ack_timeout_s: float = 10.0
    on_track: Callable[[ReceivedTrack], None] | None = None
    notifications: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    tracks: dict[str, ReceivedTrack] = field(default_factory=dict)  # by mid
    offers_answered: int = 0
    auto_answer: bool = True
    offers: list[dict[str, Any]] = field(default_factory=list)
    # aiortc uses one TURN server, the first URL it supports: the join ack's URLs starting
    # with this prefix (e.g. "turns:") come first. None keeps the ack's order.
    prefer_turn_url: str | None = None
    # Force the ICE transport policy ("relay"), whatever the join ack says.
    ice_transport_policy: str | None = None

    def __post_init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.pc = self._peer_connection(RTCConfiguration(iceServers=[]))
        self.join_data: dict[str, Any] = {}
        self._changed = asyncio.Condition()
        self._offer_lock = asyncio.Lock()
        # Set once the join ack has configured ICE: an offer may arrive before the ack.
        self._ice_configured = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        for event in ServerEvent:
            if event != ServerEvent.OFFER:
                self.sio.on(
                    event.value,
                    self._notification_handler(event.value),
                    namespace=NAMESPACE,
                )
        self.sio.on(ServerEvent.OFFER.value, self._handle_offer, namespace=NAMESPACE)

    @property
    def room_kind(self) -> str:
        """The kind of room the participant is in now (from the join ack and room_changed)."""
        kind = self.join_data.get("room", {}).get("kind", "")
        for event, data in self.notifications:
            if event == ServerEvent.ROOM_CHANGED:
                kind = data["room"]["kind"]
        return str(kind)

    def received(self, event: str) -> list[dict[str, Any]]:
        """The payloads of every ``event`` notification so far, oldest first."""
        return [data for name, data in self.notifications if name == event]

    @property
    def participant_id(self) -> str:
        return str(self.join_data["participant"]["id"])

    async def connect(self) -> dict[str, Any]:
        """Connect and join; returns the join acknowledgement's data."""
        await self.sio.connect(
            self.base_url,
            namespaces=[NAMESPACE],
            auth={"token": self.token},
            transports=["websocket"],
            wait_timeout=self.ack_timeout_s,
        )
        try:
            self.join_data = await self.command(ClientEvent.JOIN, {})
            self._configure_ice(self.join_data)
        finally:
            self._ice_configured.set()
        return self.join_data

    def _peer_connection(self, configuration: RTCConfiguration) -> RTCPeerConnection:
        configuration.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE
        pc = RTCPeerConnection(configuration)
        pc.on("track", self._handle_track)
        return pc

    def _configure_ice(self, joined: dict[str, Any]) -> None:
        """Use the join ack's ICE servers (TURN credentials) and policy, as a browser does.

        aiortc has no ``setConfiguration``: before any offer is applied, the still unused
        peer connection is replaced by one made with them.
        """
        servers = [
            RTCIceServer(
                urls=self._ordered(server["urls"]),
                username=server.get("username"),
                credential=server.get("credential"),
            )
            for server in joined.get("ice_servers") or []
        ]
        policy = self.ice_transport_policy or joined.get("ice_transport_policy") or "all"
        if not servers and policy == "all":
            return
        unused = self.pc
        self.pc = self._peer_connection(
            RTCConfiguration(
                iceServers=servers,
                iceTransportPolicy=(
                    RTCIceTransportPolicy.RELAY if policy == "relay" else RTCIceTransportPolicy.ALL
                ),
            )
        )
        task = asyncio.get_running_loop().create_task(unused.close())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _ordered(self, urls: list[str]) -> list[str]:
        prefix = self.prefer_turn_url
        if prefix is None:
            return list(urls)
        return [u for u in urls if u.startswith(prefix)] + [
            u for u in urls if not u.startswith(prefix)
        ]

    async def publish(self) -> None:
        await self.command(
            ClientEvent.PUBLISH,
            {"audio": self.audio is not None, "video": self.video is not None},
        )

    async def start_screen_share(self, screen: MediaStreamTrack) -> None:
        """Share ``screen``: it goes out on the m-line the relay's next offer names."""
        self.screen = screen
        try:
            await self.command(ClientEvent.START_SCREEN_SHARE, {})
        except CommandFailed:
            self.screen = None
            raise

    async def stop_screen_share(self) -> None:
        await self.command(ClientEvent.STOP_SCREEN_SHARE, {})
        self.screen = None

    async def command(self, event: str, payload: Any) -> dict[str, Any]:
        """Send a command and return its ``data``, or raise CommandFailed."""
        ack = await self.call(event, payload)
        if not isinstance(ack, dict) or ack.get("ok") is not True:
            error = ack.get("error", {}) if isinstance(ack, dict) else {}
            raise CommandFailed(event, str(error.get("code")), str(error.get("message")))
        data = ack.get("data", {})
        return data if isinstance(data, dict) else {}

    async def call(self, event: str, payload: Any) -> Any:
        """Send anything (also malformed) and return the raw acknowledgement."""
        return await self.sio.call(event, payload, namespace=NAMESPACE, timeout=self.ack_timeout_s)

    def tracks_of(self, participant_id: str) -> dict[str, ReceivedTrack]:
        """The live tracks carrying ``participant_id``, by source ("audio", "video",
        "screen")."""
        return {
            t.source or t.kind: t
            for t in self.tracks.values()
            if t.participant_id == participant_id
        }

    async def wait_until(self, predicate: Callable[[], bool], within_s: float = 10.0) -> None:
        """Wait until ``predicate()`` holds after some offer or notification."""
        async with asyncio.timeout(within_s), self._changed:
            await self._changed.wait_for(predicate)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self.sio.connected:
            await self.sio.disconnect()
        await self.pc.close()

    def _notification_handler(self, event: str) -> Callable[[dict[str, Any]], Any]:
        async def handle(data: dict[str, Any]) -> None:
            self.notifications.append((event, data))
            if (
                event == ServerEvent.SCREEN_SHARE_STOPPED
                and self.join_data
                and data.get("participant_id") == self.participant_id
            ):
                self.screen = None  # ended by the court, a move, ...: stop sending it
            await self._notify()

        return handle

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _handle_track(self, track: MediaStreamTrack) -> None:
        transceiver = next(t for t in self.pc.getTransceivers() if t.receiver.track is track)
        assert transceiver.mid is not None
        received = ReceivedTrack(mid=transceiver.mid, kind=track.kind, track=track)
        self.tracks[transceiver.mid] = received
        if self.on_track is not None:
            self.on_track(received)

    async def _handle_offer(self, offer: dict[str, Any]) -> None:
        self.offers.append(offer)
        if not self.auto_answer:
            await self._notify()
            return
        # Answer in a task: the Socket.IO client handles one event at a time, and the answer's
        # acknowledgement arrives as another event.
        task = asyncio.get_running_loop().create_task(self._answer(offer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, offer: dict[str, Any]) -> None:
        await self._ice_configured.wait()
        async with self._offer_lock:
            await self.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
            publish = offer.get("publish") or {}
            sources = {mid: source for source, mid in publish.items() if mid is not None}
            own_tracks = {"audio": self.audio, "video": self.video, "screen": self.screen}
            for transceiver in self.pc.getTransceivers():
                source = sources.get(transceiver.mid) if transceiver.mid is not None else None
                if source not in own_tracks:
                    continue
                own = own_tracks[source]
                if transceiver.sender.track is not own:
                    transceiver.sender.replaceTrack(own)
                # A screen not shared (yet, or any more) is not sent: aiortc's sender would
                # go on sending a track left on an m-line the offer made inactive.
                transceiver.direction = "inactive" if source == "screen" and not own else "sendonly"
                if own is not None and hasattr(own, "request_keyframe"):
                    # A publisher that can make keyframes gets the relay's requests.
                    passthrough.on_keyframe_request(transceiver.sender, own.request_keyframe)
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            for mid, info in (offer.get("tracks") or {}).items():
                if mid in self.tracks:
                    self.tracks[mid].participant_id = info["participant_id"]
                    self.tracks[mid].source = info.get("source", info["kind"])
            for mid, received in self.tracks.items():
                if mid not in (offer.get("tracks") or {}):
                    received.participant_id = None
            await self.command(
                ClientEvent.ANSWER,
                {
                    "revision": offer["revision"],
                    "type": "answer",
                    "sdp": self.pc.localDescription.sdp,
                },
            )
            self.offers_answered += 1
        await self._notify()
