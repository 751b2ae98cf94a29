"""The protocol and the speaker timeline beside the archive's player: both placed in the
joined master's time across two recordings, every reading authorised, with a stated reason,
audited; a recording without a speaker timeline (or with an unreadable one) said so alone.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from court.protocol import EntryKind, ProtocolEntry, ProtocolSignature, SignerRole
from court.roles import Role
from server import keys
from server.app import create_app
from server.archive.service import classify
from server.audit import Outcome
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, actor_header, as_
from tests.server.archive_support import API, REASON
from tests.support.recorded import record, stepped_store

FIRST_S, SECOND_S = 2.0, 1.6
HOSTILE = "<img src=x onerror=alert(1)>"


@dataclass(frozen=True)
class TwoRecordings:
    hearing_id: str
    first: str
    second: str
    judge: str
    defendant: str

    def directory(self, settings: Settings, recording_id: str) -> Path:
        return settings.recordings_dir / self.hearing_id / recording_id


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


def speakers_json(recording_id: str, turns: list[tuple[str, int, int]]) -> str:
    return json.dumps(
        {
            "version": 1,
            "recording_id": recording_id,
            "turns": [{"participant_id": p, "start_ms": s, "end_ms": e} for p, s, e in turns],
        }
    )


def _entry(
    hearing_id: str, n: int, recording: str | None, at_ms: int | None, who: str | None
) -> ProtocolEntry:
    now = time.time()
    return ProtocolEntry(
        id=f"ent_{n}",
        hearing_id=hearing_id,
        number=0,
        kind=EntryKind.STATEMENT,
        recording_id=recording,
        record_ms=at_ms,
        speaker_id=who,
        text=f"entry {n} {HOSTILE}",
        author="participant:prt_c (clerk)",
        automatic=False,
        created_at=now,
        updated_at=now,
    )


@pytest.fixture
async def two(client: Client, settings: Settings) -> TwoRecordings:
    """A hearing recorded twice (2.0 s, then 1.6 s: the record resumed after a restart).
    The first recording has a speaker timeline, the second is an older one without."""
    app = client.app
    hearing = await app[keys.HEARINGS].create(
        case_number="1-202/2026",
        title="State v. Lanes",
        court="Court",
        presiding_judge="judge",
        clerk="clerk",
    )
    judge = await app[keys.PARTICIPANTS].add(hearing.id, name="Judith Bench", role=Role.JUDGE)
    defendant = await app[keys.PARTICIPANTS].add(hearing.id, name="Dan Dock", role=Role.DEFENDANT)
    store, clock = stepped_store(settings.recordings_dir, segment_s=2.0)
    first = await record(store, clock, hearing.id, seconds=FIRST_S)
    clock.advance(5.0)
    second = await record(store, clock, hearing.id, seconds=SECOND_S)
    # The producer may write its own timeline; this test's are known ones.
    (second.path / "speakers.json").unlink(missing_ok=True)
    (first.path / "speakers.json").write_text(
        speakers_json(
            first.info.recording_id,
            [
                (defendant.id, 200, 900),
                (judge.id, 800, 1500),  # overlaps the defendant's
                (defendant.id, 1800, 2600),  # runs past the recording's end: cut there
            ],
        )
    )
    for recorded in (first, second):
        await app[keys.ARCHIVE].index_recording(hearing.id, recorded.info.recording_id)
    protocol = app[keys.DATA].protocol
    await protocol.add(_entry(hearing.id, 1, first.info.recording_id, 500, defendant.id))
    await protocol.add(_entry(hearing.id, 2, second.info.recording_id, 1000, judge.id))
    await protocol.add(_entry(hearing.id, 3, None, None, None))  # off the record
    return TwoRecordings(
        hearing.id, first.info.recording_id, second.info.recording_id, judge.id, defendant.id
    )


def why(reason: str = REASON) -> str:
    return f"reason={quote(reason)}"


async def test_protocol_entries_are_placed_in_the_joined_master_across_recordings(
    client: Client, two: TwoRecordings
) -> None:
    url = f"{API}/{two.hearing_id}/protocol?{why()}"
    response = await client.get(url, headers=as_("archivist"))
    assert response.status == 200
    body = await response.json()
    entries = body["entries"]
    assert [e["number"] for e in entries] == [1, 2, 3]
    # The second recording starts where the first ends in the joined master.
    assert [e["master_ms"] for e in entries] == [500, round(FIRST_S * 1000) + 1000, None]
    assert [e["record_ms"] for e in entries] == [500, 1000, None]
    assert entries[0]["speaker"] == {
        "id": two.defendant,
        "name": "Dan Dock",
        "role": "defendant",
        "role_label": Role.DEFENDANT.label,
    }
    assert entries[1]["speaker"]["name"] == "Judith Bench" and entries[2]["speaker"] is None
    assert entries[0]["text"] == f"entry 1 {HOSTILE}"  # as written: the page escapes it
    assert body["locked"] is False and body["finalised"] is False and body["signatures"] == []
    assert len(body["digest"]) == 64

    await client.app[keys.DATA].protocol.sign(
        ProtocolSignature(two.hearing_id, SignerRole.CLERK, "staff:clerk", body["digest"], 1.0)
    )
    signed = await (await client.get(url, headers=as_("archivist"))).json()
    assert signed["locked"] is True and signed["finalised"] is False
    assert signed["signatures"][0]["role"] == "clerk"

    audited = await client.app[keys.AUDIT].entries.page(limit=100, action="archive.protocol.read")
    assert len(audited) == 2
    assert all(e.reason == REASON and e.actor == "staff:archivist" for e in audited)
    assert all(e.object == f"hearing:{two.hearing_id}" for e in audited)


async def test_speaker_turns_are_in_master_time_and_a_recording_without_a_timeline_says_so(
    client: Client, two: TwoRecordings
) -> None:
    response = await client.get(
        f"{API}/{two.hearing_id}/speakers?{why()}", headers=as_("archivist")
    )
    assert response.status == 200
    body = await response.json()
    first_ms, second_ms = round(FIRST_S * 1000), round(SECOND_S * 1000)
    assert body["duration_ms"] == first_ms + second_ms
    assert body["recordings"] == [
        {"id": two.first, "offset_ms": 0, "duration_ms": first_ms, "speakers": "recorded"},
        {"id": two.second, "offset_ms": first_ms, "duration_ms": second_ms, "speakers": "absent"},
    ]
    assert [(t["participant_id"], t["start_ms"], t["end_ms"]) for t in body["turns"]] == [
        (two.defendant, 200, 900),
        (two.judge, 800, 1500),
        (two.defendant, 1800, first_ms),
    ]
    assert {(p["id"], p["name"], p["role"]) for p in body["participants"]} == {
        (two.judge, "Judith Bench", "judge"),
        (two.defendant, "Dan Dock", "defendant"),
    }
    audited = await client.app[keys.AUDIT].entries.page(limit=100, action="archive.speakers.read")
    assert [(e.actor, e.reason) for e in audited] == [("staff:archivist", REASON)]


async def test_a_second_recording_s_turns_move_by_its_offset_and_an_unreadable_file_is_named(
    client: Client, two: TwoRecordings, settings: Settings
) -> None:
    second = two.directory(settings, two.second)
    (second / "speakers.json").write_text(speakers_json(two.second, [(two.judge, 100, 400)]))
    url = f"{API}/{two.hearing_id}/speakers?{why()}"
    body = await (await client.get(url, headers=as_("archivist"))).json()
    offset = round(FIRST_S * 1000)
    assert (two.judge, offset + 100, offset + 400) in [
        (t["participant_id"], t["start_ms"], t["end_ms"]) for t in body["turns"]
    ]
    for broken in (
        "not json",
        speakers_json(two.first, [(two.judge, 100, 400)]),  # another recording's
        json.dumps({"version": 2, "recording_id": two.second, "turns": []}),
        speakers_json(two.second, [(two.judge, 400, 100)]),  # ends before it starts
        json.dumps({"version": 1, "recording_id": two.second, "turns": [{"start_ms": 1}]}),
    ):
        (second / "speakers.json").write_text(broken)
        body = await (await client.get(url, headers=as_("archivist"))).json()
        assert [r["speakers"] for r in body["recordings"]] == ["recorded", "unreadable"], broken
        assert len(body["turns"]) == 3, broken  # the first recording's, still there


async def test_protocol_and_speakers_need_archive_permission_and_a_reason(
    client: Client, two: TwoRecordings
) -> None:
    for path in ("protocol", "speakers"):
        url = f"{API}/{two.hearing_id}/{path}"
        for bad in ("", "reason=", "reason=ab", "reason=line%0Abreak", "reason=" + "x" * 501):
            response = await client.get(f"{url}?{bad}", headers=as_("archivist"))
            assert response.status == 422, (path, bad)
        for caller, status in (("clerk", 403), ("judge", 403), ("admin", 403), (None, 401)):
            response = await client.get(f"{url}?{why()}", headers=as_(caller))
            assert response.status == status, (path, caller)
            assert response.headers["Content-Type"].startswith("application/problem+json")
        assert (await client.get(f"{url}?{why()}", headers=as_("token_records"))).status == 200
        missing = f"{API}/hrg_nothing/{path}?{why()}"
        assert (await client.get(missing, headers=as_("archivist"))).status == 404
    denied = [
        e
        for e in await client.app[keys.AUDIT].entries.page(limit=1000)
        if e.outcome == Outcome.DENIED
    ]
    assert {e.action for e in denied} == {"archive.protocol.read", "archive.speakers.read"}
    assert len(denied) == 6  # three staff roles on two routes; the anonymous is a 401
    # Refused or unreasoned readings are not readings: only the token's two are audited.
    read = [
        e
        for e in await client.app[keys.AUDIT].entries.page(limit=1000)
        if e.action.endswith((".protocol.read", ".speakers.read")) and e.outcome != Outcome.DENIED
    ]
    assert [e.actor for e in read] == ["token:ecourt-records"] * 2


async def test_the_speaker_timeline_is_a_file_of_the_record(
    client: Client, two: TwoRecordings
) -> None:
    item = classify(two.first, "speakers.json", 10)
    assert item is not None and item.kind == "speakers"
    record = await (
        await client.get(f"{API}/{two.hearing_id}?{why()}", headers=as_("archivist"))
    ).json()
    kinds = {f["name"]: f["kind"] for f in record["recordings"][0]["files"]}
    assert kinds["speakers.json"] == "speakers"
    url = f"{API}/{two.hearing_id}/recordings/{two.first}/files/speakers.json?{why()}"
    response = await client.get(url, headers=as_("archivist"))
    assert response.status == 200 and response.content_type == "application/json"
    assert json.loads(await response.read())["recording_id"] == two.first


async def test_the_staff_protocol_read_gives_the_hearing_its_people_and_record_times(
    client: Client, two: TwoRecordings
) -> None:
    url = f"/api/v1/hearings/{two.hearing_id}/protocol?reason=checking"
    body = await (await client.get(url, headers=as_("clerk"))).json()
    assert body["hearing"]["case_number"] == "1-202/2026"
    assert {p["name"] for p in body["participants"]} == {"Judith Bench", "Dan Dock"}
    times = [e["hearing_record_ms"] for e in body["entries"]]
    assert times == [500, round(FIRST_S * 1000) + 1000, None]
