"""A closed hearing's record, prepared in the e2e server's data directory as a tool would:
two recordings one after the other (the record resumed after a restart), the first with a
speaker timeline and the second an older one without, a court protocol whose entries refer
to both (one holding a hostile payload), and the joined master audio built.

Run by the browser tests as ``python -m tests.e2e.seed_record --judge USER`` with
COURTROOM_DATA_DIR set (the server shares the SQLite database, WAL); prints what it made as
JSON. The recordings are made on a stepped clock, so their lengths are exact.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Any

from court.hearing_state import HearingState
from court.ids import HearingId
from court.protocol import EntryKind, ProtocolEntry
from court.roles import Role
from recordings import RecordingStore
from recordings.signing import load_or_create_key
from server.archive.cli import open_archive
from server.archive.jobs import JobKind
from server.court_data import open_court_data
from server.settings import Settings
from tests.support.recorded import SteppedClock, record

FIRST_S, SECOND_S = 6.0, 4.0
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
CAST = {
    Role.JUDGE: "Judith Presiding",
    Role.CLERK: "Clara Minutes",
    Role.DEFENDANT: "Dmitri Accused",
    Role.WITNESS: "Wanda Witness",
}
# (recording 0 or 1 or None, record ms, speaker role or None, kind, text)
ENTRIES: list[tuple[int | None, int | None, Role | None, EntryKind, str]] = [
    (0, 500, Role.JUDGE, EntryKind.STATEMENT, "The hearing is opened."),
    (0, 2_500, Role.DEFENDANT, EntryKind.STATEMENT, f"I was at home. {HOSTILE}"),
    (0, 4_800, Role.JUDGE, EntryKind.QUESTION, "Who can confirm that?"),
    (1, 1_000, Role.WITNESS, EntryKind.ANSWER, "I can: he was with me."),
    (1, 3_000, Role.JUDGE, EntryKind.RULING, "The hearing is closed."),
    (None, None, None, EntryKind.NOTE, "Written off the record."),
]
# (recording 0 only: the second has no timeline) participant role, start ms, end ms
TURNS = [(Role.JUDGE, 300, 1_800), (Role.DEFENDANT, 2_300, 4_400), (Role.JUDGE, 4_600, 5_900)]


async def seed(settings: Settings, judge: str, close: bool, clerk: str = "clerk") -> dict[str, Any]:
    stamp = f"{datetime.now(UTC):%H%M%S}-{time.monotonic_ns() % 10_000}"
    async with open_court_data(settings) as data:
        hearing = await data.hearings.create(
            case_number=f"5-{stamp}/review",
            title="State v. Accused — the record",
            court="Baku Grave Crimes Court",
            courtroom="Courtroom 5",
            presiding_judge=judge,
            clerk=clerk,  # who reads and signs it in the tests: a clerk only their own
            scheduled_start=datetime.now(UTC).replace(microsecond=0),
        )
        people = {
            role: await data.participants.add(HearingId(hearing.id), name=name, role=role)
            for role, name in CAST.items()
        }
        store = RecordingStore(
            settings.recordings_dir,
            clock := SteppedClock(),
            signing_key=load_or_create_key(settings.record_signing_key_file),
            segment_s=2.0,
        )
        first = await record(store, clock, hearing.id, seconds=FIRST_S)
        clock.advance(5.0)
        second = await record(store, clock, hearing.id, seconds=SECOND_S)
        ids = [first.info.recording_id, second.info.recording_id]
        (second.path / "speakers.json").unlink(missing_ok=True)
        turns = [
            {"participant_id": people[role].id, "start_ms": start, "end_ms": end}
            for role, start, end in TURNS
        ]
        document = {"version": 1, "recording_id": ids[0], "turns": turns}
        (first.path / "speakers.json").write_text(json.dumps(document))
        now = time.time()
        for n, (which, at_ms, speaker, kind, text) in enumerate(ENTRIES):
            await data.protocol.add(
                ProtocolEntry(
                    id=f"ent_{hearing.id}_{n}",
                    hearing_id=hearing.id,
                    number=0,
                    kind=kind,
                    recording_id=None if which is None else ids[which],
                    record_ms=at_ms,
                    speaker_id=None if speaker is None else people[speaker].id,
                    text=text,
                    author=f"participant:{people[Role.CLERK].id} (clerk)",
                    automatic=False,
                    created_at=now + n,
                    updated_at=now + n,
                )
            )
        targets = [HearingState.OPEN, HearingState.IN_SESSION]
        for state in targets + ([HearingState.CLOSED] if close else []):
            await data.hearings.set_state(hearing.id, state)
    async with open_archive(settings) as archive:  # indexes the two sealed recordings
        archived = await archive.hearing(hearing.id)
        if close:
            await archive.build(archived, JobKind.MASTER_AUDIO, lambda _: None)
    return {
        "hearing_id": hearing.id,
        "case_number": hearing.case_number,
        "recordings": ids,
        "offsets_ms": [0, round(FIRST_S * 1000)],
        "people": {role.value: {"id": p.id, "name": p.name} for role, p in people.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judge", required=True, help="the presiding judge's username")
    parser.add_argument("--clerk", default="clerk", help="the hearing's clerk's username")
    parser.add_argument("--open", action="store_true", help="leave the hearing in session")
    args = parser.parse_args()
    made = asyncio.run(seed(Settings.from_env(), args.judge, close=not args.open, clerk=args.clerk))
    print(json.dumps(made))


if __name__ == "__main__":
    main()
