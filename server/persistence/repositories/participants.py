"""Participants of hearings as stored: add, list, remove (kept, marked removed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import InvalidRequest, NotFound
from court.hearing import Participant
from court.ids import HearingId, ParticipantId, new_participant_id
from court.roles import Role
from server.persistence.models import ParticipantRow


def to_participant(row: ParticipantRow) -> Participant:
    return Participant(
        id=ParticipantId(row.id),
        hearing_id=HearingId(row.hearing_id),
        name=row.name,
        role=Role(row.role),
        represents=None if row.represents_id is None else ParticipantId(row.represents_id),
        in_custody=row.in_custody,
    )


class ParticipantRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def add(
        self,
        hearing_id: HearingId,
        *,
        name: str,
        role: Role,
        represents: str | None = None,
        in_custody: bool = False,
    ) -> Participant:
        async with self._sessions.begin() as session:
            if represents is not None:
                other = await session.get(ParticipantRow, represents)
                if other is None or other.hearing_id != hearing_id or other.removed_at:
                    raise InvalidRequest(
                        f"represents: there is no participant {represents!r} in this hearing."
                    )
            row = ParticipantRow(
                id=new_participant_id(),
                hearing_id=hearing_id,
                name=name,
                role=role.value,
                represents_id=represents,
                in_custody=in_custody,
            )
            session.add(row)
        return to_participant(row)

    async def get(self, participant_id: str) -> Participant | None:
        """A current participant; None once removed."""
        async with self._sessions() as session:
            row = await session.get(ParticipantRow, participant_id)
            return None if row is None or row.removed_at is not None else to_participant(row)

    async def of_hearing(self, hearing_id: HearingId) -> list[Participant]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ParticipantRow)
                .where(ParticipantRow.hearing_id == hearing_id)
                .where(ParticipantRow.removed_at.is_(None))
                .order_by(ParticipantRow.id)
            )
            return [to_participant(r) for r in rows]

    async def bar(self, participant_id: str, reason: str | None) -> None:
        """Record the court's removal in the live hearing (``reason``), or lift it (None)."""
        async with self._sessions.begin() as session:
            row = await session.get(ParticipantRow, participant_id)
            if row is None:
                raise NotFound(f"There is no participant {participant_id!r}.")
            row.barred_reason = reason

    async def barred_of(self, hearing_id: HearingId) -> list[tuple[Participant, str]]:
        """The hearing's participants the court removed in the live hearing, with why."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ParticipantRow)
                .where(ParticipantRow.hearing_id == hearing_id)
                .where(ParticipantRow.barred_reason.is_not(None))
                .order_by(ParticipantRow.id)
            )
            return [(to_participant(r), r.barred_reason or "") for r in rows]

    async def remove(self, hearing_id: HearingId, participant_id: str) -> Participant:
        async with self._sessions.begin() as session:
            row = await session.get(ParticipantRow, participant_id)
            if row is None or row.hearing_id != hearing_id or row.removed_at is not None:
                raise NotFound(f"There is no participant {participant_id!r} in this hearing.")
            row.removed_at = datetime.now(UTC)
            return to_participant(row)
