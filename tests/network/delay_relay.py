"""A UDP relay that delays every datagram by a random amount: delay with jitter where the
kernel has no netem (issue 16), put on the TURN leg of one participant.

    python -m tests.network.delay_relay <listen ip:port> <target ip:port> <delay ms> <jitter ms>

Each client address that sends to the listening socket gets a socket of its own towards the
target (as a NAT would), so the target's answers find their way back. Each datagram, either
way, leaves ``delay ± jitter`` ms (uniform) after it arrived, but never before the one that
arrived before it in the same direction: jitter without reordering, as on a real path whose
queue varies. Prints ``ready`` once listening; on SIGTERM prints the datagrams relayed as
JSON and exits.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sys
from collections.abc import Callable

Address = tuple[str, int]


class _Delayed(asyncio.DatagramProtocol):
    """One socket's receiving side: what arrives is sent on, later, by ``forward``."""

    def __init__(self, forward: Callable[[bytes, Address], None]) -> None:
        self._forward = forward

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self._forward(data, addr)


class DelayRelay:
    def __init__(self, target: Address, delay_s: float, jitter_s: float) -> None:
        self._target = target
        self._delay_s = delay_s
        self._jitter_s = jitter_s
        self._loop = asyncio.get_running_loop()
        self._listening: asyncio.DatagramTransport | None = None
        # A client's socket towards the target, opened at its first datagram.
        self._towards_target: dict[Address, asyncio.Task[asyncio.DatagramTransport]] = {}
        self._next_free: dict[tuple[Address, str], float] = {}  # (client, direction) -> time
        self.relayed = {"up": 0, "down": 0}

    async def listen(self, address: Address) -> None:
        transport, _ = await self._loop.create_datagram_endpoint(
            lambda: _Delayed(self._from_client), local_addr=address
        )
        self._listening = transport

    @property
    def address(self) -> Address:
        """Where it listens."""
        assert self._listening is not None
        address: Address = self._listening.get_extra_info("sockname")
        return address

    def close(self) -> None:
        if self._listening is not None:
            self._listening.close()
        for opening in self._towards_target.values():
            if opening.done():
                opening.result().close()
            else:
                opening.cancel()

    def _when(self, client: Address, direction: str) -> float:
        """When a datagram arriving now leaves: delay ± jitter, in order per direction."""
        now = self._loop.time()
        wanted = now + self._delay_s + random.uniform(-self._jitter_s, self._jitter_s)
        # Strictly after the one before: the event loop's timers do not keep the order of
        # equal times.
        at = max(wanted, self._next_free.get((client, direction), 0.0) + 1e-6)
        self._next_free[(client, direction)] = at
        return at

    def _from_client(self, data: bytes, client: Address) -> None:
        at = self._when(client, "up")
        opening = self._towards_target.get(client)
        if opening is None:
            opening = self._loop.create_task(self._open(client))
            self._towards_target[client] = opening
        if opening.done():
            self._loop.call_at(at, self._send, opening.result(), data, None, "up")
        else:
            opening.add_done_callback(
                lambda done: self._loop.call_at(at, self._send, done.result(), data, None, "up")
            )

    async def _open(self, client: Address) -> asyncio.DatagramTransport:
        transport, _ = await self._loop.create_datagram_endpoint(
            lambda: _Delayed(lambda reply, _addr: self._down(reply, client)),
            remote_addr=self._target,
        )
        return transport

    def _down(self, data: bytes, client: Address) -> None:
        if self._listening is not None:
            at = self._when(client, "down")
            self._loop.call_at(at, self._send, self._listening, data, client, "down")

    def _send(
        self, transport: asyncio.DatagramTransport, data: bytes, to: Address | None, way: str
    ) -> None:
        if not transport.is_closing():
            transport.sendto(data, to)
            self.relayed[way] += 1


def _address(text: str) -> Address:
    host, _, port = text.rpartition(":")
    return host, int(port)


async def main(listen: str, target: str, delay_ms: float, jitter_ms: float) -> None:
    relay = DelayRelay(_address(target), delay_ms / 1000, jitter_ms / 1000)
    await relay.listen(_address(listen))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    relay.close()
    print(json.dumps(relay.relayed), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
