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
    role: Role
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
        issued = time.time() if now is None else now
        claims = {
            "hearing_id": participant.hearing_id,
            "participant_id": participant.id,
            "role": participant.role.value,
            "expires_at": int(issued + self._ttl_s),
        }
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def url_for(self, token: str) -> str:
        return f"{self._public_url}/join#token={token}"

    def verify(self, token: str, *, now: float | None = None) -> LinkClaims:
        """Check signature and expiry; raise NotAuthenticated with a message for a person."""
        body, _, signature = token.partition(".")
        # Bytes, not str: compare_digest refuses non-ASCII str, and a token is user input.
        expected = self._sign(body).encode()
        if not body or not hmac.compare_digest(signature.encode(errors="replace"), expected):
            raise NotAuthenticated(INVALID)
        try:
            raw = json.loads(_unb64(body))
            claims = LinkClaims(
                hearing_id=str(raw["hearing_id"]),
                participant_id=str(raw["participant_id"]),
                role=Role(raw["role"]),
                expires_at=int(raw["expires_at"]),
            )
        except (ValueError, KeyError, TypeError):
            # Only reachable with our own key (the signature matched), e.g. a token from a
            # version that named a role differently; still a person's problem, not a 500.
            raise NotAuthenticated(INVALID) from None
        if claims.expires_at <= (time.time() if now is None else now):
            raise NotAuthenticated("This join link has expired. Ask the court clerk for a new one.")
        return claims

    async def authenticate(self, token: str) -> JoinGrant:
        """The participant and hearing a token admits, as currently recorded."""
        claims = self.verify(token)
        participant = await self._participants.get(claims.participant_id)
        if (
            participant is None
            or participant.hearing_id != claims.hearing_id
            or participant.role != claims.role
        ):
            raise NotAuthenticated(INVALID)
        hearing = await self._hearings.get(participant.hearing_id)
        if hearing is None:
            raise NotAuthenticated(INVALID)
        return JoinGrant(hearing=hearing, participant=participant)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(errors="replace"), hashlib.sha256).digest())
