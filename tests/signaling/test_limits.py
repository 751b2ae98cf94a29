"""What one connection and one participant may ask (signaling/limits.py): the budgets on
their own, then the security review's H7 demonstrations against the real relay."""

from __future__ import annotations

import asyncio
import time

import pytest
import socketio

from court.roles import Role
from signaling.events import NAMESPACE, ClientEvent
from signaling.limits import (
    CLOSED,
    CONNECTION,
    JOINS,
    MAX_CONNECTIONS,
    PATIENCE,
    SLOW_DOWN,
    Limits,
    RateLimited,
)
from tests.signaling.conftest import HearingServer
from tests.signaling.live.fakes import ManualClock


def test_a_connection_has_a_burst_then_its_rate() -> None:
    clock = ManualClock()
    limits = Limits(clock)
    limits.connect("sid", "par_a")
    for _ in range(CONNECTION.burst):
        limits.allow("sid", ClientEvent.HEARTBEAT)
    with pytest.raises(RateLimited, match="wait a moment"):
        limits.allow("sid", ClientEvent.HEARTBEAT)
    clock.now += 1.0  # a second refills the rate's worth
    for _ in range(int(CONNECTION.per_second)):
        limits.allow("sid", ClientEvent.HEARTBEAT)
    with pytest.raises(RateLimited):
        limits.allow("sid", ClientEvent.HEARTBEAT)


def test_chat_is_tighter_and_one_connections_budget_is_not_anothers() -> None:
    limits = Limits(ManualClock())
    limits.connect("one", "par_a")
    limits.connect("two", "par_b")
    for _ in range(5):
        limits.allow("one", ClientEvent.SEND_CHAT)
    with pytest.raises(RateLimited):
        limits.allow("one", ClientEvent.SEND_CHAT)
    limits.allow("one", ClientEvent.HEARTBEAT)  # the general budget is not spent
    limits.allow("two", ClientEvent.SEND_CHAT)


def test_joins_are_counted_per_participant_over_all_connections() -> None:
    clock = ManualClock()
    limits = Limits(clock)
    for n in range(JOINS.burst):
        limits.connect(f"sid{n}", "par_a")
        limits.allow(f"sid{n}", ClientEvent.JOIN)
        limits.disconnect(f"sid{n}")
    limits.connect("again", "par_a")
    with pytest.raises(RateLimited):
        limits.allow("again", ClientEvent.JOIN)
    clock.now += 1 / JOINS.per_second
    limits.allow("again", ClientEvent.JOIN)


def test_a_participant_has_at_most_a_few_connections_at_once() -> None:
    limits = Limits(ManualClock())
    for n in range(MAX_CONNECTIONS):
        limits.connect(f"sid{n}", "par_a")
    with pytest.raises(RateLimited, match="too many windows"):
        limits.connect("one more", "par_a")
    limits.connect("someone else", "par_b")
    limits.disconnect("sid0")
    limits.connect("one more", "par_a")


def test_a_connection_that_keeps_pressing_is_told_it_will_be_closed() -> None:
    limits = Limits(ManualClock())
    limits.connect("sid", "par_a")
    messages = []
    for _ in range(CONNECTION.burst + PATIENCE.burst + 1):
        try:
            limits.allow("sid", ClientEvent.ADMIT)
        except RateLimited as exc:
            messages.append(exc.message)
    assert messages[:-1] == [SLOW_DOWN] * PATIENCE.burst
    assert messages[-1] == CLOSED and limits.should_close("sid")
    with pytest.raises(RateLimited, match="connection is closed"):
        limits.allow("sid", ClientEvent.HEARTBEAT)  # nothing more, whatever the budget


async def _join_and_leave(url: str, token: str) -> object:
    """The review's loop body: connect with the link, join, disconnect."""
    client = socketio.AsyncClient(reconnection=False)
    try:
        await client.connect(
            url, namespaces=[NAMESPACE], auth={"token": token}, transports=["websocket"]
        )
        return await client.call("join", {}, namespace=NAMESPACE, timeout=10)
    finally:
        await client.disconnect()


