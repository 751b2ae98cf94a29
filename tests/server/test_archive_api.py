"""The archive over HTTP, on a real recording: search, the record, files with byte ranges,
verification, retention; every access with a stated reason, audited; and every kind of bad
request refused with a 4xx that serves nothing.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest

from court.errors import InvalidState
from court.hearing_state import HearingState
from court.ids import HearingId
from court.roles import Role
from recordings import RecordingStore
from server import keys
from server.app import create_app
from server.archive.jobs import JobKind, JobStatus, Progress
from server.archive.service import Archive, PurgeItem
from server.audit import Outcome
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, actor_header, as_
from tests.server.archive_support import API, REASON, recorded_hearing


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


@pytest.fixture
async def recorded(client: Client, settings: Settings) -> tuple[str, str, str]:
    return await recorded_hearing(client, settings, case_number="1-101/2026", name="Rauf Aliyev")


def why(reason: str = REASON) -> str:
    return f"reason={quote(reason)}"


async def test_search_finds_the_hearing_by_each_criterion_and_audits_the_reason(
    client: Client, recorded: tuple[str, str, str], settings: Settings
) -> None:
    hearing_id, _, _ = recorded
    # The range is read as the court's days (Baku), which run four hours ahead of UTC's.
    today = settings.court_time.day(datetime.now(UTC))
    found_by = {
        "case number (any case)": "case_number=1-101",
        "participant": "participant=rauf",
        "court": "court=grave%20crimes",
        "state": "state=scheduled",
        "date range": f"from={today - timedelta(days=1)}&to={today}",
    }
    for what, query in found_by.items():
        response = await client.get(f"{API}?{why()}&{query}", headers=as_("archivist"))
        assert response.status == 200, what
        hearings = (await response.json())["hearings"]
        assert [h["id"] for h in hearings] == [hearing_id], what
    missed_by = {
        "another case": "case_number=9-999",
        "another name": "participant=nobody",
        "another state": "state=closed",
        "an earlier range": f"from={today - timedelta(days=9)}&to={today - timedelta(days=2)}",
    }
    for what, query in missed_by.items():
        response = await client.get(f"{API}?{why()}&{query}", headers=as_("archivist"))
        assert (await response.json())["hearings"] == [], what

    summary = (await (await client.get(f"{API}?{why()}", headers=as_("archivist"))).json())[
        "hearings"
    ][0]
    assert summary["case_number"] == "1-101/2026"
    assert summary["participants"] == [
        {"name": "Rauf Aliyev", "role": "defendant", "role_label": Role.DEFENDANT.label}
    ]
    # The summary's length is its recording's: 1.5 s of tone pushed in real time, and however
    # long a busy machine took to stop the recorder after it.
    record = await client.get(f"{API}/{hearing_id}?{why()}", headers=as_("archivist"))
    [recording] = (await record.json())["recordings"]
    assert summary["recordings"] == 1 and summary["recorded_s"] > 1.3
    assert summary["recorded_s"] == pytest.approx(recording["duration_s"], abs=0.01)
    # Retained by default from the first recording on, for the configured period.
    assert date.fromisoformat(summary["retention"]["retain_until"]) > today + timedelta(days=3000)
    assert summary["retention"]["legal_hold"] is False

    entries = await client.app[keys.AUDIT].entries.page(limit=1000, action="archive.search")
    assert entries and all(e.reason == REASON and e.actor for e in entries)


async def test_every_access_needs_a_reason_and_archive_permission(
    client: Client, recorded: tuple[str, str, str]
) -> None:
    hearing_id, recording_id, _ = recorded
    file_url = f"{API}/{hearing_id}/recordings/{recording_id}/files/manifest.jsonl"
    for url in (API, f"{API}/{hearing_id}", file_url):
        for bad in (
            "",
            "reason=",
            "reason=%20%20",
            "reason=ab",
            "reason=" + "x" * 501,
            "reason=line%0Abreak",
        ):
            response = await client.get(f"{url}?{bad}", headers=as_("archivist"))
            assert response.status == 422, (url, bad)
            assert response.headers["Content-Type"].startswith("application/problem+json")
        for caller, status in (("clerk", 403), ("judge", 403), ("admin", 403), (None, 401)):
            response = await client.get(f"{url}?{why()}", headers=as_(caller))
            assert response.status == status, (url, caller)
        response = await client.get(f"{url}?{why()}", headers=as_("token_records"))
        assert response.status == 200, url
    denied = [
        e
        for e in await client.app[keys.AUDIT].entries.page(limit=1000)
        if e.outcome == Outcome.DENIED
    ]
    assert len(denied) == 9  # three staff roles on three routes; the anonymous is a 401
    response = await client.put(
        f"{API}/{hearing_id}/retention",
        json={"reason": REASON, "legal_hold": True},
        headers=as_("token_records"),
    )
    assert response.status == 403  # reading the archive is not keeping it


async def test_the_record_page_data_names_participants_files_and_the_timeline(
    client: Client, recorded: tuple[str, str, str]
) -> None:
    hearing_id, recording_id, defendant_id = recorded
    response = await client.get(f"{API}/{hearing_id}?{why()}", headers=as_("archivist"))
    assert response.status == 200
    body = await response.json()
    assert body["hearing"]["id"] == hearing_id
    assert body["participants"][0]["name"] == "Rauf Aliyev"
    (recording,) = body["recordings"]
    assert recording["id"] == recording_id and recording["offset_s"] == 0
    kinds = {f["kind"] for f in recording["files"]}
    assert {"segment", "track", "manifest", "signature", "timeline", "metadata"} <= kinds
    (track,) = [f for f in recording["files"] if f["kind"] == "track"]
    assert track["participant_id"] == defendant_id
    assert track["participant_name"] == "Rauf Aliyev" and track["media"] == "audio"
    gap = next(e for e in body["timeline"] if e["kind"] == "connection_lost")
    assert (gap["at_s"], gap["end_s"], gap["subject_name"]) == (0.3, 0.6, "Rauf Aliyev")
    assert body["jobs"]["viewing_copy"]["status"] == "absent"  # the hearing has not closed
    entries = await client.app[keys.AUDIT].entries.page(limit=1000, action="archive.read")
    assert [(e.object, e.reason) for e in entries] == [(f"hearing:{hearing_id}", REASON)]


async def test_files_are_served_whole_and_in_byte_ranges(
    client: Client, settings: Settings, recorded: tuple[str, str, str]
) -> None:
    hearing_id, recording_id, _ = recorded
    on_disk = settings.recordings_dir / hearing_id / recording_id / "segment-000001.ogg"
    data = on_disk.read_bytes()
    url = f"{API}/{hearing_id}/recordings/{recording_id}/files/segment-000001.ogg?{why()}"
    whole = await client.get(url, headers=as_("archivist"))
    assert whole.status == 200 and await whole.read() == data
    assert whole.headers["Content-Type"] == "audio/ogg"
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    size = len(data)
    for header, start, end in (
        ("bytes=0-99", 0, 100),
        ("bytes=100-", 100, size),
        ("bytes=-50", size - 50, size),
        (f"bytes=10-{size + 500}", 10, size),  # a last byte past the end means the end
    ):
        part = await client.get(url, headers={**as_("archivist"), "Range": header})
        assert part.status == 206, header
        assert await part.read() == data[start:end], header
        assert part.headers["Content-Range"] == f"bytes {start}-{end - 1}/{size}"
    for header in (
        "bytes=500-100",
        f"bytes={size}-",
        "bytes=abc",
        "bytes=0-1,5-6",
        "bytes=-0",
        "items=0-1",
        "bytes=--1",
        "bytes=99999999999999999999-",
    ):
        refused = await client.get(url, headers={**as_("archivist"), "Range": header})
        assert refused.status == 416, header
        assert refused.headers["Content-Range"] == f"bytes */{size}"
        assert refused.headers["Content-Type"].startswith("application/problem+json")


async def test_path_tricks_unknown_hearings_and_other_hearings_files_get_404(
    client: Client, settings: Settings, recorded: tuple[str, str, str]
) -> None:
    hearing_id, recording_id, _ = recorded
    other_id, other_recording, _ = await recorded_hearing(
        client, settings, case_number="1-202/2026", name="Leyla Mammadova"
    )
    secret = settings.data_dir / "secret_key"
    assert secret.exists()
    base = f"{API}/{hearing_id}/recordings"
    for path in (
        f"{base}/{recording_id}/files/..%2F..%2F..%2Fsecret_key",
        f"{base}/{recording_id}/files/%2E%2E",
        f"{base}/{recording_id}/files/.manifest.sig.tmp",
        f"{base}/{recording_id}/files/recording.json%00.ogg",
        f"{base}/{recording_id}/files/segment-999999.ogg",
        f"{base}/{recording_id}/files/notes.txt",
        f"{base}/..%2F..%2Fkeys/files/record-signing-key.pem",
        f"{base}/{other_recording}/files/segment-000001.ogg",  # another hearing's recording
        f"{API}/hrg_nothing/recordings/{recording_id}/files/segment-000001.ogg",
        f"{API}/{other_id}/recordings/{recording_id}/files/segment-000001.ogg",
        f"{API}/hrg_nothing",
        f"{API}/hrg_nothing/viewing-copy",
        f"{API}/{hearing_id}/viewing-copy",  # not built: the hearing has not closed
    ):
        response = await client.get(f"{path}?{why()}", headers=as_("archivist"))
        assert response.status in (404, 400), path
        body = await response.read()
        assert b"PRIVATE KEY" not in body and secret.read_bytes() not in body, path


async def test_verify_reports_intact_then_names_a_flipped_byte(
    client: Client, settings: Settings, recorded: tuple[str, str, str]
) -> None:
    hearing_id, recording_id, _ = recorded
    url = f"{API}/{hearing_id}/verify"
    response = await client.post(url, json={"reason": REASON}, headers=as_("archivist"))
    body = await response.json()
    assert response.status == 200 and body["ok"] is True
    assert all(s["ok"] for s in body["recordings"][0]["segments"])

    segment = settings.recordings_dir / hearing_id / recording_id / "segment-000001.ogg"
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF
    segment.write_bytes(bytes(data))
    body = await (await client.post(url, json={"reason": REASON}, headers=as_("archivist"))).json()
    assert body["ok"] is False
    (finding,) = body["recordings"][0]["findings"]
    assert finding["problem"] == "altered" and "segment-000001.ogg" in finding["subject"]
    entries = await client.app[keys.AUDIT].entries.page(limit=1000, action="archive.verify")
    assert [e.reason for e in entries] == [f"{REASON} [intact]", f"{REASON} [ALTERED]"]
    for bad in ({}, {"reason": ""}, {"reason": REASON, "extra": 1}, {"reason": 5}):
        response = await client.post(url, json=bad, headers=as_("archivist"))
        assert response.status == 422, bad


async def test_retention_and_legal_hold_decide_what_purge_would_delete(
    client: Client, settings: Settings, recorded: tuple[str, str, str]
) -> None:
    held_id, _, _ = recorded
    due_id, _, _ = await recorded_hearing(
        client, settings, case_number="1-303/2026", name="Kamran Huseynov", cancel=True
    )
    await client.app[keys.HEARING_STATES].change(
        held_id, HearingState.CANCELLED, actor="test", reason="t"
    )
    past = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    for hearing_id, hold in ((held_id, True), (due_id, False)):
        response = await client.put(
            f"{API}/{hearing_id}/retention",
            json={"reason": REASON, "retain_until": past, "legal_hold": hold},
            headers=as_("archivist"),
        )
        assert response.status == 200
        assert await response.json() == {
            "retain_until": past,
            "legal_hold": hold,
            "updated_by": "staff:archivist",
            "updated_at": (await response.json())["updated_at"],
        }
    for bad in (
        {"reason": REASON},
        {"reason": REASON, "retain_until": "tomorrow"},
        {"reason": REASON, "legal_hold": "yes"},
        {"retain_until": past},
    ):
        response = await client.put(
            f"{API}/{held_id}/retention", json=bad, headers=as_("archivist")
        )
        assert response.status == 422, bad
    response = await client.put(
        f"{API}/{held_id}/retention",
        json={"reason": REASON, "legal_hold": False},
        headers=as_("clerk"),
    )
    assert response.status == 403

    archive: Archive = client.app[keys.ARCHIVE]
    plan: dict[str, PurgeItem] = {
        item.archived.hearing.id: item
        for item in await archive.purge_plan(datetime.now(UTC).date())
    }
    assert plan[held_id].purge is False and "legal hold" in plan[held_id].why
    assert plan[due_id].purge is True
    await archive.purge(plan[due_id], today=datetime.now(UTC).date(), by="test", reason="due")
    with pytest.raises(InvalidState, match="legal hold"):
        await archive.purge(plan[held_id], today=datetime.now(UTC).date(), by="test", reason="due")
    assert not (settings.recordings_dir / due_id).exists()
    assert (settings.recordings_dir / held_id).exists()
    response = await client.get(f"{API}/{due_id}?{why()}", headers=as_("archivist"))
    assert response.status == 404


async def test_a_recording_sealed_while_no_server_indexed_it_is_found_at_startup(
    client: Client, settings: Settings
) -> None:
    app = client.app
    hearing = await app[keys.HEARINGS].create(case_number="1-404/2026", title="Late")
    store = RecordingStore(settings.recordings_dir)
    recording = await store.start(HearingId(hearing.id))
    await asyncio.sleep(0.2)
    await recording.stop()
    archive: Archive = app[keys.ARCHIVE]
    assert await archive.index.get(hearing.id) is None
    assert await archive.reconcile() == 1
    assert await archive.reconcile() == 0
    assert (await archive.index.get(hearing.id)) is not None


async def test_head_etag_and_if_range_and_a_case_insensitive_unit(
    client: Client, recorded: tuple[str, str, str]
) -> None:
    hearing_id, recording_id, _ = recorded
    url = f"{API}/{hearing_id}/recordings/{recording_id}/files/manifest.jsonl?{why()}"
    head = await client.head(url, headers=as_("archivist"))
    assert head.status == 200 and await head.read() == b""
    size = int(head.headers["Content-Length"])
    etag = head.headers["ETag"]
    part = await client.get(
        url, headers={**as_("archivist"), "Range": "BYTES=0-9", "If-Range": etag}
    )
    assert part.status == 206 and len(await part.read()) == 10
    stale = await client.get(
        url, headers={**as_("archivist"), "Range": "bytes=0-9", "If-Range": '"old"'}
    )
    assert stale.status == 200 and len(await stale.read()) == size  # changed: all of it


async def test_a_running_recording_is_not_archived_until_it_is_sealed(
    client: Client, settings: Settings
) -> None:
    app = client.app
    hearing = await app[keys.HEARINGS].create(case_number="1-505/2026", title="Running")
    running = await RecordingStore(settings.recordings_dir).start(HearingId(hearing.id))
    archive: Archive = app[keys.ARCHIVE]
    assert await archive.reconcile() == 0
    assert await archive.index.get(hearing.id) is None
    await running.stop()
    assert await archive.reconcile() == 1


async def test_after_the_hearing_closes_the_copies_are_built_and_played_in_ranges(
    client: Client, settings: Settings
) -> None:
    hearing_id, _, _ = await recorded_hearing(
        client, settings, case_number="1-606/2026", name="Nigar Rzayeva", close=True
    )
    jobs_url = f"{API}/{hearing_id}/jobs"
    seen: set[str] = set()
    for _ in range(600):
        jobs = await (await client.get(jobs_url, headers=as_("archivist"))).json()
        seen |= {jobs["master_audio"]["status"], jobs["viewing_copy"]["status"]}
        if all(jobs[k]["status"] in ("ready", "failed") for k in ("master_audio", "viewing_copy")):
            break
        await asyncio.sleep(0.1)
    assert jobs["master_audio"]["status"] == "ready", jobs
    assert jobs["viewing_copy"]["status"] == "ready", jobs
    assert seen & {"queued", "running"}  # it was built in the background, not on the request
    for kind, content_type in (("master-audio", "audio/webm"), ("viewing-copy", "video/mp4")):
        url = f"{API}/{hearing_id}/{kind}?{why()}"
        whole = await client.get(url, headers=as_("archivist"))
        data = await whole.read()
        assert whole.status == 200 and whole.headers["Content-Type"] == content_type
        part = await client.get(url, headers={**as_("archivist"), "Range": "bytes=100-199"})
        assert part.status == 206 and await part.read() == data[100:200]
    # An export, then a rebuild of it held running: the stored one is served meanwhile.
    export = await client.post(
        f"{API}/{hearing_id}/export", json={"reason": REASON}, headers=as_("archivist")
    )
    assert export.status == 202
    archive: Archive = client.app[keys.ARCHIVE]
    for _ in range(300):
        if (await archive.job(hearing_id, JobKind.EXPORT)).status is JobStatus.READY:
            break
        await asyncio.sleep(0.1)
    release = asyncio.Event()

    async def held(progress: Progress) -> None:
        await release.wait()

    archive.jobs.submit(hearing_id, JobKind.EXPORT, held)
    await asyncio.sleep(0.05)
    assert (await archive.job(hearing_id, JobKind.EXPORT)).status is JobStatus.RUNNING
    during = await client.get(f"{API}/{hearing_id}/export.zip?{why()}", headers=as_("archivist"))
    assert during.status == 200 and (await during.read()).startswith(b"PK")
    release.set()
    # Requests before the workers started, or for an unknown hearing, change nothing.
    response = await client.post(
        f"{API}/hrg_none/viewing-copy", json={"reason": REASON}, headers=as_("archivist")
    )
    assert response.status == 404
