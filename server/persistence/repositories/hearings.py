"""Hearings as stored: create, find, filter, reschedule, change state."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import InvalidState, NotFound
from court.hearing import Hearing
from court.hearing_state import HearingState, check_transition
from court.ids import HearingId, new_hearing_id
from server.persistence.models import HearingRow


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes even for timezone-aware columns; we store UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def utc(moment: datetime | None) -> datetime | None:
    """Stored in UTC: SQLite keeps the wall time and drops the offset, so convert first."""
    return None if moment is None else moment.astimezone(UTC)


def to_hearing(row: HearingRow) -> Hearing:
    return Hearing(
        id=HearingId(row.id),
        case_number=row.case_number,
        title=row.title,
        court=row.court,
        courtroom=row.courtroom,
        presiding_judge=row.presiding_judge,
        clerk=row.clerk,
        scheduled_start=aware(row.scheduled_start),
        duration=timedelta(minutes=row.duration_min),
        language=row.language,
        state=HearingState(row.state),
    )


@dataclass(frozen=True, slots=True)
class HearingFilter:
    """The e-court system's and the console's search; every field narrows the result."""

    starts_from: datetime | None = None
    starts_before: datetime | None = None
    court: str | None = None
    case_number: str | None = None
    state: HearingState | None = None
    presiding_judge: str | None = None
    # A clerk's view: only the hearings naming this clerk or of one of ``clerk_courts``.
    assigned_to_clerk: str | None = None
    clerk_courts: frozenset[str] = frozenset()
    limit: int = 100
    offset: int = 0

    def apply(self, query: Select[tuple[HearingRow]]) -> Select[tuple[HearingRow]]:
        if self.starts_from is not None:
            query = query.where(HearingRow.scheduled_start >= utc(self.starts_from))
        if self.starts_before is not None:
            query = query.where(HearingRow.scheduled_start < utc(self.starts_before))
        if self.court is not None:
            query = query.where(HearingRow.court == self.court)
        if self.case_number is not None:
            query = query.where(HearingRow.case_number == self.case_number)
        if self.state is not None:
            query = query.where(HearingRow.state == self.state.value)
        if self.presiding_judge is not None:
            query = query.where(HearingRow.presiding_judge == self.presiding_judge)
        if self.assigned_to_clerk is not None:
            query = query.where(
                or_(
                    HearingRow.clerk == self.assigned_to_clerk,
                    HearingRow.court.in_(sorted(self.clerk_courts)),
                )
            )
        return query


@dataclass(frozen=True, slots=True)
class HearingChanges:
    """The scheduled facts to change; None leaves a fact as it is."""

    case_number: str | None = None
    title: str | None = None
    court: str | None = None
    courtroom: str | None = None
    presiding_judge: str | None = None
    clerk: str | None = None
    scheduled_start: datetime | None = None
    duration: timedelta | None = None
    language: str | None = None

    def values(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


class HearingRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def create(
        self,
        *,
        case_number: str,
        title: str,
        court: str = "",
        courtroom: str = "",
        presiding_judge: str = "",
        clerk: str = "",
        scheduled_start: datetime | None = None,
        duration: timedelta = timedelta(hours=1),
        language: str = "en",
    ) -> Hearing:
        now = datetime.now(UTC)
        row = HearingRow(
            id=new_hearing_id(),
            case_number=case_number,
            title=title,
            court=court,
            courtroom=courtroom,
            presiding_judge=presiding_judge,
            clerk=clerk,
            scheduled_start=utc(scheduled_start),
            duration_min=int(duration.total_seconds() // 60),
            language=language,
            state=HearingState.SCHEDULED.value,
            created_at=now,
            updated_at=now,
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return to_hearing(row)

    async def get(self, hearing_id: str) -> Hearing | None:
        async with self._sessions() as session:
            row = await session.get(HearingRow, hearing_id)
            return None if row is None else to_hearing(row)

    async def courts(self) -> list[str]:
        """Every court some hearing is scheduled in, in order."""
        async with self._sessions() as session:
            names = await session.scalars(
                select(HearingRow.court).where(HearingRow.court != "").distinct()
            )
            return sorted(names)

    async def list(self, where: HearingFilter | None = None) -> list[Hearing]:
        where = where or HearingFilter()
        query = where.apply(select(HearingRow))
        query = query.order_by(
            HearingRow.scheduled_start.is_(None),
            HearingRow.scheduled_start,
            HearingRow.created_at,
            HearingRow.id,
        )
        async with self._sessions() as session:
            rows = await session.scalars(query.limit(where.limit).offset(where.offset))
            return [to_hearing(r) for r in rows]

    async def find_by_case_number(self, case_number: str) -> Hearing | None:
        found = await self.list(HearingFilter(case_number=case_number, limit=1))
        return found[0] if found else None

    async def reschedule(
        self, hearing_id: str, *, scheduled_start: datetime, duration: timedelta
    ) -> Hearing:
        async with self._sessions.begin() as session:
            row = await self._locked(session, hearing_id)
            hearing = to_hearing(row)
            if not hearing.reschedulable:
                raise InvalidState(
                    f"Hearing {hearing.case_number} is {hearing.state.value.replace('_', ' ')}; "
                    "only a scheduled hearing can be rescheduled."
                )
            row.scheduled_start = utc(scheduled_start)
            row.duration_min = int(duration.total_seconds() // 60)
            row.updated_at = datetime.now(UTC)
            return to_hearing(row)

    async def update(self, hearing_id: str, changes: HearingChanges) -> tuple[Hearing, Hearing]:
        """Change what was scheduled while the hearing has not opened; (before, after).
        Once the waiting room is open the parties hold links naming this hearing and the
        court is sitting: what it is about and who presides is settled."""
        async with self._sessions.begin() as session:
            row = await self._locked(session, hearing_id)
            before = to_hearing(row)
            if not before.reschedulable:
                raise InvalidState(
                    f"Hearing {before.case_number} is {before.state.value.replace('_', ' ')}; "
                    "only a scheduled hearing can be changed."
                )
            for name, value in changes.values().items():
                if name == "scheduled_start":
                    row.scheduled_start = utc(value)
                elif name == "duration":
                    row.duration_min = int(value.total_seconds() // 60)
                else:
                    setattr(row, name, value)
            row.updated_at = datetime.now(UTC)
            return before, to_hearing(row)

    async def set_state(self, hearing_id: str, target: HearingState) -> tuple[Hearing, Hearing]:
        """Move the hearing to ``target`` if the transition table allows; (before, after)."""
        async with self._sessions.begin() as session:
            row = await self._locked(session, hearing_id)
            before = to_hearing(row)
            check_transition(before.state, target)
            row.state = target.value
            row.updated_at = datetime.now(UTC)
            return before, to_hearing(row)

    async def set_locked(self, hearing_id: str, locked: bool) -> None:
        """The court locked the live hearing (no newcomers), or unlocked it."""
        async with self._sessions.begin() as session:
            row = await self._locked(session, hearing_id)
            row.locked = locked

    async def is_locked(self, hearing_id: str) -> bool:
        async with self._sessions() as session:
            row = await session.get(HearingRow, hearing_id)
            return bool(row is not None and row.locked)

    async def _locked(self, session: Any, hearing_id: str) -> HearingRow:
        # FOR UPDATE on PostgreSQL serialises concurrent changes; SQLite serialises writers.
        row: HearingRow | None = await session.scalar(
            select(HearingRow).where(HearingRow.id == hearing_id).with_for_update()
        )
        if row is None:
            raise NotFound(f"There is no hearing {hearing_id!r}.")
        return row
