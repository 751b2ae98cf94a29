"""What signaling tells the court's audit log (signaling never imports the server).

The server passes a callback; signaling calls it for every refused command and for every
recording action, naming the participant, the command and the hearing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AuditEvent:
    actor: str  # participant:<id> (<role>)
    action: str  # signaling.<command>
    object: str  # hearing:<id>
    reason: str
    denied: bool


Audit = Callable[[AuditEvent], Awaitable[None]]


async def not_audited(_: AuditEvent) -> None:
    """For in-process tests and tools that run signaling without a court database."""
