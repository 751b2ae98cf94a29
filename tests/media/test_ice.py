"""ICE settings: never aiortc's default STUN server, host addresses from settings."""

from __future__ import annotations

import aioice.ice
from aiortc import RTCBundlePolicy

from media.ice import rtc_configuration, use_host_addresses
from media.settings import IceServer, MediaSettings


def test_no_ice_servers_configured_means_none_are_contacted() -> None:
    configuration = rtc_configuration(MediaSettings())

    # None would make aiortc fall back to stun.l.google.com; an empty list contacts nobody.
    assert configuration.iceServers == []
    assert configuration.bundlePolicy == RTCBundlePolicy.MAX_BUNDLE


def test_configured_ice_servers_are_passed_with_their_credentials() -> None:
    turn = IceServer(urls=("turn:turn.example:3478?transport=tcp",), username="u", credential="c")

    (server,) = rtc_configuration(MediaSettings(ice_servers=(turn,))).iceServers or []

    assert server.urls == ["turn:turn.example:3478?transport=tcp"]
    assert (server.username, server.credential) == ("u", "c")


def test_host_addresses_from_settings_replace_interface_discovery() -> None:
    original = aioice.ice.get_host_addresses
    try:
        use_host_addresses(["127.0.0.1", "::1"])
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False) == ["127.0.0.1"]
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True) == [
            "127.0.0.1",
            "::1",
        ]
        use_host_addresses([])
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False) == ["127.0.0.1"]
    finally:
        aioice.ice.get_host_addresses = original
