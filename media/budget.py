"""A token bucket: what an endpoint may make the relay do, per second and at once."""

from __future__ import annotations

from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; starts full.

    The relay's limits on what one endpoint can make it do (retransmissions asked for by a
    subscriber, keyframes asked of a publisher, a publisher's bitrate) are all "so much a
    second, with a little slack": a bucket per limit, read on the event loop, no task.
    """

    __slots__ = ("_burst", "_last", "_monotonic", "_rate", "_tokens")

    def __init__(self, rate: float, burst: float, monotonic: Callable[[], float]) -> None:
        if rate <= 0 or burst <= 0:
            raise ValueError("a token bucket needs a positive rate and burst")
        self._rate = rate
        self._burst = burst
        self._monotonic = monotonic
        self._tokens = burst
        self._last = monotonic()

    def _refill(self) -> float:
        now = self._monotonic()
        tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._tokens, self._last = tokens, now
        return tokens

    def take(self, amount: float = 1.0) -> bool:
        """Take ``amount`` tokens if there are that many; False (and nothing taken) if not."""
        if self._refill() < amount:
            return False
        self._tokens -= amount
        return True

    def wait_s(self, amount: float = 1.0) -> float:
        """Seconds until ``amount`` tokens are there (0 if they are now)."""
        return max(0.0, (amount - self._refill()) / self._rate)
