"""How peer connections reach the network: ICE servers and the host addresses to offer."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class IceServer:
    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


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
    negotiation_timeout_s: float = 10.0
    # The monotonic clock media measures intervals with (keyframe throttling, the last
    # frame's arrival that health checks compare): the one place media takes time from,
    # so that a hearing runs on one clock (court/clock.py) that tests can drive.
    monotonic: Callable[[], float] = field(
        default=time.monotonic,  # noqa: TID251 (the one default, named once)
        compare=False,
        repr=False,
    )
