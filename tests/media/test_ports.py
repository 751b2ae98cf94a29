"""The relay's ICE host candidates bind inside COURTROOM_MEDIA_PORTS (media/ports.py)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import aioice
import aioice.ice
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection

from media.ice import use_host_addresses
from media.ports import MediaPortsExhausted, use_media_ports
from media.settings import MediaSettings
from media.transport import NegotiationError, Transport

FIRST = 47310  # inside the test's own network namespace nothing else binds these


@pytest.fixture(autouse=True)
def loopback_only() -> Iterator[None]:
    original = aioice.ice.get_host_addresses
    use_host_addresses(["127.0.0.1"])
    yield
    use_media_ports(None)
    aioice.ice.get_host_addresses = original


async def gathered() -> aioice.Connection:
    connection = aioice.Connection(ice_controlling=True, components=1)
    await connection.gather_candidates()
    return connection


async def test_host_candidates_bind_inside_the_range() -> None:
    use_media_ports((FIRST, FIRST + 2))
    connections = [await gathered() for _ in range(3)]
    try:
        ports = sorted(c.port for conn in connections for c in conn.local_candidates)
        assert ports == [FIRST, FIRST + 1, FIRST + 2]
        assert all(c.type == "host" for conn in connections for c in conn.local_candidates)
    finally:
        for connection in connections:
            await connection.close()


async def test_a_port_in_use_by_someone_else_is_skipped() -> None:
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", FIRST))
    use_media_ports((FIRST, FIRST + 1))
    try:
        connection = await gathered()
        assert [c.port for c in connection.local_candidates] == [FIRST + 1]
        await connection.close()
    finally:
        taken.close()


async def test_a_freed_port_is_used_again() -> None:
    use_media_ports((FIRST, FIRST))
    first = await gathered()
    await first.close()
    await asyncio.sleep(0)

    again = await gathered()

    assert [c.port for c in again.local_candidates] == [FIRST]
    await again.close()


async def test_an_exhausted_range_fails_the_offer_with_a_clear_error() -> None:
    use_media_ports((FIRST, FIRST + 1))
    holders = [await gathered(), await gathered()]
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver("audio", direction="recvonly")
    try:
        with pytest.raises(MediaPortsExhausted, match=f"COURTROOM_MEDIA_PORTS={FIRST}-{FIRST + 1}"):
            await pc.setLocalDescription(await pc.createOffer())
    finally:
        await pc.close()
        for holder in holders:
            await holder.close()


async def test_without_a_range_aioice_binds_as_before() -> None:
    use_media_ports((FIRST, FIRST))
    use_media_ports(None)
    assert aioice.ice.asyncio is asyncio  # type: ignore[attr-defined]

    connection = await gathered()

    assert connection.local_candidates[0].port != 0
    await connection.close()


def test_a_reversed_range_is_refused() -> None:
    with pytest.raises(ValueError, match="not a port range"):
        use_media_ports((FIRST + 1, FIRST))


async def test_an_exhausted_range_is_a_negotiation_error_of_the_transport() -> None:
    use_media_ports((FIRST, FIRST))
    holder = await gathered()
    transport = Transport("ep_late", MediaSettings(host_addresses=("127.0.0.1",)))
    transport.enable_publishing(("audio",))
    try:
        # The negotiator drops the participant on a NegotiationError, with this reason.
        with pytest.raises(NegotiationError, match="no free media port"):
            await transport.create_offer()
    finally:
        await transport.close()
        await holder.close()
