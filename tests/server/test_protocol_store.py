"""The court protocol as stored, on SQLite and PostgreSQL, and read over the REST API."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace

import pytest

from court.errors import InvalidRequest, InvalidState, NotFound, PermissionDenied
from court.protocol import EntryKind, ProtocolEntry
from server import keys
from server.app import create_app
from server.audit import Outcome
from server.settings import Settings
from tests.server.api_support import ACTORS, Client, MakeClient, actor_header, as_
from tests.server.archive_support import recorded_hearing
from tests.server.conftest import Database

HOSTILE = "<script>alert(1)</script> & Ünïcödé — ağ, бы"
CLERK = "participant:prt_c (clerk)"


def _entry(hearing_id: str, entry_id: str, text: str = "said") -> ProtocolEntry:
    now = time.time()
    return ProtocolEntry(
        id=entry_id,
        hearing_id=hearing_id,
        number=0,
        kind=EntryKind.STATEMENT,
        recording_id="rec_1",
        record_ms=1500,
        speaker_id="prt_w",
        text=text,
        author=CLERK,
        automatic=False,
        created_at=now,
        updated_at=now,
    )


# Every read of a protocol states why (server/api/guard.py `reading`).
WHY = "reason=checking"


async def test_entries_are_numbered_in_order_even_when_written_at_once(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="P-1", title="T")
    stored = await asyncio.gather(
        *(database.protocol.add(_entry(hearing.id, f"ent_{i}")) for i in range(12))
    )
    assert sorted(e.number for e in stored) == list(range(1, 13))
    read = await database.protocol.of_hearing(hearing.id)
    assert [e.number for e in read] == list(range(1, 13))

    saved = await database.protocol.update(replace(read[0], text=HOSTILE, record_ms=900), CLERK)
    assert (saved.number, saved.text, saved.record_ms) == (1, HOSTILE, 900)
    assert (await database.protocol.of_hearing(hearing.id))[0].text == HOSTILE
    with pytest.raises(NotFound):
        await database.protocol.update(_entry("hrg_other", read[1].id), CLERK)
    with pytest.raises(InvalidRequest):
        await database.protocol.add(_entry(hearing.id, "ent_nul", "a\x00b"))


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


async def test_staff_read_the_protocol_and_others_are_refused(client: Client) -> None:
    app = client.app
    hearing = await app[keys.HEARINGS].create(
        case_number="P-2", title="T", presiding_judge="judge", clerk="clerk"
    )
    await app[keys.DATA].protocol.add(_entry(hearing.id, "ent_a", HOSTILE))
    url = f"/api/v1/hearings/{hearing.id}/protocol?reason=checking"
    response = await client.get(url, headers=as_("clerk"))
    assert response.status == 200
    (entry,) = (await response.json())["entries"]
    assert (entry["number"], entry["text"], entry["record_ms"]) == (1, HOSTILE, 1500)
    assert (await client.get(url)).status == 401
    assert (
        await client.get("/api/v1/hearings/hrg_none/protocol?reason=checking", headers=as_("clerk"))
    ).status == 404


async def test_the_judge_and_clerk_sign_then_only_corrections_are_appended_and_bound_to_the_record(
    client: Client, settings: Settings
) -> None:
    app = client.app
    hearing_id, recording_id, _ = await recorded_hearing(
        client, settings, case_number="P-3", name="W", close=True, presiding_judge="judge"
    )
    first = await app[keys.DATA].protocol.add(_entry(hearing_id, "ent_s1", "I saw the car"))
    base = f"/api/v1/hearings/{hearing_id}/protocol"

    for caller, status in (("other_judge", 403), ("token_write", 403), ("archivist", 403)):
        assert (await client.post(f"{base}/sign", json={}, headers=as_(caller))).status == status
    signed = await client.post(f"{base}/sign", json={}, headers=as_("clerk"))
    assert signed.status == 200
    assert [s["role"] for s in (await signed.json())["signatures"]] == ["clerk"]
    assert (await client.post(f"{base}/sign", json={}, headers=as_("clerk"))).status == 409
    # From the first signature on, nothing is rewritten and nothing but corrections added.
    with pytest.raises(InvalidState):
        await app[keys.DATA].protocol.update(replace(first, text="I saw nothing"), CLERK)
    with pytest.raises(InvalidState):
        await app[keys.DATA].protocol.add(_entry(hearing_id, "ent_late"))
    early = {"number": 1, "text": "a blue car", "reason": "misheard"}
    response = await client.post(f"{base}/corrections", json=early, headers=as_("clerk"))
    assert response.status == 409  # until both have signed, it is not final

    final = await (await client.post(f"{base}/sign", json={}, headers=as_("judge"))).json()
    assert final["finalised"] is True
    assert {s["digest"] for s in final["signatures"]} == {final["digest"]}
    directory = settings.recordings_dir / hearing_id / recording_id
    bound = json.loads((directory / "protocol.json").read_text())
    assert bound["digest"] == final["digest"]
    assert bound["protocol"]["entries"][0]["text"] == "I saw the car"

    corrected = await client.post(f"{base}/corrections", json=early, headers=as_("judge"))
    assert corrected.status == 201
    entry = (await corrected.json())["entry"]
    assert entry["kind"] == "correction" and "a blue car" in entry["text"]
    assert "misheard" in entry["text"]
    assert (directory / f"protocol-correction-{entry['number']}.json").is_file()
    read = await (await client.get(f"{base}?reason=checking", headers=as_("clerk"))).json()
    assert read["entries"][0]["text"] == "I saw the car"  # never rewritten
    for bad in (
        {"number": 99, "text": "x", "reason": "r"},
        {"number": 1, "text": "", "reason": "r"},
        {"number": 1, "text": "x"},
    ):
        response = await client.post(f"{base}/corrections", json=bad, headers=as_("judge"))
        assert response.status in (404, 422), bad

    # Bound into the record's signed manifest: verified with it, and a changed byte is named.
    why = {"reason": "checking the signed protocol"}
    verify = f"/api/v1/archive/hearings/{hearing_id}/verify"
    report = await (await client.post(verify, json=why, headers=as_("archivist"))).json()
    assert report["ok"] is True
    files = [s["file"] for s in report["recordings"][0]["segments"]]
    assert "protocol.json" in files
    (directory / "protocol.json").write_text(json.dumps({**bound, "digest": "0" * 64}))
    report = await (await client.post(verify, json=why, headers=as_("archivist"))).json()
    assert report["ok"] is False
    assert any("protocol.json" in f["subject"] for f in report["recordings"][0]["findings"])


async def test_a_clerk_the_hearing_does_not_name_may_not_sign_its_protocol(
    client: Client, settings: Settings
) -> None:
    """The security review's H1: "POST .../protocol/sign by an unrelated clerk on a closed
    hearing returns 200 and records a 'clerk' signature". Now 403, a problem, audited, and
    nothing is signed; the signing service refuses them as well, whoever calls it."""
    app = client.app
    hearing_id, _, _ = await recorded_hearing(
        client, settings, case_number="P-4", name="W", close=True, presiding_judge="judge"
    )
    await app[keys.DATA].protocol.add(_entry(hearing_id, "ent_u1", "I saw the car"))
    base = f"/api/v1/hearings/{hearing_id}/protocol"

    refused = await client.post(f"{base}/sign", json={}, headers=as_("other_clerk"))
    correcting = await client.post(
        f"{base}/corrections",
        json={"number": 1, "text": "x", "reason": "r"},
        headers=as_("other_clerk"),
    )

    assert refused.status == 403
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    problem = await refused.json()
    assert problem["status"] == 403 and "P-4" in problem["detail"]
    assert correcting.status == 403
    assert await app[keys.DATA].protocol.signatures(hearing_id) == []
    denied = [
        e
        for e in await app[keys.AUDIT].entries.page(limit=100)
        if e.outcome == Outcome.DENIED and e.action == "protocol.sign"
    ]
    assert [e.actor for e in denied] == ["staff:clerk2"]
    hearing = await app[keys.HEARINGS].get(hearing_id)
    assert hearing is not None
    with pytest.raises(PermissionDenied):
        await app[keys.PROTOCOL_SIGNING].sign(hearing, ACTORS["other_clerk"])
    assert await app[keys.DATA].protocol.signatures(hearing_id) == []

    # The hearing's own clerk signs, as the clerk.
    signed = await client.post(f"{base}/sign", json={}, headers=as_("clerk"))
    assert [s["role"] for s in (await signed.json())["signatures"]] == ["clerk"]


async def test_the_protocol_exports_as_a_court_document_in_three_languages(client: Client) -> None:
    app = client.app
    hearing = await app[keys.HEARINGS].create(case_number="P-4/2026", title="T", clerk="clerk")
    await app[keys.DATA].protocol.add(_entry(hearing.id, "ent_x", HOSTILE))
    base = f"/api/v1/hearings/{hearing.id}/protocol/export"
    html = await client.get(f"{base}?format=html&lang=az&{WHY}", headers=as_("clerk"))
    assert html.status == 200 and html.headers["Content-Type"].startswith("text/html")
    text = await html.text()
    assert "Məhkəmə iclasının protokolu" in text  # noqa: RUF001 (Azerbaijani dotless i)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    pdf = await client.get(f"{base}?format=pdf&lang=ru&{WHY}", headers=as_("clerk"))
    assert pdf.status == 200 and (await pdf.read()).startswith(b"%PDF")
    exported = json.loads(
        await (await client.get(f"{base}?format=json&{WHY}", headers=as_("clerk"))).read()
    )
    assert exported["entries"][0]["text"] == HOSTILE
    # A wrong format, language or repeated parameter, and no stated reason: each refused.
    for bad in (
        f"format=doc&{WHY}",
        f"lang=fr&{WHY}",
        f"format=pdf&format=html&{WHY}",
        "format=pdf",
    ):
        assert (await client.get(f"{base}?{bad}", headers=as_("clerk"))).status == 422, bad
    assert (await client.get(base)).status == 401
