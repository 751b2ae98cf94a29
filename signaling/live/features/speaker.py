"""Who is speaking in the hearing room now, as the recording's speaker detection hears it.

Changes may come faster than they are sent: one sender sends the latest until it stops
changing, so the hearing room hears them in order and never a stale one last.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from signaling.live.ports import Audience, Feature
from signaling.live.server_events import ServerEvent

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.hearing import LiveHearing

logger = logging.getLogger(__name__)


class ActiveSpeaker(Feature):
    def __init__(self, live: LiveHearing, *, audience: Audience) -> None:
        self._live = live
        self._audience = audience
        # Who is speaking now (None: nobody, or not recorded), and the master time it changed.
        self.participant_id: str | None = None
        self._master_ms = 0
        self._sender: asyncio.Task[None] | None = None

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        return {"active_speaker": self.participant_id}

    def changed(self, participant_id: str | None, master_ms: int) -> None:
        """From the recording, on the event loop."""
        self.participant_id = participant_id
        self._master_ms = master_ms
        if self._sender is None or self._sender.done():
            self._sender = asyncio.get_running_loop().create_task(
                self._send(), name=f"active speaker {self._live.hearing.id}"
            )

    async def _send(self) -> None:
        sent: tuple[str | None, int] | None = None
        while sent != (self.participant_id, self._master_ms):
            sent = (self.participant_id, self._master_ms)
            recording = self._live.recorder.recording
            data = {
                "participant_id": sent[0],
                "recording_id": None if recording is None else recording.id,
                "record_ms": sent[1],
            }
            try:
                await self._audience.to_room(
                    self._live.hearing_room, ServerEvent.ACTIVE_SPEAKER_CHANGED, data
                )
            except Exception:
                logger.exception("could not tell the hearing room who is speaking")
