"""Sums the sources of a hearing room into one mono signal, one tick at a time.

The mixer never waits for a source: a source with nothing to give this tick contributes
silence. How many samples a tick covers is decided by the clock (recordings/recording.py),
not by the sources, which is what keeps the master uninterrupted.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import numpy as np

from recordings.playout import Samples, silence
from recordings.source import AudioSource

logger = logging.getLogger(__name__)


class Mixer:
    """The live set of sources. ``add`` runs on the event loop, ``mix`` on the mixer thread."""

    def __init__(self, now: Callable[[], int] | None = None) -> None:
        """``now``: the master's position in samples now; each source reads it as its
        packets arrive, to be placed by arrival (recordings/source.py)."""
        self._now = now
        self._lock = threading.Lock()  # guards the two containers below, held only briefly
        self._current: dict[str, AudioSource] = {}
        self._sources: list[AudioSource] = []  # current ones and closed ones still draining

    def add(self, key: str) -> AudioSource:
        """A new source for ``key``; one already there under that key is closed."""
        source = AudioSource(key, self._now)
        with self._lock:
            previous = self._current.get(key)
            self._current[key] = source
            self._sources.append(source)
        if previous is not None:
            previous.close()
        return source

    def close_all(self) -> None:
        with self._lock:
            sources = list(self._sources)
        for source in sources:
            source.close()

    def mix(
        self,
        n: int,
        levels: dict[str, float] | None = None,
        audio: dict[str, Samples] | None = None,
        at: int | None = None,
    ) -> Samples:
        """The next ``n`` samples of the room: the sum of every source, clipped.

        ``levels``, if given, receives each source's mean square over these samples (by
        key; 0.0 for a source that gave nothing): the speaker timeline's input, taken here
        because only here is each participant's audio decoded. ``audio``, if given,
        receives each source's own samples (speech to text), arrays nothing else holds.
        """
        with self._lock:
            sources = list(self._sources)
        out = silence(n)
        finished: list[AudioSource] = []
        for source in sources:
            try:
                samples = source.take(n, at)
            except Exception:
                # One participant's broken input must never silence the others.
                logger.exception("source %s failed; it is dropped from the mix", source.key)
                source.close()
                finished.append(source)
                continue
            power = 0.0
            if samples is not None:
                out += samples
                if levels is not None:
                    power = float(np.dot(samples, samples)) / n
                if audio is not None:
                    before = audio.get(source.key)
                    audio[source.key] = samples if before is None else before + samples
            if levels is not None:  # silent sources too: their quiet is their background
                levels[source.key] = levels.get(source.key, 0.0) + power
            if source.is_finished:
                finished.append(source)
        if finished:
            self._forget(finished)
        np.clip(out, -1.0, 1.0, out=out)
        return out

    def _forget(self, finished: list[AudioSource]) -> None:
        with self._lock:
            self._sources = [s for s in self._sources if s not in finished]
            for source in finished:
                if self._current.get(source.key) is source:
                    del self._current[source.key]
