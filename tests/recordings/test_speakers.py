"""Who spoke when: voice activity from the mixer's levels, and the timeline sealed with the
record.

The detector is fed levels tick by tick here as the mixer feeds it; the last tests record
real Opus audio through a running recording and read the sealed ``speakers.json`` back.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from court.ids import HearingId
from recordings import RecordingStore
from recordings.manifest import MANIFEST_FILE, read_entries
from recordings.speakers import (
    SPEAKERS_FILE,
    SpeakerDetector,
    SpeakerTurn,
    read_speakers,
)
from recordings.verification import Problem, verify_recording
from tests.recordings.audio import push_in_real_time, tone_packets

TICK = 20
SPEECH = 10 ** (-20 / 10)  # -20 dBFS: a voice into a headset
QUIET = 10 ** (-70 / 10)  # room tone after the browser's noise suppression
FAN = 10 ** (-40 / 10)  # a loud, steady background


def feed(
    detector: SpeakerDetector, plan: dict[str, list[tuple[int, int, float]]], until: int
) -> None:
    """Feed ``until`` ms of ticks; ``plan`` gives each participant's (from, to, level) spans
    and QUIET outside them."""
    for at in range(0, until, TICK):
        levels = {}
        for key, spans in plan.items():
            levels[key] = next((lv for a, b, lv in spans if a <= at < b), QUIET)
        detector.observe(at, TICK, levels)


def test_a_turn_runs_from_the_first_word_to_the_last() -> None:
    detector = SpeakerDetector()
    feed(detector, {"prt_a": [(1000, 3000, SPEECH)]}, 5000)

    assert detector.finish() == [SpeakerTurn("prt_a", 1000, 3000)]


def test_pauses_between_words_keep_one_turn_and_a_longer_silence_ends_it() -> None:
    detector = SpeakerDetector()
    words = [(1000, 1400, SPEECH), (1700, 2100, SPEECH), (2400, 2800, SPEECH)]
    later = [(4000, 4600, SPEECH)]  # after 1.2 s of silence: a new turn
    feed(detector, {"prt_a": words + later}, 6000)

    assert detector.finish() == [
        SpeakerTurn("prt_a", 1000, 2800),
        SpeakerTurn("prt_a", 4000, 4600),
    ]


def test_a_click_or_a_cough_is_no_turn() -> None:
    detector = SpeakerDetector()
    feed(detector, {"prt_a": [(1000, 1040, SPEECH), (2000, 2020, SPEECH)]}, 3000)

    assert detector.finish() == []


def test_a_steady_background_noise_is_not_speech_but_speech_over_it_is() -> None:
    detector = SpeakerDetector()
    noise = [(0, 3000, FAN), (3000, 4000, SPEECH), (4000, 8000, FAN)]
    feed(detector, {"prt_a": noise}, 8000)

    assert detector.finish() == [SpeakerTurn("prt_a", 3000, 4000)]


def test_two_participants_get_their_own_turns_and_the_active_speaker_follows() -> None:
    changes: list[tuple[str | None, int]] = []
    detector = SpeakerDetector(lambda who, at: changes.append((who, at)))
    feed(
        detector,
        {"prt_judge": [(500, 1500, SPEECH)], "prt_witness": [(2500, 4000, SPEECH)]},
        5000,
    )

    assert detector.finish() == [
        SpeakerTurn("prt_judge", 500, 1500),
        SpeakerTurn("prt_witness", 2500, 4000),
    ]
    # Announced once the onset is sure (60 ms), and cleared after the pause (500 ms).
    assert [who for who, _ in changes] == ["prt_judge", None, "prt_witness", None]
    assert changes[0][1] == pytest.approx(540, abs=20)
    assert changes[2][1] == pytest.approx(2540, abs=20)


def test_the_active_speaker_is_held_until_another_is_clearly_louder() -> None:
    changes: list[tuple[str | None, int]] = []
    detector = SpeakerDetector(lambda who, at: changes.append((who, at)))
    louder = 10 ** (-12 / 10)  # 8 dB over SPEECH
    slightly = 10 ** (-17 / 10)  # 3 dB over SPEECH
    feed(
        detector,
        {
            "prt_a": [(200, 3000, SPEECH)],
            "prt_b": [(1000, 1800, slightly), (2000, 3000, louder)],
        },
        3000,
    )

    who = [w for w, _ in changes]
    assert who == ["prt_a", "prt_b"]  # b only took over when clearly louder
    assert changes[1][1] >= 2000


def test_the_timeline_reads_back_and_refuses_what_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / SPEAKERS_FILE
    path.write_text(json.dumps({"version": 2, "turns": []}))
    with pytest.raises(ValueError, match="version 1"):
        read_speakers(path)
    path.write_text(json.dumps({"version": 1, "turns": [{"participant_id": "p"}]}))
    with pytest.raises(ValueError, match="start_ms is not a whole number"):
        read_speakers(path)


async def test_a_recording_seals_who_spoke_when_into_its_manifest(store: RecordingStore) -> None:
    recording = await store.start(HearingId("hrg_speakers"))
    changes: list[tuple[str | None, int]] = []
    recording.on_active_speaker = lambda who, at: changes.append((who, at))
    judge = recording.add_source("prt_judge")
    witness = recording.add_source("prt_witness")
    began = recording.record_time_ms()

    # Each is heard quiet first, as a microphone is, then speaks for a second (a steady
    # tone from the very first packet would be taken for background noise).
    quiet = tone_packets(440.0, 0.3, amplitude=0.0)

    answered: list[int] = []

    async def witness_answers() -> None:
        await asyncio.sleep(1.6)
        answered.append(recording.record_time_ms())  # a busy machine may wake late
        await push_in_real_time(witness, quiet + tone_packets(330.0, 1.0), first_pts=77_000)

    # The judge speaks; the witness answers after a pause.
    await asyncio.gather(
        push_in_real_time(judge, quiet + tone_packets(440.0, 1.0)), witness_answers()
    )
    await asyncio.sleep(0.8)
    info = await recording.stop()

    turns = read_speakers(info.path / SPEAKERS_FILE)
    assert [t.participant_id for t in turns] == ["prt_judge", "prt_witness"]
    judge_turn, witness_turn = turns
    # Where the tones are in the master: where they arrived, plus the playout's 60 ms.
    assert judge_turn.start_ms == pytest.approx(began + 300 + 60, abs=80)
    assert judge_turn.end_ms - judge_turn.start_ms == pytest.approx(1000, abs=80)
    assert witness_turn.start_ms == pytest.approx(answered[0] + 300 + 60, abs=80)
    assert witness_turn.end_ms - witness_turn.start_ms == pytest.approx(1000, abs=80)
    # Told live, on the event loop, as it happened.
    assert [who for who, _ in changes] == ["prt_judge", None, "prt_witness", None]

    listed = [e.file for e in read_entries(info.path / MANIFEST_FILE)]
    assert listed[-1] == SPEAKERS_FILE
    report = verify_recording(info.path, info.recording_id, store.signing_key.public_key())
    assert report.ok, report.lines()

    # The timeline is part of the record: changing who spoke is found out.
    document = json.loads((info.path / SPEAKERS_FILE).read_text())
    document["turns"][0]["participant_id"] = "prt_witness"
    (info.path / SPEAKERS_FILE).write_text(json.dumps(document))
    tampered = verify_recording(info.path, info.recording_id, store.signing_key.public_key())
    assert [f.problem for f in tampered.findings] == [Problem.ALTERED]
    assert SPEAKERS_FILE in tampered.findings[0].subject


async def test_a_silent_recording_seals_an_empty_timeline(store: RecordingStore) -> None:
    recording = await store.start(HearingId("hrg_silent"))
    recording.add_source("prt_judge")  # connected, never speaking
    await asyncio.sleep(0.3)
    info = await recording.stop()

    assert read_speakers(info.path / SPEAKERS_FILE) == []
