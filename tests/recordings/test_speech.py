"""Speech to text: a recogniser is loaded as configured or refused in words, each speaker's
turns reach it as that speaker's own audio, long turns come in pieces, and a slow
recogniser never holds the recording up."""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from pathlib import Path

import numpy as np
import pytest

from court.ids import HearingId
from recordings import RecordingStore
from recordings.speakers import SpeakerTurn
from recordings.speech import (
    QUEUE_LENGTH,
    SpeechTranscriber,
    SpeechUnavailable,
    Transcript,
    load_recogniser,
)
from tests.recordings.audio import push_in_real_time, tone_packets
from tests.support.speech import ToneRecogniser, tone_recogniser, write_model

TONES = "tests.support.speech:tone_recogniser"
RATE = 48_000


def tone(frequency: float, ms: int) -> np.ndarray:
    t = np.arange(RATE * ms // 1000) / RATE
    return (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def test_a_configured_recogniser_is_loaded_with_its_model_directory(tmp_path: Path) -> None:
    recogniser = load_recogniser(write_model(tmp_path / "model"), TONES)
    assert isinstance(recogniser, ToneRecogniser)
    assert recogniser.transcribe(tone(440, 500), RATE) == "a tone of 440 hertz"


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("no-colon", "write it as module:factory"),
        ("tests.support.missing_module:factory", "is missing"),
        ("tests.support.speech:no_such_factory", "has no recogniser factory"),
        ("tests.support.speech:MODEL_FILE", "has no recogniser factory"),
        ("tests.support.speech:write_model", "did not return a recogniser"),
    ],
)
def test_a_recogniser_that_cannot_be_used_is_refused_in_words(
    tmp_path: Path, spec: str, said: str
) -> None:
    with pytest.raises(SpeechUnavailable, match=said):
        load_recogniser(write_model(tmp_path / "model"), spec)


def test_a_missing_model_directory_or_model_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(SpeechUnavailable, match="does not exist"):
        load_recogniser(tmp_path / "nowhere", TONES)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SpeechUnavailable, match=r"holds no model\.txt"):
        load_recogniser(tmp_path / "empty", TONES)


def test_the_default_recogniser_says_what_to_install_when_vosk_is_absent(tmp_path: Path) -> None:
    assert importlib.util.find_spec("vosk") is None  # no model or recogniser ships
    with pytest.raises(SpeechUnavailable, match="pip install vosk"):
        load_recogniser(write_model(tmp_path / "model"))


def _feed(transcriber: SpeechTranscriber, key: str, frequency: float, start: int, end: int) -> None:
    """Feed ticks of one continuous tone, as the mixer hands over a participant's audio."""
    wave = tone(frequency, end - start)
    for at in range(start, end, 20):
        i = (at - start) * RATE // 1000
        transcriber.feed(at, {key: wave[i : i + RATE // 50]})


def test_a_long_turn_is_suggested_in_pieces_and_its_end_on_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("recordings.speech.MAX_UTTERANCE_MS", 1000)
    heard: list[Transcript] = []
    transcriber = SpeechTranscriber(ToneRecogniser(), heard.append)
    wave = tone(330, 2600)
    for at in range(0, 2600, 20):
        transcriber.feed(at, {"prt_witness": wave[at * 48 : (at + 20) * 48]})
        transcriber.progress(at + 20, {"prt_witness": 200} if at >= 200 else {})
    transcriber.turn_ended(SpeakerTurn("prt_witness", 200, 2600))
    transcriber.close()

    assert [(t.start_ms, t.end_ms) for t in heard] == [(0, 1000), (1000, 2000), (2000, 2600)]
    assert {t.text for t in heard} == {"a tone of 330 hertz"}
    assert {t.participant_id for t in heard} == {"prt_witness"}


def test_a_slow_recogniser_drops_utterances_instead_of_holding_the_mixer_up() -> None:
    release = threading.Event()

    class Stuck(ToneRecogniser):
        def transcribe(self, samples: np.ndarray, rate: int) -> str:
            release.wait(10)
            return super().transcribe(samples, rate)

    heard: list[Transcript] = []
    transcriber = SpeechTranscriber(Stuck(), heard.append)
    turns = QUEUE_LENGTH + 4
    for i in range(turns):
        start = i * 1000
        _feed(transcriber, "prt_a", 440, start, start + 500)
        transcriber.turn_ended(SpeakerTurn("prt_a", start, start + 500))  # returns at once
    assert transcriber.dropped >= 3
    release.set()
    transcriber.close()
    assert len(heard) == turns - transcriber.dropped


async def test_each_speakers_turn_is_transcribed_from_their_own_audio(tmp_path: Path) -> None:
    recogniser = tone_recogniser(write_model(tmp_path / "model"))
    store = RecordingStore(tmp_path / "recordings", recogniser=recogniser)
    assert store.speech.enabled
    recording = await store.start(HearingId("hrg_speech"))
    heard: list[Transcript] = []
    recording.on_transcript = heard.append
    judge = recording.add_source("prt_judge")
    witness = recording.add_source("prt_witness")
    quiet = tone_packets(440.0, 0.3, amplitude=0.0)

    async def witness_answers() -> None:
        await asyncio.sleep(1.4)
        await push_in_real_time(witness, quiet + tone_packets(330.0, 0.8), first_pts=9_600)

    # They overlap for a moment: each suggestion is still one voice, not the mix.
    await asyncio.gather(
        push_in_real_time(judge, quiet + tone_packets(440.0, 1.2)), witness_answers()
    )
    await asyncio.sleep(0.8)
    await recording.stop()
    await asyncio.sleep(0.1)  # the last transcript is handed over through the event loop

    assert [(t.participant_id, t.text) for t in heard] == [
        ("prt_judge", "a tone of 440 hertz"),
        ("prt_witness", "a tone of 330 hertz"),
    ]
    judge_turn, witness_turn = heard
    assert judge_turn.end_ms - judge_turn.start_ms == pytest.approx(1200 + 200, abs=100)
    assert witness_turn.start_ms - judge_turn.start_ms == pytest.approx(1400, abs=150)
