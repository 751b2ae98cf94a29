"""The master as a sequence of bounded segments, each sealed, hashed and chained as it ends.

A segment is a complete Ogg/Opus file of at most ``segment_s`` seconds of record time
(60 s by default); when it is full the mixer thread closes it, the manifest records its
SHA-256 and record-time span, and the next segment opens on the very next sample, so the
segments together hold every sample of the master. After a crash every sealed segment is
intact and hashed; only the open one is unsealed, and the store seals it on restart.
"""

from __future__ import annotations

from pathlib import Path

from recordings.manifest import ManifestWriter
from recordings.playout import Samples
from recordings.source import RATE
from recordings.writer import OggOpusWriter

SEGMENT_S = 60.0


def segment_name(number: int) -> str:
    return f"segment-{number:06d}.ogg"


def samples_to_ms(samples: int) -> int:
    return round(samples * 1000 / RATE)


class SegmentedMaster:
    """Not thread-safe: owned by the mixer thread from open to close. Blocking."""

    def __init__(self, directory: Path, manifest: ManifestWriter, segment_s: float) -> None:
        if segment_s <= 0:
            raise ValueError("segments must have a positive length")
        self._directory = directory
        self._manifest = manifest
        self._segment_samples = max(1, round(segment_s * RATE))
        self._number = sum(1 for e in manifest.entries if e.file.startswith("segment-")) + 1
        self._segment_start = 0  # record time of the open segment's first sample
        self._writer = self._open()
        self.samples_written = 0

    def write(self, samples: Samples) -> None:
        offset = 0
        while offset < len(samples):
            room = self._segment_samples - self._writer.samples_written
            part = samples[offset : offset + room]
            self._writer.write(part)
            offset += len(part)
            self.samples_written += len(part)
            if self._writer.samples_written >= self._segment_samples:
                self._seal()
                self._number += 1
                self._writer = self._open()

    def close(self) -> None:
        """Seal the open segment (an empty one is removed: it holds no record time)."""
        if self._writer.samples_written > 0:
            self._seal()
        else:
            self._writer.close()
            (self._directory / segment_name(self._number)).unlink(missing_ok=True)
            self._manifest.discard(segment_name(self._number))

    def _open(self) -> OggOpusWriter:
        # Signed before the first byte: after a crash, recovery seals this file and no other.
        self._manifest.opening(segment_name(self._number))
        return OggOpusWriter(self._directory / segment_name(self._number))

    def _seal(self) -> None:
        self._writer.close()
        end = self._segment_start + self._writer.samples_written
        self._manifest.append(
            segment_name(self._number),
            samples_to_ms(self._segment_start),
            samples_to_ms(end),
        )
        self._segment_start = end
