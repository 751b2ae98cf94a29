"""Record time: milliseconds since the recording of the hearing began, the master clock.

One type, one computation and one formatter for every stamp that points into the record:
protocol entries, timeline events and gaps, segments and speaker turns. Record time runs on
the monotonic clock from the instant the recording started; the wall clock is read once, at
that instant, as the anchor that says when record time 0 was. Setting the machine's wall
clock during a hearing therefore moves no stamp (tests/signaling/test_record_clock.py).
"""

from __future__ import annotations

from typing import NewType

from court.clock import Clock

RecordMs = NewType("RecordMs", int)


class RecordClock:
    """The clock of one recording. Both clocks are read together, once, at its start."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.started_at = clock.wall()  # Unix seconds of record time 0 (display, anchoring)
        self.start = clock.monotonic()

    def now(self) -> RecordMs:
        # Read for every packet recorded: the arithmetic of ``at`` inline, one call fewer.
        ms = round((self._clock.monotonic() - self.start) * 1000)
        return RecordMs(ms if ms > 0 else 0)

    def at(self, monotonic: float) -> RecordMs:
        """Record time of an instant read from the same monotonic clock (never negative)."""
        return RecordMs(max(0, round((monotonic - self.start) * 1000)))


def format_record_time(ms: int, *, millis: bool = True) -> str:
    """``HH:MM:SS.mmm`` (audit reasons, logs), or ``HH:MM:SS`` truncated (documents: an
    entry at 59.9 s was made in the 59th second, not the 60th)."""
    hours, rest = divmod(max(0, ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, fraction = divmod(rest, 1000)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{text}.{fraction:03d}" if millis else text
