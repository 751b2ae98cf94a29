"""The protocol's words for hearing events: every kind written or deliberately not, and
each written event worded from its parameters, in English as the protocol always was."""

from __future__ import annotations

import pytest

from court.event_params import (
    NO_PARAMS,
    Because,
    ConsultationEnd,
    ConsultationEnded,
    EventParams,
    ExhibitHidden,
    ExhibitRuled,
    Gap,
    Joined,
    LeaveReason,
    Left,
    ShareEnd,
    ShareEnded,
    StateChange,
)
from court.event_text import ENGLISH, EventWords, event_text
from court.events import EXHIBIT_KINDS, EventKind, WrittenEvent
from court.exhibits import ExhibitStatus
from court.hearing_state import HearingState
from court.protocol import EVENT_WORDS, NOT_WRITTEN, written
from court.roles import Role
from court.rooms import RoomKind
from tests.court.test_events import sample


def test_every_event_kind_is_written_into_the_protocol_or_listed_as_deliberately_not() -> None:
    for kind in EventKind:
        homes = [kind in EVENT_WORDS, kind in EXHIBIT_KINDS, kind in NOT_WRITTEN]
        assert homes.count(True) == 1, kind
        assert written(kind) is (kind not in NOT_WRITTEN)
    assert all(reason.strip() for reason in NOT_WRITTEN.values())


def test_the_court_finds_unlocking_the_door_and_releasing_a_witness_in_its_protocol() -> None:
    for kind in (EventKind.HEARING_UNLOCKED, EventKind.WITNESS_RELEASED):
        assert written(kind)
        assert event_text(WrittenEvent(kind, NO_PARAMS)) == EVENT_WORDS[kind]


@pytest.mark.parametrize("kind", [k for k in EventKind if written(k)])
def test_every_written_kind_has_english_words(kind: EventKind) -> None:
    assert event_text(WrittenEvent(kind, sample(kind)))


def test_the_english_words_are_those_the_protocol_was_always_written_in() -> None:
    def text(kind: EventKind, params: EventParams) -> str:
        return event_text(WrittenEvent(kind, params))

    state = StateChange(HearingState.OPEN, HearingState.IN_SESSION, "")
    assert text(EventKind.HEARING_STATE_CHANGED, state) == (
        "The hearing's state changed: Open → In session"
    )
    state = replace_reason(state, "the court sits")
    assert text(EventKind.HEARING_STATE_CHANGED, state) == (
        "The hearing's state changed: Open → In session (the court sits)"
    )
    assert text(EventKind.PARTICIPANT_JOINED, Joined(RoomKind.WAITING)) == "Joined: waiting"
    assert text(EventKind.PARTICIPANT_RECONNECTED, Gap(3.25)) == (
        "Reconnected: after a gap of 3.2 s"
    )
    assert text(EventKind.CONNECTION_RESTORED, Gap(1.0)) == "Connection restored: after 1.0 s"
    assert text(EventKind.PARTICIPANT_MUTED, Because(" noise: ")) == "Muted by the court: noise"
    assert text(EventKind.PARTICIPANT_ADMITTED, NO_PARAMS) == "Admitted to the hearing room"
    assert text(EventKind.PARTICIPANT_LEFT, Left(LeaveReason.LEFT)) == "Left: left"
    failed = Left(LeaveReason.NEGOTIATION_FAILED, "timed out")
    assert text(EventKind.PARTICIPANT_LEFT, failed) == "Left: negotiation failed: timed out"
    by_court = ShareEnded(ShareEnd.BY_COURT, role=Role.JUDGE)
    assert text(EventKind.SCREEN_SHARE_STOPPED, by_court) == (
        "Screen sharing ended: stopped by the court (Judge)"
    )
    sharer_left = ShareEnded(ShareEnd.SHARER_LEFT, left=LeaveReason.DISCONNECTED)
    assert text(EventKind.SCREEN_SHARE_STOPPED, sharer_left) == (
        "Screen sharing ended: disconnected"
    )
    ended = ConsultationEnded(ConsultationEnd.ENDED, "Ann")
    assert text(EventKind.CONSULTATION_ENDED, ended) == "Private consultation ended: ended by Ann"
    ruled = ExhibitRuled(1, ExhibitStatus.EXCLUDED, "late")
    assert text(EventKind.EXHIBIT_RULED, ruled) == "Exhibit 1 excluded: late"
    hidden = ExhibitHidden(1, 5_999, 61_000)
    assert text(EventKind.EXHIBIT_HIDDEN, hidden) == (
        "Exhibit 1 no longer on screen (shown from 00:00:05 to 00:01:01)"
    )
    hidden = ExhibitHidden(1, None, None)
    assert text(EventKind.EXHIBIT_HIDDEN, hidden) == "Exhibit 1 no longer on screen"


def replace_reason(change: StateChange, reason: str) -> StateChange:
    return StateChange(change.before, change.after, reason)


def test_a_language_without_words_for_every_written_kind_is_refused() -> None:
    events = dict(ENGLISH.events)
    del events[EventKind.WITNESS_RELEASED]
    with pytest.raises(ValueError):
        EventWords(
            events=events,
            states=ENGLISH.states,
            rooms=ENGLISH.rooms,
            leave_reasons=ENGLISH.leave_reasons,
            roles=ENGLISH.roles,
            share_ends=ENGLISH.share_ends,
            consultation_ends=ENGLISH.consultation_ends,
            exhibits=ENGLISH.exhibits,
            exhibit_statuses=ENGLISH.exhibit_statuses,
            after_gap=ENGLISH.after_gap,
            after=ENGLISH.after,
            resumed=ENGLISH.resumed,
            off_the_record=ENGLISH.off_the_record,
        )
