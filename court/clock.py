"""Time sources. Record time runs on a monotonic clock anchored to wall-clock time."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never jumps backwards."""
        ...

    def wall(self) -> float:
        """Seconds since the Unix epoch (for anchoring and display only)."""
        ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()
