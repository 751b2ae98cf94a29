"""What the court decided about who may be in a live hearing, kept beyond the process.

Removals and the lock are the court's decisions: a participant removed in the hearing stays
out after the server restarts, and a locked hearing stays locked (the security review's M1).
The server keeps them in its database (server/live_courtroom.py); a live hearing stores each
decision before anyone is told of it, and restores them when it starts again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from court.hearing import Participant


@dataclass(frozen=True, slots=True)
class StoredDecisions:
    locked: bool = False
    removed: tuple[tuple[Participant, str], ...] = ()  # each with the court's reason


class CourtDecisions(Protocol):
    async def remove(self, participant: Participant, reason: str) -> None: ...

    async def readmit(self, participant: Participant) -> None: ...

    async def lock(self, hearing_id: str, locked: bool) -> None: ...

    async def of_hearing(self, hearing_id: str) -> StoredDecisions: ...


@dataclass
class MemoryDecisions:
    """For tests and tools without a database: kept as long as this object lives."""

    locked: set[str] = field(default_factory=set)
    removed: dict[str, tuple[Participant, str]] = field(default_factory=dict)

    async def remove(self, participant: Participant, reason: str) -> None:
        self.removed[participant.id] = (participant, reason)

    async def readmit(self, participant: Participant) -> None:
        self.removed.pop(participant.id, None)

    async def lock(self, hearing_id: str, locked: bool) -> None:
        if locked:
            self.locked.add(hearing_id)
        else:
            self.locked.discard(hearing_id)

    async def of_hearing(self, hearing_id: str) -> StoredDecisions:
        removed = tuple(r for r in self.removed.values() if r[0].hearing_id == hearing_id)
        return StoredDecisions(locked=hearing_id in self.locked, removed=removed)
