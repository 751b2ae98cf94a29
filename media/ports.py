"""The UDP port range the relay's ICE host candidates bind.

A court's firewall opens a fixed range of UDP ports to the media server, but aioice has no
port option: it binds each host candidate's socket with
``loop.create_datagram_endpoint(..., local_addr=(address, 0))`` in
``Connection.get_component_candidates`` (aioice 0.13), and the system picks any ephemeral
port. :func:`use_media_ports` gives ``aioice.ice`` (only that module) an ``asyncio`` whose
running loop binds exactly those calls, a local address with port 0 and no remote address,
to the first free port of the range instead. Every other call goes to the real loop
unchanged: the TURN client's connections (aioice.turn) and everything aiortc does.

When every port of the range is taken, the bind fails with :class:`MediaPortsExhausted`,
which is not an ``OSError`` on purpose: aioice logs an ``OSError`` at info level and goes on
without a candidate, and the participant would see a connection that silently never forms.
This error instead fails the negotiation and says which setting to widen.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import types
from collections.abc import Callable
from typing import Any

import aioice.ice

logger = logging.getLogger(__name__)


class MediaPortsExhausted(RuntimeError):
    """Every UDP port of the configured media range is in use."""


class _RangedLoop:
    """The running loop, except that unbound UDP endpoints bind inside the range."""

    def __init__(self, loop: asyncio.AbstractEventLoop, ports: _PortRange) -> None:
        self._loop = loop
        self._ports = ports

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loop, name)

    async def create_datagram_endpoint(
        self,
        protocol_factory: Callable[[], asyncio.DatagramProtocol],
        local_addr: tuple[str, int] | None = None,
        remote_addr: tuple[str, int] | None = None,
        **kwargs: Any,
    ) -> tuple[asyncio.DatagramTransport, asyncio.DatagramProtocol]:
        if local_addr is None or local_addr[1] != 0 or remote_addr is not None:
            return await self._loop.create_datagram_endpoint(
                protocol_factory, local_addr=local_addr, remote_addr=remote_addr, **kwargs
            )
        return await self._ports.bind(self._loop, protocol_factory, local_addr[0], kwargs)


class _PortRange:
    def __init__(self, first: int, last: int) -> None:
        self.first, self.last = first, last
        self._next = first  # round robin: a bind does not retry the ports just handed out

    async def bind(
        self,
        loop: asyncio.AbstractEventLoop,
        protocol_factory: Callable[[], asyncio.DatagramProtocol],
        address: str,
        kwargs: dict[str, Any],
    ) -> tuple[asyncio.DatagramTransport, asyncio.DatagramProtocol]:
        size = self.last - self.first + 1
        for _ in range(size):
            port = self._next
            self._next = self.first if port == self.last else port + 1
            try:
                return await loop.create_datagram_endpoint(
                    protocol_factory, local_addr=(address, port), **kwargs
                )
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
        message = (
            f"every UDP port of COURTROOM_MEDIA_PORTS={self.first}-{self.last} is in use on "
            f"{address}: a participant cannot connect; widen the range (and the firewall's)"
        )
        logger.error(message)
        raise MediaPortsExhausted(message)


def use_media_ports(ports: tuple[int, int] | None) -> None:
    """Bind the relay's ICE host candidates inside ``ports`` (first, last), process-wide;
    None restores aioice's own binding (any port)."""
    if ports is None:
        aioice.ice.asyncio = asyncio  # type: ignore[attr-defined]
        return
    first, last = ports
    if not 0 < first <= last <= 65535:
        raise ValueError(f"not a port range: {first}-{last}")
    port_range = _PortRange(first, last)
    ranged = types.ModuleType("asyncio")
    ranged.__dict__.update(asyncio.__dict__)

    def get_running_loop() -> Any:
        return _RangedLoop(asyncio.get_running_loop(), port_range)

    ranged.get_running_loop = get_running_loop  # type: ignore[attr-defined]
    aioice.ice.asyncio = ranged  # type: ignore[attr-defined]
