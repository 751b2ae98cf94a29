"""Issued join links: what was issued to whom, until when, and whether it was revoked.

The token itself is never stored; its id (inside the signed token) finds this record, so
a revoked link is refused even though its signature still verifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import NotFound
from court.ids import HearingId, ParticipantId, new_id
from court.roles import Role
from server.persistence.models import JoinLinkRow
from server.persistence.repositories.hearings import aware


@dataclass(frozen=True, slots=True)
class JoinLinkRecord:
    id: str
    hearing_id: HearingId
    participant_id: ParticipantId
    role: Role
    issued_at: datetime
    issued_by: str
    expires_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


def _record(row: JoinLinkRow) -> JoinLinkRecord:
    return JoinLinkRecord(
        id=row.id,
        hearing_id=HearingId(row.hearing_id),
        participant_id=ParticipantId(row.participant_id),
        role=Role(row.role),
        issued_at=aware(row.issued_at) or row.issued_at,
        issued_by=row.issued_by,
        expires_at=aware(row.expires_at) or row.expires_at,
        revoked_at=aware(row.revoked_at),
        revoked_by=row.revoked_by,
    )


class JoinLinkRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def issue(
        self,
        *,
        hearing_id: HearingId,
        participant_id: ParticipantId,
        role: Role,
        expires_at: datetime,
        issued_by: str,
    ) -> JoinLinkRecord:
        row = JoinLinkRow(
            id=new_id("lnk"),
            hearing_id=hearing_id,
            participant_id=participant_id,
            role=role.value,
            issued_at=datetime.now(UTC),
            issued_by=issued_by,
            expires_at=expires_at.astimezone(UTC),
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return _record(row)

    async def get(self, link_id: str) -> JoinLinkRecord | None:
        async with self._sessions() as session:
            row = await session.get(JoinLinkRow, link_id)
            return None if row is None else _record(row)

    async def of_hearing(self, hearing_id: HearingId) -> list[JoinLinkRecord]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(JoinLinkRow)
                .where(JoinLinkRow.hearing_id == hearing_id)
                .order_by(JoinLinkRow.issued_at, JoinLinkRow.id)
            )
            return [_record(r) for r in rows]

    async def revoke(self, hearing_id: HearingId, link_id: str, *, by: str) -> JoinLinkRecord:
        """Revoke one link; revoking a revoked link keeps the first revocation."""
        async with self._sessions.begin() as session:
            row = await session.get(JoinLinkRow, link_id)
            if row is None or row.hearing_id != hearing_id:
                raise NotFound(f"There is no join link {link_id!r} in this hearing.")
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
                row.revoked_by = by
            return _record(row)

    async def revoke_all_of(self, participant_id: ParticipantId, *, by: str) -> int:
        async with self._sessions.begin() as session:
            rows = await session.scalars(
                select(JoinLinkRow)
                .where(JoinLinkRow.participant_id == participant_id)
                .where(JoinLinkRow.revoked_at.is_(None))
            )
            now, count = datetime.now(UTC), 0
            for row in rows:
                row.revoked_at, row.revoked_by = now, by
                count += 1
            return count
