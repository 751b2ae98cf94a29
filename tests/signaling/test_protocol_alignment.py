"""The protocol's record times match the record: a witness beeps at moments the clerk stamps
entries at, and each beep is found in the recorded master within 100 ms of its entry."""

from __future__ import annotations

import asyncio

import numpy as np

from court.roles import Role
from recordings.speakers import SPEAKERS_FILE, read_speakers
from signaling.events import ClientEvent, ServerEvent
from tests.signaling.conftest import HearingServer
from tests.support.master import decode_mono
from tests.support.media import BeepTrack

TOLERANCE_MS = 100
BEEPS = 5


def beep_onsets_ms(samples: np.ndarray, rate: int) -> list[int]:
    """Where each 1 kHz beep starts in the master (ms): the first 5 ms window whose energy
    at the beep's frequency rises above half the loudest beep's, after a quiet stretch."""
    window = rate // 200  # 5 ms
    count = len(samples) // window
    frames = samples[: count * window].reshape(count, window)
    t = np.arange(window) / rate
    probe = np.exp(-2j * np.pi * BeepTrack.BEEP_HZ * t)
    level = np.abs(frames @ probe) / window
    threshold = level.max() / 2
    onsets: list[int] = []
    quiet = True
    for i, value in enumerate(level):
        if value > threshold and quiet:
            onsets.append(i * 5)
            quiet = False
        elif value < threshold / 4:
            quiet = True
    return onsets


async def test_entries_stamped_at_beeps_match_the_beeps_in_the_master_within_100_ms(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    beeper = BeepTrack()
    witness = await hearing_server.join(Role.WITNESS, admit=False, audio=beeper)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    await clerk.command(ClientEvent.CALL_WITNESS, {"participant_id": witness.participant_id})
    await witness.publish()
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    await asyncio.sleep(1.0)

    stamped: list[int] = []
    for i in range(BEEPS):
        await asyncio.sleep(0.7 + 0.13 * i)  # uneven gaps: no beep can match another's entry
        await beeper.beep()
        # The clerk begins the entry as the witness is heard, as a clerk would.
        entry = (
            await clerk.command(
                ClientEvent.WRITE_PROTOCOL_ENTRY,
                {"kind": "answer", "text": f"beep {i + 1}", "speaker_id": witness.participant_id},
            )
        )["entry"]
        stamped.append(entry["record_ms"])
    await asyncio.sleep(0.5)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed"})

    (info,) = await asyncio.to_thread(hearing_server.recordings.list)
    samples, rate = await asyncio.to_thread(decode_mono, info.path)
    found = beep_onsets_ms(samples, rate)
    assert len(found) == BEEPS, (found, stamped)
    offsets = [entry - beep for entry, beep in zip(stamped, found, strict=True)]
    assert all(abs(o) <= TOLERANCE_MS for o in offsets), offsets

    # The speaker timeline sealed with the record puts the witness at each beep too.
    turns = read_speakers(info.path / SPEAKERS_FILE)
    assert {t.participant_id for t in turns} == {witness.participant_id}
    starts = [t.start_ms for t in turns]
    assert len(starts) == BEEPS, (starts, found)
    assert all(abs(s - b) <= TOLERANCE_MS for s, b in zip(starts, found, strict=True)), starts
    # And the bench was told live: the witness at each beep, nobody after it.
    told = [e["participant_id"] for e in clerk.received(ServerEvent.ACTIVE_SPEAKER_CHANGED)]
    assert told == [witness.participant_id, None] * BEEPS, told
