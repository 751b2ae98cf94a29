"""The settings that open courtroom to participants on other networks: TURN, the media
ports and the networks participants' ICE candidates may be in. Read by server/settings.py;
all are optional, and unset they leave make run's single-machine behaviour as it was
(host candidates only, any UDP port, participants on this machine or on public addresses)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path

from media.settings import PeerNetwork
from signaling.turn import DEFAULT_TTL_S, TurnSettings

DEFAULT_MAX_VIDEO_KBPS = 4000
# Below this a camera alone would be capped: refused as a mistake, not a limit.
MIN_MAX_VIDEO_KBPS = 1000

TURN_URLS_EXAMPLE = (
    "turn:turn.court.example:3478?transport=udp,turn:turn.court.example:3478?transport=tcp,"
    "turns:turn.court.example:443?transport=tcp"
)


def turn_from_env(env: Mapping[str, str]) -> TurnSettings | None:
    """COURTROOM_TURN_SECRET (or _SECRET_FILE), COURTROOM_TURN_URLS, COURTROOM_TURN_TTL and
    COURTROOM_TURN_RELAY_ONLY; None when no TURN server is configured.

    Raises ValueError naming the setting (server/settings.py turns it into a SettingsError).
    """
    secret = _turn_secret(env)
    urls = tuple(u.strip() for u in env.get("COURTROOM_TURN_URLS", "").split(",") if u.strip())
    if secret is None and not urls:
        return None
    if secret is None:
        raise ValueError(
            "COURTROOM_TURN_URLS is set but there is no COURTROOM_TURN_SECRET or "
            "COURTROOM_TURN_SECRET_FILE: coturn's static-auth-secret is needed to issue "
            "credentials"
        )
    if not urls:
        raise ValueError(
            "COURTROOM_TURN_SECRET is set but COURTROOM_TURN_URLS is empty; "
            f"e.g. {TURN_URLS_EXAMPLE}"
        )
    ttl = env.get("COURTROOM_TURN_TTL") or str(DEFAULT_TTL_S)
    try:
        ttl_s = int(ttl)
    except ValueError:
        raise ValueError(f"COURTROOM_TURN_TTL must be a number of seconds, not {ttl!r}") from None
    relay_only = env.get("COURTROOM_TURN_RELAY_ONLY", "0").strip().lower()
    if relay_only not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise ValueError(f"COURTROOM_TURN_RELAY_ONLY must be 1 or 0, not {relay_only!r}")
    try:
        return TurnSettings(
            secret=secret,
            urls=urls,
            ttl_s=ttl_s,
            relay_only=relay_only in ("1", "true", "yes", "on"),
        )
    except ValueError as exc:
        raise ValueError(f"COURTROOM_TURN_*: {exc}") from None


def _turn_secret(env: Mapping[str, str]) -> bytes | None:
    value, path = env.get("COURTROOM_TURN_SECRET"), env.get("COURTROOM_TURN_SECRET_FILE")
    if value and path:
        raise ValueError("set COURTROOM_TURN_SECRET or COURTROOM_TURN_SECRET_FILE, not both")
    if path:
        # A file keeps the secret out of the process environment (systemd's LoadCredential).
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ValueError(f"COURTROOM_TURN_SECRET_FILE cannot be read: {exc}") from None
        if not value:
            raise ValueError(f"COURTROOM_TURN_SECRET_FILE {path!r} is empty")
    return value.encode() if value else None


def media_ports_from_env(env: Mapping[str, str]) -> tuple[int, int] | None:
    """COURTROOM_MEDIA_PORTS=first-last: the UDP ports the relay's ICE host candidates bind
    (the firewall opens exactly these); None for any port the system gives."""
    value = env.get("COURTROOM_MEDIA_PORTS", "").strip()
    if not value:
        return None
    first, sep, last = value.partition("-")
    try:
        ports = (int(first), int(last if sep else first))
    except ValueError:
        raise ValueError(
            f"COURTROOM_MEDIA_PORTS must be a range like 50000-50100, not {value!r}"
        ) from None
    if not 1024 <= ports[0] <= ports[1] <= 65535:
        raise ValueError(
            f"COURTROOM_MEDIA_PORTS must be a range within 1024-65535, first <= last, not {value!r}"
        )
    return ports


def media_peer_networks_from_env(env: Mapping[str, str]) -> tuple[PeerNetwork, ...] | None:
    """COURTROOM_MEDIA_PEER_NETWORKS=10.20.0.0/16,192.168.5.0/24: the non-public networks
    participants' ICE candidates may be in (the court's LAN, the TURN server's private
    address). The relay sends STUN connectivity checks only to public addresses and to
    these (media/candidates.py, the security review's M6); never to link-local, multicast,
    unspecified or reserved addresses, and never to a port below 1024, whatever is listed.

    Unset: None, which allows, besides public addresses, only the loopback addresses the
    relay itself offers (COURTROOM_ICE_HOST_ADDRESSES=127.0.0.1: make run, the tests), the
    single-machine case where browser and server share the machine. A participant whose
    candidates are all refused still connects: its own checks reach the relay, which
    answers the address they come from (a peer-reflexive candidate). List a network only
    when the relay must reach participants there first (a LAN without TURN); listing one
    lets any participant make the relay send STUN packets into it.
    """
    value = env.get("COURTROOM_MEDIA_PEER_NETWORKS", "").strip()
    if not value:
        return None
    networks: list[PeerNetwork] = []
    for item in (v.strip() for v in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as exc:
            raise ValueError(
                "COURTROOM_MEDIA_PEER_NETWORKS must be a comma-separated list of networks "
                f"or addresses (e.g. 10.20.0.0/16,127.0.0.1), not {item!r}: {exc}"
            ) from None
    return tuple(networks)


def media_max_video_bitrate_from_env(env: Mapping[str, str]) -> int:
    """COURTROOM_MEDIA_MAX_VIDEO_KBPS: the most video one participant may send, camera and
    screen together, in kbit/s (default 4000). The relay asks each video track (REMB) to
    stay under 3/8 of it, which browsers obey; a crafted publisher past it has its video
    neither forwarded nor recorded until it is within it again (its audio is untouched),
    so it cannot fill the recordings' disk or load the relay (the security review's M6)."""
    value = env.get("COURTROOM_MEDIA_MAX_VIDEO_KBPS", "").strip()
    if not value:
        return DEFAULT_MAX_VIDEO_KBPS * 1000
    try:
        kbps = int(value)
    except ValueError:
        raise ValueError(
            f"COURTROOM_MEDIA_MAX_VIDEO_KBPS must be a number of kbit/s, not {value!r}"
        ) from None
    if not MIN_MAX_VIDEO_KBPS <= kbps <= 100_000:
        raise ValueError(
            f"COURTROOM_MEDIA_MAX_VIDEO_KBPS must be within {MIN_MAX_VIDEO_KBPS}-100000 "
            f"(a 720p camera and a screen share need about 3000), not {value!r}"
        )
    return kbps * 1000
