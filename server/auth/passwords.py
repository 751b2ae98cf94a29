"""Staff passwords as argon2id hashes.

Hashing costs about 0.1 s of CPU and 64 MiB of memory by design, so it runs in a thread
(the event loop keeps relaying media meanwhile) and at most a few run at once (a burst of
logins cannot exhaust memory). An unknown username is checked against a dummy hash, so
the answer takes as long as for a wrong password and does not reveal who has an account.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2-cffi's defaults are RFC 9106's second recommendation: argon2id, t=3, m=64 MiB, p=4.
MAX_CONCURRENT_HASHES = 4


@dataclass(frozen=True, slots=True)
class Verified:
    ok: bool
    # A new hash of the same password when the stored one used weaker parameters.
    rehashed: str | None = None


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_HASHES)
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> Verified:
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)

    async def verify_unknown(self, password: str) -> Verified:
        """Spend the time a real check takes, for a username that has no account."""
        if self._dummy is None:
            self._dummy = await self.hash(secrets.token_urlsafe(16))
        await self.verify(self._dummy, password)
        return Verified(ok=False)

    def _verify(self, password_hash: str, password: str) -> Verified:
        try:
            self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return Verified(ok=False)
        if self._hasher.check_needs_rehash(password_hash):
            return Verified(ok=True, rehashed=self._hasher.hash(password))
        return Verified(ok=True)
