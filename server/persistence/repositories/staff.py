"""Staff accounts and their login sessions as stored.

A session is found by the value of its cookie, but only the SHA-256 of that value is
stored: a copy of the database does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import InvalidState, NotFound
from court.ids import new_id
from court.staff import StaffAccount, StaffId, StaffRole
from server.persistence.models import StaffAccountRow, StaffSessionRow
from server.persistence.repositories.hearings import aware


def digest(secret: str) -> str:
    """SHA-256, hex: how session cookies and API tokens are stored and looked up."""
    return hashlib.sha256(secret.encode()).hexdigest()


def to_account(row: StaffAccountRow) -> StaffAccount:
    return StaffAccount(
        id=StaffId(row.id),
        username=row.username,
        display_name=row.display_name,
        role=StaffRole(row.role),
        created_at=aware(row.created_at) or row.created_at,
        disabled=row.disabled_at is not None,
        must_change_password=bool(row.must_change_password),
        totp_enabled=row.totp_secret is not None,
        courts=frozenset(json.loads(row.courts or "[]")),
    )


def _taken(username: str) -> InvalidState:
    return InvalidState(f"There is already a staff account {username!r}.")


@dataclass(frozen=True, slots=True)
class StaffCredentials:
    """An account with its password hash: only the login needs the two together."""

    account: StaffAccount
    password_hash: str
    totp_secret: str | None = None


class StaffAccountRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def add(
        self,
        *,
        username: str,
        display_name: str,
        role: StaffRole,
        password_hash: str,
        must_change_password: bool = False,
    ) -> StaffAccount:
        """Create an account; InvalidState if the username is taken (also under a race)."""
        row = StaffAccountRow(
            id=new_id("stf"),
            username=username,
            display_name=display_name,
            role=role.value,
            password_hash=password_hash,
            created_at=datetime.now(UTC),
            must_change_password=must_change_password,
            courts="[]",
        )
        try:
            async with self._sessions.begin() as session:
                exists = await session.scalar(
                    select(StaffAccountRow.id).where(StaffAccountRow.username == username)
                )
                if exists is not None:
                    raise _taken(username)
                session.add(row)
        except IntegrityError:
            raise _taken(username) from None
        return to_account(row)

    async def get(self, account_id: str) -> StaffAccount | None:
        async with self._sessions() as session:
            row = await session.get(StaffAccountRow, account_id)
            return None if row is None else to_account(row)

    async def by_username(self, username: str) -> StaffAccount | None:
        found = await self.credentials(username)
        return None if found is None else found.account

    async def credentials(self, username: str) -> StaffCredentials | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(StaffAccountRow).where(StaffAccountRow.username == username)
            )
            if row is None:
                return None
            return StaffCredentials(to_account(row), row.password_hash, row.totp_secret)

    async def list(self) -> list[StaffAccount]:
        async with self._sessions() as session:
            rows = await session.scalars(select(StaffAccountRow).order_by(StaffAccountRow.username))
            return [to_account(r) for r in rows]

    async def count(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count(StaffAccountRow.id))) or 0)

    async def set_password_hash(
        self, account_id: str, password_hash: str, *, must_change: bool | None = None
    ) -> StaffAccount:
        """Store a new hash; ``must_change`` (when given) sets whether the owner must
        change it at their next login."""
        async with self._sessions.begin() as session:
            row = await _row(session, account_id)
            row.password_hash = password_hash
            if must_change is not None:
                row.must_change_password = must_change
            return to_account(row)

    async def password_hash(self, account_id: str) -> str:
        async with self._sessions() as session:
            return (await _row(session, account_id)).password_hash

    async def set_totp_secret(self, account_id: str, secret: str | None) -> StaffAccount:
        """Turn the account's second factor on (a base32 secret) or off (None)."""
        async with self._sessions.begin() as session:
            row = await _row(session, account_id)
            row.totp_secret = secret
            return to_account(row)

    async def set_courts(self, account_id: str, courts: frozenset[str]) -> StaffAccount:
        """Assign the account to exactly ``courts`` (none: to the hearings naming it only)."""
        async with self._sessions.begin() as session:
            row = await _row(session, account_id)
            row.courts = json.dumps(sorted(courts), ensure_ascii=False)
            return to_account(row)

    async def set_disabled(self, account_id: str, *, disabled_at: datetime | None) -> StaffAccount:
        """Disable (a time) or enable (None) an account; its sessions stop resolving at once."""
        async with self._sessions.begin() as session:
            row = await _row(session, account_id)
            row.disabled_at = disabled_at
            return to_account(row)


