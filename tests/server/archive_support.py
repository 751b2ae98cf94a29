"""A real recorded hearing in the archive, for the archive's API and CLI tests."""

from __future__ import annotations

from fractions import Fraction

from court.hearing_state import HearingState
from court.ids import HearingId
from court.roles import Role
from recordings import RecordingStore
from recordings.signing import load_or_create_key
from server import keys
from server.settings import Settings
from tests.recordings.audio import PACKET, RATE, push_in_real_time, tone_packets
from tests.server.api_support import Client

REASON = "Appeal 2-77/2026: the Court of Appeal asks for the record"
API = "/api/v1/archive/hearings"


async def recorded_hearing(
    client: Client,
    settings: Settings,
    *,
    case_number: str,
    name: str,
    close: bool = False,
    cancel: bool = False,
    presiding_judge: str = "",
    clerk: str = "clerk",
) -> tuple[str, str, str]:
    """A hearing with a real ~1.5 s recording (master and the defendant's audio track),
    reported sealed as the live courtroom reports it. Returns hearing, recording and
    participant ids."""
    app = client.app
    hearing = await app[keys.HEARINGS].create(
        case_number=case_number,
        title="State v. Archive",
        court="Baku Grave Crimes Court",
        presiding_judge=presiding_judge,
        clerk=clerk,
    )
    defendant = await app[keys.PARTICIPANTS].add(hearing.id, name=name, role=Role.DEFENDANT)
    store = RecordingStore(
        settings.recordings_dir, signing_key=load_or_create_key(settings.record_signing_key_file)
    )
    recording = await store.start(HearingId(hearing.id))
    source = recording.add_source(defendant.id)
    track = recording.add_track(defendant.id, "audio")
    packets = tone_packets(440.0, 1.5)
    for i, data in enumerate(packets):
        track.push(data, i * PACKET, Fraction(1, RATE), True)
    await push_in_real_time(source, packets)
    await recording.note("connection_lost", 300, 600, f"participant:{defendant.id}", "network")
    track.close()
    info = await recording.stop()
    if close:
        for state in (HearingState.OPEN, HearingState.IN_SESSION, HearingState.CLOSED):
            await app[keys.HEARING_STATES].change(hearing.id, state, actor="test", reason="t")
    await app[keys.ARCHIVE].recording_available(
        {"hearing_id": hearing.id, "recording_id": info.recording_id}
    )
    if cancel:  # over, like a closed hearing, but with no copies being built meanwhile
        await app[keys.HEARING_STATES].change(
            hearing.id, HearingState.CANCELLED, actor="test", reason="t"
        )
    return hearing.id, info.recording_id, defendant.id
