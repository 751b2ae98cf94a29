"""Repeated failed logins are slowed down per account and refused per client address.

An account is never locked: a lock would let any outsider keep the judge out of the console
with five wrong passwords. Instead:

* per address and account: ``account_limit`` failures refuse that address further tries of
  that account for a while; the same account from any other address is unaffected;
* per address: ``address_limit`` failures refuse the address altogether (one client trying
  many usernames). The limit is higher because a whole courthouse may come through one
  address; behind a reverse proxy the address is the one the trusted proxy names
  (server/auth/proxies.py);
* per account, from all addresses together: beyond ``account_limit`` failures each attempt
  waits (1 s, 2 s, 4 s ... at most ``max_delay_s``) before the password is checked, so that
  guessing from many addresses stays slow, while the right password still gets in.

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
MAX_DELAY_S = 8.0
# How many failures of one account (all addresses) are remembered for the slowdown.
ACCOUNT_MEMORY = 64
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
        return (
            ("account", self.username),
            ("account_address", f"{self.username}\x00{self.address}"),
            ("address", self.address),
        )


class LoginThrottle:
    def __init__(
        self,
        *,
        account_limit: int = ACCOUNT_LIMIT,
        address_limit: int = ADDRESS_LIMIT,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
        max_delay_s: float = MAX_DELAY_S,
    ) -> None:
        # What refuses: failures per address and account, per address. "account" never
        # refuses; it remembers enough failures to compute the slowdown.
        self._limits = {
            "account_address": account_limit,
            "address": address_limit,
            "account": max(account_limit, ACCOUNT_MEMORY),
        }
        self._slow_after = account_limit
        self._max_delay_s = max_delay_s
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
        wait = max(self._wait(key, now) for key in attempt.counted_as() if key[0] != "account")
        if wait > 0:
            raise Throttled(max(1, math.ceil(wait)))
        for key in attempt.counted_as():
            failures = self._failures.pop(key, None) or deque(maxlen=self._limits[key[0]])
            failures.append(now)
            self._failures[key] = failures  # the most recently failed key last
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)
        return now

    def delay_s(self, attempt: Attempt) -> float:
        """How long to wait before checking this attempt's password: 0 until the account
        has ``account_limit`` recent failures (from any address), then doubling per failure
        up to ``max_delay_s``. Ask before ``begin``, which counts the attempt."""
        failures = self._failures.get(("account", attempt.username))
        if failures is None:
            return 0.0
        self._expire(failures, self._clock())
        beyond = len(failures) - self._slow_after
        if beyond < 0:
            return 0.0
        return float(min(self._max_delay_s, 2.0 ** min(beyond, 30)))

    def succeeded(self, attempt: Attempt, mark: float) -> None:
        """The account's counts start over. The address keeps its other failures (it may be
        guessing other accounts' passwords) but not this attempt."""
        self._failures.pop(("account", attempt.username), None)
        self._failures.pop(attempt.counted_as()[1], None)
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