async def _row(session: Any, account_id: str) -> StaffAccountRow:
    row = await session.get(StaffAccountRow, account_id)
    if row is None:
        raise NotFound(f"There is no staff account {account_id!r}.")
    assert isinstance(row, StaffAccountRow)
    return row


def public_id(stored_id: str) -> str:
    """How a session is named to people and in URLs: a prefix of its stored digest. It is
    neither the cookie nor enough to look the cookie up."""
    return stored_id[:16]


@dataclass(frozen=True, slots=True)
class StaffSession:
    account: StaffAccount
    created_at: datetime
    expires_at: datetime
    id: str = ""  # public_id(): names the session to list and revoke it


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One live session of an account, as listed (never its cookie)."""

    id: str
    created_at: datetime
    expires_at: datetime


class StaffSessionRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def create(
        self, account: StaffAccount, *, now: datetime, expires_at: datetime
    ) -> tuple[StaffSession, str]:
        """A new session and the secret for its cookie (returned here only, never stored)."""
        secret = secrets.token_urlsafe(32)
        row = StaffSessionRow(
            id=digest(secret), account_id=account.id, created_at=now, expires_at=expires_at
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return StaffSession(account, now, expires_at, public_id(row.id)), secret

    async def get(self, secret: str, *, now: datetime) -> StaffSession | None:
        """The live session whose cookie holds ``secret``: unexpired, of an enabled account."""
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(StaffSessionRow, StaffAccountRow)
                    .join(StaffAccountRow, StaffAccountRow.id == StaffSessionRow.account_id)
                    .where(StaffSessionRow.id == digest(secret))
                )
            ).first()
        if found is None:
            return None
        row, account_row = found
        expires_at = aware(row.expires_at) or row.expires_at
        if expires_at <= now or account_row.disabled_at is not None:
            return None
        return StaffSession(
            account=to_account(account_row),
            created_at=aware(row.created_at) or row.created_at,
            expires_at=expires_at,
            id=public_id(row.id),
        )

    async def of_account(self, account_id: str, *, now: datetime) -> list[SessionInfo]:
        """The account's unexpired sessions, the newest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(StaffSessionRow)
                .where(StaffSessionRow.account_id == account_id)
                .order_by(StaffSessionRow.created_at.desc())
            )
            found = [
                SessionInfo(
                    id=public_id(r.id),
                    created_at=aware(r.created_at) or r.created_at,
                    expires_at=aware(r.expires_at) or r.expires_at,
                )
                for r in rows
            ]
        return [s for s in found if s.expires_at > now]

    async def is_live(self, account_id: str, session_id: str, *, now: datetime) -> bool:
        """Whether the account's session named by its public id is still there (not logged
        out, revoked or expired) and the account still enabled: a bench join token lives
        only as long as the staff session it was issued to."""
        if len(session_id) != 16 or not all(c in "0123456789abcdef" for c in session_id):
            return False
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(StaffSessionRow.expires_at, StaffAccountRow.disabled_at)
                    .join(StaffAccountRow, StaffAccountRow.id == StaffSessionRow.account_id)
                    .where(
                        StaffSessionRow.account_id == account_id,
                        StaffSessionRow.id.startswith(session_id, autoescape=True),
                    )
                )
            ).first()
        if found is None:
            return False
        expires_at, disabled_at = found
        return disabled_at is None and (aware(expires_at) or expires_at) > now

    async def revoke(self, account_id: str, session_id: str) -> bool:
        """End one session of the account, named by its public id; False if there is none."""
        if len(session_id) != 16 or not all(c in "0123456789abcdef" for c in session_id):
            return False
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(StaffSessionRow).where(
                    StaffSessionRow.account_id == account_id,
                    StaffSessionRow.id.startswith(session_id, autoescape=True),
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def revoke_all(self, account_id: str, *, keep: str | None = None) -> int:
        """End every session of the account but the one whose cookie is ``keep``."""
        query = delete(StaffSessionRow).where(StaffSessionRow.account_id == account_id)
        if keep is not None:
            query = query.where(StaffSessionRow.id != digest(keep))
        async with self._sessions.begin() as session:
            result = await session.execute(query)
            return int(getattr(result, "rowcount", 0) or 0)

    async def delete(self, secret: str) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(StaffSessionRow).where(StaffSessionRow.id == digest(secret))
            )
            return bool(getattr(result, "rowcount", 0))

    async def delete_expired(self, *, now: datetime) -> int:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(StaffSessionRow).where(StaffSessionRow.expires_at <= now)
            )
            return int(getattr(result, "rowcount", 0) or 0)
