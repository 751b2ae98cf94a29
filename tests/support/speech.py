"""A recogniser for tests: it hears tones, not words, and says which.

Speech to text takes any ``module:factory`` recogniser (recordings/speech.py). This one is
loaded the same way an operator's would be (``tests.support.speech:tone_recogniser``), and
needs a model directory holding ``model.txt`` like a real model's files, so the tests prove
the directory is passed through. What it hears is measured from the samples it is given,
so a suggestion's text says whose audio reached it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recordings.playout import Samples
from recordings.speech import SpeechUnavailable

MODEL_FILE = "model.txt"


def write_model(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MODEL_FILE).write_text("tones\n")
    return directory


class ToneRecogniser:
    def __init__(self) -> None:
        self.heard: list[float] = []  # seconds of each utterance, in order

    def transcribe(self, samples: Samples, rate: int) -> str:
        self.heard.append(len(samples) / rate)
        if not len(samples) or float(np.sqrt(np.mean(samples**2))) < 0.01:
            return ""
        spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
        frequency = float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])
        return f"a tone of {round(frequency / 10) * 10} hertz"


def tone_recogniser(model_dir: Path) -> ToneRecogniser:
    if not (model_dir / MODEL_FILE).is_file():
        raise SpeechUnavailable(f"{model_dir} holds no {MODEL_FILE}")
    return ToneRecogniser()
