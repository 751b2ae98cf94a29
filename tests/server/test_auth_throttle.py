"""The login throttle on its own: refused per address (and account from that address), slowed
per account, a sliding window, bounded memory."""

from __future__ import annotations

import pytest

from server.auth.throttle import Attempt, LoginThrottle, Throttled


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: LoginThrottle, username: str, address: str) -> None:
    throttle.begin(Attempt(username, address))  # counted as failed until it succeeds


def refused_for(throttle: LoginThrottle, username: str, address: str) -> int | None:
    try:
        mark = throttle.begin(Attempt(username, address))
    except Throttled as exc:
        return exc.retry_after_s
    throttle.succeeded(Attempt(username, address), mark)
    return None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_one_account_guessed_from_many_addresses_is_slowed_not_locked(clock: FakeClock) -> None:
    throttle = LoginThrottle(account_limit=3, address_limit=10, window_s=600, clock=clock)
    assert throttle.delay_s(Attempt("jo", "198.51.100.7")) == 0
    for n in range(3):
        fail(throttle, "jo", f"192.0.2.{n}")

    # Another address still gets in (the real judge), after a wait that doubles per failure.
    assert throttle.delay_s(Attempt("jo", "198.51.100.7")) == 1
    fail(throttle, "jo", "192.0.2.9")
    assert throttle.delay_s(Attempt("jo", "198.51.100.7")) == 2
    for n in range(10):
        fail(throttle, "jo", f"203.0.113.{n}")
    assert throttle.delay_s(Attempt("jo", "198.51.100.7")) == 8  # at most max_delay_s
    assert refused_for(throttle, "jo", "198.51.100.7") is None
    assert throttle.delay_s(Attempt("jo", "198.51.100.7")) == 0  # a success starts over
    assert throttle.delay_s(Attempt("carla", "198.51.100.7")) == 0


def test_one_address_guessing_one_account_is_refused_for_that_account(clock: FakeClock) -> None:
    throttle = LoginThrottle(account_limit=3, address_limit=10, window_s=600, clock=clock)
    for _ in range(3):
        fail(throttle, "jo", "192.0.2.1")

    assert refused_for(throttle, "jo", "192.0.2.1") == 600
    assert refused_for(throttle, "jo", "198.51.100.7") is None
    assert refused_for(throttle, "carla", "192.0.2.1") is None


def test_one_address_guessing_many_accounts_is_throttled(clock: FakeClock) -> None:
    throttle = LoginThrottle(account_limit=3, address_limit=4, window_s=600, clock=clock)
    for n in range(4):
        fail(throttle, f"user{n}", "192.0.2.1")

    assert refused_for(throttle, "carla", "192.0.2.1") == 600
    assert refused_for(throttle, "carla", "192.0.2.2") is None


def test_the_window_slides_one_failure_at_a_time(clock: FakeClock) -> None:
    throttle = LoginThrottle(account_limit=3, address_limit=99, window_s=600, clock=clock)
    for _ in range(3):
        fail(throttle, "jo", "192.0.2.1")
        clock.now += 100

    # Failures at 0, 100, 200; now 300: the one at 0 leaves the window at 600.
    assert refused_for(throttle, "jo", "192.0.2.1") == 300
    clock.now = 600
    fail(throttle, "jo", "192.0.2.1")  # allowed again, and failing: 100, 200, 600
    assert refused_for(throttle, "jo", "192.0.2.1") == 100


def test_refused_attempts_do_not_extend_the_wait(clock: FakeClock) -> None:
    throttle = LoginThrottle(account_limit=2, address_limit=99, window_s=60, clock=clock)
    fail(throttle, "jo", "192.0.2.1")
    fail(throttle, "jo", "192.0.2.1")
    for _ in range(100):
        clock.now += 0.5
        refused_for(throttle, "jo", "192.0.2.1")

    clock.now = 60
    assert refused_for(throttle, "jo", "192.0.2.1") is None


def test_a_success_clears_the_account_but_not_the_address(clock: FakeClock) -> None:
    throttle = LoginThrottle(account_limit=3, address_limit=3, window_s=600, clock=clock)
    fail(throttle, "jo", "192.0.2.1")
    fail(throttle, "other", "192.0.2.1")

    assert refused_for(throttle, "jo", "192.0.2.1") is None  # succeeds: jo starts over
    fail(throttle, "jo", "192.0.2.1")  # the address's third failure

    assert refused_for(throttle, "jo", "192.0.2.9") is None
    assert refused_for(throttle, "someone", "192.0.2.1") == 600


def test_memory_stays_bounded_under_a_flood_of_usernames(clock: FakeClock) -> None:
    throttle = LoginThrottle(account_limit=1, address_limit=10**9, max_keys=100, clock=clock)
    for n in range(10_000):
        fail(throttle, f"made-up-{n}", "192.0.2.1")

    assert len(throttle) <= 100
    # The most recent ones are still remembered.
    assert refused_for(throttle, "made-up-9999", "192.0.2.1") is not None
    assert throttle.delay_s(Attempt("made-up-9999", "192.0.2.2")) > 0
