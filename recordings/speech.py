"""Speech to text, optional and pluggable: what each participant said, as suggestions the
clerk may accept into the protocol.

Nothing ships with a model. An operator who wants suggestions installs a recogniser and
points ``COURTROOM_SPEECH_MODEL_DIR`` at its model; without one the feature is off and the
editor says so. A recogniser is any ``module:factory`` (``COURTROOM_SPEECH_RECOGNISER``)
whose factory takes the model directory and returns an object with ``transcribe(samples,
rate) -> str``; the default wraps Vosk (``pip install vosk``), which runs offline.

Each participant's decoded audio is already in the mixer, and the speaker timeline already
knows where each turn begins and ends (recordings/speakers.py), so an utterance is exactly a
turn of one speaker: its audio is cut from that speaker's own input, never from the mix, and
the suggestion carries its speaker and its master time. Recognition is slow and runs on its
own thread, behind a bounded queue: when it falls behind, utterances are dropped (and said
so in the log), never the recording's time.
"""

from __future__ import annotations

import importlib
import json
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np

from recordings.playout import Samples
from recordings.speakers import TICK_MS, SpeakerTurn

logger = logging.getLogger(__name__)

RATE: Final = 48_000
DEFAULT_RECOGNISER: Final = "recordings.speech:vosk_recogniser"
# A monologue is suggested in pieces of at most this length, so the clerk need not wait for
# its end, and no participant's audio is held longer than this in memory.
MAX_UTTERANCE_MS: Final = 20_000
# The detector starts a turn once it is sure (60 ms in); the words began a little earlier.
PRE_ROLL_MS: Final = 200
MIN_UTTERANCE_MS: Final = 300  # shorter is a word at most; not worth a suggestion
QUEUE_LENGTH: Final = 16  # utterances waiting for the recogniser before new ones are dropped
_KEPT_TICKS: Final = (MAX_UTTERANCE_MS + PRE_ROLL_MS + 1000) // TICK_MS


class SpeechUnavailable(Exception):
    """The configured recogniser cannot be used; the message says why, in words."""


class Recogniser(Protocol):
    def transcribe(self, samples: Samples, rate: int) -> str:
        """The words in ``samples`` (float32 mono in [-1, 1] at ``rate`` Hz), or ""."""
        ...


@dataclass(frozen=True, slots=True)
class Transcript:
    participant_id: str
    start_ms: int  # master time of the utterance's start
    end_ms: int
    text: str


def load_recogniser(model_dir: Path, spec: str = DEFAULT_RECOGNISER) -> Recogniser:
    """Build the recogniser ``spec`` ("module:factory") names, for ``model_dir``."""
    if not model_dir.is_dir():
        raise SpeechUnavailable(f"the speech model directory {str(model_dir)!r} does not exist")
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise SpeechUnavailable(f"{spec!r} is not a recogniser: write it as module:factory")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise SpeechUnavailable(f"the recogniser module {module_name!r} is missing: {exc}") from exc
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise SpeechUnavailable(f"{module_name} has no recogniser factory {attribute!r}")
    try:
        recogniser = factory(model_dir)
    except SpeechUnavailable:
        raise
    except Exception as exc:
        raise SpeechUnavailable(f"the recogniser could not load {model_dir}: {exc}") from exc
    if not callable(getattr(recogniser, "transcribe", None)):
        raise SpeechUnavailable(f"{spec} did not return a recogniser (no transcribe method)")
    result: Recogniser = recogniser
    return result


def vosk_recogniser(model_dir: Path) -> Recogniser:
    """The default recogniser: Vosk, offline, with a model from alphacephei.com/vosk/models."""
    try:
        vosk = importlib.import_module("vosk")
    except ImportError as exc:
        raise SpeechUnavailable(
            "the default recogniser needs the vosk package (pip install vosk)"
        ) from exc
    vosk.SetLogLevel(-1)
    return _Vosk(vosk, vosk.Model(str(model_dir)))


