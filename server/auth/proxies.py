"""Which address a request comes from, behind trusted reverse proxies.

Only a request whose peer is one of the configured proxies (COURTROOM_TRUSTED_PROXIES,
addresses or networks, comma separated) may name the client in X-Forwarded-For; from
anyone else the header is ignored and the peer address counts, so that nobody can pick the
address their failed logins are counted against. Behind a chain of proxies the client is
the rightmost address of the header that is not itself a trusted proxy.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable

from aiohttp import web
from aiohttp.web_log import AccessLogger, KeyMethod
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

FORWARDED_FOR = "X-Forwarded-For"
# The app's trusted proxies, for code that has the request but not the settings.
TRUSTED_PROXIES = web.AppKey("trusted_proxies", tuple[Network, ...])


def parse_trusted_proxies(value: str) -> tuple[Network, ...]:
    """``10.0.0.1, 192.168.0.0/24, ::1`` -> networks; ValueError naming a bad entry."""
    networks: list[Network] = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"not an address or network: {item!r}") from None
    return tuple(networks)


def _trusted(address: str, proxies: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in proxies)


def client_address(request: web.Request, proxies: tuple[Network, ...]) -> str:
    """The client's address: the peer's, or (from a trusted proxy) what the proxies say."""
    peer = request.remote or "unknown"
    if not proxies or not _trusted(peer, proxies):
        return peer
    forwarded = [
        hop.strip()
        for header in request.headers.getall(FORWARDED_FOR, [])
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(forwarded):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a proxy of ours wrote garbage: count the proxy, not the text
    return forwarded[0] if forwarded else peer


class ClientAccessLogger(AccessLogger):
    """aiohttp's access log, with the client's address where it says ``%a``: behind Caddy
    the one the trusted proxy names, as the audit log and the login throttle have it, not
    the proxy's loopback address on every line."""

    def __init__(self, logger: logging.Logger, log_format: str = AccessLogger.LOG_FORMAT) -> None:
        super().__init__(logger, log_format)
        # aiohttp compiles the format with AccessLogger's own methods, whatever the class.
        self._methods = [
            KeyMethod(key, self._format_a if method is AccessLogger._format_a else method)
            for key, method in self._methods
        ]

    @staticmethod
    def _format_a(request: BaseRequest, response: StreamResponse, time: float) -> str:
        if isinstance(request, web.Request):
            return client_address(request, request.config_dict.get(TRUSTED_PROXIES, ()))
        return request.remote or "-"
