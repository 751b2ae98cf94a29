"""The archive's index on SQLite and PostgreSQL: search criteria, order, retention, expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from court.errors import NotFound
from court.hearing_state import HearingState
from court.roles import Role
from server.persistence.repositories.archive import ArchivedRecording, ArchiveQuery
from tests.server.conftest import Database

DAY = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


async def _archived(
    database: Database,
    case: str,
    court: str,
    name: str,
    started: datetime,
    retain_until: date = date(2036, 1, 1),
) -> str:
    hearing = await database.hearings.create(case_number=case, title="T", court=court)
    await database.participants.add(hearing.id, name=name, role=Role.WITNESS)
    await database.archive.index(
        ArchivedRecording(
            id=f"rec_{case.replace('/', '_')}",
            hearing_id=hearing.id,
            started_at=started,
            stopped_at=started + timedelta(minutes=5),
            duration_s=300.0,
            recovered=False,
        ),
        default_retain_until=retain_until,
    )
    return hearing.id


async def test_search_narrows_by_each_field_and_lists_newest_first(database: Database) -> None:
    first = await _archived(database, "1-10/2026", "Baku Court", "Aysel Quliyeva", DAY)
    second = await _archived(
        database, "1-11/2026", "Ganja Court", "Orxan 50%_Ali", DAY + timedelta(days=2)
    )
    unrecorded = await database.hearings.create(case_number="1-12/2026", title="T")
    search = database.archive.search

    assert [a.hearing.id for a in await search(ArchiveQuery())] == [second, first]
    assert [a.hearing.id for a in await search(ArchiveQuery(case_number="-10/"))] == [first]
    assert [a.hearing.id for a in await search(ArchiveQuery(court="GANJA"))] == [second]
    assert [a.hearing.id for a in await search(ArchiveQuery(participant="aysel"))] == [first]
    # LIKE's wildcards in what a person types are matched literally.
    assert [a.hearing.id for a in await search(ArchiveQuery(participant="50%_"))] == [second]
    assert await search(ArchiveQuery(participant="Aysel_")) == []  # "_" is not "any"
    day = DAY.date()
    in_range = ArchiveQuery(recorded_from=day, recorded_to=day)
    assert [a.hearing.id for a in await search(in_range)] == [first]
    later = ArchiveQuery(recorded_from=day + timedelta(days=1))
    assert [a.hearing.id for a in await search(later)] == [second]
    assert await search(ArchiveQuery(state=HearingState.CLOSED)) == []
    assert unrecorded.id not in {a.hearing.id for a in await search(ArchiveQuery())}

    found = await database.archive.get(first)
    assert found is not None and found.recorded_s == 300.0
    assert [p.name for p in found.participants] == ["Aysel Quliyeva"]


async def test_retention_is_set_once_by_default_and_expiry_lists_held_hearings_too(
    database: Database,
) -> None:
    held = await _archived(database, "2-1/2026", "C", "A", DAY, date(2029, 1, 1))
    due = await _archived(database, "2-2/2026", "C", "B", DAY, date(2029, 6, 1))
    await _archived(database, "2-3/2026", "C", "C", DAY, date(2031, 1, 1))
    today = date(2030, 1, 1)
    # Indexing a later recording of the hearing never overrides the retention it has.
    await database.archive.index(
        ArchivedRecording("rec_later", due, DAY, DAY, 1.0, False),
        default_retain_until=date(2040, 1, 1),
    )
    again = await database.archive.get(due)
    assert again is not None and again.retention is not None
    assert again.retention.retain_until == date(2029, 6, 1)
    await database.archive.retain(held, retain_until=None, legal_hold=True, by="archivist")
    with pytest.raises(NotFound):
        await database.archive.retain("hrg_unknown", retain_until=None, legal_hold=True, by="a")

    expired = await database.archive.expired(today)
    assert [a.hearing.id for a in expired] == [held, due]
    assert expired[0].retention is not None and expired[0].retention.legal_hold
    assert await database.archive.forget(due) == 2
    assert [a.hearing.id for a in await database.archive.expired(today)] == [held]


async def test_a_day_searched_for_is_the_court_s_day_not_utc_s(database: Database) -> None:
    # 01:30 in Baku on 8 December, which is still 7 December in UTC.
    night = datetime(2026, 12, 7, 21, 30, tzinfo=UTC)
    hearing = await _archived(database, "3-1/2026", "Baku Court", "A", night)
    baku = ZoneInfo("Asia/Baku")

    def on(day: date) -> ArchiveQuery:
        return ArchiveQuery(recorded_from=day, recorded_to=day, zone=baku)

    assert [a.hearing.id for a in await database.archive.search(on(date(2026, 12, 8)))] == [hearing]
    assert await database.archive.search(on(date(2026, 12, 7))) == []
