"""The live courtroom reaches court data through the adapters of server.live_courtroom."""

from __future__ import annotations

import pytest

from court.errors import InvalidState
from court.event_params import NO_PARAMS, Because, EventParams, StateChange
from court.events import HEARING, EventActor, EventKind, HearingEvent, Subject
from court.hearing import Participant
from court.hearing_state import HearingState
from court.ids import HearingId, ParticipantId
from court.record_time import format_record_time as record_time
from court.roles import Role
from server.hearing_states import HearingStates
from server.live_courtroom import (
    StoredCourtDecisions,
    hearing_events_audit,
    persisted_state_changes,
)
from signaling.live.decisions import StoredDecisions
from tests.server.conftest import Database
from tests.server.test_hearing_states import Announcements

CLERK = Participant(ParticipantId("prt_clerk"), HearingId("hrg_x"), "Clerk", Role.CLERK)


def event(kind: EventKind, params: EventParams, **fields: object) -> HearingEvent:
    base: dict[str, object] = {
        "hearing_id": "hrg_x",
        "kind": kind,
        "actor": EventActor.of(CLERK),
        "subject": Subject.participant("prt_d"),
        "params": params,
        "at": 1.0,
        "record_time_ms": 3_723_456,
    }
    base.update(fields)
    return HearingEvent(**base)  # type: ignore[arg-type]


async def test_moderation_events_are_audited_with_actor_subject_reason_and_record_time(
    database: Database,
) -> None:
    record = hearing_events_audit(database.audit)

    await record(event(EventKind.PARTICIPANT_MUTED, Because("speaking out of turn")))
    await record(event(EventKind.PARTICIPANT_ADMITTED, NO_PARAMS, record_time_ms=None))
    await record(event(EventKind.HEARING_LOCKED, NO_PARAMS, subject=HEARING))
    state_change = StateChange(HearingState.OPEN, HearingState.IN_SESSION, "")
    await record(event(EventKind.HEARING_STATE_CHANGED, state_change, subject=HEARING))

    entries = [e async for e in database.audit.entries.walk()]
    assert [(e.actor, e.action, e.object, e.reason) for e in entries] == [
        (
            "participant:prt_clerk (clerk)",
            "hearing.participant_muted",
            "hearing:hrg_x/participant:prt_d",
            "speaking out of turn (record time 01:02:03.456)",
        ),
        (
            "participant:prt_clerk (clerk)",
            "hearing.participant_admitted",
            "hearing:hrg_x/participant:prt_d",
            "",
        ),
        (
            "participant:prt_clerk (clerk)",
            "hearing.hearing_locked",
            "hearing:hrg_x",
            "(record time 01:02:03.456)",
        ),
    ]
    assert (await database.audit.verify()).ok


async def test_live_state_changes_are_persisted_and_illegal_ones_refused(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="1-9/2026", title="T")
    webhooks = Announcements()
    change = persisted_state_changes(HearingStates(database.hearings, database.audit, webhooks))

    opened = await change(hearing, HearingState.OPEN, "participant:prt_c (clerk)", "")
    with pytest.raises(InvalidState):
        await change(opened, HearingState.PAUSED, "participant:prt_j (judge)", "")

    stored = await database.hearings.get(hearing.id)
    assert stored is not None and stored.state is HearingState.OPEN
    assert [name for name, _ in webhooks.published] == ["hearing.opened"]


def test_record_times_read_as_hours_minutes_seconds_and_milliseconds() -> None:
    assert record_time(0) == "00:00:00.000"
    assert record_time(59_999) == "00:00:59.999"
    assert record_time(36_000_000) == "10:00:00.000"


async def test_the_courts_removal_and_lock_are_stored_and_read_back(database: Database) -> None:
    """What signaling.live.decisions asks of the database (the security review's M1): a
    removal with its reason until re-admission, and the lock."""
    hearing = await database.hearings.create(case_number="D-1", title="State v. Decided")
    witness = await database.participants.add(hearing.id, name="W", role=Role.WITNESS)
    observer = await database.participants.add(hearing.id, name="O", role=Role.OBSERVER)
    decisions = StoredCourtDecisions(database.hearings, database.participants)
    assert await decisions.of_hearing(hearing.id) == StoredDecisions()

    await decisions.remove(observer, "Filming the witness")
    await decisions.lock(hearing.id, True)
    stored = await decisions.of_hearing(hearing.id)
    assert stored.locked
    assert stored.removed == ((observer, "Filming the witness"),)

    await decisions.readmit(observer)
    await decisions.lock(hearing.id, False)
    assert await decisions.of_hearing(hearing.id) == StoredDecisions()
    assert witness not in [p for p, _ in stored.removed]
