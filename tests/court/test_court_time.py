"""The court reads every time in its own zone, on a 24-hour clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from court.court_time import CourtTime, time_zone

BAKU = CourtTime(time_zone("Asia/Baku"))


def test_a_utc_instant_reads_as_baku_time_on_a_24_hour_clock() -> None:
    afternoon = datetime(2026, 12, 8, 10, 30, tzinfo=UTC)

    assert BAKU.clock(afternoon) == "14:30"
    assert BAKU.clock_named(afternoon) == "14:30 (Asia/Baku)"
    assert BAKU.clock(afternoon.timestamp()) == "14:30"


def test_the_court_s_day_is_its_own_not_utc_s() -> None:
    # 01:30 in Baku on 8 December is still 7 December in UTC.
    early = datetime(2026, 12, 7, 21, 30, tzinfo=UTC)

    assert BAKU.day(early) == date(2026, 12, 8)
    assert BAKU.local(early).utcoffset() == timedelta(hours=4)


def test_a_zone_with_summer_time_follows_it() -> None:
    berlin = CourtTime(time_zone("Europe/Berlin"))

    assert berlin.clock(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "14:00"
    assert berlin.clock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)) == "13:00"
    assert berlin.clock(datetime(2026, 12, 1, 12, 0, tzinfo=timezone(timedelta(hours=5)))) == (
        "08:00"
    )


def test_a_naive_datetime_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="naive"):
        BAKU.clock(datetime(2026, 12, 8, 10, 30))


@pytest.mark.parametrize("name", ["", "Baku", "Asia/Nowhere", "../etc/passwd", "/etc/localtime"])
def test_only_a_real_zone_name_is_a_zone(name: str) -> None:
    with pytest.raises(ValueError):
        time_zone(name)
