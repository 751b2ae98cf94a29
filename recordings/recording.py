"""One running recording of a hearing room: the mixer thread and the master it writes.

The thread wakes every 100 ms on the monotonic clock and mixes in 20 ms ticks, but what it
writes is decided by the elapsed time, not by the number of ticks: at record time t it has
written t * 48000 samples. A late wake-up is caught up with several ticks at once, never
skipped, and the last tick at stop is cut to the stop instant. The master's duration
therefore equals the time the recording ran, whatever joins, leaves, silences or lost
packets happened meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from court.clock import Clock
from court.ids import HearingId, RecordingId
from recordings.info import RecordingInfo, recording_info
from recordings.manifest import MANIFEST_FILE, ManifestWriter
from recordings.metadata import RecordingMetadata, write_metadata
from recordings.mixer import Mixer
from recordings.segments import SegmentedMaster
from recordings.source import RATE, AudioSource
from recordings.timeline import TimelineEntry, append_entry
from recordings.tracks import Kind, TrackInput, TrackRecorder

logger = logging.getLogger(__name__)

TICK = RATE // 50  # 20 ms: one Opus frame, the step the mixer sums in
# How often the thread wakes to mix what is due, in ticks. Nobody listens to the master
# live, so it need not wake per tick: on this machine kind the first decode after each
# wake-up costs several times a warm one, and waking every 20 ms doubled the mix's cost
# (make bench). At most this much more audio waits in memory when the process dies.
WAKE = 5 * TICK  # 100 ms


class HearingRecording:
    """Create with :meth:`RecordingStore.start`; stop with :meth:`stop`."""

    def __init__(
        self,
        recording_id: RecordingId,
        hearing_id: HearingId,
        directory: Path,
        clock: Clock,
        signing_key: Ed25519PrivateKey,
        segment_s: float,
    ) -> None:
        """Blocking (creates the file): call it off the event loop, then :meth:`launch`."""
        self.id = recording_id
        self.hearing_id = hearing_id
        self.directory = directory
        self.path = directory
        self._clock = clock
        self._mixer = Mixer()
        self._manifest = ManifestWriter(directory, recording_id, signing_key)
        self._writer = SegmentedMaster(directory, self._manifest, segment_s)
        # Anchors of record time: both clocks read together, once.
        self.started_at = clock.wall()
        self._start = clock.monotonic()
        self._tracks = TrackRecorder(directory, self._manifest, self.record_time_ms, segment_s)
        self._stop_at: float | None = None  # monotonic; set by stop() before waking the thread
        self._stop_requested = threading.Event()
        self._stopping: asyncio.Task[RecordingInfo] | None = None
        self._failure: BaseException | None = None
        self._timeline_lock = asyncio.Lock()
        self.metadata = RecordingMetadata(
            recording_id=recording_id,
            hearing_id=hearing_id,
            started_at=self.started_at,
            stopped_at=None,
            file=MANIFEST_FILE,
        )
        self._thread = threading.Thread(target=self._run, name=f"mixer {recording_id}", daemon=True)

    def launch(self) -> None:
        """Start the mixer thread. Called once, by :meth:`RecordingStore.start`."""
        self._thread.start()

    def abandon(self) -> None:
        """Seal the master of a recording that was never launched. Blocking."""
        self._stop_requested.set()
        self._writer.close()
        self._tracks.close()

    def record_time_ms(self) -> int:
        return round((self._clock.monotonic() - self._start) * 1000)

    @property
    def is_running(self) -> bool:
        """True until stop() is called or the mixer thread fails (disk full, ...)."""
        return self._thread.is_alive() and not self._stop_requested.is_set()

    async def note(
        self, kind: str, at_ms: int, end_ms: int | None, subject: str | None, reason: str
    ) -> None:
        """Put an event or a gap on this recording's timeline (written off the event loop)."""
        entry = TimelineEntry(kind, at_ms, end_ms, subject, reason)
        async with self._timeline_lock:  # in the order they happened
            await asyncio.to_thread(append_entry, self.directory, entry)

    def add_track(self, participant_id: str, kind: Kind) -> TrackInput:
        """A participant's own audio or video track, kept as received (WebM)."""
        return self._tracks.add(participant_id, kind)

    def add_source(self, key: str) -> AudioSource:
        """A participant's audio input; one already there under ``key`` is closed.

        After stop() the source is returned closed, so a late caller's pushes are no-ops.
        """
        source = self._mixer.add(key)
        if self._stop_requested.is_set():
            source.close()
        return source

    async def stop(self) -> RecordingInfo:
        """Stop at this instant, flush the encoder, seal the file. Idempotent and shared:
        every caller gets the same result, and cancelling one caller does not abort it."""
        if self._stopping is None:
            self._stopping = asyncio.get_running_loop().create_task(self._stop())
        return await asyncio.shield(self._stopping)

    async def _stop(self) -> RecordingInfo:
        self._stop_at = self._clock.monotonic()
        self._stop_requested.set()
        self._mixer.close_all()
        await asyncio.to_thread(self._thread.join)
        await asyncio.to_thread(self._tracks.close)
        if self._failure is not None:
            logger.error("recording %s had failed before stop: %r", self.id, self._failure)
        self.metadata = self.metadata.stopped(self.started_at + (self._stop_at - self._start))
        await asyncio.to_thread(write_metadata, self.directory, self.metadata)
        info = await asyncio.to_thread(recording_info, self.metadata, self.directory)
        logger.info("recording %s stopped: %s s of audio", self.id, info.duration_s)
        return info

    def _run(self) -> None:
        written = 0
        try:
            while True:
                # _stop_at is set before the event, so a seen event always has its instant.
                stop_at = self._stop_at if self._stop_requested.is_set() else None
                until = self._clock.monotonic() if stop_at is None else stop_at
                due = round((until - self._start) * RATE)
                while due - written >= TICK:
                    self._writer.write(self._mixer.mix(TICK))
                    written += TICK
                if stop_at is not None:
                    if due > written:
                        self._writer.write(self._mixer.mix(due - written))
                    break
                next_wake = self._start + (written + WAKE) / RATE
                self._stop_requested.wait(max(0.0, next_wake - self._clock.monotonic()))
        except BaseException as exc:  # the thread must report its end, never vanish
            self._failure = exc
            logger.exception("recording %s: the mixer failed", self.id)
        finally:
            try:
                self._writer.close()
            except Exception:
                logger.exception("recording %s: the master could not be sealed", self.id)
