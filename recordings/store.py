"""Where recordings live on disk, and how to find them again.

``<root>/<hearing id>/<recording id>/`` holds the master's segments (``segment-000001.ogg``,
...), their signed manifest (``manifest.jsonl``, ``manifest.sig``) and ``recording.json``:
one directory per recording, so a recording is copied, hashed or archived as a unit.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import Collection
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from court.clock import Clock, SystemClock
from court.ids import HearingId, new_recording_id
from recordings import hearing_index, statements
from recordings.info import RecordingInfo, recording_info
from recordings.metadata import METADATA_FILE, RecordingMetadata, read_metadata, write_metadata
from recordings.recording import HearingRecording
from recordings.recovery import (
    AuditCheckpoint,
    Recovery,
    needs_recovery,
    seal_unsealed,
)
from recordings.segments import SEGMENT_S
from recordings.speech import SPEECH_OFF, SPEECH_ON, Recogniser, SpeechStatus

__all__ = ["RecordingInfo", "RecordingStore", "Recovery"]

logger = logging.getLogger(__name__)


class RecordingStore:
    def __init__(
        self,
        root: Path,
        clock: Clock | None = None,
        *,
        signing_key: Ed25519PrivateKey | None = None,
        segment_s: float = SEGMENT_S,
        recogniser: Recogniser | None = None,
        speech: SpeechStatus = SPEECH_OFF,
        audit_checkpoint: AuditCheckpoint | None = None,
    ) -> None:
        """``signing_key``: the court's record-signing key. Without one (tests, tools) a key
        is made for this store's lifetime only, so its manifests verify but prove no origin.
        ``recogniser``: speech to text for protocol suggestions (recordings/speech.py);
        ``speech`` says whether it is on, in words. ``audit_checkpoint``: the audit log's
        latest signed checkpoint, carried into every final seal."""
        self.audit_checkpoint = audit_checkpoint
        self.recogniser = recogniser
        self.speech = SPEECH_ON if recogniser is not None else speech
        self.root = root
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.signing_key = signing_key if signing_key is not None else Ed25519PrivateKey.generate()
        self._segment_s = segment_s

    async def start(self, hearing_id: HearingId) -> HearingRecording:
        """Open a new master for ``hearing_id`` and start its mixer thread.

        The file and its metadata exist when this returns: a hearing may go on the record.
        """
        recording = await asyncio.to_thread(self._open, hearing_id)
        recording.launch()
        logger.info("recording %s of %s started at %s", recording.id, hearing_id, recording.path)
        return recording

    def _open(self, hearing_id: HearingId) -> HearingRecording:
        recording_id = new_recording_id()
        hearing_dir = self.root / Path(hearing_id).name
        # Owner-only (0700): recordings hold the hearing itself, consultations excepted.
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        hearing_dir.mkdir(mode=0o700, exist_ok=True)
        directory = hearing_dir / recording_id
        directory.mkdir(mode=0o700, exist_ok=False)
        recording = HearingRecording(
            recording_id,
            hearing_id,
            directory,
            self.clock,
            self.signing_key,
            self._segment_s,
            recogniser=self.recogniser,
            audit_checkpoint=self.audit_checkpoint,
            on_seal=self.index_seal,
        )
        try:
            write_metadata(directory, recording.metadata)
        except BaseException:
            recording.abandon()
            raise
        return recording

    def list(self) -> list[RecordingInfo]:
        """Every recording under the root, oldest first. Blocking: probes files with PyAV.

        An unreadable metadata file is logged and skipped; an unreadable master is listed
        with ``duration_s`` None, so a damaged recording is visible, not hidden.
        """
        found: list[RecordingInfo] = []
        if not self.root.is_dir():
            return found
        for metadata_file in self.root.glob(f"*/*/{METADATA_FILE}"):
            directory = metadata_file.parent
            try:
                metadata = read_metadata(directory)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                logger.warning("skipping %s: unreadable metadata: %s", directory, exc)
                continue
            found.append(recording_info(metadata, directory))
        return sorted(found, key=lambda r: (r.started_at, r.recording_id))

    def index_seal(self, seal: statements.Statement) -> None:
        """Put a recording's final seal into its hearing's signed index. Blocking."""
        hearing_index.indexer(self.root / Path(seal.hearing_id).name, self.signing_key)(seal)

    def recover(self, sealed: Collection[str] = ()) -> builtins.list[Recovery]:
        """Seal every recording a crash left open, if the recorder can vouch for it; refuse
        and report the others. Call at startup, before any recording starts (a running
        recording is unsealed too). Blocking.

        ``sealed``: ids of recordings known elsewhere (the audit log) to have been sealed.
        Such a recording never needs recovery: one that looks unsealed had its seal swapped
        for an earlier signature, and sealing it again would make the rollback look like a
        crash. The hearing's own index is asked the same question."""
        done: builtins.list[Recovery] = []
        for info in self.list():
            metadata = read_metadata(info.path)
            if not needs_recovery(info.path, metadata):
                continue
            done.append(
                seal_unsealed(
                    info.path,
                    metadata,
                    self.signing_key,
                    audit_checkpoint=self.audit_checkpoint,
                    on_seal=self.index_seal,
                    sealed_before=self._sealed_before(info.path, metadata, sealed),
                )
            )
        return done

    def _sealed_before(
        self, directory: Path, metadata: RecordingMetadata, sealed: Collection[str]
    ) -> str | None:
        if metadata.recording_id in sealed:
            return "the audit log says it was sealed; its seal was replaced by an earlier signature"
        try:
            index = hearing_index.read(directory.parent, [self.signing_key.public_key()])
        except hearing_index.BadIndex:
            return None  # verification names the index; this recording is judged by itself
        listed = None if index is None else index.of(metadata.recording_id)
        if listed is not None:
            return (
                f"the hearing's index lists it as sealed with {listed.lines} manifest lines; "
                "its seal was replaced by an earlier signature"
            )
        return None
