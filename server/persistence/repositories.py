"""Repositories: the only code that opens database sessions; they speak court/ types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.hearing import Hearing, Participant
from court.ids import HearingId, ParticipantId, new_hearing_id, new_participant_id
from court.roles import Role
from server.persistence.models import HearingRow, ParticipantRow


def _hearing(row: HearingRow) -> Hearing:
    return Hearing(id=HearingId(row.id), case_number=row.case_number, title=row.title)


def _participant(row: ParticipantRow) -> Participant:
    return Participant(
        id=ParticipantId(row.id),
        hearing_id=HearingId(row.hearing_id),
        name=row.name,
        role=Role(row.role),
    )


class HearingRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def create(self, *, case_number: str, title: str) -> Hearing:
        row = HearingRow(
            id=new_hearing_id(),
            case_number=case_number,
            title=title,
            created_at=datetime.now(UTC),
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return _hearing(row)

    async def get(self, hearing_id: str) -> Hearing | None:
        async with self._sessions() as session:
            row = await session.get(HearingRow, hearing_id)
            return None if row is None else _hearing(row)

    async def list(self) -> list[Hearing]:
        async with self._sessions() as session:
            rows = await session.scalars(select(HearingRow).order_by(HearingRow.created_at))
            return [_hearing(r) for r in rows]

    async def find_by_case_number(self, case_number: str) -> Hearing | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(HearingRow).where(HearingRow.case_number == case_number).limit(1)
            )
            return None if row is None else _hearing(row)


class ParticipantRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def add(self, hearing_id: HearingId, *, name: str, role: Role) -> Participant:
        row = ParticipantRow(
            id=new_participant_id(), hearing_id=hearing_id, name=name, role=role.value
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return _participant(row)

    async def get(self, participant_id: str) -> Participant | None:
        async with self._sessions() as session:
            row = await session.get(ParticipantRow, participant_id)
            return None if row is None else _participant(row)

    async def of_hearing(self, hearing_id: HearingId) -> list[Participant]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ParticipantRow).where(ParticipantRow.hearing_id == hearing_id)
            )
            return [_participant(r) for r in rows]
