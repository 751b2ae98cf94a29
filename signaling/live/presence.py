"""Comings and goings in the court protocol, coalesced: one entry per participant per window.

Every join, departure, reconnection and connection loss is a hearing event (audited, on the
recording's timeline), but the protocol is the document the court signs: a participant
whose connection flaps, or who opens and closes a link in a loop, must not fill it with
hundreds of "Joined"/"Left" lines (the security review's H7; the walkthrough's 25 of 46
entries). So the first such event of a participant after a quiet window is written at once;
those that follow within the window are held, and when the window ends only the last is
written, stamped where it happened. The protocol then always ends on where the participant
really is, and gains at most one entry per participant per window.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from court.clock import Clock
from court.events import EventKind, HearingEvent
from court.hearing import Participant

logger = logging.getLogger(__name__)

# The events of someone's presence (court.events): coalesced per participant.
PRESENCE: Final = frozenset(
    {
        EventKind.PARTICIPANT_JOINED,
        EventKind.PARTICIPANT_LEFT,
        EventKind.PARTICIPANT_RECONNECTED,
        EventKind.CONNECTION_LOST,
        EventKind.CONNECTION_RESTORED,
    }
)
COALESCE_S: Final = 30.0


@dataclass(frozen=True, slots=True)
class Stamp:
    """Where an event happened in the record: its recording and master time."""

    recording_id: str | None
    record_ms: int | None


Write = Callable[[HearingEvent, Participant | None, Stamp], Awaitable[None]]


@dataclass(slots=True)
class _Held:
    event: HearingEvent
    by: Participant | None
    stamp: Stamp


@dataclass(slots=True)
class _Participant:
    written_at: float  # monotonic seconds of the last entry written
    held: _Held | None = None
    timer: asyncio.Task[None] | None = None


class PresenceEntries:
    def __init__(self, clock: Clock, write: Write, window_s: float = COALESCE_S) -> None:
        self._clock = clock
        self._write = write
        self._window_s = window_s
        self._by_participant: dict[str, _Participant] = {}
        self._closing = False

    async def offer(self, event: HearingEvent, by: Participant | None, stamp: Stamp) -> None:
        """Write ``event`` (a PRESENCE event) now, or hold it until its window ends."""
        participant_id = event.subject.participant_id
        if participant_id is None or self._closing:
            await self._write(event, by, stamp)
            return
        now = self._clock.monotonic()
        state = self._by_participant.get(participant_id)
        if state is None or (state.held is None and now - state.written_at >= self._window_s):
            self._by_participant[participant_id] = _Participant(written_at=now)
            await self._write(event, by, stamp)
            return
        state.held = _Held(event, by, stamp)  # the last one held is the one written
        if state.timer is None:
            due_in = max(0.0, state.written_at + self._window_s - now)
            state.timer = asyncio.get_running_loop().create_task(
                self._write_when_due(participant_id, due_in), name=f"presence {participant_id}"
            )

    async def flush(self) -> None:
        """Write everything held now, and from here on write at once (the hearing closes)."""
        self._closing = True
        for participant_id, state in list(self._by_participant.items()):
            if state.timer is not None:
                state.timer.cancel()
                state.timer = None
            await self._write_held(participant_id)

    async def _write_when_due(self, participant_id: str, due_in: float) -> None:
        await asyncio.sleep(due_in)
        state = self._by_participant.get(participant_id)
        if state is not None:
            state.timer = None
        try:
            await self._write_held(participant_id)
        except Exception:
            logger.exception("could not write the presence of %s into the protocol", participant_id)

    async def _write_held(self, participant_id: str) -> None:
        state = self._by_participant.get(participant_id)
        if state is None or state.held is None:
            return
        held, state.held = state.held, None
        state.written_at = self._clock.monotonic()
        await self._write(held.event, held.by, held.stamp)
