"""An endpoint's ICE candidates reach aioice only if the operator allows their address (the
security review's M6, UDP SSRF): the review's demonstration, refused, on a real connection."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import AsyncIterator

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from media.candidates import MAX_PER_FAMILY, allowed_networks, filter_answer, refusal
from media.ice import rtc_configuration, use_host_addresses
from media.router import Router
from media.transport import Transport
from tests.media.peers import SETTINGS, Listener, Peer, add_candidates, until
from tests.support.media import ColourCamera

LOOPBACK_ONLY = allowed_networks(None, ("127.0.0.1",))


def candidate(
    host: str, port: int = 50000, rest: str = "udp 2130706431", kind: str = "host"
) -> str:
    return f"a=candidate:9 1 {rest} {host} {port} typ {kind}"


def test_by_default_only_public_addresses_and_the_relays_own_loopback_are_allowed() -> None:
    assert (ipaddress.ip_network("127.0.0.1/32"),) == LOOPBACK_ONLY
    assert allowed_networks(None, ("192.0.2.10",)) == ()
    assert refusal("127.0.0.1", LOOPBACK_ONLY) is None
    assert refusal("8.8.8.8", ()) is None
    assert refusal("2001:4860:4860::8888", ()) is None
    for address in (
        "127.0.0.2",  # the review's demonstration: a loopback service
        "10.0.0.5",  # the court's internal network
        "192.168.1.1",
        "100.64.0.1",
        "fd00::1",
        "::1",
        "::ffff:127.0.0.2",  # loopback spelt as IPv6
        "169.254.169.254",  # the cloud's metadata service
        "224.0.0.251",
        "0.0.0.0",
        "255.255.255.255",
        "240.0.0.1",
        "fe80::1",
        "b7a5c1e2-1234-4c2b-9f1e-0123456789ab.local",  # mDNS: resolved only later
        "intranet.court.example",
    ):
        assert refusal(address, LOOPBACK_ONLY) is not None, address


def test_operator_networks_allow_private_ranges_but_never_link_local_or_multicast() -> None:
    networks = (ipaddress.ip_network("10.17.0.0/16"), ipaddress.ip_network("0.0.0.0/0"))
    assert refusal("10.17.1.2", networks) is None
    assert refusal("169.254.169.254", networks) is not None
    assert refusal("224.0.0.1", networks) is not None
    assert refusal("0.0.0.0", networks) is not None


def test_an_answer_keeps_a_few_candidates_per_family_on_ports_above_1023() -> None:
    lines = [
        "v=0",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        candidate("127.0.0.1", 40000),
        candidate("127.0.0.1", 9),  # a well-known port
        candidate("127.0.0.1", 40001, rest="tcp 2130706431"),  # never paired
        candidate("127.0.0.2", 40000),
        "a=candidate:garbage",
        *(candidate(f"198.51.{i}.1", 40000, kind="srflx") for i in range(MAX_PER_FAMILY + 3)),
        "a=end-of-candidates",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        candidate("127.0.0.1", 40000),  # the same again, in a bundled m-section
        "a=end-of-candidates",
        "",
    ]
    # 198.51.x is documentation space (not global): the operator allows it here.
    networks = (*LOOPBACK_ONLY, ipaddress.ip_network("198.51.0.0/16"))

    filtered = filter_answer("\r\n".join(lines), networks)

    kept = [line for line in filtered.sdp.split("\r\n") if line.startswith("a=candidate")]
    assert kept == [
        candidate("127.0.0.1", 40000),
        *(candidate(f"198.51.{i}.1", 40000, kind="srflx") for i in range(MAX_PER_FAMILY - 1)),
        candidate("127.0.0.1", 40000),
    ]
    assert filtered.kept == MAX_PER_FAMILY
    assert len(filtered.refused) == 4 + 4
    assert filtered.sdp.count("a=end-of-candidates") == 2


def test_with_no_candidate_left_the_answer_no_longer_ends_its_candidates() -> None:
    sdp = "\r\n".join(["v=0", candidate("127.0.0.2"), "a=end-of-candidates", ""])

    filtered = filter_answer(sdp, LOOPBACK_ONLY)

    # aioice would give up at once; without end-of-candidates it waits for the endpoint's
    # own checks (peer-reflexive).
    assert filtered.sdp == "v=0\r\n"
    assert filtered.kept == 0


class Trap(asyncio.DatagramProtocol):
    """A UDP socket at an address a crafted answer names: whatever reaches it was sent."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.received.append(data)


@pytest.fixture
async def trap() -> AsyncIterator[tuple[Trap, int]]:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(Trap, local_addr=("127.0.0.2", 0))
    port = transport.get_extra_info("sockname")[1]
    yield protocol, port
    transport.close()


def ssrf_candidates(port: int) -> list[str]:
    return [
        candidate("127.0.0.2", port),
        "a=candidate:9 1 udp 2130706431 127.0.0.2 9 typ host",  # the review's line
        candidate("169.254.169.254", 8080),
        candidate("0b1c2d3e-aaaa-bbbb-cccc-0123456789ab.local", port),
    ]


def is_stun_binding_request(data: bytes) -> bool:
    # RFC 8489: type 0x0001, the magic cookie at bytes 4-8.
    return data[:2] == b"\x00\x01" and data[4:8] == b"\x21\x12\xa4\x42"


async def test_without_the_filter_aiortc_sends_stun_to_what_an_answer_names(
    trap: tuple[Trap, int],
) -> None:
    """The control: the trap does see the STUN requests a plain aiortc offerer sends."""
    protocol, port = trap
    use_host_addresses(["127.0.0.1"])
    offerer = RTCPeerConnection(rtc_configuration(SETTINGS))
    answerer = RTCPeerConnection(rtc_configuration(SETTINGS))
    try:
        offerer.addTransceiver("audio", direction="recvonly")
        await offerer.setLocalDescription(await offerer.createOffer())
        await answerer.setRemoteDescription(offerer.localDescription)
        await answerer.setLocalDescription(await answerer.createAnswer())
        crafted = add_candidates(answerer.localDescription.sdp, ssrf_candidates(port))
        await offerer.setRemoteDescription(RTCSessionDescription(crafted, "answer"))
        await until(lambda: any(is_stun_binding_request(d) for d in protocol.received), 5)
    finally:
        await offerer.close()
        await answerer.close()


async def test_the_relay_sends_no_stun_to_a_crafted_candidate_and_still_connects(
    trap: tuple[Trap, int],
) -> None:
    protocol, port = trap
    use_host_addresses(["127.0.0.1"])
    listener = Listener()
    router = Router("room", SETTINGS, listener)
    publisher = Peer()
    publisher.sending = {"video": ColourCamera()}
    publisher.edit_answer = lambda sdp: add_candidates(sdp, ssrf_candidates(port))
    try:
        transport: Transport = router.create_transport("pub")
        transport.enable_publishing(("video",))
        started = time.monotonic()
        await publisher.negotiate(transport)
        # The legitimate connection works: the camera's frames reach the relay.
        await listener.until(lambda: any(p.id == "pub:video" for p in listener.added))
        producer = listener.added[-1]
        arrived = producer.last_frame_at
        await until(lambda: producer.last_frame_at != arrived)
        # aioice checks every pair within its first second or so; give it more.
        await asyncio.sleep(max(0.0, started + 3.0 - time.monotonic()))
        assert protocol.received == []
    finally:
        await router.close()
        await publisher.pc.close()
