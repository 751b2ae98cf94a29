"""Which ICE candidates of an endpoint's answer the relay may send STUN checks to.

aiortc adds every ``a=candidate`` of a remote description, and aioice then sends STUN
binding requests to each: without a filter, a participant's answer makes the server send
UDP to any address and port it names (loopback services, the court's internal network,
the cloud's metadata address), and up to about 600 of them per answer (the security
review's M6). So the relay reads the candidates first and keeps only a few, at addresses
the operator allows.

Dropping a candidate never stops a legitimate endpoint from connecting: the endpoint
sends its own connectivity checks to the relay's candidates, and aioice answers and pairs
the address those checks come from (a peer-reflexive candidate, RFC 8445 7.3.1.3). The
relay then only ever sends to an address that has just proven it speaks ICE with this
session's credentials.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from aioice import Candidate

from media.settings import PeerNetwork

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# A browser gathers one host candidate per interface, a server-reflexive one per STUN
# server and a relay one per TURN URL: a handful per address family. More is an attack.
MAX_PER_FAMILY = 4

# Browsers and TURN servers use ephemeral ports; a candidate on a well-known port aims at
# a service (DNS, NTP, SNMP, syslog, the discard port of the review's demonstration).
MIN_PORT = 1024

_CANDIDATE = "a=candidate:"
_END = "a=end-of-candidates"
_TYPES = ("host", "srflx", "relay")


@dataclass(frozen=True, slots=True)
class FilteredAnswer:
    sdp: str
    kept: int
    refused: tuple[str, ...]  # "address:port (why)", for the log


def allowed_networks(
    peer_networks: tuple[PeerNetwork, ...] | None, host_addresses: Iterable[str]
) -> tuple[PeerNetwork, ...]:
    """The non-public networks candidates may be in, besides public addresses.

    ``peer_networks`` is the operator's setting (COURTROOM_MEDIA_PEER_NETWORKS). Unset
    (None), a relay that offers a loopback host address is a single-machine setup (make
    run, the tests): its browsers are on the same machine, so exactly those loopback
    addresses are allowed, and nothing else that is not public.
    """
    if peer_networks is not None:
        return peer_networks
    networks: list[PeerNetwork] = []
    for value in host_addresses:
        address = ipaddress.ip_address(value)
        if address.is_loopback:
            networks.append(ipaddress.ip_network(address))
    return tuple(networks)


def refusal(address: str, networks: tuple[PeerNetwork, ...]) -> str | None:
    """Why the relay must not send to ``address``; None if it may."""
    try:
        parsed: _Address = ipaddress.ip_address(address)
    except ValueError:
        # An mDNS name (or any name): where it resolves is only known after aioice has
        # asked the local network, so it cannot be checked first.
        return "a name, not an address"
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if (
        parsed.is_unspecified
        or parsed.is_multicast
        or parsed.is_link_local
        or parsed.is_reserved
        or parsed == ipaddress.IPv4Address("255.255.255.255")
    ):
        # Never a peer, whatever the setting says (169.254.169.254 is the cloud's
        # metadata service).
        return "never a peer"
    if any(parsed in network for network in networks):
        return None
    if parsed.is_global:
        return None
    return "not public and not in COURTROOM_MEDIA_PEER_NETWORKS"


def filter_answer(sdp: str, networks: tuple[PeerNetwork, ...]) -> FilteredAnswer:
    """``sdp`` with only the candidates the relay may check: UDP, component 1, a host,
    server-reflexive or relay candidate at an allowed address and port, at most
    MAX_PER_FAMILY distinct addresses per family in the whole answer (with BUNDLE every
    m-section's candidates reach the same ICE transport).

    If none is left, ``a=end-of-candidates`` goes too: aioice would otherwise give up at
    once instead of waiting for the endpoint's own checks (peer-reflexive candidates).
    """
    lines = sdp.splitlines(keepends=True)
    kept_addresses: set[tuple[str, int]] = set()
    per_family = {4: 0, 6: 0}
    refused: list[str] = []
    out: list[str] = []
    for line in lines:
        if not line.startswith(_CANDIDATE):
            out.append(line)
            continue
        try:
            candidate = Candidate.from_sdp(line[len(_CANDIDATE) :].strip())
        except (ValueError, IndexError):
            refused.append("unparsable candidate")
            continue
        where = f"{candidate.host}:{candidate.port}"
        key = (candidate.host, candidate.port)
        if key in kept_addresses:
            out.append(line)  # the same address again (another bundled m-section)
            continue
        why = _refuse_candidate(candidate, networks)
        if why is None:
            family = ipaddress.ip_address(candidate.host).version
            if per_family[family] >= MAX_PER_FAMILY:
                why = f"more than {MAX_PER_FAMILY} IPv{family} candidates"
            else:
                per_family[family] += 1
        if why is not None:
            refused.append(f"{where} ({why})")
            continue
        kept_addresses.add(key)
        out.append(line)
    if not kept_addresses:
        out = [line for line in out if not line.startswith(_END)]
    return FilteredAnswer("".join(out), len(kept_addresses), tuple(refused))


def _refuse_candidate(candidate: Candidate, networks: tuple[PeerNetwork, ...]) -> str | None:
    if candidate.transport.lower() != "udp":
        return "not UDP"  # the relay gathers UDP candidates only: never paired
    if candidate.component != 1:
        return "not component 1"  # RTP and RTCP share one component (rtcp-mux)
    if candidate.type not in _TYPES:
        return f"type {candidate.type}"
    if not MIN_PORT <= candidate.port <= 65535:
        return f"port below {MIN_PORT}"
    return refusal(candidate.host, networks)
