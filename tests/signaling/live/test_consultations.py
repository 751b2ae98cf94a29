"""Consultations against fakes: consent, the room of their own, and how they end."""

from __future__ import annotations

from court.event_params import ConsultationEnd, ConsultationEnded
from court.events import EventKind
from court.roles import Role
from court.rooms import RoomKind
from signaling.live.features.consultations import Consultations
from signaling.live.ports import ExitCause, RoomExit
from signaling.live.server_events import ServerEvent
from tests.signaling.live.fakes import LiveUnderTest


def consultations(h: LiveUnderTest) -> Consultations:
    return Consultations(
        h.live, audience=h.audience, roster=h.roster, transfers=h.transfers, events=h.events
    )


async def test_a_consultation_starts_when_every_member_accepts(hearing: LiveUnderTest) -> None:
    hearing.attend(Role.JUDGE)
    defendant = hearing.attend(Role.DEFENDANT)
    counsel = hearing.attend(Role.DEFENCE)
    feature = consultations(hearing)

    asked = await feature.request(defendant.participant, [counsel.id])
    assert hearing.transfers.done == []
    assert hearing.audience.events_to(counsel.id) == [ServerEvent.CONSULTATION_REQUESTED]
    assert hearing.audience.events_to("court") == [ServerEvent.CONSULTATION_REQUESTED]

    await feature.respond(counsel.participant, asked.id, accept=True)

    assert {(pid, kind) for pid, kind, _ in hearing.transfers.done} == {
        (defendant.id, RoomKind.CONSULTATION),
        (counsel.id, RoomKind.CONSULTATION),
    }
    assert hearing.events.kinds() == [
        EventKind.CONSULTATION_REQUESTED,
        EventKind.CONSULTATION_STARTED,
    ]
    # The court's roster and a member's join both show it; the court sees it, not its content.
    assert [c["id"] for c in feature.roster_view()["consultations"]] == [asked.id]
    assert [c["id"] for c in (await feature.join_view(counsel))["consultations"]] == [asked.id]


async def test_closing_the_hearing_ends_every_consultation_and_brings_members_back(
    hearing: LiveUnderTest,
) -> None:
    judge = hearing.attend(Role.JUDGE)
    defendant = hearing.attend(Role.DEFENDANT)
    counsel = hearing.attend(Role.DEFENCE)
    feature = consultations(hearing)
    opened = await feature.open(judge.participant, [defendant.id, counsel.id])
    await feature.respond(defendant.participant, opened.id, accept=True)
    await feature.respond(counsel.participant, opened.id, accept=True)
    hearing.transfers.done.clear()

    await feature.hearing_closing()

    assert {(pid, kind) for pid, kind, _ in hearing.transfers.done} == {
        (defendant.id, RoomKind.HEARING),
        (counsel.id, RoomKind.HEARING),
    }
    ended = hearing.events.published[-1]
    assert ended.kind is EventKind.CONSULTATION_ENDED
    assert ended.params == ConsultationEnded(ConsultationEnd.HEARING_CLOSED)
    assert opened.id not in hearing.live.consultation_rooms
    assert feature.roster_view() == {"consultations": []}


async def test_only_a_removal_ends_a_members_consultation(hearing: LiveUnderTest) -> None:
    hearing.attend(Role.JUDGE)
    defendant = hearing.attend(Role.DEFENDANT)
    counsel = hearing.attend(Role.DEFENCE)
    feature = consultations(hearing)
    asked = await feature.request(defendant.participant, [counsel.id])
    await feature.respond(counsel.participant, asked.id, accept=True)

    await feature.leaving_room(counsel, RoomExit(ExitCause.TRANSFERRED))
    assert len(feature.roster_view()["consultations"]) == 1

    await feature.leaving_room(counsel, RoomExit(ExitCause.REMOVED))
    assert feature.roster_view() == {"consultations": []}
    assert hearing.events.published[-1].params == ConsultationEnded(ConsultationEnd.MEMBER_REMOVED)


async def test_the_court_only_proposes_every_member_must_consent(hearing: LiveUnderTest) -> None:
    """The security review's H2: the court cannot put the defendant, counsel and an
    interpreter it chose into a "private" room; each is asked, and one refusal ends it."""
    judge = hearing.attend(Role.JUDGE)
    defendant = hearing.attend(Role.DEFENDANT)
    counsel = hearing.attend(Role.DEFENCE)
    interpreter = hearing.attend(Role.INTERPRETER)
    feature = consultations(hearing)
    members = [str(a.id) for a in (defendant, counsel, interpreter)]

    proposed = await feature.open(judge.participant, members)
    for member in (defendant, counsel, interpreter):
        assert hearing.audience.events_to(member.id) == [ServerEvent.CONSULTATION_REQUESTED]
    await feature.respond(interpreter.participant, proposed.id, accept=True)
    await feature.respond(counsel.participant, proposed.id, accept=True)
    assert hearing.transfers.done == [] and hearing.live.consultation_rooms == {}

    await feature.respond(defendant.participant, proposed.id, accept=False)

    assert hearing.transfers.done == [] and hearing.live.consultation_rooms == {}
    assert hearing.events.kinds() == [EventKind.CONSULTATION_REQUESTED]  # never started
    assert feature.roster_view() == {"consultations": []}
    assert all(a.room.kind is RoomKind.HEARING for a in (defendant, counsel, interpreter))
