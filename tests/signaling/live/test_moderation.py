"""Moderation against fakes: the court's actions on one participant (no WebRTC)."""

from __future__ import annotations

from pathlib import Path

import pytest

from court.errors import PermissionDenied
from court.event_params import Because, LeaveReason
from court.events import EventKind, HearingEvent
from court.roles import Role
from court.rooms import RoomKind
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling.live.courtroom import Courtroom, Stores, change_state_in_memory
from signaling.live.features.chat import not_stored
from signaling.live.features.exhibits import MemoryExhibitStore
from signaling.live.features.moderation import Moderation
from signaling.live.features.protocol import MemoryProtocolStore
from signaling.live.ports import ExitCause, Payload
from signaling.live.server_events import ServerEvent
from signaling.live.session import Session
from tests.signaling.live.fakes import LiveUnderTest, ManualClock


async def _nowhere(sid: str, event: str, data: Payload) -> None:
    pass


async def _unaudited(event: HearingEvent) -> None:
    pass


def moderation(h: LiveUnderTest) -> Moderation:
    return Moderation(
        h.live,
        audience=h.audience,
        roster=h.roster,
        events=h.events,
        exits=h.exits,
        disconnect=h.disconnect,
        decisions=h.decisions,
    )


async def test_removal_ends_what_the_participant_was_part_of_before_they_go(
    hearing: LiveUnderTest,
) -> None:
    judge = hearing.attend(Role.JUDGE)
    observer = hearing.attend(Role.OBSERVER)

    await moderation(hearing).remove(judge.participant, observer.id, "Disturbing the hearing")

    # The hook (shares, consultations) runs while they are still in their room.
    assert [(pid, e.cause) for pid, e in hearing.exits.exits] == [(observer.id, ExitCause.REMOVED)]
    assert observer.removed and observer.room.kind is RoomKind.WAITING
    assert hearing.audience.events_to(observer.id) == [ServerEvent.REMOVED]
    assert [(p, left.cause) for p, left in hearing.disconnect.dropped] == [
        (observer.id, LeaveReason.REMOVED)
    ]
    (removed,) = hearing.events.published
    assert removed.kind is EventKind.PARTICIPANT_REMOVED
    assert removed.params == Because("Disturbing the hearing")


async def test_the_bench_cannot_be_removed_and_nothing_changes(hearing: LiveUnderTest) -> None:
    judge = hearing.attend(Role.JUDGE)
    clerk = hearing.attend(Role.CLERK)

    with pytest.raises(PermissionDenied):
        await moderation(hearing).remove(judge.participant, clerk.id, "no")
    assert not clerk.removed
    assert hearing.exits.exits == [] and hearing.disconnect.dropped == []
    assert hearing.events.published == [] and hearing.audience.told == []


async def test_a_party_cannot_moderate(hearing: LiveUnderTest) -> None:
    counsel = hearing.attend(Role.DEFENCE)
    defendant = hearing.attend(Role.DEFENDANT)

    with pytest.raises(PermissionDenied):
        await moderation(hearing).mute(counsel.participant, defendant.id, "")
    assert not defendant.muted_by_court


async def test_muted_by_the_court_a_participant_unmutes_only_when_asked(
    hearing: LiveUnderTest,
) -> None:
    judge = hearing.attend(Role.JUDGE)
    witness = hearing.attend(Role.WITNESS)
    feature = moderation(hearing)

    await feature.mute(judge.participant, witness.id, "Wait for the question")
    assert witness.muted and hearing.audience.events_to(witness.id) == [ServerEvent.MUTED]
    with pytest.raises(PermissionDenied, match="court muted"):
        await feature.set_muted(witness.participant, False)

    await feature.request_unmute(judge.participant, witness.id)
    await feature.set_muted(witness.participant, False)
    assert not witness.muted
    assert hearing.events.kinds() == [EventKind.PARTICIPANT_MUTED, EventKind.UNMUTE_REQUESTED]


async def test_a_heartbeat_is_read_on_the_hearings_clock(hearing: LiveUnderTest) -> None:
    defendant = hearing.attend(Role.DEFENDANT)
    hearing.clock.now = 1234.5

    moderation(hearing).heartbeat(defendant.participant)

    assert defendant.last_heartbeat == 1234.5


async def test_a_removal_and_the_lock_are_stored_and_a_new_process_takes_them_up(
    hearing: LiveUnderTest, tmp_path: Path
) -> None:
    """The security review's M1: the court's removal and lock outlive the process."""
    judge = hearing.attend(Role.JUDGE)
    observer = hearing.attend(Role.OBSERVER)
    feature = moderation(hearing)
    await feature.lock(judge.participant, True)
    await feature.remove(judge.participant, observer.id, "Filming the witness")
    assert hearing.decisions.removed[observer.id][1] == "Filming the witness"

    # Another process holds the hearing now: the same stored decisions, a new live hearing.
    again = Courtroom(
        hearing.live.hearing,
        media=MediaSettings(),
        recordings=RecordingStore(tmp_path / "again", ManualClock()),
        stores=Stores(not_stored, MemoryProtocolStore(), MemoryExhibitStore(), hearing.decisions),
        emit=_nowhere,
        disconnect=hearing.disconnect,
        change_state=change_state_in_memory,
        events=_unaudited,
    )
    await again.restore()
    assert again.live.locked
    with pytest.raises(PermissionDenied, match="removed you"):
        await again.live.place(Session("sid-again", again.hearing, observer.participant))
    # The court may still re-admit them, and that is stored too.
    await again.moderation.readmit(judge.participant, observer.id)
    assert observer.id not in hearing.decisions.removed
