"""Join links: signed, expiring, bound to one participant of one hearing with one role.

The token travels in the link's URL fragment (``/join#token=...``), which browsers never
send to a server, and reaches us only inside the Socket.IO auth payload: it stays out of
access logs, proxies and Referer headers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from court.errors import NotAuthenticated
from court.hearing import JoinGrant, Participant
from court.roles import Role
from server.persistence.repositories import HearingRepository, ParticipantRepository

INVALID = "This join link is not valid. Ask the court clerk for a new one."


@dataclass(frozen=True, slots=True)
class LinkClaims:
    hearing_id: str
    participant_id: str
    role: str
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class JoinLinks:
    def __init__(
        self,
        secret_key: bytes,
        public_url: str,
        hearings: HearingRepository,
        participants: ParticipantRepository,
        ttl_s: int,
    ) -> None:
        self._key = secret_key
        self._public_url = public_url
        self._hearings = hearings
        self._participants = participants
        self._ttl_s = ttl_s

    def token_for(self, participant: Participant, *, now: float | None = None) -> str:
        claims = {
            "h": participant.hearing_id,
            "p": participant.id,
            "r": participant.role.value,
            "e": int((now or time.time()) + self._ttl_s),
        }
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def url_for(self, token: str) -> str:
        return f"{self._public_url}/join#token={token}"

    def verify(self, token: str, *, now: float | None = None) -> LinkClaims:
        """Check signature and expiry; raise NotAuthenticated with a message for a person."""
        body, _, signature = token.partition(".")
        if not body or not signature or not hmac.compare_digest(signature, self._sign(body)):
            raise NotAuthenticated(INVALID)
        try:
            raw = json.loads(_unb64(body))
            claims = LinkClaims(str(raw["h"]), str(raw["p"]), str(raw["r"]), int(raw["e"]))
        except (ValueError, KeyError, TypeError):
            raise NotAuthenticated(INVALID) from None
        if claims.expires_at < (now or time.time()):
            raise NotAuthenticated("This join link has expired. Ask the court clerk for a new one.")
        return claims

    async def authenticate(self, token: str) -> JoinGrant:
        """The participant and hearing a token admits, as currently recorded."""
        claims = self.verify(token)
        participant = await self._participants.get(claims.participant_id)
        if (
            participant is None
            or participant.hearing_id != claims.hearing_id
            or participant.role != Role(claims.role)
        ):
            raise NotAuthenticated(INVALID)
        hearing = await self._hearings.get(participant.hearing_id)
        if hearing is None:
            raise NotAuthenticated(INVALID)
        return JoinGrant(hearing=hearing, participant=participant)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