class _Vosk:
    RATE = 16_000

    def __init__(self, vosk: Any, model: Any) -> None:
        self._vosk = vosk
        self._model = model

    def transcribe(self, samples: Samples, rate: int) -> str:
        step = rate // self.RATE
        usable = len(samples) - len(samples) % step
        # 48 kHz to 16 kHz by averaging each three samples: a crude low-pass, enough for
        # speech, whose content lies well under 8 kHz.
        low = samples[:usable].reshape(-1, step).mean(axis=1)
        pcm = (np.clip(low, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        recognizer = self._vosk.KaldiRecognizer(self._model, self.RATE)
        recognizer.AcceptWaveform(pcm)
        return str(json.loads(recognizer.FinalResult()).get("text", ""))


class SpeechTranscriber:
    """Fed by the mixer thread; transcribes on a thread of its own; ``on_transcript`` is
    called on that thread."""

    def __init__(self, recogniser: Recogniser, on_transcript: Callable[[Transcript], None]):
        self._recogniser = recogniser
        self._on_transcript = on_transcript
        self._audio: dict[str, deque[tuple[int, Samples]]] = {}
        self._sent_to: dict[str, int] = {}  # master ms each open turn is transcribed up to
        self._queue: queue.Queue[tuple[str, int, int, Samples] | None] = queue.Queue(QUEUE_LENGTH)
        self.dropped = 0
        self._thread = threading.Thread(target=self._work, name="speech to text", daemon=True)
        self._thread.start()

    # Mixer thread.

    def feed(self, at_ms: int, audio: Mapping[str, Samples]) -> None:
        """One tick of each participant's own audio (arrays the mixer hands over and keeps
        no reference to: the playout buffer reads out copies)."""
        for key, samples in audio.items():
            kept = self._audio.get(key)
            if kept is None:
                kept = self._audio[key] = deque(maxlen=_KEPT_TICKS)
            kept.append((at_ms, samples))

    def progress(self, now_ms: int, open_turns: Mapping[str, int]) -> None:
        """Cut a turn that has run for MAX_UTTERANCE_MS into a piece of its own."""
        for key, start_ms in open_turns.items():
            since = max(start_ms - PRE_ROLL_MS, self._sent_to.get(key, -1))
            if now_ms - since >= MAX_UTTERANCE_MS:
                self._send(key, since, now_ms)
                self._sent_to[key] = now_ms

    def turn_ended(self, turn: SpeakerTurn) -> None:
        since = max(turn.start_ms - PRE_ROLL_MS, self._sent_to.pop(turn.participant_id, -1))
        if turn.end_ms - since >= MIN_UTTERANCE_MS:
            self._send(turn.participant_id, since, turn.end_ms)

    def close(self) -> None:
        """After the last tick: transcribe what is queued, then end the thread. Blocking."""
        self._queue.put(None)
        self._thread.join()

    def _send(self, key: str, start_ms: int, end_ms: int) -> None:
        pieces = [s for at, s in self._audio.get(key, ()) if start_ms <= at < end_ms]
        if not pieces:
            return
        try:
            self._queue.put_nowait((key, start_ms, end_ms, np.concatenate(pieces)))
        except queue.Full:
            self.dropped += 1
            logger.warning(
                "speech to text is behind: an utterance of %s (%d-%d ms) was not transcribed"
                " (%d so far)",
                key,
                start_ms,
                end_ms,
                self.dropped,
            )

    # The recogniser's thread.

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            key, start_ms, end_ms, samples = item
            try:
                text = self._recogniser.transcribe(samples, RATE).strip()
            except Exception:
                logger.exception("the recogniser failed on an utterance of %s", key)
                continue
            if text:
                try:
                    self._on_transcript(Transcript(key, max(0, start_ms), end_ms, text))
                except Exception:
                    logger.exception("a transcript of %s could not be handed on", key)


@dataclass(frozen=True, slots=True)
class SpeechStatus:
    """Whether suggestions are made, in words the protocol editor shows."""

    enabled: bool
    note: str


SPEECH_OFF: Final = SpeechStatus(
    False,
    "Speech to text is off: no recogniser model is configured (COURTROOM_SPEECH_MODEL_DIR).",
)
SPEECH_ON: Final = SpeechStatus(
    True,
    "Speech to text suggests entries from what each participant says; accept or dismiss each.",
)


def speech_off_because(problem: str) -> SpeechStatus:
    return SpeechStatus(False, f"Speech to text is off: {problem}.")
