"""API tokens of the e-court system as stored: the secret is shown once, then only its
SHA-256 is kept, and a revoked token stays listed (with when it was revoked)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import NotFound
from court.ids import new_id
from court.permissions import Scope
from server.persistence.models import ApiTokenRow
from server.persistence.repositories.hearings import aware
from server.persistence.repositories.staff import digest

# Recognisable in logs and by secret scanners, like ``ghp_`` for GitHub.
SECRET_PREFIX = "crt_"


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: str
    name: str
    scopes: frozenset[Scope]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        name=row.name,
        scopes=frozenset(Scope(s) for s in row.scopes.split()),
        created_by=row.created_by,
        created_at=aware(row.created_at) or row.created_at,
        revoked_at=aware(row.revoked_at),
    )


class ApiTokenRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def create(
        self, *, name: str, scopes: frozenset[Scope], created_by: str
    ) -> tuple[ApiToken, str]:
        """A new token and its secret: the only time the secret exists outside the caller."""
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        row = ApiTokenRow(
            id=new_id("tok"),
            name=name,
            token_hash=digest(secret),
            scopes=" ".join(sorted(s.value for s in scopes)),
            created_by=created_by,
            created_at=datetime.now(UTC),
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return _token(row), secret

    async def find(self, secret: str) -> ApiToken | None:
        """The token whose secret this is, revoked or not; None for an unknown secret."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(ApiTokenRow).where(ApiTokenRow.token_hash == digest(secret))
            )
            return None if row is None else _token(row)

    async def get(self, token_id: str) -> ApiToken | None:
        async with self._sessions() as session:
            row = await session.get(ApiTokenRow, token_id)
            return None if row is None else _token(row)

    async def list(self) -> list[ApiToken]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ApiTokenRow).order_by(ApiTokenRow.created_at, ApiTokenRow.id)
            )
            return [_token(r) for r in rows]

    async def revoke(self, token_id: str) -> ApiToken:
        """Revoke a token; revoking it again keeps the first revocation time."""
        async with self._sessions.begin() as session:
            row = await session.get(ApiTokenRow, token_id)
            if row is None:
                raise NotFound(f"There is no API token {token_id!r}.")
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
            return _token(row)
