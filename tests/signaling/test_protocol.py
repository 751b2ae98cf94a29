"""The court protocol in a live hearing: the bench writes entries stamped with record time,
the court's actions are written down by themselves, and nobody else may write."""

from __future__ import annotations

import asyncio
from typing import Any, get_args

from court.events import EventKind
from court.protocol import MAX_ENTRY_TEXT, EntryKind
from court.roles import Role
from recordings.source import MASTER_LAG_MS
from signaling.events import ClientEvent, ServerEvent
from signaling.messages import EntryKindName
from tests.signaling.conftest import HearingServer
from tests.signaling.test_courtroom import refused

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def entries_seen(client: Any) -> dict[str, dict[str, Any]]:
    """The latest version of every entry the client was told of, by id."""
    seen: dict[str, dict[str, Any]] = {}
    for event in client.received(ServerEvent.PROTOCOL_ENTRY):
        seen[event["entry"]["id"]] = event["entry"]
    return seen


async def test_the_clerk_writes_entries_stamped_with_record_time_and_the_judge_sees_them(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    witness = await hearing_server.join(Role.WITNESS, admit=False)
    await clerk.command(ClientEvent.CALL_WITNESS, {"participant_id": witness.participant_id})
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    loop = asyncio.get_running_loop()
    in_session = loop.time()  # the recording started just before this
    await asyncio.sleep(1.2)

    sent = loop.time()
    created = (
        await clerk.command(
            ClientEvent.WRITE_PROTOCOL_ENTRY,
            {
                "kind": "statement",
                "text": "The witness",
                "began_ms_ago": 500,
                "speaker_id": witness.participant_id,
            },
        )
    )["entry"]
    assert created["recording_id"] is not None
    answered = loop.time()
    # Record time when typing began (500 ms before sending), where the master hears it.
    low = (sent - in_session) * 1000 - 500 + MASTER_LAG_MS - 20
    high = (answered - in_session) * 1000 - 500 + MASTER_LAG_MS + 150
    assert low <= created["record_ms"] <= high, (low, created["record_ms"], high)
    assert created["author"].startswith(f"participant:{clerk.participant_id}")
    saved = (
        await clerk.command(
            ClientEvent.WRITE_PROTOCOL_ENTRY,
            {
                "entry_id": created["id"],
                "kind": "statement",
                "text": HOSTILE,
                "speaker_id": witness.participant_id,
                "record_ms": 250,
            },
        )
    )["entry"]
    assert (saved["number"], saved["text"], saved["record_ms"]) == (created["number"], HOSTILE, 250)

    await judge.wait_until(
        lambda: entries_seen(judge).get(created["id"], {}).get("text") == HOSTILE
    )
    assert witness.received(ServerEvent.PROTOCOL_ENTRY) == []  # only the bench follows it

    # The court's own actions were written down by themselves, in order, with record time.
    stored = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    automatic = [e for e in stored if e.automatic]
    texts = [e.text for e in automatic]
    assert any(t.startswith("Witness called") for t in texts)
    assert "The hearing's state changed: Open → In session" in texts
    assert [e.number for e in stored] == list(range(1, len(stored) + 1))
    written = [e for e in stored if not e.automatic]
    assert [(e.text, e.speaker_id) for e in written] == [(HOSTILE, witness.participant_id)]

    # Whoever of the bench joins later (or rejoins) gets the protocol so far with the join;
    # nobody else gets it.
    second_clerk = await hearing_server.join(Role.CLERK, "Second Clerk")
    stored = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    joined_with = [e["id"] for e in second_clerk.join_data["protocol"]]
    assert joined_with == [e.id for e in stored if e.id in joined_with]
    assert created["id"] in joined_with and len(joined_with) >= len(texts) + 1
    assert witness.join_data["protocol"] == []


async def test_only_the_bench_writes_and_bad_entries_change_nothing(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    defence = await hearing_server.join(Role.DEFENCE)
    first = (await clerk.command(ClientEvent.WRITE_PROTOCOL_ENTRY, {"kind": "note", "text": "x"}))[
        "entry"
    ]
    assert first["record_ms"] is None  # not recorded yet: an entry off the record
    before = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)

    assert (
        await refused(defence, ClientEvent.WRITE_PROTOCOL_ENTRY, {"kind": "note", "text": "mine"})
        == "permission_denied"
    )
    for bad in (
        {"kind": "note", "text": "x" * (MAX_ENTRY_TEXT + 1)},
        {"kind": "event", "text": "I am the system"},
        {"kind": "gossip", "text": "x"},
        {"kind": "note", "text": "x", "speaker_id": "prt_nobody"},
        {"kind": "note", "text": "x", "began_ms_ago": -1},
        {"kind": "note", "text": "x", "entry_id": "ent_nothing"},
        {"kind": "note", "text": "moved", "entry_id": first["id"], "record_ms": 10},
        {"kind": "note", "text": 5},
        {"kind": "note", "extra": True},
    ):
        assert await refused(clerk, ClientEvent.WRITE_PROTOCOL_ENTRY, bad) in (
            "invalid_request",
            "not_found",
        ), bad
    automatic = next(e for e in before if e.automatic)
    assert (
        await refused(
            clerk,
            ClientEvent.WRITE_PROTOCOL_ENTRY,
            {"kind": "note", "text": "rewritten", "entry_id": automatic.id},
        )
        == "invalid_request"
    )
    after = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    assert [(e.id, e.text, e.record_ms) for e in after[: len(before)]] == [
        (e.id, e.text, e.record_ms) for e in before
    ]


async def test_the_bench_sees_how_often_an_entry_was_edited_but_not_how_often_it_was_saved(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    write = ClientEvent.WRITE_PROTOCOL_ENTRY
    entry = (await clerk.command(write, {"kind": "statement", "text": "I"}))["entry"]
    assert entry["revisions"] == 1
    for typed in ("I saw", "I saw the", "I saw the car"):  # saved as typed
        saved = {"entry_id": entry["id"], "kind": "statement", "text": typed}
        entry = (await clerk.command(write, saved))["entry"]
    assert entry["revisions"] == 1
    edited = {"entry_id": entry["id"], "kind": "statement", "text": "I saw no car"}
    entry = (await judge.command(write, edited))["entry"]
    assert entry["revisions"] == 2
    await clerk.wait_until(lambda: entries_seen(clerk).get(entry["id"], {}).get("revisions") == 2)
    kept = await hearing_server.protocol.revisions(entry["id"])
    assert [(r.text, r.saved_by.split(" ")[-1]) for r in kept] == [
        ("I saw the car", "(clerk)"),
        ("I saw no car", "(judge)"),
    ]


def test_the_wire_names_every_entry_kind() -> None:
    assert set(get_args(EntryKindName)) == {k.value for k in EntryKind}


async def test_unlocking_the_door_and_releasing_a_witness_are_written_down_with_their_events(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    witness = await hearing_server.join(Role.WITNESS, admit=False)
    await clerk.command(ClientEvent.LOCK_HEARING, {"locked": True})
    await clerk.command(ClientEvent.LOCK_HEARING, {"locked": False})
    await clerk.command(ClientEvent.CALL_WITNESS, {"participant_id": witness.participant_id})
    await clerk.command(
        ClientEvent.DISMISS_WITNESS, {"participant_id": witness.participant_id, "release": True}
    )

    stored = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    events = [(e.event.kind, e.text, e.speaker_id) for e in stored if e.event is not None]
    assert (EventKind.HEARING_LOCKED, "The hearing's door was locked", None) in events
    assert (EventKind.HEARING_UNLOCKED, "The hearing's door was unlocked", None) in events
    released = (EventKind.WITNESS_RELEASED, "Witness released", witness.participant_id)
    assert released in events
    # Every system entry keeps the event it was written from; people's entries have none.
    assert all(e.event is not None for e in stored if e.automatic)
