"""Link quality from two readings of a connection's counters, and its grade."""

from __future__ import annotations

import pytest

from media.link_quality import (
    LOSS_BAD,
    LOSS_POOR,
    ROUND_TRIP_BAD_MS,
    ROUND_TRIP_POOR_MS,
    LinkCounters,
    LinkQuality,
    RemoteReport,
    link_quality,
)
from media.passthrough import ReceivedCount


def reading(
    at: float,
    *,
    sent: int = 0,
    received: int = 0,
    up: dict[int, ReceivedCount] | None = None,
    down: dict[str, RemoteReport] | None = None,
) -> LinkCounters:
    return LinkCounters(
        at=at,
        bytes_sent=sent,
        bytes_received=received,
        up=up or {},
        down=down or {},
        path="direct",
    )


def quality(
    loss_up: float | None = None, loss_down: float | None = None, round_trip_ms: int | None = None
) -> LinkQuality:
    return LinkQuality("direct", round_trip_ms, loss_up, loss_down, 500, 500)


def test_loss_and_bitrate_are_those_between_the_two_readings() -> None:
    before = reading(
        10.0,
        sent=1_000_000,
        received=2_000_000,
        up={1: ReceivedCount(1000, 10), 2: ReceivedCount(500, 0)},
        down={"s": RemoteReport(900, 5, 0.05)},
    )
    after = reading(
        13.0,
        sent=1_000_000 + 375_000,  # 1 Mbit/s for 3 s
        received=2_000_000 + 150_000,  # 400 kbit/s
        up={1: ReceivedCount(1300, 25), 2: ReceivedCount(650, 0)},  # 15 of 450 lost
        down={"s": RemoteReport(1100, 9, 0.07)},  # 4 of 200
    )

    measured = link_quality(before, after)

    assert (measured.path, measured.round_trip_ms) == ("direct", 70)
    assert measured.loss_up == pytest.approx(15 / 450)
    assert measured.loss_down == pytest.approx(4 / 200)
    assert (measured.kbit_s_up, measured.kbit_s_down) == (400, 1000)


def test_a_stream_idle_or_not_reported_on_since_the_last_reading_adds_nothing() -> None:
    stale = RemoteReport(900, 50, -0.9)
    fresh_before = RemoteReport(0, 0, 0.03)
    fresh = RemoteReport(100, 0, 0.03)
    before = reading(0.0, down={"stale": stale, "fresh": fresh_before})
    after = reading(3.0, down={"stale": stale, "fresh": fresh})

    measured = link_quality(before, after)

    assert measured.loss_down == 0.0
    assert measured.round_trip_ms == 30


def test_a_round_trip_estimated_below_zero_reads_zero() -> None:
    before = reading(0.0, down={"s": RemoteReport(0, 0, None)})
    after = reading(3.0, down={"s": RemoteReport(100, 0, -0.004)})

    assert link_quality(before, after).round_trip_ms == 0


def test_too_few_packets_tell_no_loss_and_no_report_no_round_trip() -> None:
    before = reading(0.0, up={7: ReceivedCount(100, 0)})
    after = reading(3.0, up={7: ReceivedCount(120, 3)})

    measured = link_quality(before, after)

    assert measured.loss_up is None and measured.loss_down is None
    assert measured.round_trip_ms is None
    assert measured.grade == "good"


def test_late_packets_never_make_a_negative_loss() -> None:
    before = reading(0.0, up={7: ReceivedCount(1000, 20)})
    after = reading(3.0, up={7: ReceivedCount(1100, 12)})  # eight late ones arrived

    assert link_quality(before, after).loss_up == 0.0


@pytest.mark.parametrize(
    ("measured", "grade"),
    [
        (quality(), "good"),
        (quality(loss_up=LOSS_POOR, loss_down=0.0, round_trip_ms=ROUND_TRIP_POOR_MS), "good"),
        (quality(loss_up=0.05), "poor"),
        (quality(loss_down=0.05), "poor"),
        (quality(round_trip_ms=ROUND_TRIP_POOR_MS + 1), "poor"),
        (quality(loss_up=LOSS_BAD + 0.01, loss_down=0.0), "bad"),
        (quality(loss_down=0.2), "bad"),
        (quality(loss_up=0.01, round_trip_ms=ROUND_TRIP_BAD_MS + 1), "bad"),
    ],
)
def test_the_grade_is_the_worst_of_loss_either_way_and_round_trip(
    measured: LinkQuality, grade: str
) -> None:
    assert measured.grade == grade
