"""The protocol's record times match the record: a witness beeps, the clerk stamps an entry
as it hears each beep, and each beep is found in the recorded master within 100 ms of its
entry, on a quiet machine and with both cores busy."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from typing import Any

import av
import numpy as np
import pytest
from aiortc import MediaStreamTrack

from court.roles import Role
from media.frames import EncodedFrame
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


class PageRecordClock:
    """What the protocol editor's record-clock.js does, in Python: each heartbeat's answer
    taken halfway through its round trip; the fastest recent one sets the clock."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float, str]] = []  # (round trip, offset, recording)

    def observe(self, sent_at: float, answered_at: float, data: dict[str, Any]) -> None:
        if "record_ms" not in data:
            self.samples.clear()
            return
        offset = data["record_ms"] - (sent_at + answered_at) * 1000 / 2
        self.samples = [*self.samples[-19:], (answered_at - sent_at, offset, data["recording_id"])]

    def at(self, moment: float) -> dict[str, Any]:
        _, offset, recording_id = min(self.samples)
        return {"recording_id": recording_id, "record_ms": round(moment * 1000 + offset)}


def _busy(until: float) -> None:
    """One core's worth of load, until the given monotonic time (bounded)."""
    while time.monotonic() < until:
        sum(i * i for i in range(10_000))


async def _hears_beeps(track: MediaStreamTrack, heard: list[float], told: asyncio.Event) -> None:
    """The clerk listening: the moment each beep's first 20 ms reaches its ear. (The relay's
    receive hook is installed process-wide, so this client gets the Opus packets as
    forwarded and decodes them as a browser would.)"""
    decoder = av.CodecContext.create("opus", "r")
    loud = False
    while True:
        frame = await track.recv()
        assert isinstance(frame, EncodedFrame)
        for decoded in decoder.decode(av.Packet(frame.data)):
            samples = decoded.to_ndarray().astype(np.float32).ravel()
            if samples.dtype != np.float32 or np.abs(samples).max(initial=0) > 2:
                samples = samples / 32768.0
            level = float(np.sqrt(np.mean(samples * samples)))
            if level > 0.05 and not loud:
                heard.append(time.monotonic())
                told.set()
            loud = level > 0.02


@pytest.mark.parametrize("busy", [False, True], ids=["quiet", "both cores busy"])
async def test_entries_stamped_as_the_clerk_hears_each_beep_match_the_master_within_100_ms(
    hearing_server: HearingServer, busy: bool
) -> None:
    """A witness beeps; the clerk begins an entry the moment it hears each beep, stamped by
    the record clock its page keeps in step with the server's; the master places each
    participant's audio by its arrival. The stamps land on the beeps in the master, also
    while a load generator keeps both cores busy: then the server handles the entry late
    and the mixer reads the audio late, and neither moves a stamp or a beep."""
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    beeper = BeepTrack()
    witness = await hearing_server.join(Role.WITNESS, admit=False, audio=beeper)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    await clerk.command(ClientEvent.CALL_WITNESS, {"participant_id": witness.participant_id})
    await witness.publish()
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    await clerk.wait_until(lambda: "audio" in clerk.tracks_of(witness.participant_id))
    heard: list[float] = []
    told = asyncio.Event()
    listening = asyncio.create_task(
        _hears_beeps(clerk.tracks_of(witness.participant_id)["audio"].track, heard, told)
    )
    clock = PageRecordClock()

    async def heartbeats() -> None:
        while True:
            sent_at = time.monotonic()
            answer = await clerk.command(ClientEvent.HEARTBEAT, {})
            clock.observe(sent_at, time.monotonic(), answer)
            await asyncio.sleep(0.25)

    beating = asyncio.create_task(heartbeats())
    spawn = multiprocessing.get_context("spawn")
    load = [
        spawn.Process(target=_busy, args=(time.monotonic() + 30,)) for _ in range(2 if busy else 0)
    ]
    for worker in load:
        worker.start()
    stamped: list[int] = []
    try:
        await asyncio.sleep(1.5)
        for i in range(BEEPS):
            await asyncio.sleep(0.7 + 0.13 * i)  # uneven gaps: no beep can match another's entry
            told.clear()
            await beeper.beep()
            async with asyncio.timeout(5):
                await told.wait()  # until the clerk hears it
            began = heard[-1]  # the clerk begins the entry as the witness is heard
            entry = (
                await clerk.command(
                    ClientEvent.WRITE_PROTOCOL_ENTRY,
                    {
                        "kind": "answer",
                        "text": f"beep {i + 1}",
                        "speaker_id": witness.participant_id,
                        "began_ms_ago": round((time.monotonic() - began) * 1000),
                        "began_at": clock.at(began),
                    },
                )
            )["entry"]
            stamped.append(entry["record_ms"])
        await asyncio.sleep(0.5)
        await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed"})
    finally:
        for worker in load:
            worker.terminate()
            worker.join()
        beating.cancel()
        listening.cancel()

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
    spoke = [e["participant_id"] for e in clerk.received(ServerEvent.ACTIVE_SPEAKER_CHANGED)]
    assert spoke == [witness.participant_id, None] * BEEPS, spoke
