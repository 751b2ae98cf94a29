"""The waiting room tells those who wait nothing of each other, nor the bench's reasons
(the security review's M2), with the real audience, roster and transfers (no WebRTC)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from court.hearing_state import HearingState
from court.roles import Role
from court.rooms import RoomKind
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling.live.audience import HearingAudience
from signaling.live.courtroom import Courtroom, Stores, change_state_in_memory
from signaling.live.features.chat import not_stored
from signaling.live.features.exhibits import MemoryExhibitStore
from signaling.live.features.protocol import MemoryProtocolStore
from signaling.live.hooks import Hooks
from signaling.live.ports import Payload
from signaling.live.roster import HearingRoster
from signaling.live.server_events import ServerEvent
from signaling.live.transfers import RoomTransfers
from tests.signaling.live.fakes import LiveUnderTest, ManualClock, hearing_with_fakes

Sent = list[tuple[str, str, dict[str, Any]]]


def real_parts(h: LiveUnderTest) -> tuple[Sent, HearingRoster, RoomTransfers]:
    sent: Sent = []

    async def emit(sid: str, event: str, data: Payload) -> None:
        sent.append((sid, event, dict(data)))

    hooks = Hooks()
    audience = HearingAudience(h.live, emit)
    roster = HearingRoster(h.live, audience, hooks)
    return sent, roster, RoomTransfers(h.live, audience, roster, hooks)


async def test_those_who_wait_learn_nothing_of_each_other(hearing: LiveUnderTest) -> None:
    sent, roster, transfers = real_parts(hearing)
    hearing.attend(Role.JUDGE)
    witness = hearing.attend(Role.WITNESS, RoomKind.WAITING)
    victim = hearing.attend(Role.VICTIM, RoomKind.WAITING)
    observer = hearing.attend(Role.OBSERVER, RoomKind.WAITING)

    assert roster.others_in(hearing.live.waiting_room, observer) == []
    await roster.participant_updated(victim)
    await transfers.transfer(witness, hearing.live.hearing_room, "called")
    await transfers.transfer(witness, hearing.live.waiting_room, "dismissed")

    waiting_sids = {a.session.sid for a in (witness, victim, observer) if a.session}
    about_others = [
        (sid, event)
        for sid, event, data in sent
        if sid in waiting_sids
        and event
        in {
            ServerEvent.PARTICIPANT_JOINED,
            ServerEvent.PARTICIPANT_LEFT,
            ServerEvent.PARTICIPANT_UPDATED,
        }
    ]
    assert about_others == []
    # The witness is told of their own moves, and in the waiting room of nobody there.
    (back,) = [
        d for sid, e, d in sent if e == ServerEvent.ROOM_CHANGED and d["reason"] == "dismissed"
    ]
    assert back["participants"] == []


async def test_the_benchs_reason_for_a_pause_stays_in_the_hearing_room(tmp_path: Path) -> None:
    sent: Sent = []

    async def emit(sid: str, event: str, data: Payload) -> None:
        sent.append((sid, event, dict(data)))

    async def disconnect(*_: object, **__: object) -> None:
        pass

    async def sink(_: object) -> None:
        pass

    h = hearing_with_fakes(tmp_path / "fakes", HearingState.IN_SESSION)
    courtroom = Courtroom(
        h.live.hearing,
        media=MediaSettings(),
        recordings=RecordingStore(tmp_path / "recordings", ManualClock()),
        stores=Stores(not_stored, MemoryProtocolStore(), MemoryExhibitStore()),
        emit=emit,
        disconnect=disconnect,
        change_state=change_state_in_memory,
        events=sink,
    )
    h.live = courtroom.live
    judge = h.attend(Role.JUDGE)
    counsel = h.attend(Role.DEFENCE)
    witness = h.attend(Role.WITNESS, RoomKind.WAITING)

    await courtroom.set_state(judge.participant, HearingState.PAUSED, "The witness contradicted")

    reasons = {
        sid: data["reason"]
        for sid, event, data in sent
        if event == ServerEvent.HEARING_STATE_CHANGED
    }
    assert judge.session and counsel.session and witness.session
    assert reasons[judge.session.sid] == reasons[counsel.session.sid] == "The witness contradicted"
    assert reasons[witness.session.sid] == ""
