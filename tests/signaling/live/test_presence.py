"""Comings and goings are coalesced in the protocol: one entry per participant per window,
ending on where the participant really is (signaling/live/presence.py)."""

from __future__ import annotations

import asyncio

from court.event_params import NO_PARAMS, Gap, Joined, LeaveReason, Left
from court.events import EventActor, EventKind, HearingEvent, Subject
from court.hearing import Participant
from court.ids import HearingId
from court.rooms import RoomKind
from signaling.live.presence import PresenceEntries, Stamp
from tests.signaling.live.fakes import ManualClock

WINDOW_S = 0.2


def event(kind: EventKind, participant: str, params: object) -> HearingEvent:
    return HearingEvent(
        hearing_id=HearingId("hrg_unit"),
        kind=kind,
        actor=EventActor.of(None),
        subject=Subject.participant(participant),
        params=params,  # type: ignore[arg-type]
        at=0.0,
        record_time_ms=None,
    )


Written = list[tuple[EventKind, str | None, int | None]]


def entries() -> tuple[Written, PresenceEntries, ManualClock]:
    written: Written = []
    clock = ManualClock()

    async def write(e: HearingEvent, by: Participant | None, stamp: Stamp) -> None:
        written.append((e.kind, e.subject.participant_id, stamp.record_ms))

    return written, PresenceEntries(clock, write, WINDOW_S), clock


async def test_a_link_opened_and_closed_in_a_loop_leaves_two_entries_not_a_hundred() -> None:
    written, presence, clock = entries()
    for n in range(50):
        await presence.offer(
            event(EventKind.PARTICIPANT_JOINED, "par_a", Joined(RoomKind.WAITING)),
            None,
            Stamp("rec", 2 * n),
        )
        await presence.offer(
            event(EventKind.PARTICIPANT_LEFT, "par_a", Left(LeaveReason.LEFT)),
            None,
            Stamp("rec", 2 * n + 1),
        )
        clock.now += 0.001
    assert written == [(EventKind.PARTICIPANT_JOINED, "par_a", 0)]

    await asyncio.sleep(WINDOW_S * 2)

    # The window over, the last of them is written, stamped where it happened.
    assert written == [
        (EventKind.PARTICIPANT_JOINED, "par_a", 0),
        (EventKind.PARTICIPANT_LEFT, "par_a", 99),
    ]


async def test_each_participant_has_a_window_of_their_own() -> None:
    written, presence, _ = entries()
    await presence.offer(
        event(EventKind.CONNECTION_LOST, "par_a", NO_PARAMS), None, Stamp("rec", 1)
    )
    await presence.offer(
        event(EventKind.CONNECTION_LOST, "par_b", NO_PARAMS), None, Stamp("rec", 2)
    )
    assert [w[1] for w in written] == ["par_a", "par_b"]


async def test_after_a_quiet_window_the_next_is_written_at_once() -> None:
    written, presence, clock = entries()
    await presence.offer(
        event(EventKind.CONNECTION_LOST, "par_a", NO_PARAMS), None, Stamp("rec", 1)
    )
    clock.now += WINDOW_S + 0.01
    await presence.offer(
        event(EventKind.CONNECTION_RESTORED, "par_a", Gap(3.0)), None, Stamp("rec", 2)
    )
    assert [w[0] for w in written] == [EventKind.CONNECTION_LOST, EventKind.CONNECTION_RESTORED]


async def test_closing_the_hearing_writes_what_is_held_and_then_everything_at_once() -> None:
    written, presence, _ = entries()
    await presence.offer(
        event(EventKind.PARTICIPANT_JOINED, "par_a", Joined(RoomKind.HEARING)),
        None,
        Stamp("rec", 1),
    )
    await presence.offer(
        event(EventKind.PARTICIPANT_LEFT, "par_a", Left(LeaveReason.DISCONNECTED)),
        None,
        Stamp("rec", 2),
    )
    assert len(written) == 1

    await presence.flush()
    await presence.offer(
        event(EventKind.PARTICIPANT_LEFT, "par_a", Left(LeaveReason.CLOSED)), None, Stamp("rec", 3)
    )

    assert [w[2] for w in written] == [1, 2, 3]
    await asyncio.sleep(WINDOW_S * 2)
    assert len(written) == 3  # nothing held is written twice
