"""The exhibit register in a live hearing: the bench registers what is offered in evidence
and rules on it, and what a participant shows on screen is registered when the bench says so.

A screen shared in the hearing room shows an exhibit: the one the bench marked as next to
be shown (``show_exhibit``). With none marked, the share is only *offered*: the bench is told
(``exhibit_offer_changed``) and registers it (``confirm_exhibit_offer``: a new exhibit,
offered by the sharer, whose showing starts where the share started) or dismisses it. Until
then nothing of it is in the register or the protocol, so a participant allowed to share
cannot grow either by sharing again and again; and each sharer has one offer at most, which
follows their latest share, so the bench's list does not grow either. Offers are kept in
memory only: a restart forgets them, and with them nothing the court has accepted.

The share's start and end in record time are kept as the exhibit's showing. Every change of
the register is written into the court protocol as an ``exhibit`` entry, stamped like any
automatic entry, and sent to the bench as ``exhibit_changed``.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from court.errors import InvalidRequest, NotFound, PermissionDenied
from court.event_params import (
    ExhibitDescribed,
    ExhibitHidden,
    ExhibitNumber,
    ExhibitOffered,
    ExhibitRuled,
)
from court.events import EventKind, HearingEvent, WrittenEvent
from court.exhibits import Exhibit, ExhibitStatus, Showing
from court.hearing import Participant
from court.permissions import Permission
from signaling.live.notices import ExhibitOfferView, ExhibitView, ShowingView
from signaling.live.ports import Audience, Feature, ProtocolWriter
from signaling.live.server_events import ServerEvent

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance
    from signaling.live.hearing import LiveHearing


class ExhibitRegistration(Protocol):
    """What the bench sends to register an exhibit (the edge's RegisterExhibit is one)."""

    @property
    def description(self) -> str: ...

    @property
    def offered_by(self) -> str | None: ...


class ExhibitUpdate(Protocol):
    """What the bench sends to describe an exhibit again or rule on it."""

    @property
    def exhibit_id(self) -> str: ...

    @property
    def description(self) -> str | None: ...

    @property
    def status(self) -> str | None: ...

    @property
    def reason(self) -> str: ...


class ExhibitStore(Protocol):
    """Where the register is kept (the server's database; memory for tests and tools)."""

    async def add(self, exhibit: Exhibit) -> Exhibit:
        """Store a new exhibit; the store numbers it (``exhibit.number`` is ignored)."""
        ...

    async def update(self, exhibit: Exhibit) -> Exhibit:
        """Replace the exhibit with this id of this hearing (NotFound if there is none)."""
        ...

    async def of_hearing(self, hearing_id: str) -> list[Exhibit]: ...


class MemoryExhibitStore:
    def __init__(self) -> None:
        self._exhibits: dict[str, list[Exhibit]] = {}
        self._lock = asyncio.Lock()

    async def add(self, exhibit: Exhibit) -> Exhibit:
        async with self._lock:
            exhibits = self._exhibits.setdefault(exhibit.hearing_id, [])
            stored = replace(exhibit, number=len(exhibits) + 1)
            exhibits.append(stored)
            return stored

    async def update(self, exhibit: Exhibit) -> Exhibit:
        exhibits = self._exhibits.get(exhibit.hearing_id, [])
        for i, current in enumerate(exhibits):
            if current.id == exhibit.id:
                exhibits[i] = replace(exhibit, number=current.number)
                return exhibits[i]
        raise NotFound(f"There is no exhibit {exhibit.id!r} in this hearing.")

    async def of_hearing(self, hearing_id: str) -> list[Exhibit]:
        return list(self._exhibits.get(hearing_id, []))


_ids = itertools.count(1)


def new_exhibit_id(wall: float) -> str:
    """Ordered by creation: the hearing clock's wall time, then a counter."""
    return f"exh_{round(wall * 1e9):x}{next(_ids):04x}"


def new_offer_id(wall: float) -> str:
    return f"off_{round(wall * 1e9):x}{next(_ids):04x}"


@dataclass(frozen=True, slots=True)
class ScreenOffer:
    """A screen shared with no exhibit marked: the bench registers it or dismisses it."""

    id: str
    shared_by: str  # participant id
    showing: Showing  # the share's span; it becomes the exhibit's first showing


OfferState = Literal["pending", "registered", "dismissed"]


def showing_view(showing: Showing) -> ShowingView:
    return {
        "shown_by": showing.shown_by,
        "recording_id": showing.recording_id,
        "start_ms": showing.start_ms,
        "end_ms": showing.end_ms,
        "ended": showing.ended,
    }


def exhibit_view(exhibit: Exhibit) -> ExhibitView:
    return {
        "id": exhibit.id,
        "number": exhibit.number,
        "description": exhibit.description,
        "offered_by": exhibit.offered_by,
        "status": exhibit.status.value,
        "on_screen": exhibit.on_screen,
        "showings": [showing_view(s) for s in exhibit.showings],
        "created_at": exhibit.created_at,
        "updated_at": exhibit.updated_at,
    }


def offer_view(
    offer: ScreenOffer, state: OfferState = "pending", exhibit_id: str | None = None
) -> ExhibitOfferView:
    return {
        "id": offer.id,
        "shared_by": offer.shared_by,
        "showing": showing_view(offer.showing),
        "state": state,
        "exhibit_id": exhibit_id,
    }


_SHARES = frozenset({EventKind.SCREEN_SHARE_STARTED, EventKind.SCREEN_SHARE_STOPPED})


class ExhibitRegister(Feature):
    def __init__(
        self,
        live: LiveHearing,
        store: ExhibitStore,
        *,
        audience: Audience,
        protocol: ProtocolWriter,
    ) -> None:
        self._live = live
        self._audience = audience
        self._protocol = protocol
        self._store = store
        self._next_shown: str | None = None  # exhibit id the bench marked for the next share
        self._offers: dict[str, ScreenOffer] = {}  # by sharer: one pending offer each
        self._lock = asyncio.Lock()  # one change at a time: numbers and showings stay whole

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        by = attendance.participant  # the bench's only
        offers = [offer_view(o) for o in self._offers.values()] if _keeps(by) else []
        return {"exhibits": await self.views(by), "exhibit_offers": offers}

    @property
    def offers(self) -> list[ScreenOffer]:
        """The screens offered and not yet registered or dismissed."""
        return list(self._offers.values())

    async def views(self, by: Participant) -> list[ExhibitView]:
        if not _keeps(by):
            return []
        return [exhibit_view(e) for e in await self._store.of_hearing(self._live.hearing.id)]

    # ---- the bench's commands ----------------------------------------------------------

    async def register(self, by: Participant, command: ExhibitRegistration) -> Exhibit:
        self._check(by)
        offered_by = self._participant(command.offered_by, "offered_by")
        async with self._lock:
            return await self._add(by, command.description.strip(), offered_by)

    async def update(self, by: Participant, command: ExhibitUpdate) -> Exhibit:
        """Describe an exhibit again, or rule on it; each change is its own entry."""
        self._check(by)
        if command.description is None and command.status is None:
            raise InvalidRequest("give a new description, a new status, or both")
        async with self._lock:
            exhibit = await self._find(command.exhibit_id)
            number = exhibit.number
            said: list[WrittenEvent] = []
            description = exhibit.description
            if command.description is not None and command.description.strip() != description:
                description = command.description.strip()
                said.append(
                    WrittenEvent(EventKind.EXHIBIT_DESCRIBED, ExhibitDescribed(number, description))
                )
            status = exhibit.status
            if command.status is not None and command.status != status.value:
                status = ExhibitStatus(command.status)
                reason = command.reason.strip()
                said.append(
                    WrittenEvent(EventKind.EXHIBIT_RULED, ExhibitRuled(number, status, reason))
                )
            if not said:
                return exhibit
            exhibit = await self._store.update(
                replace(
                    exhibit,
                    description=description,
                    status=status,
                    updated_at=self._live.clock.wall(),
                )
            )
            for event in said:
                await self._changed(by, exhibit, event)
        return exhibit

    async def show(self, by: Participant, exhibit_id: str) -> Exhibit:
        """The bench says which exhibit is on screen: the share now running shows it from
        now on; with no share running, the next share will."""
        self._check(by)
        async with self._lock:
            exhibit = await self._find(exhibit_id)
            sharer = self._live.hearing_room.screen_sharer
            if sharer is None:
                self._next_shown = exhibit.id
                return exhibit
            current = await self._showing_now()
            if current is not None and current.id == exhibit.id:
                return exhibit
            at_ms = self._protocol.heard_ms()  # one moment: one ends as the next begins
            if current is not None:
                await self._end_showing(current, by, at_ms)
            await self._end_offer(at_ms)  # the share shows this exhibit now, not the offer
            return await self._begin_showing(exhibit, sharer, by, at_ms)

    async def confirm(self, by: Participant, offer_id: str, description: str | None) -> Exhibit:
        """Register a screen offered: a new exhibit, offered by its sharer, shown from the
        share's start (and, if the share has ended, to its end)."""
        self._check(by)
        async with self._lock:
            offer = self._offer(offer_id)
            attendance = self._live.find(offer.shared_by)
            name = attendance.participant.name if attendance is not None else "a participant"
            said = description.strip() if description is not None else ""
            exhibit = await self._add(by, said or f"Shown on screen by {name}", offer.shared_by)
            del self._offers[offer.shared_by]
            exhibit = await self._store.update(
                replace(exhibit, showings=(offer.showing,), updated_at=self._live.clock.wall())
            )
            if offer.showing.ended:
                # Written once, with the span the share had in the record.
                showing = offer.showing
                span = showing.start_ms if showing.end_ms is not None else None
                hidden = ExhibitHidden(exhibit.number, span, showing.end_ms)
                await self._changed(by, exhibit, WrittenEvent(EventKind.EXHIBIT_HIDDEN, hidden))
            else:
                shown = ExhibitNumber(exhibit.number)
                await self._changed(by, exhibit, WrittenEvent(EventKind.EXHIBIT_SHOWN, shown))
            await self._offer_changed(offer, "registered", exhibit.id)
            return exhibit

    async def dismiss(self, by: Participant, offer_id: str) -> None:
        """Not an exhibit: the offer goes, and nothing is written."""
        self._check(by)
        async with self._lock:
            offer = self._offer(offer_id)
            del self._offers[offer.shared_by]
            await self._offer_changed(offer, "dismissed")

    # ---- screens shared in the hearing room --------------------------------------------

    async def on_event(self, event: HearingEvent, by: Participant | None) -> None:
        """Called with every hearing event; a screen share starts or ends a showing."""
        sharer = event.subject.participant_id
        if event.kind not in _SHARES or sharer is None:
            return
        async with self._lock:
            at_ms = self._protocol.heard_ms()
            current = await self._showing_now()
            if current is not None:
                await self._end_showing(current, by, at_ms)
            await self._end_offer(at_ms)
            if event.kind is EventKind.SCREEN_SHARE_STOPPED:
                return
            wanted, self._next_shown = self._next_shown, None
            exhibit = None
            if wanted is not None:
                exhibit = next((e for e in await self._all() if e.id == wanted), None)
            if exhibit is None:
                await self._offer_shared(sharer, at_ms)
                return
            await self._begin_showing(exhibit, sharer, by, at_ms)

    async def _offer_shared(self, sharer: str, at_ms: int | None) -> None:
        """A share with no exhibit marked: offered to the bench. A sharer's earlier offer,
        still pending, follows this share instead of a second one being made."""
        showing = self._showing_from(sharer, at_ms)
        earlier = self._offers.get(sharer)
        offer_id = earlier.id if earlier is not None else new_offer_id(self._live.clock.wall())
        offer = ScreenOffer(id=offer_id, shared_by=sharer, showing=showing)
        self._offers[sharer] = offer
        await self._offer_changed(offer, "pending")

    def _showing_from(self, sharer: str, at_ms: int | None) -> Showing:
        """A showing by ``sharer`` that begins at ``at_ms`` in the running recording."""
        recording = self._live.recorder.recording
        return Showing(
            shown_by=sharer,
            recording_id=None if recording is None else recording.id,
            start_ms=at_ms,
            end_ms=None,
            ended=False,
        )

    async def _end_offer(self, at_ms: int | None) -> None:
        """The share an offer follows has ended (or shows a marked exhibit now)."""
        for offer in self._offers.values():
            if not offer.showing.ended:
                ended = replace(offer, showing=self._ended(offer.showing, at_ms))
                self._offers[offer.shared_by] = ended
                await self._offer_changed(ended, "pending")
                return  # one share at a time in the hearing room

    async def _add(
        self, by: Participant | None, description: str, offered_by: str | None
    ) -> Exhibit:
        """Register a new exhibit, offered and not yet shown, and write it down."""
        now = self._live.clock.wall()
        exhibit = await self._store.add(
            Exhibit(
                id=new_exhibit_id(self._live.clock.wall()),
                hearing_id=self._live.hearing.id,
                number=0,
                description=description,
                offered_by=offered_by,
                status=ExhibitStatus.OFFERED,
                showings=(),
                created_at=now,
                updated_at=now,
            )
        )
        await self._changed(by, exhibit, self._offered(exhibit))
        return exhibit

    async def _begin_showing(
        self, exhibit: Exhibit, sharer: str, by: Participant | None, at_ms: int | None
    ) -> Exhibit:
        showing = self._showing_from(sharer, at_ms)
        exhibit = await self._store.update(
            replace(
                exhibit,
                showings=(*exhibit.showings, showing),
                updated_at=self._live.clock.wall(),
            )
        )
        shown = WrittenEvent(EventKind.EXHIBIT_SHOWN, ExhibitNumber(exhibit.number))
        await self._changed(by, exhibit, shown)
        return exhibit

    async def _end_showing(
        self, exhibit: Exhibit, by: Participant | None, at_ms: int | None
    ) -> None:
        *before, last = exhibit.showings
        ended = self._ended(last, at_ms)
        exhibit = await self._store.update(
            replace(exhibit, showings=(*before, ended), updated_at=self._live.clock.wall())
        )
        # The span only when it is one in the record ("no longer on screen" otherwise).
        end = ended.end_ms
        hidden = ExhibitHidden(exhibit.number, last.start_ms if end is not None else None, end)
        await self._changed(by, exhibit, WrittenEvent(EventKind.EXHIBIT_HIDDEN, hidden))

    def _ended(self, showing: Showing, at_ms: int | None) -> Showing:
        recording = self._live.recorder.recording
        # Record times refer to one recording: a showing that began in another (or off the
        # record) has no end in it.
        same = recording is not None and recording.id == showing.recording_id
        return replace(showing, end_ms=at_ms if same else None, ended=True)

    # ---- helpers -----------------------------------------------------------------------

    async def _showing_now(self) -> Exhibit | None:
        return next((e for e in await self._all() if e.on_screen), None)

    async def _all(self) -> list[Exhibit]:
        return await self._store.of_hearing(self._live.hearing.id)

    def _check(self, by: Participant) -> None:
        if not _keeps(by):
            raise PermissionDenied("Only the judge and the clerk keep the exhibit register.")

    def _offer(self, offer_id: str) -> ScreenOffer:
        for offer in self._offers.values():
            if offer.id == offer_id:
                return offer
        raise NotFound(f"No screen is offered as {offer_id!r}: it was registered or dismissed.")

    async def _offer_changed(
        self, offer: ScreenOffer, state: OfferState, exhibit_id: str | None = None
    ) -> None:
        view = offer_view(offer, state, exhibit_id)
        await self._audience.to_court(ServerEvent.EXHIBIT_OFFER_CHANGED, {"offer": view})

    def _participant(self, participant_id: str | None, field: str) -> str | None:
        if participant_id is not None and participant_id not in self._live.attendance:
            raise InvalidRequest(f"{field}: not a participant of this hearing")
        return participant_id

    def _offered(self, exhibit: Exhibit) -> WrittenEvent:
        """The entry that registers ``exhibit``."""
        if exhibit.offered_by is None:
            put = ExhibitDescribed(exhibit.number, exhibit.description)
            return WrittenEvent(EventKind.EXHIBIT_PUT_FORWARD, put)
        attendance = self._live.find(exhibit.offered_by)
        who = (
            f"{attendance.participant.name} ({attendance.participant.role.label})"
            if attendance is not None
            else "a participant"
        )
        offered = ExhibitOffered(exhibit.number, who, exhibit.description)
        return WrittenEvent(EventKind.EXHIBIT_OFFERED, offered)

    async def _find(self, exhibit_id: str) -> Exhibit:
        for exhibit in await self._all():
            if exhibit.id == exhibit_id:
                return exhibit
        raise NotFound(f"There is no exhibit {exhibit_id!r} in this hearing.")

    async def _changed(self, by: Participant | None, exhibit: Exhibit, event: WrittenEvent) -> None:
        """Written into the protocol from the event (court.event_text words it)."""
        await self._protocol.write_exhibit(by, exhibit.offered_by, event)
        await self._audience.to_court(
            ServerEvent.EXHIBIT_CHANGED, {"exhibit": exhibit_view(exhibit)}
        )


def _keeps(by: Participant) -> bool:
    """Whether ``by`` keeps the register (the judge and the clerk)."""
    return by.can(Permission.WRITE_PROTOCOL)
