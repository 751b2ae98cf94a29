"""Hearing events as values: every kind written into the protocol or deliberately not, every
kind's parameters through JSON and back, and the labels the audit log has always used."""

from __future__ import annotations

import pytest

from court.event_params import (
    NO_PARAMS,
    Because,
    ChatSent,
    ConsultationEnd,
    ConsultationEnded,
    EventParams,
    ExhibitDescribed,
    ExhibitHidden,
    ExhibitNumber,
    ExhibitOffered,
    ExhibitRuled,
    Gap,
    Joined,
    LeaveReason,
    Left,
    NoParams,
    RecordResumed,
    ShareEnd,
    ShareEnded,
    StateChange,
)
from court.events import (
    CLERK,
    HEARING,
    PARAMS_OF,
    SYSTEM,
    ActorKind,
    EventActor,
    EventKind,
    Subject,
    WrittenEvent,
    audit_reason,
)
from court.exhibits import ExhibitStatus
from court.hearing import Participant
from court.hearing_state import HearingState
from court.ids import HearingId, ParticipantId
from court.roles import Role
from court.rooms import RoomKind

# One example of each kind of parameters.
SAMPLES: dict[type[EventParams], EventParams] = {
    NoParams: NO_PARAMS,
    Because: Because("speaking out of turn"),
    Left: Left(LeaveReason.NEGOTIATION_FAILED, "no answer"),
    ShareEnded: ShareEnded(ShareEnd.BY_COURT, role=Role.JUDGE),
    ConsultationEnded: ConsultationEnded(ConsultationEnd.DECLINED, "Иван Петров"),
    StateChange: StateChange(HearingState.OPEN, HearingState.IN_SESSION, "the court sits"),
    Joined: Joined(RoomKind.WAITING),
    Gap: Gap(3.25),
    RecordResumed: RecordResumed(HearingState.IN_SESSION, "rec_2"),
    ChatSent: ChatSent("msg_1", 12),
    ExhibitOffered: ExhibitOffered(1, "Əli Məmmədov (Witness)", "Photograph"),
    ExhibitDescribed: ExhibitDescribed(2, "A knife"),
    ExhibitRuled: ExhibitRuled(1, ExhibitStatus.ADMITTED, ""),
    ExhibitNumber: ExhibitNumber(3),
    ExhibitHidden: ExhibitHidden(3, 5_000, 9_000),
}


def sample(kind: EventKind) -> EventParams:
    return SAMPLES[PARAMS_OF[kind]]


def test_every_kind_carries_its_own_parameters_and_no_others() -> None:
    assert set(PARAMS_OF) == set(EventKind)
    assert set(SAMPLES) == set(PARAMS_OF.values())
    with pytest.raises(TypeError):
        WrittenEvent(EventKind.HEARING_STATE_CHANGED, Because("no before and after"))


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_kinds_parameters_go_through_json_and_come_back_equal(kind: EventKind) -> None:
    event = WrittenEvent(kind, sample(kind))
    stored = event.as_json()
    assert WrittenEvent.from_json(stored["kind"], stored["params"]) == event


def test_parameters_that_do_not_fit_their_kind_are_refused() -> None:
    with pytest.raises(ValueError):
        WrittenEvent.from_json("participant_muted", {"why": "x"})
    with pytest.raises(ValueError):
        WrittenEvent.from_json("no_such_kind", {})


def test_the_audit_reasons_are_those_the_audit_log_always_recorded() -> None:
    state = StateChange(HearingState.OPEN, HearingState.IN_SESSION, "sits")
    assert audit_reason(EventKind.HEARING_STATE_CHANGED, state) == "open -> in_session: sits"
    assert audit_reason(EventKind.PARTICIPANT_RECONNECTED, Gap(2.06)) == "after a gap of 2.1 s"
    assert audit_reason(EventKind.CONNECTION_RESTORED, Gap(2.06)) == "after 2.1 s"
    assert audit_reason(EventKind.CHAT_MESSAGE, ChatSent("m1", 5)) == "message m1, 5 characters"
    assert audit_reason(EventKind.PARTICIPANT_JOINED, Joined(RoomKind.HEARING)) == "hearing"
    resumed = RecordResumed(HearingState.IN_SESSION, "rec_2")
    assert audit_reason(EventKind.RECORDING_RESUMED, resumed) == (
        "the hearing was in session without a recorder (the server restarted); "
        "the record resumes in recording rec_2"
    )
    assert audit_reason(EventKind.WITNESS_CALLED, NO_PARAMS) == ""
    left = Left(LeaveReason.DISCONNECTED)
    assert audit_reason(EventKind.PARTICIPANT_LEFT, left) == "disconnected"
    failed = Left(LeaveReason.NEGOTIATION_FAILED, "timed out")
    assert audit_reason(EventKind.PARTICIPANT_LEFT, failed) == "negotiation failed: timed out"
    shares = {
        ShareEnded(ShareEnd.BY_SHARER): "stopped by the sharer",
        ShareEnded(ShareEnd.BY_COURT, role=Role.CLERK): "stopped by the court (Court clerk)",
        ShareEnded(ShareEnd.TRANSFERRED): "transferred",
        ShareEnded(ShareEnd.REMOVED): "removed",
        ShareEnded(ShareEnd.SHARER_LEFT, left=LeaveReason.DISCONNECTED): "disconnected",
    }
    for share, said in shares.items():
        assert audit_reason(EventKind.SCREEN_SHARE_STOPPED, share) == said
    consultations = {
        ConsultationEnded(ConsultationEnd.DECLINED, "Ann"): "declined by Ann",
        ConsultationEnded(ConsultationEnd.ENDED, "Ann"): "ended by Ann",
        ConsultationEnded(ConsultationEnd.HEARING_CLOSED): "the hearing closed",
        ConsultationEnded(ConsultationEnd.MEMBER_REMOVED): "a member was removed",
    }
    for consultation, said in consultations.items():
        assert audit_reason(EventKind.CONSULTATION_ENDED, consultation) == said


def test_actors_and_subjects_are_labelled_as_the_audit_log_names_them() -> None:
    clerk = Participant(ParticipantId("prt_c"), HearingId("hrg_1"), "Clerk", Role.CLERK)
    actor = EventActor.of(clerk)
    assert actor.label == "participant:prt_c (clerk)"
    assert EventActor.from_label(actor.label) == actor
    assert EventActor.of(None) is SYSTEM and SYSTEM.label == "system"
    assert EventActor.from_label("system") == SYSTEM
    assert EventActor.from_label("staff:alice") == EventActor(ActorKind.STAFF, "alice")
    assert EventActor.from_label("nobody") is None
    assert Subject.participant("prt_d").label == "participant:prt_d"
    assert Subject.consultation("cns_1").label == "consultation:cns_1"
    assert Subject.exhibit("exh_1").label == "exhibit:exh_1"
    assert HEARING.label is None and CLERK.label == "the clerk"
    assert Subject.participant("prt_d").participant_id == "prt_d"
    assert Subject.consultation("cns_1").participant_id is None
