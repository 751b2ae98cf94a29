"""Screen sharing against fakes: a share ends when its sharer leaves the room, and says why."""

from __future__ import annotations

import pytest

from court.event_params import LeaveReason, Left, ShareEnd, ShareEnded
from court.events import EventKind
from court.roles import Role
from court.rooms import RoomKind
from signaling.live.attendance import Attendance
from signaling.live.features.screen_sharing import ScreenSharing
from signaling.live.ports import ExitCause, RoomExit
from signaling.live.server_events import ServerEvent
from tests.signaling.live.fakes import LiveUnderTest


def screens(h: LiveUnderTest) -> ScreenSharing:
    return ScreenSharing(h.live, audience=h.audience, roster=h.roster, events=h.events)


def sharing(attendance: Attendance) -> Attendance:
    attendance.room.screen_sharer = attendance.id
    return attendance


@pytest.mark.parametrize(
    ("exit", "ended"),
    [
        (RoomExit(ExitCause.TRANSFERRED), ShareEnded(ShareEnd.TRANSFERRED)),
        (RoomExit(ExitCause.REMOVED), ShareEnded(ShareEnd.REMOVED)),
        (
            RoomExit(ExitCause.LEFT, Left(LeaveReason.DISCONNECTED)),
            ShareEnded(ShareEnd.SHARER_LEFT, left=LeaveReason.DISCONNECTED),
        ),
    ],
)
async def test_a_share_ends_with_its_sharer_leaving_and_says_why(
    hearing: LiveUnderTest, exit: RoomExit, ended: ShareEnded
) -> None:
    prosecutor = sharing(hearing.attend(Role.PROSECUTOR))

    await screens(hearing).leaving_room(prosecutor, exit)

    assert hearing.live.hearing_room.screen_sharer is None
    assert hearing.audience.events_to("room:hearing") == [ServerEvent.SCREEN_SHARE_STOPPED]
    (stopped,) = hearing.events.published
    assert (stopped.kind, stopped.params) == (EventKind.SCREEN_SHARE_STOPPED, ended)


async def test_someone_elses_leaving_ends_no_share(hearing: LiveUnderTest) -> None:
    sharing(hearing.attend(Role.PROSECUTOR))
    counsel = hearing.attend(Role.DEFENCE)

    await screens(hearing).leaving_room(counsel, RoomExit(ExitCause.TRANSFERRED))

    assert hearing.live.hearing_room.screen_sharer is not None
    assert hearing.events.published == [] and hearing.audience.told == []


async def test_a_share_in_a_consultation_is_no_hearing_event(hearing: LiveUnderTest) -> None:
    counsel = hearing.attend(Role.DEFENCE)
    room = hearing.live.open_consultation_room("cns_test")
    await hearing.transfers.transfer(counsel, room, "consultation_started")
    sharing(counsel)

    await screens(hearing).leaving_room(counsel, RoomExit(ExitCause.TRANSFERRED))

    assert hearing.audience.events_to(f"room:{RoomKind.CONSULTATION.value}") == [
        ServerEvent.SCREEN_SHARE_STOPPED
    ]
    assert hearing.events.published == []
