"""After signing, the database's protocol is checked against the one bound into the record:
archive verification names every entry and field that differs, and the protocol is not
served, exported or corrected while anything does (409 protocol_altered)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import text

from court.protocol import EntryKind, ProtocolEntry, ProtocolSignature, SignerRole
from server import keys
from server.app import create_app
from server.cli import main
from server.protocol_binding import (
    PROTOCOL_FILE,
    BoundProtocol,
    correction_document,
    differences,
    signed_document,
)
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, actor_header, as_
from tests.server.archive_support import API, REASON, recorded_hearing

CLERK = "participant:prt_c (clerk)"
SAID = ["The hearing is opened.", "I was at home.", "I saw the car.", "The hearing is closed."]


def _entry(hearing_id: str, n: int, text: str, kind: EntryKind = EntryKind.STATEMENT) -> Any:
    now = time.time()
    return ProtocolEntry(
        id=f"ent_{hearing_id}_{n}",
        hearing_id=hearing_id,
        number=n,
        kind=kind,
        recording_id="rec_1",
        record_ms=1000 * n,
        speaker_id="prt_w",
        text=text,
        author=CLERK,
        automatic=False,
        created_at=now,
        updated_at=now,
    )


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


async def _signed(client: Client, settings: Settings) -> tuple[str, str]:
    """A closed hearing with a recording, its protocol of four entries signed by the clerk
    and the judge (so bound into the record), and entry 2 corrected (entry 5)."""
    hearing_id, recording_id, _ = await recorded_hearing(
        client, settings, case_number="B-1", name="W", close=True, presiding_judge="judge"
    )
    for n, said in enumerate(SAID, start=1):
        await client.app[keys.DATA].protocol.add(_entry(hearing_id, n, said))
    base = f"/api/v1/hearings/{hearing_id}/protocol"
    for signer in ("clerk", "judge"):
        assert (await client.post(f"{base}/sign", json={}, headers=as_(signer))).status == 200
    correction = {"number": 2, "text": "I was at my sister's.", "reason": "misheard"}
    response = await client.post(f"{base}/corrections", json=correction, headers=as_("clerk"))
    assert response.status == 201
    return hearing_id, recording_id


async def _sql(client: Client, statement: str, **values: Any) -> None:
    """What someone who can write the database (and nothing else) does."""
    async with client.app[keys.ENGINE].begin() as connection:
        await connection.execute(text(statement), values)


async def _verify(client: Client, hearing_id: str) -> dict[str, Any]:
    url = f"{API}/{hearing_id}/verify"
    response = await client.post(url, json={"reason": REASON}, headers=as_("archivist"))
    assert response.status == 200
    report: dict[str, Any] = await response.json()
    return report


async def _refusals(client: Client, hearing_id: str) -> list[dict[str, Any]]:
    """What each way of reading the protocol answers: all 409, or all 200."""
    base = f"/api/v1/hearings/{hearing_id}/protocol"
    answers = [
        await client.get(f"{base}?reason=checking", headers=as_("clerk")),
        await client.get(f"{base}/export?format=pdf&lang=ru&reason=checking", headers=as_("judge")),
        await client.get(f"{base}/export?format=json&reason=checking", headers=as_("judge")),
        await client.get(
            f"{API}/{hearing_id}/protocol?reason={quote(REASON)}", headers=as_("archivist")
        ),
    ]
    refused = [r for r in answers if r.status == 409]
    assert len(refused) in (0, len(answers)), [r.status for r in answers]
    assert all(r.status == 200 for r in answers) or refused
    for response in refused:
        assert response.content_type == "application/problem+json"
    return [await r.json() for r in refused]


async def _correct(client: Client, hearing_id: str) -> Any:
    correction = {"number": 3, "text": "a blue car", "reason": "misheard"}
    url = f"/api/v1/hearings/{hearing_id}/protocol/corrections"
    return await client.post(url, json=correction, headers=as_("judge"))


async def test_an_entry_changed_in_the_database_after_signing_is_named_and_not_served(
    client: Client, settings: Settings
) -> None:
    hearing_id, recording_id = await _signed(client, settings)
    report = await _verify(client, hearing_id)
    assert report["ok"] is True
    assert await _refusals(client, hearing_id) == []
    entry_3 = f"ent_{hearing_id}_3"

    await _sql(
        client,
        "UPDATE protocol_entries SET text='X' WHERE number=3 AND hearing_id=:h",
        h=hearing_id,
    )

    report = await _verify(client, hearing_id)
    assert report["ok"] is False
    (recording,) = report["recordings"]
    assert recording["recording_id"] == recording_id
    (finding,) = recording["findings"]
    assert finding["problem"] == "altered"
    assert finding["subject"] == "protocol entry 3 (text)"
    assert finding["detail"] == 'signed "I saw the car.", the database holds "X"'
    refusals = await _refusals(client, hearing_id)
    for problem in refusals:
        assert (problem["status"], problem["code"]) == (409, "protocol_altered")
        assert "entry 3 (text)" in problem["detail"], problem["detail"]
        assert "X" not in problem["detail"]  # what it says now is not served, even here
    assert len(refusals) == 4
    refused = await _correct(client, hearing_id)  # nor corrected: it is not what was signed
    assert refused.status == 409 and (await refused.json())["code"] == "protocol_altered"
    assert [e.number for e in await client.app[keys.DATA].protocol.of_hearing(hearing_id)] == [
        1,
        2,
        3,
        4,
        5,
    ]

    # How the entry came to say what it was signed with is still there to look into.
    history = f"/api/v1/hearings/{hearing_id}/protocol/entries/{entry_3}/revisions?reason=checking"
    revisions = (await (await client.get(history, headers=as_("clerk"))).json())["revisions"]
    assert [r["text"] for r in revisions] == ["I saw the car."]

    # The signature rows made to match the new digest are named too; put back, all is well.
    await _sql(
        client,
        "UPDATE protocol_signatures SET digest=:d WHERE hearing_id=:h AND role='judge'",
        d="f" * 64,
        h=hearing_id,
    )
    subjects = [
        f["subject"] for f in (await _verify(client, hearing_id))["recordings"][0]["findings"]
    ]
    assert subjects == ["protocol entry 3 (text)", "protocol: signature of the judge"]
    bound = json.loads(
        (settings.recordings_dir / hearing_id / recording_id / PROTOCOL_FILE).read_text()
    )
    signed_digest = bound["digest"]
    await _sql(client, "UPDATE protocol_entries SET text=:t WHERE id=:i", t=SAID[2], i=entry_3)
    await _sql(
        client,
        "UPDATE protocol_signatures SET digest=:d WHERE hearing_id=:h AND role='judge'",
        d=signed_digest,
        h=hearing_id,
    )
    assert (await _verify(client, hearing_id))["ok"] is True
    assert await _refusals(client, hearing_id) == []
    assert (await _correct(client, hearing_id)).status == 201
    assert (await _verify(client, hearing_id))["ok"] is True


async def test_a_protocol_rewritten_in_the_database_and_in_its_bound_file_alike_is_refused(
    client: Client, settings: Settings
) -> None:
    hearing_id, recording_id = await _signed(client, settings)
    path = settings.recordings_dir / hearing_id / recording_id / PROTOCOL_FILE
    document = json.loads(path.read_text())
    document["protocol"]["entries"][2]["text"] = "X"
    path.write_text(json.dumps(document, sort_keys=True, indent=2))
    await _sql(
        client,
        "UPDATE protocol_entries SET text='X' WHERE number=3 AND hearing_id=:h",
        h=hearing_id,
    )

    refusals = await _refusals(client, hearing_id)
    assert len(refusals) == 4
    assert "protocol.json" in refusals[0]["detail"]
    findings = (await _verify(client, hearing_id))["recordings"][0]["findings"]
    subjects = [f["subject"] for f in findings]
    assert any(s.startswith("protocol.json (manifest line") for s in subjects)  # the record's own
    assert "protocol: protocol.json" in subjects  # and the comparison's


async def test_a_manifest_line_that_does_not_read_leaves_the_rest_of_the_binding_checked(
    client: Client, settings: Settings
) -> None:
    hearing_id, recording_id = await _signed(client, settings)
    manifest = settings.recordings_dir / hearing_id / recording_id / "manifest.jsonl"
    with manifest.open("a") as f:
        f.write('{"seq": 6, "file": "protocol-correction-9.json", "cut short\n')
    assert await _refusals(client, hearing_id) == []
    await _sql(
        client,
        "UPDATE protocol_entries SET text='X' WHERE number=2 AND hearing_id=:h",
        h=hearing_id,
    )
    (problem,) = {p["detail"] for p in await _refusals(client, hearing_id)}
    assert "entry 2 (text)" in problem
    findings = (await _verify(client, hearing_id))["recordings"][0]["findings"]
    assert {"manifest line 6", "protocol entry 2 (text)"} <= {f["subject"] for f in findings}


def test_every_way_the_database_can_part_from_the_bound_protocol_is_named() -> None:
    hearing = "hrg_b"
    entries = [_entry(hearing, n, said) for n, said in enumerate(SAID, start=1)]
    signatures = [
        ProtocolSignature(hearing, SignerRole.CLERK, "staff:clerk", "d" * 64, 1.5),
        ProtocolSignature(hearing, SignerRole.JUDGE, "staff:judge", "d" * 64, 2.5),
    ]
    correction = _entry(hearing, 5, "Correction to entry 2: at my sister's", EntryKind.CORRECTION)
    bound = BoundProtocol(
        "rec_1",
        signed_document(hearing, entries, signatures),
        {5: correction_document(hearing, 2, correction, entries)},
    )
    assert differences(hearing, [*entries, correction], signatures, bound) == []

    altered = [
        entries[0],
        replace(entries[1], record_ms=99, speaker_id=None),
        # entry 3 deleted
        entries[3],
        replace(correction, text="Correction to entry 2: nowhere"),
        _entry(hearing, 6, "slipped in"),
    ]
    found = differences(hearing, altered, signatures[:1], bound)
    assert [str(d) for d in found] == [
        "protocol entry 2 (record_ms): signed 2000, the database holds 99",
        'protocol entry 2 (speaker_id): signed "prt_w", the database holds null',
        "protocol entry 3 (entry): in the signed record, not in the database",
        'protocol entry 5 (text): signed "Correction to entry 2: at my sister\'s", the database '
        'holds "Correction to entry 2: nowhere"',
        "protocol entry 6 (entry): in the database, not in the signed record",
        "protocol: signature of the judge: in the signed record, not in the database",
    ]
    assert [str(d) for d in differences("hrg_other", altered, signatures, bound)] == [
        "protocol: protocol.json: holds no protocol of hrg_other"
    ]
    long = replace(entries[0], text="y" * 500)
    (shown,) = differences(hearing, [long, *entries[1:], correction], signatures, bound)
    assert len(shown.detail) < 200 and shown.detail.endswith("…")


async def test_courtroom_archive_verify_names_an_entry_changed_after_signing(
    client: Client,
    settings: Settings,
    cli_environment: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hearing_id, _ = await _signed(client, settings)
    verify = ["archive", "verify", hearing_id, "--reason", "appeal lodged"]
    assert await asyncio.to_thread(main, verify) == 0, capsys.readouterr()
    capsys.readouterr()

    await _sql(
        client,
        "UPDATE protocol_entries SET text='X' WHERE number=3 AND hearing_id=:h",
        h=hearing_id,
    )

    assert await asyncio.to_thread(main, verify) == 1
    printed = capsys.readouterr().out
    assert (
        '! protocol entry 3 (text): altered: signed "I saw the car.", the database holds "X"'
        in (printed)
    ), printed
