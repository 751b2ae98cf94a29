"""Cookie sessions of staff accounts: log in (throttled), find the session of a cookie, log out.

The cookie holds a random secret; the database holds its SHA-256 and the expiry, which the
server enforces whatever the browser does with the cookie's own Max-Age.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from court.errors import InvalidRequest, NotAuthenticated
from court.staff import StaffAccount
from server.auth.passwords import Passwords
from server.auth.throttle import Attempt, LoginThrottle
from server.auth.totp import TotpCodes
from server.persistence.repositories import (
    StaffAccountRepository,
    StaffSession,
    StaffSessionRepository,
)

COOKIE_NAME = "courtroom_session"
SESSION_TTL = timedelta(hours=12)  # a court day; then log in again
WRONG_CREDENTIALS = "The username or password is wrong."


def utc_now() -> datetime:
    return datetime.now(UTC)


class LoginRefused(NotAuthenticated):
    """A failed login. ``message`` is for the person; ``reason`` is for the audit log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class SecondFactorRequired(LoginRefused):
    """The password was right; the account has a second factor and no code came."""

    def __init__(self) -> None:
        super().__init__(
            "Enter the 6-digit code from your authenticator app.", "second factor missing"
        )


def normalise_username(username: str) -> str:
    # Usernames are stored in lower case; people type "Alice " too.
    return username.strip().lower()


@dataclass(frozen=True, slots=True)
class StaffSessions:
    accounts: StaffAccountRepository
    sessions: StaffSessionRepository
    passwords: Passwords
    throttle: LoginThrottle
    ttl: timedelta = SESSION_TTL
    now: Callable[[], datetime] = utc_now
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    codes: TotpCodes = field(default_factory=TotpCodes)

    async def login(
        self, username: str, password: str, address: str, code: str | None = None
    ) -> tuple[StaffSession, str]:
        """A new session and its cookie secret; LoginRefused or throttle.Throttled if not."""
        username = normalise_username(username)
        attempt = Attempt(username=username, address=address)
        delay = self.throttle.delay_s(attempt)
        # Counted as a failure before the check, so that parallel guesses cannot all slip
        # in while the first ones are still being verified.
        counted = self.throttle.begin(attempt)
        if delay > 0:
            await self.sleep(delay)  # slowed, never locked: the right password still works
        credentials = await self.accounts.credentials(username)
        if credentials is None:
            await self.passwords.verify_unknown(password)
            raise LoginRefused(WRONG_CREDENTIALS, "unknown username")
        verified = await self.passwords.verify(credentials.password_hash, password)
        if not verified.ok:
            raise LoginRefused(WRONG_CREDENTIALS, "wrong password")
        account = credentials.account
        if account.disabled:
            raise LoginRefused(
                "This account is disabled; ask an administrator.", "account disabled"
            )
        # Still counted as a failure until the code is right: guessing codes is throttled.
        if credentials.totp_secret is not None:
            if code is None:
                raise SecondFactorRequired()
            if not self.codes.check(account.id, credentials.totp_secret, code):
                raise LoginRefused(
                    "The code is wrong or was used already; wait for the next one.",
                    "wrong second-factor code",
                )
        self.throttle.succeeded(attempt, counted)
        if verified.rehashed is not None:
            await self.accounts.set_password_hash(account.id, verified.rehashed)
        now = self.now()
        await self.sessions.delete_expired(now=now)
        return await self.sessions.create(account, now=now, expires_at=now + self.ttl)

    async def change_password(
        self, account: StaffAccount, current: str, new: str, *, address: str, keep: str
    ) -> StaffAccount:
        """The owner's own change: the current password is checked (and throttled like a
        login), the new one stored, the must-change flag cleared, and every other session of
        the account ended (a thief's among them). LoginRefused if the current one is wrong."""
        attempt = Attempt(username=account.username, address=address)
        counted = self.throttle.begin(attempt)
        stored = await self.accounts.password_hash(account.id)
        if not (await self.passwords.verify(stored, current)).ok:
            raise LoginRefused("The current password is wrong.", "wrong current password")
        self.throttle.succeeded(attempt, counted)
        if new == current:
            raise InvalidRequest("The new password must differ from the current one.")
        changed = await self.accounts.set_password_hash(
            account.id, await self.passwords.hash(new), must_change=False
        )
        await self.sessions.revoke_all(account.id, keep=keep)
        return changed

    async def resolve(self, secret: str) -> StaffSession | None:
        return await self.sessions.get(secret, now=self.now())

    async def logout(self, secret: str) -> None:
        await self.sessions.delete(secret)
