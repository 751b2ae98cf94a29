"""coturn, configured as deploy/turnserver.conf ships it, accepts the credentials courtroom
issues and refuses wrong or expired ones: no allocation, so no relay candidate.

The allocations here go over TURN/TCP: coturn checks a credential the same way whatever
the transport, and a refused TLS connection is closed by asyncio only after a shutdown
that may outlive the test. Over TLS, test_relay.py has Chromium gather with the same
credentials.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from aioice import stun, turn

from signaling.turn import TurnCredentials, TurnSettings, turn_credential
from tests.network.conftest import SECRET, TURN_URLS, TurnWorld
from tests.network.topology import SERVER_IP, SHIPPED_CONF, TURN_IP, TURN_PORT, shipped_keys

pytestmark = pytest.mark.timeout(60)


class Datagrams(asyncio.DatagramProtocol):
    pass


async def allocate(world: TurnWorld, username: str, password: str) -> tuple[str, int]:
    """A TURN allocation over TCP, as a participant's browser makes it; its relayed address."""
    transport, _ = await turn.create_turn_endpoint(
        Datagrams,
        server_addr=(TURN_IP, TURN_PORT),
        username=username,
        password=password,
        transport="tcp",
    )
    try:
        relayed: tuple[str, int] = transport.get_extra_info("sockname")
        return relayed
    finally:
        transport.close()


def issued(participant_id: str, *, secret: str = SECRET, ttl_s: int = 600) -> tuple[str, str]:
    offer = TurnCredentials(
        TurnSettings(secret=secret.encode(), urls=TURN_URLS, ttl_s=ttl_s), time.time
    )
    server = offer(participant_id)["ice_servers"][0]
    return server["username"], server["credential"]


def test_the_test_uses_the_shipped_configuration_for_everything_but_addresses() -> None:
    keys = shipped_keys(SHIPPED_CONF.read_text())

    assert {"use-auth-secret", "static-auth-secret", "tls-listening-port", "no-dtls"} <= keys
    assert {"listening-ip", "relay-ip", "allowed-peer-ip", "cert", "pkey", "realm"} <= keys


async def test_an_issued_credential_gets_a_relay(turn_world: TurnWorld) -> None:
    username, password = issued("ptc_relay")

    relayed = await allocate(turn_world, username, password)

    assert relayed[0] == TURN_IP
    assert relayed[0] != SERVER_IP


async def test_a_credential_made_with_another_secret_is_refused(turn_world: TurnWorld) -> None:
    username, password = issued("ptc_forger", secret="not-the-courts-secret-at-all")

    with pytest.raises(stun.TransactionFailed, match="401"):
        await allocate(turn_world, username, password)


async def test_an_altered_username_is_refused(turn_world: TurnWorld) -> None:
    username, password = issued("ptc_someone")
    expiry, _, _ = username.partition(":")

    # A participant cannot lend its credential out under another id, or stretch it.
    with pytest.raises(stun.TransactionFailed, match="401"):
        await allocate(turn_world, f"{expiry}:ptc_other", password)
    with pytest.raises(stun.TransactionFailed, match="401"):
        await allocate(turn_world, f"{int(expiry) + 3600}:ptc_someone", password)


async def test_an_expired_credential_is_refused(turn_world: TurnWorld) -> None:
    # Signed correctly with the court's secret, but its expiry has passed.
    expired_at = int(time.time()) - 5
    username, password = turn_credential(SECRET.encode(), "ptc_late", expired_at)

    with pytest.raises(stun.TransactionFailed, match="401"):
        await allocate(turn_world, username, password)
