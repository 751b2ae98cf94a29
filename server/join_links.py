"""Join links: signed, expiring, revocable, bound to one participant of one hearing and role.

The token travels in the link's URL fragment (``/join#token=...``), which browsers never
send to a server, and reaches us only inside the Socket.IO auth payload: it stays out of
access logs, proxies and Referer headers.

Every token names a link record (``join_links`` table). The signature proves we issued it;
the record says whether it was revoked. Both are checked at every Socket.IO connect.

The bench (judge, clerk) gets no link through the API or the console (the security review's
H1): a judge or clerk joins from their staff session (``POST /api/v1/hearings/{id}/bench``),
which issues a bench token bound to that session. It names the session, and it admits no one
once that session is logged out, revoked or expired, or the account disabled.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from court.errors import NotAuthenticated
from court.hearing import Hearing, JoinGrant, Participant
from court.hearing_state import HearingState
from court.roles import Role
from server.persistence.repositories import (
    HearingRepository,
    JoinLinkRecord,
    JoinLinkRepository,
    ParticipantRepository,
)

INVALID = "This join link is not valid. Ask the court clerk for a new one."
EXPIRED = "This join link has expired. Ask the court clerk for a new one."
REVOKED = "This join link has been revoked. Ask the court clerk for a new one."
SIGNED_OUT = (
    "Your staff session has ended (signed out or revoked). Sign in again and join from the console."
)
ENDED = "This hearing has ended; its join links no longer work."

# A link works until two hours after the hearing's scheduled end (issue 3): long enough for
# an overrunning hearing, short enough that an old link opens nothing.
GRACE_AFTER_END = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class LinkClaims:
    link_id: str
    hearing_id: str
    participant_id: str
    role: Role
    expires_at: int
    # For a bench token: the staff account and the public id of the session it was issued to.
    account_id: str | None = None
    staff_session: str | None = None


class SessionCheck(Protocol):
    async def is_live(self, account_id: str, session_id: str, *, now: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class IssuedLink:
    record: JoinLinkRecord
    token: str
    url: str


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
        records: JoinLinkRepository,
        ttl_s: int,
        staff_sessions: SessionCheck | None = None,
    ) -> None:
        self._key = secret_key
        self._public_url = public_url
        self._hearings = hearings
        self._participants = participants
        self._records = records
        self._ttl_s = ttl_s
        self._staff_sessions = staff_sessions

    @property
    def records(self) -> JoinLinkRepository:
        return self._records

    def default_expiry(self, hearing: Hearing, *, now: datetime | None = None) -> datetime:
        """Two hours after the scheduled end; for an unscheduled hearing, the settings' TTL."""
        end = hearing.scheduled_end
        if end is not None:
            return end + GRACE_AFTER_END
        return (now or datetime.now(UTC)) + timedelta(seconds=self._ttl_s)

    async def issue(
        self,
        hearing: Hearing,
        participant: Participant,
        *,
        by: str,
        expires_at: datetime | None = None,
    ) -> IssuedLink:
        record = await self._records.issue(
            hearing_id=hearing.id,
            participant_id=participant.id,
            role=participant.role,
            expires_at=expires_at or self.default_expiry(hearing),
            issued_by=by,
        )
        token = self.token_for(record)
        return IssuedLink(record, token, self.url_for(token))

    async def issue_bench(
        self,
        hearing: Hearing,
        participant: Participant,
        *,
        account_id: str,
        staff_session: str,
        session_expires_at: datetime,
        by: str,
    ) -> IssuedLink:
        """A join token for a bench member, bound to the staff session that asked for it:
        it expires with the session (or the hearing's links, if sooner) and stops working
        as soon as that session ends."""
        record = await self._records.issue(
            hearing_id=hearing.id,
            participant_id=participant.id,
            role=participant.role,
            expires_at=min(session_expires_at, self.default_expiry(hearing)),
            issued_by=by,
        )
        token = self.token_for(record, account_id=account_id, staff_session=staff_session)
        return IssuedLink(record, token, self.url_for(token))

    def token_for(
        self,
        record: JoinLinkRecord,
        *,
        account_id: str | None = None,
        staff_session: str | None = None,
    ) -> str:
        claims: dict[str, object] = {
            "link_id": record.id,
            "hearing_id": record.hearing_id,
            "participant_id": record.participant_id,
            "role": record.role.value,
            "expires_at": int(record.expires_at.timestamp()),
        }
        if staff_session is not None:
            claims["account_id"] = account_id
            claims["staff_session"] = staff_session
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
                link_id=str(raw["link_id"]),
                hearing_id=str(raw["hearing_id"]),
                participant_id=str(raw["participant_id"]),
                role=Role(raw["role"]),
                expires_at=int(raw["expires_at"]),
                account_id=None if raw.get("account_id") is None else str(raw["account_id"]),
                staff_session=(
                    None if raw.get("staff_session") is None else str(raw["staff_session"])
                ),
            )
        except (ValueError, KeyError, TypeError):
            # Only reachable with our own key (the signature matched), e.g. a token from a
            # version that named a role differently; still a person's problem, not a 500.
            raise NotAuthenticated(INVALID) from None
        current = datetime.now(UTC).timestamp() if now is None else now
        if claims.expires_at <= current:
            raise NotAuthenticated(EXPIRED)
        return claims

    async def authenticate(self, token: str) -> JoinGrant:
        """The participant and hearing a token admits, as currently recorded."""
        claims = self.verify(token)
        record = await self._records.get(claims.link_id)
        if (
            record is None
            or record.hearing_id != claims.hearing_id
            or record.participant_id != claims.participant_id
            or record.role != claims.role
        ):
            raise NotAuthenticated(INVALID)
        if record.revoked_at is not None:
            raise NotAuthenticated(REVOKED)
        if claims.staff_session is not None and not (
            self._staff_sessions is not None
            and claims.account_id is not None
            and await self._staff_sessions.is_live(
                claims.account_id, claims.staff_session, now=datetime.now(UTC)
            )
        ):
            raise NotAuthenticated(SIGNED_OUT)
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
        if hearing.state in (HearingState.CLOSED, HearingState.CANCELLED):
            raise NotAuthenticated(ENDED)
        return JoinGrant(
            hearing=hearing,
            participant=participant,
            staff_session=claims.staff_session,
            staff_account=claims.account_id,
        )

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(errors="replace"), hashlib.sha256).digest())
