"""Who spoke when: voice activity per participant, from the levels the mixer already has.

The mixer decodes every participant's audio to sum it into the master; the mean square of
each participant's samples per 20 ms tick is all this needs, so detecting speech costs one
dot product per participant per tick and no second decode. It runs on the mixer thread and
measures in master time (where the words land in the master), the same time the court
protocol stamps its entries in, so a turn and an entry about it line up when played.

A participant is speaking while their level stands clearly above their own background:
an adaptive noise floor per participant keeps a fan or a hiss from counting as speech, and
a fixed floor keeps near-silence from counting at all. A turn starts after a short run of
speech (a cough or a click is no turn) and ends after a pause longer than the gaps between
words. The active speaker is the loudest participant speaking now, held until another is
clearly louder, so the suggestion in the protocol editor does not flicker between two
people talking over each other.

The turns are written as ``speakers.json`` when the recording stops and chained into its
manifest with the record. Its format (``version`` 1)::

    {"version": 1, "recording_id": "rec_...", "turns": [
        {"participant_id": "par_...", "start_ms": 1200, "end_ms": 3400}, ...]}

sorted by ``start_ms``; turns of different participants may overlap.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

SPEAKERS_FILE: Final = "speakers.json"
FORMAT_VERSION: Final = 1

TICK_MS: Final = 20
# Levels in dB relative to full scale (mean square of samples in [-1, 1]).
SILENCE_DB: Final = -120.0
# Quieter than this is nobody speaking, whatever the background (a whisper into a headset
# is about -45 dBFS; browsers' noise suppression leaves room tone far below -60).
SPEECH_FLOOR_DB: Final = -55.0
# Speech stands this far above the participant's own background.
ABOVE_NOISE_DB: Final = 10.0
# The background is the quietest level of the last few seconds (kept as the minimum of
# each half second): the pauses between words keep it low while someone speaks, and a
# steady noise (a fan, a hiss) becomes the background within half a second. A sound that
# never dips (a test tone from a participant's very first packet, a tone held for longer
# than the window) is therefore taken for background; voices dip between syllables.
NOISE_BLOCK_TICKS: Final = 25  # 500 ms
NOISE_WINDOW_BLOCKS: Final = 6  # 3 s
ONSET_TICKS: Final = 3  # 60 ms of speech before a turn starts
HANGOVER_TICKS: Final = 25  # a pause longer than 500 ms ends the turn
# Another participant takes the active speaker over only when this much louder (smoothed).
TAKEOVER_DB: Final = 6.0
SMOOTHING: Final = 0.2  # exponential smoothing of each level per tick (~100 ms)

ActiveSpeakerChanged = Callable[[str | None, int], None]  # participant or None, master ms


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    participant_id: str
    start_ms: int  # master time (record time of the master audio)
    end_ms: int


def decibels(mean_square: float) -> float:
    return SILENCE_DB if mean_square <= 1e-12 else max(SILENCE_DB, 10 * math.log10(mean_square))


@dataclass
class _Voice:
    """One participant's voice activity."""

    key: str  # the participant
    block_min_db: float = 0.0  # the quietest tick of the current half second
    block_ticks: int = 0
    block_mins: deque[float] = field(default_factory=lambda: deque(maxlen=NOISE_WINDOW_BLOCKS))
    window_min_db: float | None = None  # min(block_mins), kept as blocks complete
    smoothed_db: float = SILENCE_DB
    run: int = 0  # consecutive speech ticks
    run_start_ms: int = 0
    silent: int = 0  # ticks since the last speech tick, while in a turn
    turn_start_ms: int | None = None
    last_speech_end_ms: int = 0

    def observe(self, at_ms: int, end_ms: int, level_db: float) -> SpeakerTurn | None:
        """Take one tick; return the turn this tick ended, if it ended one."""
        # The background as it was before this tick (silence before anything was heard).
        noise_db = SILENCE_DB if self.window_min_db is None else self.window_min_db
        if self.block_ticks:
            noise_db = min(noise_db, self.block_min_db) if self.block_mins else self.block_min_db
        if self.block_ticks == 0 or level_db < self.block_min_db:
            self.block_min_db = level_db
        self.block_ticks += 1
        if self.block_ticks == NOISE_BLOCK_TICKS:
            self.block_mins.append(self.block_min_db)
            self.window_min_db = min(self.block_mins)  # once per half second, not per tick
            self.block_ticks = 0
        speech = level_db > SPEECH_FLOOR_DB and level_db > noise_db + ABOVE_NOISE_DB
        self.smoothed_db += SMOOTHING * (level_db - self.smoothed_db)
        if speech:
            if self.run == 0:
                self.run_start_ms = at_ms
            self.run += 1
            self.silent = 0
            self.last_speech_end_ms = end_ms
            if self.turn_start_ms is None and self.run >= ONSET_TICKS:
                self.turn_start_ms = self.run_start_ms
            return None
        self.run = 0
        if self.turn_start_ms is None:
            return None
        self.silent += 1
        if self.silent <= HANGOVER_TICKS:
            return None
        return self.end_turn()

    def end_turn(self) -> SpeakerTurn | None:
        start, self.turn_start_ms = self.turn_start_ms, None
        self.silent = 0
        if start is None:
            return None
        return SpeakerTurn(self.key, start, self.last_speech_end_ms)

    @property
    def speaking(self) -> bool:
        return self.turn_start_ms is not None


