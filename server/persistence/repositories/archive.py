"""The archive's index: which sealed recordings each hearing has, search over them, retention.

The recordings' bytes live in the archive storage (recordings.storage); this index is what
makes them findable by case number, court, date, participant and state without opening a
file, and holds each hearing's retain-until date and legal hold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import NotFound
from court.hearing import Hearing, Participant
from court.hearing_state import HearingState
from server.persistence.models import (
    ArchivedRecordingRow,
    HearingRow,
    ParticipantRow,
    RetentionRow,
)
from server.persistence.repositories.hearings import aware, to_hearing, utc
from server.persistence.repositories.participants import to_participant

SEARCH_LIMIT = 200


@dataclass(frozen=True, slots=True)
class ArchivedRecording:
    id: str
    hearing_id: str
    started_at: datetime
    stopped_at: datetime | None
    duration_s: float | None
    recovered: bool


@dataclass(frozen=True, slots=True)
class Retention:
    retain_until: date
    legal_hold: bool
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ArchivedHearing:
    hearing: Hearing
    recordings: tuple[ArchivedRecording, ...]  # in record order
    participants: tuple[Participant, ...]  # everyone who was on the hearing, removed or not
    retention: Retention | None

    @property
    def recorded_s(self) -> float | None:
        durations = [r.duration_s for r in self.recordings]
        return None if any(d is None for d in durations) else sum(d or 0.0 for d in durations)


@dataclass(frozen=True, slots=True)
class ArchiveQuery:
    """Each given field narrows the search; text fields match substrings, case-insensitive."""

    case_number: str | None = None
    court: str | None = None
    participant: str | None = None
    state: HearingState | None = None
    recorded_from: date | None = None  # a recording started on or after this day
    recorded_to: date | None = None  # ... on or before this day
    # Whose days: the court's (COURTROOM_TIME_ZONE) when an archivist searches, so that a
    # hearing recorded at 02:00 in Baku is found on its own day, not UTC's day before.
    zone: tzinfo = UTC
    limit: int = SEARCH_LIMIT


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = func.lower(column).contains(text.lower(), autoescape=True)
    return result


def _day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _to_recording(row: ArchivedRecordingRow) -> ArchivedRecording:
    started = aware(row.started_at)
    assert started is not None
    return ArchivedRecording(
        id=row.id,
        hearing_id=row.hearing_id,
        started_at=started,
        stopped_at=aware(row.stopped_at),
        duration_s=row.duration_s,
        recovered=row.recovered,
    )


def _to_retention(row: RetentionRow) -> Retention:
    updated = aware(row.updated_at)
    assert updated is not None
    return Retention(
        retain_until=row.retain_until,
        legal_hold=row.legal_hold,
        updated_by=row.updated_by,
        updated_at=updated,
    )


class ArchiveRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def index(self, recording: ArchivedRecording, *, default_retain_until: date) -> None:
        """Add the recording to the index, or refresh it (a recovered recording re-indexed);
        in the same transaction, give its hearing ``default_retain_until`` if it has no
        retention yet, so no archived hearing is ever without one."""
        async with self._sessions.begin() as session:
            if await session.get(RetentionRow, recording.hearing_id) is None:
                session.add(
                    RetentionRow(
                        hearing_id=recording.hearing_id,
                        retain_until=default_retain_until,
                        legal_hold=False,
                        updated_by="system:archive",
                        updated_at=datetime.now(UTC),
                    )
                )
            row = await session.get(ArchivedRecordingRow, recording.id)
            if row is None:
                row = ArchivedRecordingRow(id=recording.id, hearing_id=recording.hearing_id)
                session.add(row)
            row.started_at = utc(recording.started_at) or recording.started_at
            row.stopped_at = utc(recording.stopped_at)
            row.duration_s = recording.duration_s
            row.recovered = recording.recovered
            row.indexed_at = datetime.now(UTC)

    async def indexed(self) -> dict[str, ArchivedRecording]:
        async with self._sessions() as session:
            rows = await session.scalars(select(ArchivedRecordingRow))
            return {row.id: _to_recording(row) for row in rows}

    async def forget(self, hearing_id: str) -> int:
        """Drop the hearing's recordings from the index (after a purge); returns how many."""
        async with self._sessions.begin() as session:
            result: Any = await session.execute(
                delete(ArchivedRecordingRow).where(ArchivedRecordingRow.hearing_id == hearing_id)
            )
            return int(result.rowcount or 0)

    async def get(self, hearing_id: str) -> ArchivedHearing | None:
        """The hearing as the archive knows it; None if it has no archived recording."""
        found = await self._load([hearing_id])
        return found[0] if found else None

    async def search(self, query: ArchiveQuery) -> list[ArchivedHearing]:
        """Hearings with at least one archived recording that match, newest first."""
        recorded = select(ArchivedRecordingRow.hearing_id)
        if query.recorded_from is not None:
            recorded = recorded.where(
                ArchivedRecordingRow.started_at >= _day_start(query.recorded_from, query.zone)
            )
        if query.recorded_to is not None:
            recorded = recorded.where(
                ArchivedRecordingRow.started_at
                < _day_start(query.recorded_to + timedelta(days=1), query.zone)
            )
        statement = select(HearingRow.id).where(HearingRow.id.in_(recorded))
        if query.case_number:
            statement = statement.where(_contains(HearingRow.case_number, query.case_number))
        if query.court:
            statement = statement.where(_contains(HearingRow.court, query.court))
        if query.state is not None:
            statement = statement.where(HearingRow.state == query.state.value)
        if query.participant:
            statement = statement.where(
                HearingRow.id.in_(
                    select(ParticipantRow.hearing_id).where(
                        _contains(ParticipantRow.name, query.participant)
                    )
                )
            )
        latest = (
            select(func.max(ArchivedRecordingRow.started_at))
            .where(ArchivedRecordingRow.hearing_id == HearingRow.id)
            .scalar_subquery()
        )
        statement = statement.order_by(latest.desc(), HearingRow.id).limit(query.limit)
        async with self._sessions() as session:
            ids = list(await session.scalars(statement))
        return await self._load(ids)

    async def expired(self, today: date) -> list[ArchivedHearing]:
        """Archived hearings whose retain-until date has passed, held ones included (the
        caller says why each is kept or goes)."""
        async with self._sessions() as session:
            ids = list(
                await session.scalars(
                    select(RetentionRow.hearing_id)
                    .where(RetentionRow.retain_until < today)
                    .where(RetentionRow.hearing_id.in_(select(ArchivedRecordingRow.hearing_id)))
                    .order_by(RetentionRow.retain_until, RetentionRow.hearing_id)
                )
            )
        return await self._load(ids)

    async def retain(
        self, hearing_id: str, *, retain_until: date | None, legal_hold: bool | None, by: str
    ) -> Retention:
        """Change the archived hearing's retention (the fields given); NotFound if the
        archive holds no record of it (indexing gives every archived hearing a row)."""
        async with self._sessions.begin() as session:
            # FOR UPDATE on PostgreSQL: a purge reading the row waits for this change.
            row = await session.get(RetentionRow, hearing_id, with_for_update=True)
            if row is None:
                raise NotFound(f"The archive holds no record of hearing {hearing_id!r}.")
            if retain_until is not None:
                row.retain_until = retain_until
            if legal_hold is not None:
                row.legal_hold = legal_hold
            row.updated_by = by
            row.updated_at = datetime.now(UTC)
            return _to_retention(row)

    async def _load(self, hearing_ids: list[str]) -> list[ArchivedHearing]:
        if not hearing_ids:
            return []
        async with self._sessions() as session:
            hearings = {
                row.id: to_hearing(row)
                for row in await session.scalars(
                    select(HearingRow).where(HearingRow.id.in_(hearing_ids))
                )
            }
            recordings: dict[str, list[ArchivedRecording]] = defaultdict(list)
            for row in await session.scalars(
                select(ArchivedRecordingRow)
                .where(ArchivedRecordingRow.hearing_id.in_(hearing_ids))
                .order_by(ArchivedRecordingRow.started_at, ArchivedRecordingRow.id)
            ):
                recordings[row.hearing_id].append(_to_recording(row))
            participants: dict[str, list[Participant]] = defaultdict(list)
            for row in await session.scalars(
                select(ParticipantRow)
                .where(ParticipantRow.hearing_id.in_(hearing_ids))
                .order_by(ParticipantRow.id)
            ):
                participants[row.hearing_id].append(to_participant(row))
            retentions = {
                row.hearing_id: _to_retention(row)
                for row in await session.scalars(
                    select(RetentionRow).where(RetentionRow.hearing_id.in_(hearing_ids))
                )
            }
        return [
            ArchivedHearing(
                hearing=hearings[hearing_id],
                recordings=tuple(recordings[hearing_id]),
                participants=tuple(participants[hearing_id]),
                retention=retentions.get(hearing_id),
            )
            for hearing_id in hearing_ids
            if hearing_id in hearings and recordings[hearing_id]
        ]
