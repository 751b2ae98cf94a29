"""Staff accounts and their login sessions as stored.

A session is found by the value of its cookie, but only the SHA-256 of that value is
stored: a copy of the database does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
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
    )


def _taken(username: str) -> InvalidState:
    return InvalidState(f"There is already a staff account {username!r}.")


@dataclass(frozen=True, slots=True)
class StaffCredentials:
    """An account with its password hash: only the login needs the two together."""

    account: StaffAccount
    password_hash: str


class StaffAccountRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def add(
        self, *, username: str, display_name: str, role: StaffRole, password_hash: str
    ) -> StaffAccount:
        """Create an account; InvalidState if the username is taken (also under a race)."""
        row = StaffAccountRow(
            id=new_id("stf"),
            username=username,
            display_name=display_name,
            role=role.value,
            password_hash=password_hash,
            created_at=datetime.now(UTC),
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
            return None if row is None else StaffCredentials(to_account(row), row.password_hash)

    async def list(self) -> list[StaffAccount]:
        async with self._sessions() as session:
            rows = await session.scalars(select(StaffAccountRow).order_by(StaffAccountRow.username))
            return [to_account(r) for r in rows]

    async def count(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count(StaffAccountRow.id))) or 0)

    async def set_password_hash(self, account_id: str, password_hash: str) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(StaffAccountRow, account_id)
            if row is None:
                raise NotFound(f"There is no staff account {account_id!r}.")
            row.password_hash = password_hash


@dataclass(frozen=True, slots=True)
class StaffSession:
    account: StaffAccount
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
        return StaffSession(account, now, expires_at), secret

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
        )

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
