"""A screen shared with no exhibit marked, against fakes: it is offered to the bench, and
enters the register and the protocol only when the bench confirms it (security review H7)."""

from __future__ import annotations

from typing import Any

import pytest

from court.errors import NotFound, PermissionDenied
from court.event_params import NoParams, ShareEnd, ShareEnded
from court.events import EventActor, EventKind, HearingEvent, Subject, WrittenEvent
from court.hearing import Participant
from court.roles import Role
from signaling.live.attendance import Attendance
from signaling.live.features.exhibits import ExhibitRegister, MemoryExhibitStore
from signaling.live.server_events import ServerEvent
from tests.signaling.live.fakes import LiveUnderTest


class WrittenDown:
    """The court protocol as the register sees it: a record clock and what it was told."""

    def __init__(self) -> None:
        self.at_ms: int | None = 0
        self.written: list[WrittenEvent] = []

    def heard_ms(self) -> int | None:
        return self.at_ms

    async def write_exhibit(
        self, by: Participant | None, subject: str | None, event: WrittenEvent
    ) -> None:
        self.written.append(event)


class Bench:
    def __init__(self, hearing: LiveUnderTest) -> None:
        self.hearing = hearing
        self.store = MemoryExhibitStore()
        self.protocol = WrittenDown()
        self.register = ExhibitRegister(
            hearing.live, self.store, audience=hearing.audience, protocol=self.protocol
        )
        self.clerk = hearing.attend(Role.CLERK).participant

    async def share(self, sharer: Attendance, *, at_ms: int) -> None:
        self.protocol.at_ms = at_ms
        await self.register.on_event(self._event(EventKind.SCREEN_SHARE_STARTED, sharer), None)

    async def stop(self, sharer: Attendance, *, at_ms: int) -> None:
        self.protocol.at_ms = at_ms
        await self.register.on_event(self._event(EventKind.SCREEN_SHARE_STOPPED, sharer), None)

    def _event(self, kind: EventKind, sharer: Attendance) -> HearingEvent:
        params = NoParams() if kind is EventKind.SCREEN_SHARE_STARTED else None
        return HearingEvent(
            hearing_id=self.hearing.live.hearing.id,
            kind=kind,
            actor=EventActor.of(sharer.participant),
            subject=Subject.participant(sharer.id),
            params=params or ShareEnded(ShareEnd.BY_SHARER),
            at=self.hearing.clock.wall(),
            record_time_ms=self.protocol.at_ms,
        )

    async def register_size(self) -> int:
        return len(await self.store.of_hearing(self.hearing.live.hearing.id))

    def offers_told(self) -> list[dict[str, Any]]:
        told: list[dict[str, Any]] = []
        for t in self.hearing.audience.told:
            if t.event == ServerEvent.EXHIBIT_OFFER_CHANGED:
                offer = t.data["offer"]
                assert isinstance(offer, dict)
                told.append(offer)
        return told


@pytest.fixture
def bench(hearing: LiveUnderTest) -> Bench:
    return Bench(hearing)


async def test_twenty_shares_grow_neither_the_register_nor_the_protocol_until_confirmed(
    bench: Bench,
) -> None:
    counsel = bench.hearing.attend(Role.DEFENCE)
    for n in range(20):
        await bench.share(counsel, at_ms=1000 * n)
        await bench.stop(counsel, at_ms=1000 * n + 500)

    assert await bench.register_size() == 0
    assert bench.protocol.written == []
    (offer,) = bench.register.offers  # one offer per sharer, following their latest share
    assert (offer.showing.start_ms, offer.showing.ended) == (19_000, True)
    assert {o["id"] for o in bench.offers_told()} == {offer.id}
    assert all(t.to == "court" for t in bench.hearing.audience.told)

    exhibit = await bench.register.confirm(bench.clerk, offer.id, None)

    assert (exhibit.number, exhibit.offered_by) == (1, str(counsel.id))
    assert exhibit.description == f"Shown on screen by {counsel.participant.name}"
    assert [(s.shown_by, s.start_ms, s.ended) for s in exhibit.showings] == [
        (str(counsel.id), 19_000, True)
    ]
    assert [w.kind for w in bench.protocol.written] == [
        EventKind.EXHIBIT_OFFERED,
        EventKind.EXHIBIT_HIDDEN,
    ]
    assert bench.register.offers == []
    last = bench.offers_told()[-1]
    assert (last["state"], last["exhibit_id"]) == ("registered", exhibit.id)