class SpeakerDetector:
    """Fed by the mixer thread once per tick; ``on_change`` is called on that thread."""

    def __init__(
        self,
        on_change: ActiveSpeakerChanged | None = None,
        on_turn: Callable[[SpeakerTurn], None] | None = None,
    ) -> None:
        self._voices: dict[str, _Voice] = {}
        self._turns: list[SpeakerTurn] = []
        self._active: str | None = None
        self._on_change = on_change
        self._on_turn = on_turn  # told of each turn as it ends (speech to text)
        self._end_ms = 0

    @property
    def active(self) -> str | None:
        return self._active

    @property
    def open_turns(self) -> dict[str, int]:
        """Who is in a turn now, and since when (master ms)."""
        return {
            key: voice.turn_start_ms
            for key, voice in self._voices.items()
            if voice.turn_start_ms is not None
        }

    def observe(self, at_ms: int, duration_ms: int, levels: Mapping[str, float]) -> None:
        """One tick of ``duration_ms`` starting at master time ``at_ms``; ``levels``: the
        mean square of each participant's samples in it (absent: silent)."""
        end_ms = at_ms + duration_ms
        self._end_ms = end_ms
        for key in levels.keys() - self._voices.keys():
            self._voices[key] = _Voice(key)
        for key, voice in self._voices.items():
            turn = voice.observe(at_ms, end_ms, decibels(levels.get(key, 0.0)))
            if turn is not None:
                self._ended(turn)
        self._choose_active(at_ms)

    def _ended(self, turn: SpeakerTurn) -> None:
        self._turns.append(turn)
        if self._on_turn is not None:
            self._on_turn(turn)

    def finish(self) -> list[SpeakerTurn]:
        """End every turn still open (the recording stopped); the turns, by start."""
        for voice in self._voices.values():
            turn = voice.end_turn()
            if turn is not None:
                self._ended(turn)
        self._change(None, self._end_ms)
        return self.turns

    @property
    def turns(self) -> list[SpeakerTurn]:
        return sorted(self._turns, key=lambda t: (t.start_ms, t.participant_id))

    def _choose_active(self, at_ms: int) -> None:
        speaking = {k: v.smoothed_db for k, v in self._voices.items() if v.speaking}
        if not speaking:
            self._change(None, at_ms)
            return
        loudest = max(speaking, key=lambda k: speaking[k])
        current = self._active
        if current in speaking and speaking[loudest] < speaking[current] + TAKEOVER_DB:
            return
        self._change(loudest, at_ms)

    def _change(self, participant: str | None, at_ms: int) -> None:
        if participant == self._active:
            return
        self._active = participant
        if self._on_change is not None:
            self._on_change(participant, at_ms)


def speakers_document(recording_id: str, turns: list[SpeakerTurn]) -> bytes:
    document: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "recording_id": recording_id,
        "turns": [
            {"participant_id": t.participant_id, "start_ms": t.start_ms, "end_ms": t.end_ms}
            for t in turns
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


MAX_PARTICIPANT_ID: Final = 100


def _whole(value: Any, what: str) -> int:
    # bool is an int to Python, never a time to the recorder.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} is not a whole number of milliseconds")
    return value


def parse_speakers(data: bytes, recording_id: str | None = None) -> list[SpeakerTurn]:
    """The turns of a ``speakers.json``; ValueError for one that is not a version-1
    timeline (of ``recording_id``, if given: one copied from another recording would put
    its turns in the wrong place)."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ValueError(f"not a speaker timeline of version {FORMAT_VERSION}")
    if recording_id is not None and document.get("recording_id") != recording_id:
        raise ValueError(f"names recording {document.get('recording_id')!r}")
    turns = document.get("turns")
    if not isinstance(turns, list):
        raise ValueError("holds no list of turns")
    parsed = []
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise ValueError(f"turn {i} is not an object")
        who = turn.get("participant_id")
        if not isinstance(who, str) or not 0 < len(who) <= MAX_PARTICIPANT_ID:
            raise ValueError(f"turn {i} names no participant")
        start = _whole(turn.get("start_ms"), f"turn {i}: start_ms")
        end = _whole(turn.get("end_ms"), f"turn {i}: end_ms")
        if end < start:
            raise ValueError(f"turn {i} ends before it starts")
        parsed.append(SpeakerTurn(who, start, end))
    return parsed


def read_speakers(path: Path) -> list[SpeakerTurn]:
    """The turns of a ``speakers.json`` file; ValueError for one that is not."""
    return parse_speakers(path.read_bytes())
