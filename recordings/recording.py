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
import contextlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from court.clock import Clock
from court.ids import HearingId, RecordingId
from court.record_time import RecordClock, RecordMs
from recordings.info import RecordingInfo, recording_info
from recordings.manifest import MANIFEST_FILE, ManifestWriter
from recordings.metadata import RecordingMetadata, write_metadata
from recordings.mixer import Mixer
from recordings.playout import Samples
from recordings.segments import SegmentedMaster
from recordings.source import RATE, AudioSource
from recordings.speakers import (
    SPEAKERS_FILE,
    ActiveSpeakerChanged,
    SpeakerDetector,
    speakers_document,
)
from recordings.speech import Recogniser, SpeechTranscriber, Transcript
from recordings.statements import Statement
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
        *,
        recogniser: Recogniser | None = None,
        audit_checkpoint: Callable[[], dict[str, Any] | None] | None = None,
        on_seal: Callable[[Statement], None] | None = None,
    ) -> None:
        """Blocking (creates the file): call it off the event loop, then :meth:`launch`.
        ``audit_checkpoint``: the audit log's latest signed checkpoint, put into the final
        seal; ``on_seal``: told of each final seal (the hearing's index)."""
        self._audit_checkpoint = audit_checkpoint
        self.id = recording_id
        self.hearing_id = hearing_id
        self.directory = directory
        self.path = directory
        self._clock = clock
        self._mixer = Mixer(self._master_position)
        # Speech to text, if configured: each finished turn of a speaker is transcribed.
        self._speech = (
            None if recogniser is None else SpeechTranscriber(recogniser, self._transcribed)
        )
        self._speakers = SpeakerDetector(
            self._active_speaker_changed,
            on_turn=None if self._speech is None else self._speech.turn_ended,
        )
        # Told (on the event loop) who is speaking now; set by whoever shows it live.
        self.on_active_speaker: ActiveSpeakerChanged | None = None
        # Told (on the event loop) what a participant said, when speech to text is on.
        self.on_transcript: Callable[[Transcript], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Record time: both clocks read together, once (court/record_time.py).
        self.record_clock = RecordClock(clock)
        self.started_at = self.record_clock.started_at
        self._start = self.record_clock.start
        self._monotonic = clock.monotonic
        self._manifest = ManifestWriter(
            directory,
            recording_id,
            signing_key,
            hearing_id=hearing_id,
            started_at=self.started_at,
            on_seal=on_seal,
        )
        self._writer = SegmentedMaster(directory, self._manifest, segment_s)
        self._tracks = TrackRecorder(directory, self._manifest, self.record_clock.now, segment_s)
        self._stop_at: float | None = None  # monotonic; set by stop() before waking the thread
        self._stop_requested = threading.Event()
        self._stopping: asyncio.Task[RecordingInfo] | None = None
        self._failure: BaseException | None = None
        self._timeline_lock = asyncio.Lock()
        self._sealed = False  # the timeline is closed once the final seal covers it
        self.metadata = RecordingMetadata(
            recording_id=recording_id,
            hearing_id=hearing_id,
            started_at=self.started_at,
            stopped_at=None,
            file=MANIFEST_FILE,
        )
        self._thread = threading.Thread(target=self._run, name=f"mixer {recording_id}", daemon=True)

    def launch(self) -> None:
        """Start the mixer thread. Called once, by :meth:`RecordingStore.start`, on the
        event loop that is told of the active speaker."""
        self._loop = asyncio.get_running_loop()
        self._thread.start()

    def abandon(self) -> None:
        """Seal the master of a recording that was never launched. Blocking."""
        self._stop_requested.set()
        self._writer.close()
        self._tracks.close()
        if self._speech is not None:
            self._speech.close()

    def _master_position(self) -> int:
        """Samples of record time now: where a packet arriving now belongs in the master
        (before the jitter delay). Read on the event loop, once per packet."""
        # The clock read directly, not through RecordClock: this runs for every
        # audio packet, on the event loop.
        return round((self._monotonic() - self._start) * RATE)

    def record_time_ms(self) -> RecordMs:
        return self.record_clock.now()

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
            if self._sealed:
                # After the final seal nothing may be added: it would stand outside the
                # signed record, and verification would report the timeline as altered.
                logger.warning("recording %s is sealed; not noted: %r", self.id, entry)
                return
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
        try:
            await asyncio.to_thread(self._write_speakers)
        except OSError:
            # Who spoke when is derived from the master; the master itself is sealed.
            logger.exception("recording %s: the speaker timeline could not be written", self.id)
        if self._speech is not None:
            await asyncio.to_thread(self._speech.close)  # the last words are suggested too
        if self._failure is not None:
            logger.error("recording %s had failed before stop: %r", self.id, self._failure)
        self.metadata = self.metadata.stopped(self.started_at + (self._stop_at - self._start))
        await asyncio.to_thread(write_metadata, self.directory, self.metadata)
        checkpoint = None if self._audit_checkpoint is None else self._audit_checkpoint()
        async with self._timeline_lock:
            self._sealed = True
            stopped_at = self.metadata.stopped_at or self.started_at
            await asyncio.to_thread(self._manifest.seal, stopped_at, audit_checkpoint=checkpoint)
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
                    self._mix(written, TICK)
                    written += TICK
                if stop_at is not None:
                    if due > written:
                        self._mix(written, due - written)
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

    def _mix(self, written: int, n: int) -> None:
        """Mix and write ``n`` samples from master position ``written``; mixer thread."""
        levels: dict[str, float] = {}
        audio: dict[str, Samples] | None = None if self._speech is None else {}
        self._writer.write(self._mixer.mix(n, levels, audio, at=written))
        at_ms, duration_ms = written * 1000 // RATE, n * 1000 // RATE
        if self._speech is not None and audio is not None:
            self._speech.feed(at_ms, audio)
        self._speakers.observe(at_ms, duration_ms, levels)
        if self._speech is not None:
            self._speech.progress(at_ms + duration_ms, self._speakers.open_turns)

    def _active_speaker_changed(self, participant: str | None, at_ms: int) -> None:
        """On the mixer thread: hand the news to the event loop, never wait for it."""
        callback, loop = self.on_active_speaker, self._loop
        if callback is None or loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed since the check
            loop.call_soon_threadsafe(callback, participant, at_ms)

    def _transcribed(self, transcript: Transcript) -> None:
        """On the recogniser's thread: hand the words to the event loop."""
        callback, loop = self.on_transcript, self._loop
        if callback is None or loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed since the check
            loop.call_soon_threadsafe(callback, transcript)

    def _write_speakers(self) -> None:
        """Seal who spoke when into the record, after the mixer thread has ended.
        Blocking (fsync)."""
        turns = self._speakers.finish()
        path = self.directory / SPEAKERS_FILE
        temporary = self.directory / f".{SPEAKERS_FILE}.tmp"
        with temporary.open("wb") as f:
            f.write(speakers_document(self.id, turns))
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
        end_ms = max((e.end_ms for e in self._manifest.entries), default=0)
        self._manifest.append(SPEAKERS_FILE, 0, end_ms)
