"""How peer connections reach the network: ICE servers and the host addresses to offer."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class IceServer:
    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


# A network remote ICE candidates may be in (media/candidates.py).
PeerNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class MediaSettings:
    """ICE configuration for every server-side peer connection.

    ``ice_servers`` empty means host candidates only: aiortc's default Google STUN server
    is never used. ``host_addresses`` empty means every interface aioice finds (which
    excludes loopback); tests and single-machine setups pass ``("127.0.0.1",)``.
    """

    ice_servers: tuple[IceServer, ...] = ()
    host_addresses: tuple[str, ...] = field(default_factory=tuple)
    # The UDP ports (first, last) host candidates bind (media/ports.py); None: any port.
    ports: tuple[int, int] | None = None
    # The non-public networks an endpoint's ICE candidates may be in (public addresses
    # always may): COURTROOM_MEDIA_PEER_NETWORKS. None: the loopback ``host_addresses``
    # only, the single-machine case (media/candidates.py).
    peer_networks: tuple[PeerNetwork, ...] | None = None
    # The most video one publisher may send, camera and screen together (bit/s): beyond it
    # the relay forwards and records none of it until a keyframe fits again
    # (COURTROOM_MEDIA_MAX_VIDEO_KBPS). Each video track is asked, by REMB, to stay under
    # 3/8 of it (a browser applies REMB to its whole connection: the court's pages send a
    # camera and a screen at 700 kbit/s each), so honest publishers never reach it.
    max_video_bitrate: int = 4_000_000
    negotiation_timeout_s: float = 10.0
    # The monotonic clock media measures intervals with (keyframe throttling, the last
    # frame's arrival that health checks compare): the one place media takes time from,
    # so that a hearing runs on one clock (court/clock.py) that tests can drive.
    monotonic: Callable[[], float] = field(
        default=time.monotonic,  # noqa: TID251 (the one default, named once)
        compare=False,
        repr=False,
    )
