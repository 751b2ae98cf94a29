"""Sealing what a crash left open: the unsealed tail is hashed into the manifest, flagged
"recovered", never dropped, and the recording is marked stopped where its audio ends."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import av
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recordings.info import measure_duration
from recordings.manifest import MANIFEST_FILE, ManifestWriter
from recordings.metadata import RecordingMetadata, write_metadata
from recordings.verification import RECORDED_FILE, SEGMENT_FILE

logger = logging.getLogger(__name__)


def seal_unsealed(
    directory: Path, metadata: RecordingMetadata, key: Ed25519PrivateKey
) -> RecordingMetadata:
    """Append every segment file the manifest lacks (the open one at the crash) as
    "recovered", then write the stop time. Blocking; idempotent."""
    _drop_torn_line(directory / MANIFEST_FILE)
    manifest = ManifestWriter(directory, metadata.recording_id, key)
    listed = {e.file for e in manifest.entries}
    end_ms = manifest.entries[-1].end_ms if manifest.entries else 0
    for path in sorted(directory.iterdir(), key=lambda p: (not SEGMENT_FILE.match(p.name), p.name)):
        if not RECORDED_FILE.match(path.name) or path.name in listed:
            continue
        if SEGMENT_FILE.match(path.name):
            # The master's segments follow each other: the tail starts where the last ended.
            duration = measure_duration(path)
            start_ms, stop_ms = end_ms, end_ms + round((duration or 0.0) * 1000)
            end_ms = stop_ms
        else:
            # A track's timestamps are record time already.
            start_ms, last_ms = _track_span_ms(path)
            duration = None if last_ms is None else (last_ms - start_ms) / 1000
            stop_ms = start_ms if last_ms is None else last_ms
        if duration is None:
            logger.error("recording %s: %s is unreadable; kept as is", directory, path.name)
        manifest.append(path.name, start_ms, stop_ms, sealed="recovered")
        logger.warning(
            "recording %s: sealed the unsealed %s (%.1f s) after a crash",
            metadata.recording_id,
            path.name,
            (stop_ms - start_ms) / 1000,
        )
    manifest.sign()  # the crash may have come between an append and its signature
    sealed = replace(metadata.stopped(metadata.started_at + end_ms / 1000), recovered=True)
    write_metadata(directory, sealed)
    return sealed


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
