"""The ICE servers a participant's browser gets with its join acknowledgement.

A participant whose network blocks UDP (detention facilities, court and government
networks) reaches the relay only through a TURN server over TCP or TLS. The court runs
coturn with ``use-auth-secret`` (deploy/turnserver.conf): coturn and courtroom share one
secret, and courtroom hands each participant a credential of its own that expires, in the
"TURN REST API" scheme (draft-uberti-behave-turn-rest-00) that coturn checks without asking
anyone: the username is ``"<expiry unix time>:<participant id>"`` and the password is
``base64(HMAC-SHA1(secret, username))``. A leaked credential is good for one TTL only
and names the participant it was issued to; a static TURN password in the page would let
anyone use the court's bandwidth.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from signaling.live.notices import IceConfiguration

IceTransportPolicy = Literal["all", "relay"]

# Offers the ICE configuration for one participant id: the join ack's ``ice_servers`` and
# ``ice_transport_policy`` (SIGNALING.md).
IceOffer = Callable[[str], IceConfiguration]

TURN_SCHEMES = ("turn:", "turns:")
# The TTL's bounds: a credential only needs to outlive the ICE gathering of the join it
# came with (coturn checks it when an allocation is made, and refreshes of an allocation
# go on after expiry), and a day is LiveKit's cap too.
MIN_TTL_S = 60
MAX_TTL_S = 24 * 3600
DEFAULT_TTL_S = 4 * 3600


def no_turn(participant_id: str) -> IceConfiguration:
    """Without TURN configured: host candidates only, as on one machine or a LAN."""
    return {"ice_servers": [], "ice_transport_policy": "all"}


def turn_credential(secret: bytes, participant_id: str, expires_at: int) -> tuple[str, str]:
    """The (username, password) coturn accepts until ``expires_at`` (unix seconds)."""
    username = f"{expires_at}:{participant_id}"
    digest = hmac.new(secret, username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True, slots=True)
class TurnSettings:
    """coturn's shared secret, its URLs (turn:/turns: for UDP, TCP and TLS) and the TTL.

    ``relay_only`` makes browsers use TURN even where a direct path would work
    (``iceTransportPolicy: "relay"``): one path for every participant, and the one the
    tests prove the TURN path with.
    """

    secret: bytes = field(repr=False)
    urls: tuple[str, ...]
    ttl_s: int = DEFAULT_TTL_S
    relay_only: bool = False

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ValueError("the TURN secret must be at least 16 characters")
        if not self.urls:
            raise ValueError("at least one turn: or turns: URL is needed")
        for url in self.urls:
            if not url.startswith(TURN_SCHEMES):
                raise ValueError(f"{url!r} is not a turn: or turns: URL")
        if not MIN_TTL_S <= self.ttl_s <= MAX_TTL_S:
            raise ValueError(f"the TTL must be between {MIN_TTL_S} and {MAX_TTL_S} seconds")


class TurnCredentials:
    """Issues each participant its own time-limited TURN credential (an :data:`IceOffer`).

    ``wall_clock`` is unix time: coturn compares the expiry with its own wall clock, so
    this is the one place signaling needs one (the composition root passes ``time.time``).
    """

    def __init__(self, settings: TurnSettings, wall_clock: Callable[[], float]) -> None:
        self._settings = settings
        self._wall_clock = wall_clock

    def __call__(self, participant_id: str) -> IceConfiguration:
        expires_at = int(self._wall_clock()) + self._settings.ttl_s
        username, password = turn_credential(self._settings.secret, participant_id, expires_at)
        policy: IceTransportPolicy = "relay" if self._settings.relay_only else "all"
        return {
            "ice_servers": [
                {"urls": list(self._settings.urls), "username": username, "credential": password}
            ],
            "ice_transport_policy": policy,
        }