async def test_one_observer_link_opened_and_closed_in_a_loop_cannot_flood_the_record(
    hearing_server: HearingServer,
) -> None:
    """H7's demonstration (500 loops there, 40 here: the budget is spent after 10)."""
    judge = await hearing_server.join(Role.JUDGE)
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    token = hearing_server.token(Role.OBSERVER, "Loop observer")
    began = time.monotonic()
    answers = [await _join_and_leave(hearing_server.url, token) for _ in range(40)]
    # What the budget allows: the burst, and one join for every six seconds the loop took.
    allowed = JOINS.burst + int((time.monotonic() - began) * JOINS.per_second) + 1

    codes = [a["error"]["code"] if not a["ok"] else "ok" for a in answers]  # type: ignore[index]
    assert codes[: JOINS.burst] == ["ok"] * JOINS.burst
    assert set(codes) == {"ok", "rate_limited"} and codes.count("ok") <= allowed
    arrivals = {"participant_joined", "participant_reconnected"}
    observers = [
        e
        for e in hearing_server.events
        if e.kind in arrivals and e.subject.participant_id != judge.participant_id
    ]
    assert len(observers) == codes.count("ok")  # a refused join leaves no trace in the record
    # And the court protocol, which the court signs, has one line of them (the last is held
    # until its window ends): not one per join and departure (signaling/live/presence.py).
    (observer_id,) = {e.subject.participant_id for e in observers}
    entries = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    assert len([e for e in entries if e.speaker_id == observer_id]) == 1
    denied = [e for e in hearing_server.audited if e.denied and e.action == "signaling.join"]
    assert 1 <= len(denied) <= 3  # the 1st and 10th refusal, counted, not each one
    # The hearing goes on for those in it.
    assert (await judge.command(ClientEvent.HEARTBEAT, {})) is not None


async def test_a_flood_of_commands_is_refused_then_its_connection_closed(
    hearing_server: HearingServer,
) -> None:
    """H7's observer variant: ``admit`` in a loop."""
    await hearing_server.join(Role.JUDGE)
    observer = await hearing_server.join(Role.OBSERVER, admit=False)
    sid = observer.sio.get_sid(NAMESPACE)
    answers = []
    for _ in range(2000):
        if not observer.sio.connected:
            break
        try:
            answers.append(await observer.call(ClientEvent.ADMIT, {"participant_id": "x"}))
        except socketio.exceptions.TimeoutError:
            break
    codes = [a["error"]["code"] for a in answers]
    assert "permission_denied" in codes and "rate_limited" in codes
    assert answers[-1]["error"]["message"] == CLOSED
    # The server has closed the connection (the client may take a moment to notice).
    for _ in range(50):
        if hearing_server.signaling.namespace.session(sid) is None:
            break
        await asyncio.sleep(0.1)
    assert hearing_server.signaling.namespace.session(sid) is None
    denied = [e for e in hearing_server.audited if e.denied]
    assert len(denied) <= 6, [e.reason for e in denied]  # counted, not each one audited


async def test_a_fourth_window_with_the_same_link_is_refused(
    hearing_server: HearingServer,
) -> None:
    token = hearing_server.token(Role.OBSERVER, "Many windows")
    clients = [socketio.AsyncClient(reconnection=False) for _ in range(MAX_CONNECTIONS + 1)]
    try:
        for client in clients[:MAX_CONNECTIONS]:
            await client.connect(
                hearing_server.url,
                namespaces=[NAMESPACE],
                auth={"token": token},
                transports=["websocket"],
            )
        with pytest.raises(socketio.exceptions.ConnectionError):
            await clients[-1].connect(
                hearing_server.url,
                namespaces=[NAMESPACE],
                auth={"token": token},
                transports=["websocket"],
            )
        # The cap is what refused it: with one window closed, the same link connects.
        await clients[0].disconnect()
        await asyncio.sleep(0.2)
        late = socketio.AsyncClient(reconnection=False)
        clients.append(late)
        await late.connect(
            hearing_server.url,
            namespaces=[NAMESPACE],
            auth={"token": token},
            transports=["websocket"],
        )
        assert late.connected
    finally:
        for client in clients:
            if client.connected:
                await client.disconnect()
        await asyncio.sleep(0)
