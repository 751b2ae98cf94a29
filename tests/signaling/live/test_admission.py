"""Admission against fakes: who comes in, by which command, and who is told (no WebRTC)."""

from __future__ import annotations

from pathlib import Path

import pytest

from court.errors import InvalidState
from court.event_params import LeaveReason
from court.events import EventKind
from court.hearing_state import HearingState
from court.roles import Role
from court.rooms import RoomKind
from signaling.live.features.admission import Admission
from signaling.live.server_events import ServerEvent
from tests.signaling.live.fakes import LiveUnderTest, hearing_with_fakes


def admission(h: LiveUnderTest) -> Admission:
    return Admission(
        h.live,
        audience=h.audience,
        roster=h.roster,
        transfers=h.transfers,
        events=h.events,
        disconnect=h.disconnect,
    )


async def test_admit_transfers_a_waiting_party_and_publishes_it(hearing: LiveUnderTest) -> None:
    judge = hearing.attend(Role.JUDGE)
    defendant = hearing.attend(Role.DEFENDANT, RoomKind.WAITING)

    await admission(hearing).admit(judge.participant, defendant.id)

    assert hearing.transfers.done == [(defendant.id, RoomKind.HEARING, "admitted")]
    assert hearing.events.kinds() == [EventKind.PARTICIPANT_ADMITTED]
    assert hearing.events.published[0].subject.participant_id == defendant.id


async def test_a_witness_is_called_never_admitted_with_the_others(hearing: LiveUnderTest) -> None:
    judge = hearing.attend(Role.JUDGE)
    witness = hearing.attend(Role.WITNESS, RoomKind.WAITING)
    victim = hearing.attend(Role.VICTIM, RoomKind.WAITING)
    feature = admission(hearing)

    with pytest.raises(InvalidState, match="Call witness"):
        await feature.admit(judge.participant, witness.id)
    assert await feature.admit_all(judge.participant) == [victim.id]
    assert witness.room.kind is RoomKind.WAITING

    await feature.call_witness(judge.participant, witness.id)
    assert hearing.transfers.done[-1] == (witness.id, RoomKind.HEARING, "called")
    assert hearing.events.kinds()[-1] is EventKind.WITNESS_CALLED


async def test_nobody_is_admitted_before_the_waiting_room_opens(tmp_path: Path) -> None:
    scheduled = hearing_with_fakes(tmp_path, HearingState.SCHEDULED)
    judge = scheduled.attend(Role.JUDGE)
    defendant = scheduled.attend(Role.DEFENDANT, RoomKind.WAITING)

    with pytest.raises(InvalidState, match="Open the waiting room"):
        await admission(scheduled).admit(judge.participant, defendant.id)
    assert scheduled.transfers.done == []
    assert scheduled.events.published == []


async def test_a_released_witness_is_told_forgotten_and_disconnected(
    hearing: LiveUnderTest,
) -> None:
    judge = hearing.attend(Role.JUDGE)
    witness = hearing.attend(Role.WITNESS)

    await admission(hearing).dismiss_witness(judge.participant, witness.id, release=True)

    assert hearing.transfers.done == [(witness.id, RoomKind.WAITING, "dismissed")]
    assert hearing.audience.events_to(witness.id) == [ServerEvent.REMOVED]
    assert hearing.live.find(witness.id) is None
    assert [(pid, left.cause) for pid, left in hearing.disconnect.dropped] == [
        (witness.id, LeaveReason.RELEASED)
    ]
    assert hearing.events.kinds() == [EventKind.WITNESS_RELEASED]
    assert hearing.roster.changes == 1
