"""A system protocol entry keeps the event it was written from (kind and parameters): stored,
signed and bound with it; entries written before events were kept read and verify as before."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

from court.event_params import Gap, StateChange
from court.event_text import event_text
from court.events import SYSTEM, HearingEvent, Subject, WrittenEvent
from court.events import EventKind as K
from court.hearing_state import HearingState
from court.protocol import (
    EntryKind,
    ProtocolEntry,
    ProtocolSignature,
    SignerRole,
    protocol_digest,
    protocol_json,
)
from server.persistence.database import create_engine, migrate, sessions
from server.persistence.repositories import ProtocolRepository
from server.protocol_binding import BoundProtocol, differences, signed_document
from server.settings import Settings
from tests.server.conftest import Database
from tests.server.migration_support import upgrade_to_just_before

STATE = WrittenEvent(
    K.HEARING_STATE_CHANGED,
    StateChange(HearingState.OPEN, HearingState.IN_SESSION, "the court sits"),
)
GAP = WrittenEvent(K.PARTICIPANT_RECONNECTED, Gap(3.2718))


def _system_entry(hearing_id: str, entry_id: str, event: WrittenEvent | None) -> ProtocolEntry:
    return ProtocolEntry(
        id=entry_id,
        hearing_id=hearing_id,
        number=0,
        kind=EntryKind.EVENT,
        recording_id="rec_1",
        record_ms=1500,
        speaker_id=None,
        text="Witness called" if event is None else event_text(event),
        author="system",
        automatic=True,
        created_at=1_700_000_000.0,
        updated_at=1_700_000_000.0,
        event=event,
    )


async def test_a_system_entry_is_stored_with_its_event_and_read_back_equal(
    database: Database,
) -> None:
    hearing = await database.hearings.create(case_number="E-1", title="T")
    protocol = database.protocol
    await protocol.add(_system_entry(hearing.id, "ent_e1", STATE))
    await protocol.add(_system_entry(hearing.id, "ent_e2", GAP))
    await protocol.add(_system_entry(hearing.id, "ent_e3", None))

    first, second, third = await protocol.of_hearing(hearing.id)
    assert (first.event, second.event, third.event) == (STATE, GAP, None)
    assert second.text == "Reconnected: after a gap of 3.3 s"


def test_the_signed_protocol_holds_each_event_and_an_entry_without_one_as_it_always_was() -> None:
    entries = [
        replace(_system_entry("hrg_s", "ent_1", STATE), number=1),
        replace(_system_entry("hrg_s", "ent_2", None), number=2),
    ]
    signed = json.loads(protocol_json("hrg_s", entries))["entries"]
    assert signed[0]["event"] == {
        "kind": "hearing_state_changed",
        "params": {"before": "open", "after": "in_session", "reason": "the court sits"},
    }
    # The form protocols were signed in before events were kept: no key was added.
    assert set(signed[1]) == {
        "number",
        "kind",
        "recording_id",
        "record_ms",
        "speaker_id",
        "text",
        "author",
        "automatic",
    }


def test_a_bound_protocol_verifies_and_an_altered_event_is_a_difference() -> None:
    entries = [replace(_system_entry("hrg_b", "ent_1", STATE), number=1)]
    signature = ProtocolSignature(
        "hrg_b", SignerRole.JUDGE, "staff:judge", protocol_digest("hrg_b", entries), 1.0
    )
    bound = BoundProtocol("rec_1", signed_document("hrg_b", entries, [signature]))
    assert differences("hrg_b", entries, [signature], bound) == []

    altered = StateChange(HearingState.OPEN, HearingState.CLOSED, "the court sits")
    tampered = [replace(entries[0], event=replace(STATE, params=altered))]
    (found,) = differences("hrg_b", tampered, [signature], bound)
    assert (found.entry, found.field) == (1, "event")


async def test_entries_written_before_events_were_kept_are_read_as_written_after_the_upgrade(
    settings: Settings,
) -> None:
    url = settings.database_url
    await upgrade_to_just_before(url, "_protocol_entry_events.py")
    with sqlite3.connect(settings.data_dir / "courtroom.db") as db:
        db.execute(
            "INSERT INTO hearings (id, case_number, title, created_at) "
            "VALUES ('hrg_old', '1-1/2025', 'Old', '2025-01-01 10:00:00')"
        )
        db.execute(
            "INSERT INTO protocol_entries (id, hearing_id, number, kind, recording_id, "
            "record_ms, speaker_id, text, author, automatic, created_at, updated_at) "
            "VALUES ('ent_old', 'hrg_old', 1, 'event', 'rec_1', 1000, 'prt_w', "
            "'Witness called', 'system', 1, '2025-01-01 10:00:00', '2025-01-01 10:00:00')"
        )
    legacy = replace(_system_entry("hrg_old", "ent_old", None), number=1)
    before = protocol_json("hrg_old", [replace(legacy, speaker_id="prt_w", record_ms=1000)])

    await migrate(url)

    engine = create_engine(url)
    try:
        (entry,) = await ProtocolRepository(sessions(engine)).of_hearing("hrg_old")
    finally:
        await engine.dispose()
    assert (entry.event, entry.text) == (None, "Witness called")
    assert protocol_json("hrg_old", [entry]) == before  # a digest signed before still holds


def test_a_hearing_event_says_its_reason_as_the_audit_log_always_did() -> None:
    event = HearingEvent(
        hearing_id="hrg_x",
        kind=K.CONNECTION_RESTORED,
        actor=SYSTEM,
        subject=Subject.participant("prt_d"),
        params=Gap(2.04),
        at=1.0,
        record_time_ms=None,
    )
    assert (event.reason, event.actor.label, event.subject.label) == (
        "after 2.0 s",
        "system",
        "participant:prt_d",
    )
