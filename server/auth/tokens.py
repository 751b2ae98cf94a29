"""API tokens of the e-court system: issued by an administrator with scopes, sent as
``Authorization: Bearer <secret>``, refused once revoked."""

from __future__ import annotations

from dataclasses import dataclass

from court.access import Actor
from court.permissions import Scope
from server.persistence.repositories import ApiToken, ApiTokenRepository
from server.persistence.repositories.api_tokens import SECRET_PREFIX

MAX_SECRET_LENGTH = 200


@dataclass(frozen=True, slots=True)
class ApiTokens:
    tokens: ApiTokenRepository

    async def issue(
        self, *, name: str, scopes: frozenset[Scope], created_by: str
    ) -> tuple[ApiToken, str]:
        return await self.tokens.create(name=name, scopes=scopes, created_by=created_by)

    async def actor(self, secret: str) -> Actor | None:
        """The caller a bearer secret proves, or None (unknown, malformed or revoked)."""
        if not secret.startswith(SECRET_PREFIX) or len(secret) > MAX_SECRET_LENGTH:
            return None
        token = await self.tokens.find(secret)
        if token is None or not token.active:
            return None
        return Actor.machine(token.id, token.name, token.scopes)

    async def list(self) -> list[ApiToken]:
        return await self.tokens.list()

    async def revoke(self, token_id: str) -> ApiToken:
        return await self.tokens.revoke(token_id)
