"""The hearing's mixed audio master, fed by the relay's forwarded packets."""

from __future__ import annotations

import asyncio
import time
from functools import partial

import av
import numpy as np

from court.roles import Role
from recordings.verification import verify_recording
from signaling.client import ParticipantClient
from signaling.events import ClientEvent, ServerEvent
from tests.signaling.conftest import HearingServer
from tests.signaling.helpers import dominant_channel, frames_from
from tests.support.master import decode_mono
from tests.support.media import ColourCamera, ToneTrack


def _hears_audio_of(listener: ParticipantClient, participant_id: str) -> bool:
    return "audio" in listener.tracks_of(participant_id)


def peak_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


async def test_the_recording_holds_the_tone_a_participant_plays_for_as_long_as_it_ran(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, video=ColourCamera())
    await judge.publish()
    witness = await hearing_server.join(Role.WITNESS, audio=ToneTrack(440.0))
    await witness.publish()
    await judge.wait_until(lambda: "audio" in judge.tracks_of(witness.participant_id))

    loop = asyncio.get_running_loop()
    asked_to_start = loop.time()
    started = await judge.command(ClientEvent.START_RECORDING, {})
    await witness.wait_until(
        lambda: any(e == ServerEvent.RECORDING_STARTED for e, _ in witness.notifications)
    )
    await asyncio.sleep(3.0)  # the hearing goes on for three seconds
    stopped = await judge.command(ClientEvent.STOP_RECORDING, {})
    stop_acknowledged = loop.time()

    (info,) = await asyncio.to_thread(hearing_server.recordings.list)
    assert info.recording_id == started["recording"]["id"] == stopped["recording"]["id"]
    # The recording ran between the start command and the stop acknowledgement; on a busy
    # machine that can be well over the three seconds slept, so bound it by what was measured.
    assert info.duration_s is not None and info.stopped_at is not None
    assert 3.0 <= info.duration_s <= stop_acknowledged - asked_to_start
    assert abs(info.duration_s - (info.stopped_at - info.started_at)) < 0.05
    samples, rate = await asyncio.to_thread(decode_mono, info.path)
    middle = samples[rate // 2 : -rate // 2]
    assert abs(peak_frequency(middle, rate) - 440.0) < 5.0
    assert np.sqrt(np.mean(middle**2)) > 0.01


async def test_the_recording_keeps_running_while_participants_come_and_go(
    hearing_server: HearingServer,
) -> None:
    loop = asyncio.get_running_loop()
    judge = await hearing_server.join(Role.JUDGE)
    await judge.command(ClientEvent.START_RECORDING, {})
    started = loop.time()
    for role in (Role.WITNESS, Role.EXPERT):
        speaker = await hearing_server.join(role, audio=ToneTrack(660.0))
        await speaker.publish()
        await judge.wait_until(partial(_hears_audio_of, judge, speaker.participant_id))
        await asyncio.sleep(0.7)
        await speaker.close()
        await asyncio.sleep(0.3)
    stopped = await judge.command(ClientEvent.STOP_RECORDING, {})
    elapsed = loop.time() - started

    # As long as the recording ran, however long joining took on a busy machine: the
    # master never stalls for a participant who comes or goes.
    duration = stopped["recording"]["duration_s"]
    assert duration is not None and elapsed - 0.3 < duration < elapsed + 0.1, (duration, elapsed)


async def test_sixty_seconds_recorded_across_joins_and_leaves_give_sixty_seconds_of_audio(
    hearing_server: HearingServer,
) -> None:
    """The issue's figure: 60 s recorded gives 60 +/- 0.5 s, silence where nobody speaks."""
    loop = asyncio.get_running_loop()
    judge = await hearing_server.join(Role.JUDGE)
    await judge.command(ClientEvent.START_RECORDING, {})
    started = loop.time()

    async def until(second: float) -> None:
        await asyncio.sleep(max(0.0, started + second - loop.time()))

    async def speak(role: Role, frequency: float, start: float, end: float) -> None:
        await until(start)
        speaker = await hearing_server.join(role, audio=ToneTrack(frequency))
        await speaker.publish()
        await until(end)
        await speaker.close()

    speakers = [
        asyncio.create_task(speak(Role.WITNESS, 440.0, 5, 20)),
        asyncio.create_task(speak(Role.EXPERT, 880.0, 25, 40)),
        asyncio.create_task(speak(Role.DEFENDANT, 660.0, 45, 65)),  # still speaking at the stop
    ]
    await until(60)
    stopped = await judge.command(ClientEvent.STOP_RECORDING, {})
    await asyncio.gather(*speakers)

    (info,) = await asyncio.to_thread(hearing_server.recordings.list)
    assert info.duration_s is not None
    assert abs(info.duration_s - 60.0) <= 0.5, info.duration_s
    assert stopped["recording"]["duration_s"] == info.duration_s
    samples, rate = await asyncio.to_thread(decode_mono, info.path)

    def window(start: float, end: float) -> np.ndarray:
        return samples[int(start * rate) : int(end * rate)]

    assert abs(peak_frequency(window(8, 18), rate) - 440.0) < 5.0
    assert abs(peak_frequency(window(28, 38), rate) - 880.0) < 5.0
    assert abs(peak_frequency(window(48, 58), rate) - 660.0) < 5.0
    for quiet in (window(1, 4), window(21.5, 24), window(41.5, 44)):
        assert np.sqrt(np.mean(quiet**2)) < 0.001, "nobody spoke: the record must be silence"


async def test_the_last_2_seconds_before_the_hearing_closes_are_in_the_record(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(440.0))
    await judge.publish()
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    await asyncio.sleep(3.0)

    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed"})

    (info,) = await asyncio.to_thread(hearing_server.recordings.list)
    samples, rate = await asyncio.to_thread(decode_mono, info.path)
    last_two = samples[-2 * rate :]
    # The tone runs to the end: every 100 ms of the last two seconds holds it.
    for start in range(0, 2 * rate - rate // 10 + 1, rate // 10):
        window = last_two[start : start + rate // 10]
        assert np.sqrt(np.mean(window**2)) > 0.01, f"silent at {start / rate:.1f} s before end"
    assert abs(peak_frequency(last_two, rate) - 440.0) < 5.0


async def test_each_participant_is_kept_as_own_tracks_as_received_aligned_to_record_time(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(440.0), video=ColourCamera())
    await judge.publish()
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    await asyncio.sleep(1.0)
    defendant = await hearing_server.join(Role.DEFENDANT, audio=ToneTrack(660.0))
    published = time.time()
    await defendant.publish()
    await frames_from(judge, defendant.participant_id, "audio", 50)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "closed"})

    (info,) = await asyncio.to_thread(hearing_server.recordings.list)
    names = sorted(p.name for p in info.tracks)
    report = verify_recording(
        info.path, info.recording_id, hearing_server.recordings.signing_key.public_key()
    )
    assert report.ok, report.lines()
    assert names == sorted(
        [
            f"track-{judge.participant_id}-audio-1.webm",
            f"track-{judge.participant_id}-video-1.webm",
            f"track-{defendant.participant_id}-audio-1.webm",
        ]
    )
    by_name = {p.name: p for p in info.tracks}
    judge_audio, _ = await asyncio.to_thread(
        decode_mono, by_name[f"track-{judge.participant_id}-audio-1.webm"]
    )
    assert abs(peak_frequency(judge_audio, 48000) - 440.0) < 5.0
    defendant_audio, _ = await asyncio.to_thread(
        decode_mono, by_name[f"track-{defendant.participant_id}-audio-1.webm"]
    )
    assert abs(peak_frequency(defendant_audio, 48000) - 660.0) < 5.0
    # The defendant's track starts at the record time the defendant was first heard.
    with av.open(str(by_name[f"track-{defendant.participant_id}-audio-1.webm"])) as container:
        first_pts = next(
            p.pts * p.time_base for p in container.demux(container.streams[0]) if p.pts is not None
        )
        first_ms = float(first_pts) * 1000
    expected_ms = (published - info.started_at) * 1000
    assert expected_ms - 100 <= first_ms <= expected_ms + 1500, (first_ms, expected_ms)
    with av.open(str(by_name[f"track-{judge.participant_id}-video-1.webm"])) as container:
        frames = list(container.decode(container.streams.video[0]))
    assert len(frames) >= 30
    rgb = frames[-1].to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
    assert dominant_channel((int(rgb[0]), int(rgb[1]), int(rgb[2]))) == "r"
