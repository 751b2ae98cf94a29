"""The recording of a live hearing: started and stopped, fed, and reported when sealed.

One recording at a time per hearing, of its hearing room only: on start every Producer of
the hearing room's Router is tapped (signaling.live.recording_taps), and each that appears
there later (``tap``) until the stop. Record time, the one clock of every stamp, is the
running recording's (court/record_time.py). When a recording stops and is sealed, the
server is told (it sends a webhook to the e-court system).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from court.errors import InvalidState, PermissionDenied
from court.hearing import Hearing, Participant
from court.hearing_state import SITTING
from court.permissions import Permission
from court.record_time import RecordMs
from media.producer import Producer
from media.router import Router
from recordings import HearingRecording, RecordingInfo, RecordingStore
from recordings.speech import SpeechStatus, Transcript
from signaling.live.recording_taps import RecordingTaps

logger = logging.getLogger(__name__)

# Told when a recording has stopped and its file is sealed (the server sends a webhook).
RecordingAvailable = Callable[[dict[str, Any]], Awaitable[None]]
# Told who is speaking in the hearing room now (from the recording's mixer), or None when
# nobody is, with the master time.
SpeakerListener = Callable[[str | None, int], None]
# Told what a participant said (speech to text, when configured), with the recording's id.
TranscriptListener = Callable[[str, Transcript], None]


def _utc(unix_s: float) -> str:
    return datetime.fromtimestamp(unix_s, UTC).isoformat().replace("+00:00", "Z")


class HearingRecorder:
    def __init__(
        self,
        hearing: Callable[[], Hearing],
        recordings: RecordingStore,
        router: Router,
        on_recording_available: RecordingAvailable | None = None,
    ) -> None:
        """``hearing``: the hearing as it is now (its state changes while it is live);
        ``router``: the hearing room's, the one Router the recording listens to."""
        self._hearing = hearing
        self._recordings = recordings
        self._router = router
        self._on_recording_available = on_recording_available
        self.recording: HearingRecording | None = None
        self._taps: RecordingTaps | None = None
        # The features that follow what the recording hears (subscribed by the Courtroom,
        # as they subscribe to the event bus).
        self._speaker_listeners: list[SpeakerListener] = []
        self._transcript_listeners: list[TranscriptListener] = []
        self._lock = asyncio.Lock()

    def record_time_ms(self) -> RecordMs | None:
        """Record time now, on the recording's own monotonic clock (court/record_time.py):
        a wall clock set during the hearing moves no stamp."""
        if self.recording is None:
            return None
        return self.recording.record_time_ms()

    @property
    def speech(self) -> SpeechStatus:
        """Whether speech to text suggests protocol entries, in words."""
        return self._recordings.speech

    async def start(self, by: Participant | None) -> HearingRecording:
        if by is not None and not by.can(Permission.CONTROL_RECORDING):
            raise PermissionDenied(f"the role {by.role.label} may not start the recording")
        hearing_id = self._hearing().id
        async with self._lock:
            if self.recording is not None:
                raise InvalidState("the hearing is already being recorded")
            recording = await self._recordings.start(hearing_id)
            recording.on_active_speaker = self._active_speaker_changed
            recording.on_transcript = lambda words: self._transcribed(recording.id, words)
            self.recording = recording
            self._taps = RecordingTaps(recording)
            for producer in self._router.producers():
                self._taps.tap(producer)
        logger.info(
            "recording %s of %s started by %s",
            recording.id,
            hearing_id,
            "the court" if by is None else by.id,
        )
        return recording

    async def stop(self, by: Participant | None) -> RecordingInfo:
        if by is not None and not by.can(Permission.CONTROL_RECORDING):
            raise PermissionDenied(f"the role {by.role.label} may not stop the recording")
        if by is not None and self._hearing().state in SITTING:
            raise InvalidState(
                "The recording runs for as long as the court sits; close the hearing to end it."
            )
        async with self._lock:
            recording = self.recording
            if recording is None or self._taps is None:
                raise InvalidState("the hearing is not being recorded")
            self._taps.close()
            self._taps = None
            self.recording = None
            info = await recording.stop()
        await self._report_available(info)
        return info

    def tap(self, producer: Producer) -> None:
        """A Producer appeared in the hearing room: recorded, if a recording runs."""
        if self._taps is not None:
            self._taps.tap(producer)

    def untap(self, producer: Producer) -> None:
        """A hearing-room Producer ended: its recording ends with it."""
        if self._taps is not None:
            self._taps.untap(producer.id)

    def listen(
        self,
        *,
        speaker: SpeakerListener | None = None,
        transcript: TranscriptListener | None = None,
    ) -> None:
        """Follow what every recording of this hearing hears: who speaks, what was said."""
        if speaker is not None:
            self._speaker_listeners.append(speaker)
        if transcript is not None:
            self._transcript_listeners.append(transcript)

    def _active_speaker_changed(self, participant_id: str | None, master_ms: int) -> None:
        for listener in self._speaker_listeners:
            listener(participant_id, master_ms)

    def _transcribed(self, recording_id: str, transcript: Transcript) -> None:
        for listener in self._transcript_listeners:
            listener(recording_id, transcript)

    async def _report_available(self, info: RecordingInfo) -> None:
        if self._on_recording_available is None:
            return
        try:
            await self._on_recording_available(
                {
                    "hearing_id": info.hearing_id,
                    "case_number": self._hearing().case_number,
                    "recording_id": info.recording_id,
                    "started_at": _utc(info.started_at),
                    "stopped_at": None if info.stopped_at is None else _utc(info.stopped_at),
                    "duration_s": info.duration_s,
                }
            )
        except Exception:
            # The recording is sealed whatever happens to the report about it.
            logger.exception("reporting recording %s as available failed", info.recording_id)
