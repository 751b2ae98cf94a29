"""Sealing what a crash left open, and only that.

A recording cut by a crash has a signed progress statement (recordings/statements.py) that
names the files the recorder had open. Recovery first checks that the manifest on disk is
exactly what that statement covers, and that ``recording.json`` and the timeline are what it
says; only then does it seal the open files as "recovered" (flagged, never dropped) and sign
the final seal. Anything else (lines missing, edited or added, a file the recorder never
opened, a recording that was already sealed but says it never stopped) is left unsigned and
reported: the court key is never used to vouch for what the recorder did not write.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import av
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recordings import statements
from recordings.info import measure_duration
from recordings.manifest import MANIFEST_FILE, ManifestWriter, UnvouchedManifest
from recordings.metadata import RecordingMetadata, write_metadata
from recordings.timeline import check_covered
from recordings.verification import RECORDED_FILE, SEGMENT_FILE

logger = logging.getLogger(__name__)

AuditCheckpoint = Callable[[], dict[str, Any] | None]


@dataclass(frozen=True, slots=True)
class Recovery:
    """What recovery did with one recording: sealed ``files`` (``seconds`` of master audio
    among them), or refused and said why."""

    recording_id: str
    hearing_id: str
    files: tuple[str, ...] = ()
    seconds: float = 0.0
    refused: str | None = None
    # Recorded-looking files the recorder did not have open: never sealed (verification
    # names them as inserted).
    left_alone: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "recording_id": self.recording_id,
            "hearing_id": self.hearing_id,
            "files": list(self.files),
            "seconds": self.seconds,
            "refused": self.refused,
            "left_alone": list(self.left_alone),
        }


def needs_recovery(directory: Path, metadata: RecordingMetadata) -> bool:
    """Whether the recording was cut by a crash: its last signature is not a final seal
    (or, for a recording signed before seals existed, its metadata has no stop), or its
    metadata says it never stopped although it was sealed (reported, never re-signed)."""
    try:
        statement = statements.read(directory / "manifest.sig")
    except (OSError, statements.BadStatement):
        return metadata.stopped_at is None
    if statement.kind == statements.LEGACY:
        return metadata.stopped_at is None
    return not statement.final or metadata.stopped_at is None


def _not_as_signed(
    directory: Path, metadata: RecordingMetadata, statement: statements.Statement
) -> str | None:
    """Why the recording on disk is not the one its last signature describes, if it is not."""
    if statement.final:
        return "recording.json says it never stopped, but it was sealed: recording.json was edited"
    if statement.kind == statements.LEGACY:
        return None  # a legacy signature covers the manifest only
    if (metadata.hearing_id, metadata.started_at) != (statement.hearing_id, statement.started_at):
        return "recording.json is not what was signed"
    wrong = check_covered(
        directory, statement.timeline_lines, statement.timeline_sha256, whole=False
    )
    return None if wrong is None else f"the timeline was altered: {wrong}"


def seal_unsealed(
    directory: Path,
    metadata: RecordingMetadata,
    key: Ed25519PrivateKey,
    *,
    audit_checkpoint: AuditCheckpoint | None = None,
    on_seal: Callable[[statements.Statement], None] | None = None,
    sealed_before: str | None = None,
) -> Recovery:
    """Recover one recording (see the module's docstring). Blocking; idempotent.

    ``sealed_before``: why the recording is known to have been sealed already (its
    hearing's index, the audit log), if it is: refused then, once every other check has
    said what it found."""
    _drop_torn_line(directory / MANIFEST_FILE)
    legacy = (metadata.hearing_id, metadata.started_at, None)
    try:
        manifest = ManifestWriter.reopen(directory, key, on_seal=on_seal, legacy=legacy)
    except UnvouchedManifest as exc:
        return refuse(directory, metadata, f"the manifest is not what was signed: {exc}")
    statement = manifest.statement
    assert statement is not None  # reopen vouched for one
    why_not = _not_as_signed(directory, metadata, statement) or sealed_before
    if why_not is not None:
        return refuse(directory, metadata, why_not)
    listed = {e.file for e in manifest.entries}
    were_open = (
        set(statement.open)
        if statement.kind != statements.LEGACY
        else _open_by_structure(directory, listed)
    )
    end_ms = max((e.end_ms for e in manifest.entries if SEGMENT_FILE.match(e.file)), default=0)
    files: list[str] = []
    left_alone: list[str] = []
    master_s = 0.0
    for path in sorted(directory.iterdir(), key=lambda p: (not SEGMENT_FILE.match(p.name), p.name)):
        if not RECORDED_FILE.match(path.name) or path.name in listed:
            continue
        if path.name not in were_open:
            left_alone.append(path.name)
            logger.error(
                "recording %s: %s was not being written by the recorder; not sealed",
                metadata.recording_id,
                path.name,
            )
            continue
        if SEGMENT_FILE.match(path.name):
            # The master's segments follow each other: the tail starts where the last ended.
            duration = measure_duration(path)
            start_ms, stop_ms = end_ms, end_ms + round((duration or 0.0) * 1000)
            end_ms = stop_ms
            master_s += (stop_ms - start_ms) / 1000
        else:
            # A track's timestamps are record time already.
            start_ms, last_ms = _track_span_ms(path)
            duration = None if last_ms is None else (last_ms - start_ms) / 1000
            stop_ms = start_ms if last_ms is None else last_ms
        if duration is None:
            logger.error("recording %s: %s is unreadable; kept as is", directory, path.name)
        manifest.append(path.name, start_ms, stop_ms, sealed="recovered")
        files.append(path.name)
        logger.warning(
            "recording %s: sealed the unsealed %s (%.1f s) after a crash",
            metadata.recording_id,
            path.name,
            (stop_ms - start_ms) / 1000,
        )
    sealed = replace(
        metadata.stopped(metadata.started_at + end_ms / 1000), recovered=True, refused=None
    )
    write_metadata(directory, sealed)
    checkpoint = None if audit_checkpoint is None else audit_checkpoint()
    manifest.seal(sealed.stopped_at or 0.0, recovered=True, audit_checkpoint=checkpoint)
    return Recovery(
        metadata.recording_id,
        metadata.hearing_id,
        tuple(files),
        round(master_s, 3),
        None,
        tuple(left_alone),
    )


def refuse(directory: Path, metadata: RecordingMetadata, why: str) -> Recovery:
    """Leave the recording unsigned and say so in its metadata, for the lists and pages
    (the metadata is not trusted by verification, which finds the fault by itself)."""
    logger.error("recording %s NOT recovered: %s", metadata.recording_id, why)
    if metadata.refused != why:
        write_metadata(directory, replace(metadata, refused=why))
    return Recovery(metadata.recording_id, metadata.hearing_id, refused=why)


_NUMBERED = re.compile(r"^(.*-)(\d+)(\.\w+)$")


def _open_by_structure(directory: Path, listed: set[str]) -> set[str]:
    """For a recording signed before statements named open files: the files that could
    have been open at the crash, the next master segment and each track's next segment."""
    highest: dict[str, int] = {}
    for name in listed:
        match = _NUMBERED.match(name)
        if match is not None and RECORDED_FILE.match(name):
            stem = match.group(1) + "|" + match.group(3)
            highest[stem] = max(highest.get(stem, 0), int(match.group(2)))
    candidates = set()
    for path in directory.iterdir():
        match = _NUMBERED.match(path.name)
        if match is None or not RECORDED_FILE.match(path.name) or path.name in listed:
            continue
        stem = match.group(1) + "|" + match.group(3)
        if int(match.group(2)) == highest.get(stem, 0) + 1:
            candidates.add(path.name)
    return candidates


def _drop_torn_line(path: Path) -> None:
    """A crash during an append can leave half a line: it describes no sealed segment (the
    segment it was about is still on disk and is sealed again as recovered)."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        keep = data[: data.rfind(b"\n") + 1]
        logger.warning("%s: dropping a torn last line of %d bytes", path, len(data) - len(keep))
        with path.open("r+b") as f:
            f.truncate(len(keep))


def _track_span_ms(path: Path) -> tuple[int, int | None]:
    """First and last timestamp (ms of record time) of a track file cut by a crash."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams[0]
            stamps = [
                float(p.pts * p.time_base) for p in container.demux(stream) if p.pts is not None
            ]
    except (av.FFmpegError, OSError, IndexError, ValueError) as exc:
        logger.warning("cannot read %s: %s", path, exc)
        return 0, None
    if not stamps:
        return 0, None
    return round(min(stamps) * 1000), round(max(stamps) * 1000)
