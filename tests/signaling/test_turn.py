"""Time-limited TURN credentials (coturn's use-auth-secret) and the join ack that carries them."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from court.hearing import Hearing, JoinGrant, Participant
from court.ids import HearingId, ParticipantId
from court.roles import Role
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling import Signaling
from signaling.client import ParticipantClient
from signaling.turn import TurnCredentials, TurnSettings, no_turn, turn_credential

SECRET = b"shared-with-coturn-0123"
URLS = ("turn:10.17.0.1:3478?transport=udp", "turns:turn.court.test:5349?transport=tcp")
NOW = 1_800_000_000.7


def test_the_username_is_expiry_and_participant_and_the_password_its_hmac() -> None:
    username, password = turn_credential(SECRET, "ptc_judge", 1_800_000_600)

    assert username == "1800000600:ptc_judge"
    # coturn's own recipe, computed by another implementation (OpenSSL's).
    expected = subprocess.run(
        ["openssl", "dgst", "-sha1", "-hmac", SECRET.decode(), "-binary"],
        input=username.encode(),
        capture_output=True,
        check=True,
    ).stdout
    assert base64.b64decode(password) == expected


def test_each_participant_gets_its_own_credential_valid_for_the_ttl() -> None:
    offer = TurnCredentials(TurnSettings(secret=SECRET, urls=URLS, ttl_s=600), lambda: NOW)

    judge, witness = offer("ptc_judge"), offer("ptc_witness")

    (server,) = judge["ice_servers"]
    assert server["urls"] == list(URLS)
    assert server["username"] == "1800000600:ptc_judge"
    assert server["credential"] == turn_credential(SECRET, "ptc_judge", 1_800_000_600)[1]
    assert witness["ice_servers"][0]["credential"] != server["credential"]
    assert judge["ice_transport_policy"] == "all"


def test_relay_only_forces_the_relay_policy() -> None:
    settings = TurnSettings(secret=SECRET, urls=URLS, relay_only=True)

    assert TurnCredentials(settings, lambda: NOW)("ptc_x")["ice_transport_policy"] == "relay"


def test_without_turn_the_ack_offers_no_ice_server() -> None:
    offered = no_turn("ptc_x")
    assert offered["ice_servers"] == [] and offered["ice_transport_policy"] == "all"


HEARING = Hearing(id=HearingId("hrg_turn"), case_number="1-9/2026", title="State v. Turn")
JUDGE = Participant(
    id=ParticipantId("ptc_turnjudge"), hearing_id=HEARING.id, name="Judge", role=Role.JUDGE
)


@pytest.fixture
async def turn_server_url(aiohttp_server: AiohttpServer, tmp_path: Path) -> AsyncIterator[str]:
    async def authenticate(token: str) -> JoinGrant:
        return JoinGrant(hearing=HEARING, participant=JUDGE)

    signaling = Signaling(
        authenticate=authenticate,
        media=MediaSettings(host_addresses=("127.0.0.1",)),
        recordings=RecordingStore(tmp_path / "recordings"),
        cors_allowed_origins="*",
        ice=TurnCredentials(TurnSettings(secret=SECRET, urls=URLS, ttl_s=900), lambda: NOW),
    )
    app = web.Application()
    signaling.attach(app)
    server = await aiohttp_server(app)
    yield str(server.make_url("/")).rstrip("/")
    await signaling.close()


async def test_the_join_ack_carries_the_participants_turn_credential(turn_server_url: str) -> None:
    client = ParticipantClient(turn_server_url, "any")
    try:
        joined = await client.connect()
    finally:
        await client.close()

    assert joined["participant"]["id"] == JUDGE.id
    assert joined["ice_transport_policy"] == "all"
    assert joined["ice_servers"] == [
        {
            "urls": list(URLS),
            "username": f"1800000900:{JUDGE.id}",
            "credential": turn_credential(SECRET, JUDGE.id, 1_800_000_900)[1],
        }
    ]
