"""One participant's decoded audio, placed by its timestamps and read out at the mixer's pace.

The buffer lives on the source's own timeline (48 kHz sample positions taken from the
packets' pts). ``cursor`` is the position the mixer reads next; it advances by exactly what
the mixer reads, whether audio is there or not. Placing audio by position, not by arrival
order, is what keeps a participant aligned when packets are lost, reordered or suppressed
(DTX): a gap in positions stays a gap, filled with silence, instead of pulling later speech
earlier.

Pure numpy, no codec and no threads: the mixer thread is its only user.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]


# A resumption this far (20 ms, one packet) from where arrival puts it is moved there; less
# is arrival jitter, which the delay absorbs.
REANCHOR = 960


def silence(n: int) -> Samples:
    return np.zeros(n, dtype=np.float32)


class Playout:
    """A jitter buffer: ``delay`` samples are held before reading starts, ``capacity`` at most.

    Policy, in the order a recording of a court hearing wants it:

    * reordered packets that arrive before their turn fill the silence left for them;
    * the newest audio arriving after its turn (the network stalled) is kept, not dropped:
      the participant's latency in the mix grows by the stall instead of their words being
      lost; latency shrinks back to ``delay`` at the next pause in their speech;
    * a packet older than audio already placed, whose turn has passed, is dropped (counted);
    * beyond ``capacity`` the oldest audio is dropped, so a runaway sender cannot make the
      mix lag without bound.
    """

    def __init__(self, delay: int, capacity: int) -> None:
        if not 0 < delay < capacity:
            raise ValueError("need 0 < delay < capacity")
        self._delay = delay
        self._capacity = capacity
        self._cursor: int | None = None
        self._newest_end = 0
        # The samples ahead of the cursor are _store[_head:_head + _length]: one array for
        # the source's lifetime, so placing and reading 20 ms allocates nothing. Twice the
        # capacity leaves room to append; the samples move back to the front when the end
        # is reached, about once per capacity's worth read.
        self._store: Samples = silence(2 * capacity)
        self._head = 0
        self._length = 0
        self._primed = False
        self.late_samples = 0  # arrived after their turn and older than what was placed
        self.dropped_samples = 0  # pushed out by the capacity bound

    @property
    def buffered(self) -> int:
        """Samples held ahead of the cursor (audio or silence awaiting late packets)."""
        return self._length

    def write(self, position: int, samples: Samples, lead: int | None = None) -> None:
        """Place ``samples`` at source position ``position``.

        ``lead``: how far ahead of the next read these samples belong, from when they
        arrived (the jitter delay less the time they waited for the mixer). Given, it
        anchors the start and every resumption to arrival, so a mixer that reads late
        places no one later; without it they are anchored to the moment they are read.
        """
        if len(samples) == 0:
            return
        placed = self._place(position, samples, lead)
        if placed is not None:
            self._store_at(*placed)

    def _place(
        self, position: int, samples: Samples, lead: int | None
    ) -> tuple[int, Samples] | None:
        """Where ``samples`` go, as an offset after the cursor (anchored or re-anchored as
        :meth:`write` says), and what is left of them once what arrived too late for the
        cursor is cut off (None: all of it)."""
        n = len(samples)
        if self._cursor is None:
            self._cursor = position - (lead or 0)
            self._primed = lead is not None  # the lead holds the jitter delay already
        elif position < self._cursor:
            if position >= self._newest_end:
                # Newest audio, late: the stream stalled. Rewind the cursor (the buffer is
                # necessarily empty here: nothing was placed past _newest_end).
                self._cursor = position - (lead or 0)
            else:
                skip = self._cursor - position
                if skip >= n:
                    self.late_samples += n
                    return None
                self.late_samples += skip
                samples = samples[skip:]
                position = self._cursor
        elif (
            lead is not None and not self._length and abs(position - self._cursor - lead) > REANCHOR
        ):
            # Speech resumes after a pause, not where its arrival puts it (stalls added
            # latency, or the sender's clock drifted): start again where it belongs.
            self._cursor = position - lead
        elif lead is None and not self._length and position - self._cursor > self._delay:
            # Speech resumes after a pause: start again ``delay`` ahead of the cursor, which
            # undoes any latency earlier stalls added (the skipped span was silence anyway).
            self._cursor = position - self._delay
        self._newest_end = max(self._newest_end, position + len(samples))
        return position - self._cursor, samples

    def _store_at(self, offset: int, samples: Samples) -> None:
        """Put ``samples`` ``offset`` samples after the cursor, within the capacity."""
        assert self._cursor is not None
        end = offset + len(samples)
        excess = end - self._capacity
        if excess > 0:
            # Beyond capacity the oldest audio goes: what is held, then silence, then (for
            # a write longer than the capacity) the start of these samples.
            self._cursor += excess
            self.dropped_samples += excess
            kept = max(0, self._length - excess)
            self._head += self._length - kept
            self._length = kept
            if offset < excess:
                samples = samples[excess - offset :]
            offset, end = max(0, offset - excess), self._capacity
        if self._head + end > len(self._store):
            self._store[: self._length] = self._store[self._head : self._head + self._length]
            self._head = 0
        start = self._head
        if end > self._length:  # silence where nothing has arrived yet, up to these samples
            self._store[start + self._length : start + offset] = 0.0
            self._length = end
        self._store[start + offset : start + end] = samples  # overwrite: never doubled

    def read(self, n: int) -> Samples | None:
        """The next ``n`` samples (silence where nothing arrived), or None before start-up.

        Start-up waits until ``delay`` samples are buffered, so ordinary network jitter
        never starves the first packets.
        """
        if self._cursor is None:
            return None
        if not self._primed:
            if self._length < self._delay:
                return None
            self._primed = True
        available = min(n, self._length)
        if available == n:
            out = self._store[self._head : self._head + n].copy()
        else:
            out = silence(n)
            out[:available] = self._store[self._head : self._head + available]
        self._head += available
        self._length -= available
        if not self._length:
            self._head = 0
        self._cursor += n
        return out

    def prime_now(self) -> None:
        """Play out whatever is buffered without waiting for ``delay`` (the source has ended)."""
        self._primed = True
