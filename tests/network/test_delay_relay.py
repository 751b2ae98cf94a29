"""The delay relay the delay test puts on a TURN leg: each datagram is held delay ± jitter,
both ways, and none overtakes another."""

from __future__ import annotations

import asyncio
import struct
from concurrent.futures import ThreadPoolExecutor
from typing import cast

from tests.network.delay_relay import DelayRelay

DELAY_S = 0.15
JITTER_S = 0.03


class _Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.transport.sendto(data, addr)


class _Client(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.back: list[tuple[int, float]] = []  # (number, round trip s)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        number, sent = struct.unpack("!Id", data)
        self.back.append((number, asyncio.get_running_loop().time() - sent))


def test_every_datagram_is_held_delay_plus_minus_jitter_each_way_and_keeps_its_order() -> None:
    # On a thread of its own: this package's browser tests keep Playwright's event loop
    # running on the main thread.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _relay_fifty_datagrams()).result(timeout=30)


async def _relay_fifty_datagrams() -> None:
    loop = asyncio.get_running_loop()
    echo, _ = await loop.create_datagram_endpoint(_Echo, local_addr=("127.0.0.1", 0))
    relay = DelayRelay(echo.get_extra_info("sockname"), DELAY_S, JITTER_S)
    await relay.listen(("127.0.0.1", 0))
    client = _Client()
    sender, _ = await loop.create_datagram_endpoint(lambda: client, remote_addr=relay.address)
    try:
        for number in range(50):  # one every 20 ms, like audio
            sender.sendto(struct.pack("!Id", number, loop.time()))
            await asyncio.sleep(0.02)
        await asyncio.sleep(2 * (DELAY_S + JITTER_S) + 0.2)
    finally:
        sender.close()
        relay.close()
        echo.close()
    numbers = [number for number, _ in client.back]
    assert numbers == list(range(50))  # all back, none overtaken
    trips = [trip for _, trip in client.back]
    assert all(
        2 * (DELAY_S - JITTER_S) - 0.005 <= t <= 2 * (DELAY_S + JITTER_S) + 0.1 for t in trips
    )
    assert max(trips) - min(trips) > JITTER_S  # jitter, not a constant delay
    assert relay.relayed == {"up": 50, "down": 50}
