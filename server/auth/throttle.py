"""Repeated failed logins are refused for a while, per account and per client address.

Per account, so that nobody guesses one person's password from many addresses; per
address, so that one client cannot try many usernames. The address limit is higher than
the account limit because a whole courthouse may reach the server through one address.

The state is in memory: a restart forgets it, which costs an attacker a restart they cannot
cause. Failures count in a sliding window; once a key has ``limit`` failures inside it,
attempts for that key are refused until the oldest of them leaves the window.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW_S = 15 * 60
# Bounds memory under a flood of made-up usernames: the stalest keys are forgotten first.
MAX_KEYS = 10_000


class Throttled(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class Attempt:
    """What a login attempt is counted against."""

    username: str
    address: str

    def counted_as(self) -> tuple[tuple[str, str], ...]:
        return (("account", self.username), ("address", self.address))


class LoginThrottle:
    def __init__(
        self,
        *,
        account_limit: int = ACCOUNT_LIMIT,
        address_limit: int = ADDRESS_LIMIT,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self._limits = {"account": account_limit, "address": address_limit}
        self._window_s = window_s
        self._clock = clock
        self._max_keys = max_keys
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()

    def begin(self, attempt: Attempt) -> float:
        """Refuse the attempt (Throttled, with the seconds to wait) or count it as a failure
        until ``succeeded`` says otherwise; returns the mark to hand to ``succeeded``.

        Counting first means that parallel guesses cannot all pass the check while the
        first ones are still being verified.
        """
        now = self._clock()
        wait = max(self._wait(key, now) for key in attempt.counted_as())
        if wait > 0:
            raise Throttled(max(1, math.ceil(wait)))
        for key in attempt.counted_as():
            failures = self._failures.pop(key, None) or deque(maxlen=self._limits[key[0]])
            failures.append(now)
            self._failures[key] = failures  # the most recently failed key last
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)
        return now

    def succeeded(self, attempt: Attempt, mark: float) -> None:
        """The account's count starts over. The address keeps its other failures (it may be
        guessing other accounts' passwords) but not this attempt."""
        self._failures.pop(("account", attempt.username), None)
        failures = self._failures.get(("address", attempt.address))
        if failures is not None and mark in failures:
            failures.remove(mark)

    def __len__(self) -> int:
        """How many accounts and addresses are remembered."""
        return len(self._failures)

    def _wait(self, key: tuple[str, str], now: float) -> float:
        failures = self._failures.get(key)
        if failures is None:
            return 0.0
        self._expire(failures, now)
        if len(failures) < self._limits[key[0]]:
            return 0.0
        # Refused until the oldest failure leaves the window (the deque keeps ``limit``).
        return failures[0] + self._window_s - now

    def _expire(self, failures: deque[float], now: float) -> None:
        while failures and failures[0] <= now - self._window_s:
            failures.popleft()
