"""One running recording of a hearing: the mixer thread and its inputs."""

from __future__ import annotations

import asyncio
import logging
import threading
from fractions import Fraction
from pathlib import Path

from court.clock import Clock
from court.ids import HearingId, RecordingId
from recordings.info import RecordingInfo, recording_info
from recordings.metadata import RecordingMetadata, write_metadata
from recordings.mixer import RATE, TICK_SAMPLES, Mixer, MixerInput
from recordings.writer import OggOpusWriter

logger = logging.getLogger(__name__)

TICK_S = TICK_SAMPLES / RATE


class AudioSource:
    """A participant's audio as it arrives: encoded Opus packets, exactly as forwarded."""

    def __init__(self, key: str, mixer: Mixer, mixer_input: MixerInput) -> None:
        self._key = key
        self._mixer = mixer
        self._input = mixer_input

    def push(self, data: bytes, pts: int, time_base: Fraction) -> None:
        """Hand over one packet. Called on the event loop for every packet: only enqueues."""
        if not self._input.closed:
            self._input.push(data, pts, time_base)

    def close(self) -> None:
        """The participant left: the mixer stops counting on them (their absence is silence)."""
        self._input.closed = True
        self._mixer.remove(self._key, self._input)


class HearingRecording:
    """Writes the mixed audio of a hearing room from start to stop at a continuous clock.

    A dedicated thread ticks every 20 ms on the monotonic clock. It writes as many 20 ms
    frames as the elapsed time calls for, so a late wake-up is caught up, never skipped, and
    the file's duration equals the time the recording ran.
    """

    def __init__(
        self,
        recording_id: RecordingId,
        hearing_id: HearingId,
        directory: Path,
        clock: Clock,
    ) -> None:
        self.id = recording_id
        self.hearing_id = hearing_id
        self.directory = directory
        self.path = directory / "master.ogg"
        self._clock = clock
        self._mixer = Mixer()
        self._writer = OggOpusWriter(self.path)
        self._stop = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"recorder {recording_id}", daemon=True
        )
        self.started_at = clock.wall()
        self._started_monotonic = clock.monotonic()
        self.stopped_at: float | None = None
        self.metadata = RecordingMetadata(
            recording_id=recording_id,
            hearing_id=hearing_id,
            started_at=self.started_at,
            stopped_at=None,
            file=self.path.name,
        )

    @property
    def is_running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def start(self) -> None:
        self._thread.start()

    def add_source(self, key: str) -> AudioSource:
        """Add a participant's audio; a second source with the same key replaces the first."""
        return AudioSource(key, self._mixer, self._mixer.add(key))

    async def stop(self) -> RecordingInfo:
        """Stop at the current instant, flush and close the file. Idempotent."""
        if self.stopped_at is None:
            self._stop.set()
            await asyncio.to_thread(self._thread.join)
            self.stopped_at = self._started_monotonic_to_wall(self._stopped_monotonic)
            self.metadata = self.metadata.stopped(self.stopped_at)
            await asyncio.to_thread(write_metadata, self.directory, self.metadata)
        if self._failure is not None:
            logger.error("recording %s failed: %r", self.id, self._failure)
        return await asyncio.to_thread(recording_info, self.metadata, self.directory)

    def _started_monotonic_to_wall(self, monotonic: float) -> float:
        return self.started_at + (monotonic - self._started_monotonic)

    def _run(self) -> None:
        written = 0
        self._stopped_monotonic = self._started_monotonic
        try:
            while True:
                stopping = self._stop.is_set()
                now = self._clock.monotonic()
                due = int((now - self._started_monotonic) / TICK_S)
                while written < due:
                    self._writer.write(self._mixer.tick())
                    written += 1
                if stopping:
                    self._stopped_monotonic = now
                    break
                next_tick = self._started_monotonic + (written + 1) * TICK_S
                self._stop.wait(max(0.0, next_tick - self._clock.monotonic()))
        except BaseException as exc:  # the thread must report, never vanish silently
            self._failure = exc
            logger.exception("recording %s mixer failed", self.id)
        finally:
            try:
                self._writer.close()
            except Exception:
                logger.exception("recording %s could not close its file", self.id)
