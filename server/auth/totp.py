"""The optional second factor of staff logins: time-based one-time codes (RFC 6238, pyotp).

An account enrols by confirming a code of a secret the server proposed; from then on a login
needs the password and the current code. Each code is accepted once: a code seen on someone's
screen or in a proxy's log cannot be replayed within its window. The record of used codes is
in memory, like the throttle's; a restart forgets at most the last 90 seconds' codes.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

import pyotp

ISSUER = "Courtroom"
STEP_S = 30
# A code of the step before or after is accepted too: phones' clocks drift.
WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI that authenticator apps take (typed in, or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


class TotpCodes:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._last_step: dict[str, int] = {}  # account id -> the newest step accepted

    def check(self, account_id: str, secret: str, code: str) -> bool:
        """Whether ``code`` is the secret's current code (or a neighbour's), never used yet."""
        totp = pyotp.TOTP(secret, interval=STEP_S)
        now = self._clock()
        step = int(now // STEP_S)
        for offset in range(-WINDOW, WINDOW + 1):
            candidate = step + offset
            if hmac.compare_digest(totp.at(candidate * STEP_S), code):
                if candidate <= self._last_step.get(account_id, -1):
                    return False  # replayed
                self._last_step[account_id] = candidate
                self._forget_old(step)
                return True
        return False

    def _forget_old(self, step: int) -> None:
        stale = [k for k, v in self._last_step.items() if v < step - 2 * WINDOW - 1]
        for key in stale:
            del self._last_step[key]
