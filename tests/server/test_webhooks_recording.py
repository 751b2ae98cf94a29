"""A stopped recording is reported to the e-court system as recording.available.

The real signaling layer and relay run in-process (as in tests/signaling), with the server's
Webhooks as its on_recording_available callback, delivering to a local receiver.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from court.errors import NotAuthenticated
from court.hearing import Hearing, JoinGrant, Participant
from court.ids import HearingId, ParticipantId, new_participant_id
from court.roles import Role
from media.ice import use_host_addresses
from media.settings import MediaSettings
from recordings import RecordingStore
from recordings.recovery import Recovery
from server.app import recovered
from server.persistence.database import sessions
from server.webhooks import Webhooks
from signaling import Signaling
from signaling.client import ParticipantClient
from signaling.events import ClientEvent
from signaling.live.recorder import RecordingAvailable
from tests.server.conftest import Database
from tests.server.webhook_receiver import (
    FAST,
    Receiver,
    settled,
    start_receiver,
    until_delivery,
)

HEARING = Hearing(id=HearingId("hrg_rec"), case_number="7-1/2026", title="State v. Record")


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> Receiver:
    return await start_receiver(aiohttp_server)


@pytest.fixture
async def webhooks(database: Database) -> AsyncIterator[Webhooks]:
    service = Webhooks(sessions(database.engine), retry=FAST)
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def hearing_server(
    aiohttp_server: AiohttpServer, tmp_path: Path
) -> AsyncIterator[Callable[[RecordingAvailable], Awaitable[ParticipantClient]]]:
    """Starts the hearing server with a callback and returns its judge, joined."""
    use_host_addresses(["127.0.0.1"])
    participant = Participant(
        id=ParticipantId(new_participant_id()),
        hearing_id=HEARING.id,
        name="Judge",
        role=Role.JUDGE,
    )
    started: list[tuple[Signaling, ParticipantClient]] = []

    async def authenticate(token: str) -> JoinGrant:
        if token != "judge-token":
            raise NotAuthenticated("This join link is not valid.")
        return JoinGrant(hearing=HEARING, participant=participant)

    async def start(on_recording_available: RecordingAvailable) -> ParticipantClient:
        signaling = Signaling(
            authenticate=authenticate,
            media=MediaSettings(host_addresses=("127.0.0.1",), negotiation_timeout_s=5.0),
            recordings=RecordingStore(tmp_path / "recordings"),
            cors_allowed_origins="*",
            on_recording_available=on_recording_available,
        )
        app = web.Application()
        signaling.attach(app)
        server = await aiohttp_server(app)
        client = ParticipantClient(str(server.make_url("/")).rstrip("/"), "judge-token")
        started.append((signaling, client))
        await client.connect()
        return client

    yield start
    for signaling, client in started:
        await client.close()
        await signaling.close()


@pytest.fixture
async def judge(
    hearing_server: Callable[[RecordingAvailable], Awaitable[ParticipantClient]],
    webhooks: Webhooks,
) -> ParticipantClient:
    return await hearing_server(webhooks.recording_available)


async def test_a_stopped_recording_is_delivered_as_recording_available(
    judge: ParticipantClient, webhooks: Webhooks, receiver: Receiver
) -> None:
    await webhooks.register(url=receiver.url, events=["recording.available"], by="a")

    started = await judge.command(ClientEvent.START_RECORDING, {})
    stopped = await judge.command(ClientEvent.STOP_RECORDING, {})

    (request,) = await receiver.wait_for(1)
    assert request.headers["X-Courtroom-Event"] == "recording.available"
    data = json.loads(request.body)["data"]
    assert data["hearing_id"] == HEARING.id
    assert data["case_number"] == "7-1/2026"
    assert data["recording_id"] == started["recording"]["id"] == stopped["recording"]["id"]
    assert data["duration_s"] == stopped["recording"]["duration_s"]
    assert data["started_at"].endswith("Z") and data["stopped_at"].endswith("Z")
    assert data["started_at"] <= data["stopped_at"]
    delivery_id = request.headers["X-Courtroom-Delivery"]
    assert (await until_delivery(webhooks, delivery_id, settled)).state == "delivered"


async def test_webhooks_not_registered_for_recordings_get_nothing(
    judge: ParticipantClient, webhooks: Webhooks, receiver: Receiver
) -> None:
    hook, _ = await webhooks.register(url=receiver.url, events=["hearing.closed"], by="a")

    await judge.command(ClientEvent.START_RECORDING, {})
    await judge.command(ClientEvent.STOP_RECORDING, {})

    assert await webhooks.deliveries(hook.id) == []


async def test_a_failing_report_never_stops_the_recording_from_being_sealed(
    hearing_server: Callable[[RecordingAvailable], Awaitable[ParticipantClient]],
) -> None:
    reports: list[dict[str, Any]] = []

    async def broken(recording: dict[str, Any]) -> None:
        reports.append(recording)
        raise RuntimeError("the database is gone")

    judge = await hearing_server(broken)
    await judge.command(ClientEvent.START_RECORDING, {})

    stopped = await judge.command(ClientEvent.STOP_RECORDING, {})

    assert stopped["recording"]["duration_s"] is not None
    assert [r["recording_id"] for r in reports] == [stopped["recording"]["id"]]


async def test_a_recovery_after_a_crash_is_audited_and_delivered_as_recording_recovered(
    database: Database, webhooks: Webhooks, receiver: Receiver
) -> None:
    await webhooks.register(url=receiver.url, events=["recording.recovered"], by="a")
    sealed = Recovery("rec_a", "hrg_rec", ("segment-000003.ogg",), 41.2)
    refused = Recovery("rec_b", "hrg_rec", refused="the manifest is not what was signed")

    await recovered(database.audit, webhooks, sealed)
    await recovered(database.audit, webhooks, refused)

    first, second = await receiver.wait_for(2)
    assert first.headers["X-Courtroom-Event"] == "recording.recovered"
    assert json.loads(first.body)["data"] == {
        "recording_id": "rec_a",
        "hearing_id": "hrg_rec",
        "files": ["segment-000003.ogg"],
        "seconds": 41.2,
        "refused": None,
        "left_alone": [],
    }
    assert json.loads(second.body)["data"]["refused"] == "the manifest is not what was signed"
    entries = await database.audit.entries.latest(2)
    assert [(e.action, e.object, e.outcome) for e in entries] == [
        ("recording.recover", "recording:rec_a", "allowed"),
        ("recording.recover_refused", "recording:rec_b", "denied"),
    ]
    assert entries[0].reason == (
        "hearing hrg_rec: sealed after a crash: segment-000003.ogg; 41.2 s of master audio"
    )
