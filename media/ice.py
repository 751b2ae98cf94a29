"""ICE configuration for server-side peer connections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import aioice.ice
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCIceServer

from media.settings import MediaSettings


def rtc_configuration(settings: MediaSettings) -> RTCConfiguration:
    """Build the configuration of every server-side peer connection.

    ``iceServers`` is always given explicitly: with ``None`` aiortc would contact Google's
    STUN server, and every offer would wait for it when offline. ``MAX_BUNDLE`` because
    aiortc 1.16 leaves the second and later video transceivers silent under BALANCED
    (aiortc issue 1414).
    """
    return RTCConfiguration(
        iceServers=[
            RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential)
            for s in settings.ice_servers
        ],
        bundlePolicy=RTCBundlePolicy.MAX_BUNDLE,
    )


def use_host_addresses(addresses: Sequence[str]) -> None:
    """Offer exactly these local addresses as ICE host candidates (process-wide).

    aioice never offers loopback addresses and has no option to choose interfaces; tests
    in a loopback-only network namespace and single-machine demos need 127.0.0.1.
    An empty sequence keeps aioice's own interface discovery.
    """
    if not addresses:
        return
    chosen = list(addresses)

    def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in chosen if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

    aioice.ice.get_host_addresses = get_host_addresses


IcePath = Literal["relay", "direct"]


def selected_path(ice_transport: Any) -> IcePath | None:
    """Whether the pair ICE selected goes through a TURN relay (either end's candidate is a
    relay candidate) or directly; None until a pair is selected. Reads aioice's nominated
    pair (no public accessor in aioice 0.13), for metrics only: any surprise reads None."""
    connection = getattr(ice_transport, "_connection", None)
    nominated = getattr(connection, "_nominated", None)
    if not isinstance(nominated, dict) or not nominated:
        return None
    pair = next(iter(nominated.values()))
    types = {
        getattr(getattr(pair, "local_candidate", None), "type", None),
        getattr(getattr(pair, "remote_candidate", None), "type", None),
    }
    return "relay" if "relay" in types else "direct"
