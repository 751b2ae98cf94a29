"""A hearing's state changes are audited and announced to the e-court system once each."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_aiohttp import AiohttpServer

from court.errors import InvalidRequest, InvalidState
from court.hearing import Hearing
from court.hearing_state import HearingState
from court.ids import HearingId
from server.audit import AuditLog
from server.hearing_states import HearingStates
from server.live_courtroom import persisted_state_changes
from server.webhooks import Webhooks
from tests.server.conftest import Database
from tests.server.webhook_receiver import FAST, start_receiver


class Announcements(Webhooks):
    """The webhooks interface, remembering what was published (delivery has its own tests)."""

    def __init__(self) -> None:
        self.published: list[tuple[str, Mapping[str, object]]] = []

    async def publish(self, event: str, data: Mapping[str, object]) -> list[str]:
        self.published.append((event, data))
        return []


class Entries(AuditLog):
    def __init__(self) -> None:
        self.recorded: list[dict[str, Any]] = []

    async def record(self, **entry: Any) -> None:  # type: ignore[override]
        self.recorded.append(entry)


async def test_opening_starting_and_closing_each_publish_their_event_once(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="1-5/2026", title="T")
    webhooks, audit = Announcements(), Entries()
    states = HearingStates(database.hearings, audit, webhooks)

    for target in (
        HearingState.OPEN,
        HearingState.IN_SESSION,
        HearingState.PAUSED,
        HearingState.IN_SESSION,
        HearingState.CLOSED,
    ):
        await states.change(hearing.id, target, actor="staff:judge", reason="test")

    assert [event for event, _ in webhooks.published] == [
        "hearing.opened",
        "hearing.started",  # resuming after the pause is not a second start
        "hearing.closed",
    ]
    assert webhooks.published[-1][1]["hearing"]["state"] == "closed"  # type: ignore[index]
    assert [e["action"] for e in audit.recorded] == [
        "hearing.open",
        "hearing.in_session",
        "hearing.paused",
        "hearing.in_session",
        "hearing.closed",
    ]


async def test_a_forbidden_transition_changes_nothing_and_announces_nothing(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="1-5/2026", title="T")
    webhooks, audit = Announcements(), Entries()
    states = HearingStates(database.hearings, audit, webhooks)

    with pytest.raises(InvalidState):
        await states.change(hearing.id, HearingState.CLOSED, actor="staff:judge", reason="x")

    assert (await database.hearings.get(hearing.id)) == hearing
    assert webhooks.published == [] and audit.recorded == []


async def test_the_e_court_system_receives_each_state_change_signed_in_order(
    database: Database, aiohttp_server: AiohttpServer
) -> None:
    receiver = await start_receiver(aiohttp_server)
    webhooks = Webhooks(database.sessions, retry=FAST, timeout_s=2.0)
    _, secret = await webhooks.register(
        url=receiver.url,
        events=["hearing.opened", "hearing.started", "hearing.closed"],
        by="staff:admin",
    )
    await webhooks.start()
    states = HearingStates(database.hearings, database.audit, webhooks)
    hearing = await database.hearings.create(case_number="1-6/2026", title="State v. Hook")
    try:
        for target in (HearingState.OPEN, HearingState.IN_SESSION, HearingState.CLOSED):
            await states.change(hearing.id, target, actor="staff:judge", reason="test")
            # One at a time: each delivery is awaited, so the order received is the order made.
            await receiver.wait_for(len(receiver.requests) + 1)
    finally:
        await webhooks.stop()

    bodies = [json.loads(r.body) for r in receiver.requests]
    assert [(b["event"], b["data"]["hearing"]["state"]) for b in bodies] == [
        ("hearing.opened", "open"),
        ("hearing.started", "in_session"),
        ("hearing.closed", "closed"),
    ]
    for request in receiver.requests:
        stamp = request.headers["X-Courtroom-Timestamp"]
        expected = hmac.new(secret.encode(), stamp.encode() + b"." + request.body, hashlib.sha256)
        assert request.headers["X-Courtroom-Signature"] == f"sha256={expected.hexdigest()}"
    assert [e.action for e in await database.audit.entries.page()] == [
        "hearing.open",
        "hearing.in_session",
        "hearing.closed",
    ]
    assert (await database.audit.verify()).ok


async def test_closing_a_hearing_checkpoints_the_audit_log_after_the_close_is_recorded(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="1-8/2026", title="T")
    audit = Entries()
    at_checkpoint: list[list[str]] = []

    async def checkpoint() -> None:
        at_checkpoint.append([e["action"] for e in audit.recorded])

    states = HearingStates(database.hearings, audit, Announcements(), checkpoint=checkpoint)
    for target in (HearingState.OPEN, HearingState.IN_SESSION, HearingState.CLOSED):
        await states.change(hearing.id, target, actor="staff:judge", reason="test")

    assert at_checkpoint == [["hearing.open", "hearing.in_session", "hearing.closed"]]


async def test_a_checkpoint_that_fails_does_not_fail_the_close(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    hearing = await database.hearings.create(case_number="1-9/2026", title="T")

    async def checkpoint() -> None:
        raise RuntimeError("the disk is full")

    states = HearingStates(database.hearings, Entries(), Announcements(), checkpoint=checkpoint)
    await states.change(hearing.id, HearingState.OPEN, actor="staff:judge", reason="test")
    closed = await states.change(hearing.id, HearingState.CLOSED, actor="staff:judge", reason="x")

    assert closed.state is HearingState.CLOSED
    assert "not checkpointed after closing" in caplog.text


def test_opening_on_another_day_than_scheduled_needs_a_reason() -> None:
    # Scheduled for 14:00 in Baku on 8 December; the court's 7 December ends at 20:00 UTC.
    hearing = Hearing(
        id=HearingId("hrg_day"),
        case_number="1-7/2026",
        title="T",
        scheduled_start=datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
    )
    states = HearingStates(None, Entries(), Announcements())  # type: ignore[arg-type]
    day_before = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    on_the_day = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)  # 01:00 on 8 December in Baku

    with pytest.raises(InvalidRequest, match=r"scheduled for 08 December 2026, not today"):
        states.check_opening_day(hearing, HearingState.OPEN, "", now=day_before)
    with pytest.raises(InvalidRequest, match="give the reason"):
        states.check_opening_day(hearing, HearingState.OPEN, "   ", now=day_before)
    states.check_opening_day(hearing, HearingState.OPEN, "the parties agreed", now=day_before)
    states.check_opening_day(hearing, HearingState.OPEN, "", now=on_the_day)
    # Only the opening asks: the hearing's later moves are the court's, whatever the day.
    states.check_opening_day(hearing, HearingState.IN_SESSION, "", now=day_before)


async def test_the_live_courtroom_s_opening_asks_the_same_before_anything_changes() -> None:
    # The live courtroom's path (server/live_courtroom.py): refused before the store is asked.
    hearing = Hearing(
        id=HearingId("hrg_live"),
        case_number="1-8/2026",
        title="T",
        scheduled_start=datetime.now(UTC) + timedelta(days=3),
    )
    states = HearingStates(None, Entries(), Announcements())  # type: ignore[arg-type]
    change = persisted_state_changes(states)

    with pytest.raises(InvalidRequest, match="give the reason"):
        await change(hearing, HearingState.OPEN, "staff:clerk", "")