async def test_a_share_confirmed_while_it_runs_is_on_screen_from_its_start_until_it_ends(
    bench: Bench,
) -> None:
    prosecutor = bench.hearing.attend(Role.PROSECUTOR)
    await bench.share(prosecutor, at_ms=4_000)
    (offer,) = bench.register.offers
    bench.protocol.at_ms = 9_000  # the bench confirms later

    exhibit = await bench.register.confirm(bench.clerk, offer.id, "  Bank statement, March ")

    assert exhibit.description == "Bank statement, March" and exhibit.on_screen
    assert exhibit.showings[0].start_ms == 4_000
    await bench.stop(prosecutor, at_ms=12_000)
    (stored,) = await bench.store.of_hearing(bench.hearing.live.hearing.id)
    assert not stored.on_screen and stored.showings[0].ended
    assert [w.kind for w in bench.protocol.written] == [
        EventKind.EXHIBIT_OFFERED,
        EventKind.EXHIBIT_SHOWN,
        EventKind.EXHIBIT_HIDDEN,
    ]


async def test_an_offer_dismissed_leaves_nothing_and_cannot_be_confirmed(bench: Bench) -> None:
    counsel = bench.hearing.attend(Role.DEFENCE)
    await bench.share(counsel, at_ms=0)
    (offer,) = bench.register.offers

    await bench.register.dismiss(bench.clerk, offer.id)

    assert bench.register.offers == [] and bench.protocol.written == []
    assert bench.offers_told()[-1]["state"] == "dismissed"
    with pytest.raises(NotFound):
        await bench.register.confirm(bench.clerk, offer.id, None)
    assert await bench.register_size() == 0
    # A later share is a new offer, not the one dismissed.
    await bench.stop(counsel, at_ms=100)
    await bench.share(counsel, at_ms=200)
    (again,) = bench.register.offers
    assert again.id != offer.id


async def test_only_the_bench_confirms_and_sees_offers(bench: Bench) -> None:
    counsel = bench.hearing.attend(Role.DEFENCE)
    await bench.share(counsel, at_ms=0)
    (offer,) = bench.register.offers

    with pytest.raises(PermissionDenied):
        await bench.register.confirm(counsel.participant, offer.id, None)
    with pytest.raises(PermissionDenied):
        await bench.register.dismiss(counsel.participant, offer.id)

    assert bench.register.offers == [offer]
    assert (await bench.register.join_view(counsel))["exhibit_offers"] == []
    clerk = bench.hearing.live.attendance[bench.clerk.id]
    assert [o["id"] for o in (await bench.register.join_view(clerk))["exhibit_offers"]] == [
        offer.id
    ]


async def test_each_sharer_has_an_offer_of_their_own_and_a_marked_exhibit_is_no_offer(
    bench: Bench,
) -> None:
    counsel = bench.hearing.attend(Role.DEFENCE)
    prosecutor = bench.hearing.attend(Role.PROSECUTOR)
    await bench.share(counsel, at_ms=0)
    await bench.stop(counsel, at_ms=10)
    await bench.share(prosecutor, at_ms=20)
    assert {o.shared_by for o in bench.register.offers} == {str(counsel.id), str(prosecutor.id)}

    # The bench marks an exhibit during the prosecutor's share: the share shows it from now,
    # and the offer keeps the share's span until then.
    photo = await bench.register.register(bench.clerk, _Registration("Photograph"))
    bench.hearing.live.hearing_room.screen_sharer = prosecutor.id
    bench.protocol.at_ms = 50
    await bench.register.show(bench.clerk, photo.id)
    offer = next(o for o in bench.register.offers if o.shared_by == str(prosecutor.id))
    assert offer.showing.ended
    (shown,) = await bench.store.of_hearing(bench.hearing.live.hearing.id)
    assert shown.on_screen and shown.showings[0].start_ms == 50


class _Registration:
    def __init__(self, description: str) -> None:
        self.description = description
        self.offered_by: str | None = None
