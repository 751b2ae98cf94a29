"""What the court decides outside the hearing reaches it at once (the security review's M1):
removing a participant, withdrawing a link or cancelling the hearing closes the live
sessions before the server answers, stops their media, and tells them why."""

from __future__ import annotations

from court.ids import HearingId
from court.roles import Role
from signaling.events import NAMESPACE, ServerEvent
from tests.signaling.conftest import HearingServer
from tests.signaling.helpers import frames_from
from tests.support.media import ColourCamera, ToneTrack


async def test_a_participant_removed_through_the_api_is_gone_before_it_answers(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    defendant = await hearing_server.join(Role.DEFENDANT)
    await frames_from(defendant, judge.participant_id, "audio", 10)
    sid = defendant.sio.get_sid(NAMESPACE)

    removed = await hearing_server.signaling.remove_participant(
        hearing_server.hearing_id, defendant.participant_id, "Removed by the clerk"
    )

    assert removed
    assert hearing_server.signaling.namespace.session(sid) is None
    await defendant.wait_until(lambda: bool(defendant.received(ServerEvent.REMOVED)))
    assert defendant.received(ServerEvent.REMOVED)[-1]["reason"] == "Removed by the clerk"
    live = hearing_server.signaling.hearings.find(HearingId(hearing_server.hearing_id))
    assert live is not None
    attendance = live.find(defendant.participant_id)
    assert attendance is not None and attendance.removed and attendance.session is None
    assert "participant_removed" in {e.kind for e in hearing_server.events}


async def test_a_withdrawn_link_closes_its_session_and_a_cancelled_hearing_everyones(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE)
    observer = await hearing_server.join(Role.OBSERVER, admit=False)
    witness = await hearing_server.join(Role.WITNESS, admit=False)
    observer_sid = observer.sio.get_sid(NAMESPACE)

    assert await hearing_server.signaling.close_sessions(
        hearing_server.hearing_id, observer.participant_id, "The court withdrew your join link."
    )
    assert hearing_server.signaling.namespace.session(observer_sid) is None

    sids = [c.sio.get_sid(NAMESPACE) for c in (judge, witness)]
    await hearing_server.signaling.end_hearing(
        hearing_server.hearing_id, "The court cancelled this hearing."
    )
    assert all(hearing_server.signaling.namespace.session(sid) is None for sid in sids)
    await witness.wait_until(lambda: bool(witness.received(ServerEvent.REMOVED)))
    assert (
        witness.received(ServerEvent.REMOVED)[-1]["reason"] == "The court cancelled this hearing."
    )
    # Nothing is left of the live hearing in this process.
    assert hearing_server.signaling.hearings.find(HearingId(hearing_server.hearing_id)) is None
