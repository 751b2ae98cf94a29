"""The court's own time: wall-clock moments as the court reads them, in its time zone.

Instants are stored and sent in UTC (RFC 3339); everything a person reads is shown in the
court's zone (COURTROOM_TIME_ZONE, Asia/Baku unless set) on a 24-hour clock, because a
clerk in Baku who must subtract four hours from every time will one day send a summons
for the wrong hour. The zone is named where a time could be read as another zone's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Asia/Baku"
_DEFAULT_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)  # immutable, so one instance serves every default


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; ValueError if there is none by that name."""
    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        raise ValueError(f"not a time zone name: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"no time zone is called {name!r}") from None


@dataclass(frozen=True, slots=True)
class CourtTime:
    """Formats instants as the court reads them; never used to compute durations."""

    zone: ZoneInfo = _DEFAULT_ZONE

    @property
    def name(self) -> str:
        return self.zone.key

    def local(self, moment: datetime | float) -> datetime:
        """The instant (an aware datetime, or seconds since the epoch) in the court's zone."""
        if isinstance(moment, datetime):
            if moment.tzinfo is None:
                raise ValueError("a naive datetime names no instant")
            return moment.astimezone(self.zone)
        return datetime.fromtimestamp(moment, UTC).astimezone(self.zone)

    def day(self, moment: datetime | float) -> date:
        """The court's calendar day of the instant (not UTC's: 02:00 in Baku is yesterday
        in UTC)."""
        return self.local(moment).date()

    def clock(self, moment: datetime | float) -> str:
        """ "14:30", 24-hour."""
        return f"{self.local(moment):%H:%M}"

    def clock_named(self, moment: datetime | float) -> str:
        """ "14:30 (Asia/Baku)": where a reader elsewhere could take it for their own time."""
        return f"{self.clock(moment)} ({self.name})"


BAKU_TIME = CourtTime()  # the default: the first court's
