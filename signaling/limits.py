"""How much one connection and one participant may ask of the server.

A token bucket per connection for every command (tighter ones for the commands that cost
the most or reach other people: screen shares, chat, hands), a bucket per participant for
joins (each join builds a peer connection, and a join link opened and closed in a loop
would otherwise fill the relay and the record), and a cap on simultaneous connections per
participant. Past its budget a command is refused (``rate_limited``) and changes nothing; a
connection that keeps pressing after that is closed with a message saying why. This is the
security review's H7: no participant can starve the relay or flood the record.

The budgets are far above what a person at a page does (the page sends one heartbeat a
second and a command per click), so nobody honest ever meets them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from court.clock import Clock
from court.errors import CourtError
from signaling.events import ClientEvent


class RateLimited(CourtError):
    code = "rate_limited"


@dataclass(frozen=True, slots=True)
class Budget:
    per_second: float
    burst: int


# Every command of one connection.
CONNECTION: Final = Budget(per_second=20.0, burst=40)
# Tighter, per connection, for the commands that cost most or reach other people.
TIGHTER: Final[Mapping[str, Budget]] = {
    ClientEvent.START_SCREEN_SHARE: Budget(per_second=0.2, burst=3),
    ClientEvent.STOP_SCREEN_SHARE: Budget(per_second=0.2, burst=3),
    ClientEvent.SEND_CHAT: Budget(per_second=1.0, burst=5),
    ClientEvent.RAISE_HAND: Budget(per_second=1.0, burst=5),
    ClientEvent.REQUEST_CONSULTATION: Budget(per_second=0.2, burst=3),
    ClientEvent.REPORT_DEVICE_CHECK: Budget(per_second=0.2, burst=3),
}
# Joins of one participant, over all their connections: a reload, a network change, a
# second device are a few; ten in a row, then one every six seconds.
JOINS: Final = Budget(per_second=1 / 6, burst=10)
# Simultaneous connections of one participant (a reload overlaps the page it replaces).
MAX_CONNECTIONS: Final = 3
# Refusals past the budget a connection is allowed before it is closed: fifty, then one a
# second (a page that keeps sending faster than its budget after being told is not a page).
PATIENCE: Final = Budget(per_second=1.0, burst=50)

SLOW_DOWN = "Too many requests: wait a moment before trying again."
CLOSED = (
    "Too many requests from this page: the connection is closed. Reload the page to join again."
)


@dataclass(slots=True)
class TokenBucket:
    budget: Budget
    tokens: float
    at: float  # monotonic seconds of the last refill

    @classmethod
    def full(cls, budget: Budget, now: float) -> TokenBucket:
        return cls(budget, float(budget.burst), now)

    def take(self, now: float) -> bool:
        """Spend one token if there is one (refilled at the budget's rate since last time)."""
        elapsed = max(0.0, now - self.at)
        self.tokens = min(float(self.budget.burst), self.tokens + elapsed * self.budget.per_second)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


@dataclass(slots=True)
class _Connection:
    participant_id: str
    patience: TokenBucket
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    closing: bool = False


class Limits:
    """The budgets of every connection and participant of one signaling namespace."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._connections: dict[str, _Connection] = {}
        self._joins: dict[str, TokenBucket] = {}  # by participant id

    def connect(self, sid: str, participant_id: str) -> None:
        """Count a new connection, or refuse it (RateLimited) past the participant's cap."""
        open_now = sum(1 for c in self._connections.values() if c.participant_id == participant_id)
        if open_now >= MAX_CONNECTIONS:
            raise RateLimited(
                "This join link is already open in too many windows. "
                "Close one of them, then reload this page."
            )
        self._connections[sid] = _Connection(
            participant_id, TokenBucket.full(PATIENCE, self._clock.monotonic())
        )

    def disconnect(self, sid: str) -> None:
        self._connections.pop(sid, None)

    def allow(self, sid: str, event: str) -> None:
        """Take ``event`` out of the connection's budgets, or raise RateLimited.

        The refusal says to slow down; once a connection has spent its patience (PATIENCE:
        refusals past the budget), ``should_close`` says to close it.
        """
        connection = self._connections.get(sid)
        if connection is None:
            return  # not connected (the namespace refuses it as such)
        now = self._clock.monotonic()
        allowed = self._take(connection, "*", CONNECTION, now)
        tighter = TIGHTER.get(event)
        if allowed and tighter is not None:
            allowed = self._take(connection, event, tighter, now)
        if allowed and event == ClientEvent.JOIN:
            joins = self._joins.setdefault(connection.participant_id, TokenBucket.full(JOINS, now))
            allowed = joins.take(now)
        if allowed and not connection.closing:
            return
        if not connection.patience.take(now):
            connection.closing = True
        raise RateLimited(CLOSED if connection.closing else SLOW_DOWN)

    def should_close(self, sid: str) -> bool:
        connection = self._connections.get(sid)
        return connection is not None and connection.closing

    @staticmethod
    def _take(connection: _Connection, key: str, budget: Budget, now: float) -> bool:
        bucket = connection.buckets.get(key)
        if bucket is None:
            bucket = connection.buckets[key] = TokenBucket.full(budget, now)
        return bucket.take(now)
