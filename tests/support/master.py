"""Reading a recording's master as the tests need it: every segment, in order, as one signal."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np


def master_files(path: Path) -> list[Path]:
    """The segment files of a recording directory in record-time order (or the one file)."""
    if path.is_dir():
        return sorted(path.glob("segment-*.ogg"))
    return [path]


def decode_mono(path: Path | str) -> tuple[np.ndarray, int]:
    """The whole master (all segments of a recording directory) as mono float samples."""
    chunks: list[np.ndarray] = []
    rate = 48000
    for file in master_files(Path(path)):
        with av.open(str(file)) as container:
            stream = container.streams.audio[0]
            rate = stream.rate
            chunks.extend(
                f.to_ndarray().astype(np.float64).mean(axis=0) for f in container.decode(stream)
            )
    return (np.concatenate(chunks) if chunks else np.zeros(0)), rate
