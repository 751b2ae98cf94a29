"""The authentication services of one app, built once from its data and settings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from server.auth.passwords import Passwords
from server.auth.proxies import Network
from server.auth.sessions import StaffSessions
from server.auth.throttle import LoginThrottle
from server.auth.tokens import ApiTokens
from server.court_data import CourtData
from server.settings import Settings


@dataclass(frozen=True, slots=True)
class Auth:
    passwords: Passwords
    sessions: StaffSessions
    tokens: ApiTokens
    # Origins whose pages may send cookie-authenticated changes (and log in).
    origins: frozenset[str]
    # The session cookie is Secure when the server is reached over https.
    secure_cookie: bool
    # Proxies whose X-Forwarded-For names the client (server.auth.proxies).
    trusted_proxies: tuple[Network, ...] = ()
    # COURTROOM_ADMIN_TOTP: administrators need a second factor.
    admin_totp: bool = False

    @classmethod
    def build(cls, data: CourtData, settings: Settings, origins: Iterable[str]) -> Auth:
        passwords = Passwords()
        return cls(
            passwords=passwords,
            sessions=StaffSessions(
                accounts=data.staff,
                sessions=data.staff_sessions,
                passwords=passwords,
                throttle=LoginThrottle(),
            ),
            tokens=ApiTokens(data.api_tokens),
            origins=frozenset(origins),
            secure_cookie=urlsplit(settings.public_url).scheme == "https",
            trusted_proxies=settings.trusted_proxies,
            admin_totp=settings.admin_totp,
        )
