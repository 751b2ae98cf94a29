"""The exhibit register as stored: the signaling layer's ExhibitStore, over the database.

Exhibits are numbered per hearing in the transaction that stores them, as protocol entries
are; the UNIQUE (hearing_id, number) constraint keeps two writers from sharing a number.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from court.errors import NotFound
from court.exhibits import MAX_DESCRIPTION, Exhibit, ExhibitStatus, Showing
from server.persistence.models import ExhibitRow
from server.persistence.repositories.values import check_text, stored_moment, unix_seconds

MAX_NUMBER_TRIES = 5


def _showings_json(showings: tuple[Showing, ...]) -> str:
    return json.dumps(
        [
            {
                "shown_by": s.shown_by,
                "recording_id": s.recording_id,
                "start_ms": s.start_ms,
                "end_ms": s.end_ms,
                "ended": s.ended,
            }
            for s in showings
        ],
        separators=(",", ":"),
    )


def to_exhibit(row: ExhibitRow) -> Exhibit:
    return Exhibit(
        id=row.id,
        hearing_id=row.hearing_id,
        number=row.number,
        description=row.description,
        offered_by=row.offered_by,
        status=ExhibitStatus(row.status),
        showings=tuple(Showing(**s) for s in json.loads(row.showings)),
        created_at=unix_seconds(row.created_at),
        updated_at=unix_seconds(row.updated_at),
    )


class ExhibitRepository:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions
        self._lock = asyncio.Lock()  # this process's writers take numbers one at a time

    async def add(self, exhibit: Exhibit) -> Exhibit:
        check_text("description", exhibit.description, MAX_DESCRIPTION)
        async with self._lock:
            for _ in range(MAX_NUMBER_TRIES):
                try:
                    async with self._sessions.begin() as session:
                        last = await session.scalar(
                            select(func.max(ExhibitRow.number)).where(
                                ExhibitRow.hearing_id == exhibit.hearing_id
                            )
                        )
                        row = ExhibitRow(
                            id=exhibit.id,
                            hearing_id=exhibit.hearing_id,
                            number=(last or 0) + 1,
                            description=exhibit.description,
                            offered_by=exhibit.offered_by,
                            status=exhibit.status.value,
                            showings=_showings_json(exhibit.showings),
                            created_at=stored_moment(exhibit.created_at),
                            updated_at=stored_moment(exhibit.updated_at),
                        )
                        session.add(row)
                    return to_exhibit(row)
                except IntegrityError:
                    continue  # another process took the number: take the next
        raise RuntimeError("could not number the exhibit")

    async def update(self, exhibit: Exhibit) -> Exhibit:
        check_text("description", exhibit.description, MAX_DESCRIPTION)
        async with self._sessions.begin() as session:
            row = await session.get(ExhibitRow, exhibit.id, with_for_update=True)
            if row is None or row.hearing_id != exhibit.hearing_id:
                raise NotFound(f"There is no exhibit {exhibit.id!r} in this hearing.")
            row.description = exhibit.description
            row.offered_by = exhibit.offered_by
            row.status = exhibit.status.value
            row.showings = _showings_json(exhibit.showings)
            row.updated_at = stored_moment(exhibit.updated_at)
            return to_exhibit(row)

    async def of_hearing(self, hearing_id: str) -> list[Exhibit]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ExhibitRow)
                .where(ExhibitRow.hearing_id == hearing_id)
                .order_by(ExhibitRow.number)
            )
            return [to_exhibit(r) for r in rows]
