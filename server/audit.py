"""The audit log: append-only, each entry chained to the previous one by SHA-256.

STUB: the interface every route and command calls. The audit engineer fills in the chain,
the repository, verification, the CLI and the page behind this interface.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


class AuditLog:
    async def record(
        self,
        *,
        actor: str,
        action: str,
        object: str,
        reason: str = "",
        outcome: Outcome = Outcome.ALLOWED,
    ) -> None:
        """Append one entry: who (``staff:alice``, ``token:ecourt``, ``participant:prt_..``),
        did what (``hearing.create``), to what (``hearing:hrg_..``), why, and whether it was
        allowed or denied."""
