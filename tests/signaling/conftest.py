"""An in-process hearing server: the real Signaling and relay on an aiohttp test server.

Only authentication is a fake (a token table instead of signed links and a database): the
signaling layer receives the same JoinGrant either way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from court.errors import NotAuthenticated
from court.events import HearingEvent
from court.hearing import Hearing, JoinGrant, Participant
from court.ids import HearingId, ParticipantId, new_participant_id
from court.roles import Role
from media.ice import use_host_addresses
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling import Signaling
from signaling.audit import AuditEvent
from signaling.client import ParticipantClient
from signaling.events import NAMESPACE
from signaling.limits import Limits
from signaling.live.features.chat import ChatMessage
from signaling.live.features.exhibits import MemoryExhibitStore
from signaling.live.features.protocol import MemoryProtocolStore
from tests.signaling import wire

HEARING = Hearing(id=HearingId("hrg_test"), case_number="1-1/2026", title="State v. Test")
OTHER_HEARING = Hearing(id=HearingId("hrg_other"), case_number="1-2/2026", title="State v. Other")


@dataclass
class HearingServer:
    url: str
    signaling: Signaling
    recordings: RecordingStore
    grants: dict[str, JoinGrant] = field(default_factory=dict)
    clients: list[ParticipantClient] = field(default_factory=list)
    audited: list[AuditEvent] = field(default_factory=list)
    events: list[HearingEvent] = field(default_factory=list)
    chat: list[ChatMessage] = field(default_factory=list)
    protocol: MemoryProtocolStore = field(default_factory=MemoryProtocolStore)
    exhibits: MemoryExhibitStore = field(default_factory=MemoryExhibitStore)
    hearing_id: str = HEARING.id
    # What the server sent that its declared shapes do not allow (tests/signaling/wire.py);
    # the fixture fails the test at teardown unless it is empty.
    wire_errors: list[str] = field(default_factory=list)

    def token(self, role: Role, name: str | None = None, hearing: Hearing = HEARING) -> str:
        participant = Participant(
            id=ParticipantId(new_participant_id()),
            hearing_id=hearing.id,
            name=name or role.label,
            role=role,
        )
        token = f"token-{participant.id}"
        self.grants[token] = JoinGrant(hearing=hearing, participant=participant)
        return token

    async def join(
        self, role: Role, name: str | None = None, *, admit: bool = True, **tracks: object
    ) -> ParticipantClient:
        """Join as ``role``; unless ``admit`` is False, the court admits a waiting arrival
        (the first judge or clerk of the test, or a clerk joined for the purpose)."""
        client = ParticipantClient(self.url, self.token(role, name), **tracks)  # type: ignore[arg-type]
        self.clients.append(client)
        await client.connect()
        problem = wire.check_join_ack(client.join_data)
        if problem is not None:
            self.wire_errors.append(problem)
        if admit and client.join_data["room"]["kind"] == "waiting":
            await self.admit(client)
        return client

    async def court(self) -> ParticipantClient:
        """A judge or clerk of this test, joined (a clerk is joined if there is none)."""
        for client in self.clients:
            if client.join_data.get("participant", {}).get("role") in ("judge", "clerk"):
                return client
        return await self.join(Role.CLERK, "Test clerk")

    async def admit(self, client: ParticipantClient) -> None:
        """Open the hearing if need be, and bring ``client`` into the hearing room."""
        court = await self.court()
        state = await self.hearing_state(court)
        if state == "scheduled":
            await court.command("set_hearing_state", {"state": "open"})
        command = (
            "call_witness" if client.join_data["participant"]["role"] == "witness" else "admit"
        )
        await court.command(command, {"participant_id": client.participant_id})
        await client.wait_until(lambda: client.room_kind == "hearing")

    async def hearing_state(self, client: ParticipantClient) -> str:
        live = self.signaling.hearings.find(HearingId(client.join_data["hearing"]["id"]))
        assert live is not None
        return live.hearing.state.value

    async def authenticate(self, token: str) -> JoinGrant:
        grant = self.grants.get(token)
        if grant is None:
            raise NotAuthenticated("This join link is not valid.")
        return grant


@pytest.fixture(scope="session", autouse=True)
def loopback_ice() -> None:
    use_host_addresses(["127.0.0.1"])


@pytest.fixture
def recording_store(tmp_path: Path) -> RecordingStore:
    """The hearing server's recordings (a test module overrides it to add speech to text)."""
    return RecordingStore(tmp_path / "recordings")


@pytest.fixture
def media_settings() -> MediaSettings:
    """The relay's settings (a test module overrides it to lower the video cap)."""
    return MediaSettings(host_addresses=("127.0.0.1",), negotiation_timeout_s=5.0)


@pytest.fixture
def limits() -> Limits | None:
    """The hearing server's budgets: the real ones (None); a module that tests something
    else by sending as fast as it can gives them a clock on which time flies."""
    return None


class TimeFlies:
    """A clock on which a minute passes between any two readings: every budget is full."""

    def __init__(self) -> None:
        self._now = 0.0

    def monotonic(self) -> float:
        self._now += 60.0
        return self._now

    def wall(self) -> float:
        return 1_800_000_000.0 + self.monotonic()


@pytest.fixture
async def hearing_server(
    aiohttp_server: AiohttpServer,
    recording_store: RecordingStore,
    limits: Limits | None,
    media_settings: MediaSettings,
) -> AsyncIterator[HearingServer]:
    app = web.Application()
    recordings = recording_store
    holder: dict[str, HearingServer] = {}

    async def authenticate(token: str) -> JoinGrant:
        return await holder["server"].authenticate(token)

    async def audit(event: AuditEvent) -> None:
        holder["server"].audited.append(event)

    async def publish(event: HearingEvent) -> None:
        holder["server"].events.append(event)

    async def store(message: ChatMessage) -> None:
        holder["server"].chat.append(message)

    protocol = MemoryProtocolStore()
    exhibits = MemoryExhibitStore()
    signaling = Signaling(
        authenticate=authenticate,
        media=media_settings,
        recordings=recordings,
        cors_allowed_origins="*",
        audit=audit,
        events=publish,
        chat_store=store,
        protocol_store=protocol,
        exhibit_store=exhibits,
        limits=limits,
    )
    signaling.attach(app)
    emit = signaling.sio.emit

    async def checked_emit(event: str, data: object = None, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("namespace") == NAMESPACE:
            problem = wire.check_notice(event, data)
            if problem is not None:
                holder["server"].wire_errors.append(problem)
        await emit(event, data, *args, **kwargs)

    signaling.sio.emit = checked_emit
    server = await aiohttp_server(app)
    hs = HearingServer(
        url=str(server.make_url("/")).rstrip("/"),
        signaling=signaling,
        recordings=recordings,
        protocol=protocol,
        exhibits=exhibits,
    )
    holder["server"] = hs
    yield hs
    for client in hs.clients:
        await client.close()
    await signaling.close()
    assert not hs.wire_errors, "the server sent shapes it does not declare:\n" + "\n".join(
        hs.wire_errors
    )
