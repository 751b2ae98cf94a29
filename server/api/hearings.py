"""Hearings: create, list with filters, read, change or reschedule before opening, cancel.

The presiding judge and the clerk are staff accounts: scheduling names them by username
and is refused (422, nothing stored) unless each is an active account of that role, so a
hearing can no longer be scheduled for a judge who does not exist.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from aiohttp import web
from pydantic import AwareDatetime, Field

from court.access import allowed
from court.errors import InvalidRequest, PermissionDenied
from court.hearing import Hearing
from court.hearing_state import HearingState
from court.ids import HearingId
from court.permissions import Permission
from court.staff import StaffRole
from server import keys
from server.api.bodies import (
    Body,
    CaseNumber,
    CourtName,
    Courtroom,
    Language,
    Reason,
    Title,
    Username,
    parse_body,
    parse_query,
)
from server.api.guard import audit, authorize, on_hearing
from server.audit import Outcome
from server.persistence.repositories import HearingFilter
from server.persistence.repositories.hearings import HearingChanges
from server.views import HearingList, hearing_view

# A hearing day is long, but not longer than a day; a minute is the smallest slot.
Minutes = Field(ge=1, le=24 * 60)


class NewHearing(Body):
    case_number: CaseNumber
    title: Title
    court: CourtName
    courtroom: Courtroom = ""
    presiding_judge: Username = Field(
        description="The username of an active staff account with the judge role"
    )
    # Optional, so that clients written before hearings named a clerk keep working.
    clerk: Username | None = Field(
        default=None, description="The username of an active staff account with the clerk role"
    )
    scheduled_start: AwareDatetime
    duration_minutes: int = Minutes
    language: Language = "en"


class HearingUpdate(Body):
    """Any scheduled fact of a hearing that has not opened; what is left out stays."""

    case_number: CaseNumber | None = None
    title: Title | None = None
    court: CourtName | None = None
    courtroom: Courtroom | None = None
    presiding_judge: Username | None = None
    clerk: Username | None = None
    scheduled_start: AwareDatetime | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    language: Language | None = None
    reason: Reason


class Reschedule(Body):
    scheduled_start: AwareDatetime
    duration_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    reason: Reason


class Cancel(Body):
    reason: Reason


class HearingQuery(Body):
    starts_from: AwareDatetime | None = Field(default=None, alias="from")
    starts_before: AwareDatetime | None = Field(default=None, alias="to")
    court: CourtName | None = None
    case_number: CaseNumber | None = None
    state: HearingState | None = None
    judge: Username | None = None
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000)


_OWN = (
    "A judge may only schedule hearings over which they preside, and a clerk only the "
    "hearings that name them as clerk or are of a court they are assigned to."
)


def _object(hearing_id: str) -> str:
    return f"hearing:{hearing_id}"


async def list_hearings(request: web.Request) -> web.Response:
    actor = await authorize(
        request, Permission.READ_HEARINGS, action="hearing.list", object="hearings"
    )
    query = parse_query(request, HearingQuery)
    if (
        query.starts_from is not None
        and query.starts_before is not None
        and query.starts_from >= query.starts_before
    ):
        raise InvalidRequest("from: must be earlier than to")
    found = await request.app[keys.HEARINGS].list(
        HearingFilter(
            starts_from=query.starts_from,
            starts_before=query.starts_before,
            court=query.court,
            case_number=query.case_number,
            state=query.state,
            presiding_judge=query.judge,
            # A clerk finds only the hearings they are assigned to (court.access.sees).
            assigned_to_clerk=actor.clerk_as,
            clerk_courts=actor.clerk_of,
            limit=query.limit,
            offset=query.offset,
        )
    )
    listing: HearingList = {"hearings": [hearing_view(h) for h in found]}
    return web.json_response(listing)


async def create_hearing(request: web.Request) -> web.Response:
    actor = await authorize(
        request, Permission.SCHEDULE_HEARINGS, action="hearing.create", object="hearings"
    )
    body = await parse_body(request, NewHearing)
    # A clerk who schedules a hearing without naming its clerk becomes its clerk: the
    # hearing is theirs to prepare (court.access scopes clerks to the hearings naming them).
    clerk = body.clerk if body.clerk is not None else (actor.clerk_as or "")
    await _check_bench(request, body.presiding_judge, clerk or None)
    planned = Hearing(
        id=HearingId("new"),
        case_number=body.case_number,
        title=body.title,
        court=body.court,
        presiding_judge=body.presiding_judge,
        clerk=clerk,
    )
    if not allowed(actor, Permission.SCHEDULE_HEARINGS, planned):
        # A judge schedules only hearings over which they preside, a clerk only their own
        # or their courts'.
        reason = (
            f"a clerk may only schedule their own or their courts' hearings, not {clerk}'s "
            f"in {body.court}"
            if actor.clerk_as is not None
            else f"a judge may only schedule their own hearings, not {body.presiding_judge}'s"
        )
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action="hearing.create",
            object="hearings",
            reason=reason,
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied(_OWN)
    hearing = await request.app[keys.HEARINGS].create(
        case_number=body.case_number,
        title=body.title,
        court=body.court,
        courtroom=body.courtroom,
        presiding_judge=body.presiding_judge,
        clerk=clerk,
        scheduled_start=body.scheduled_start,
        duration=timedelta(minutes=body.duration_minutes),
        language=body.language,
    )
    await audit(request, actor, "hearing.create", _object(hearing.id), body.case_number)
    return web.json_response(
        hearing_view(hearing),
        status=201,
        headers={"Location": f"/api/v1/hearings/{hearing.id}"},
    )


async def read_hearing(request: web.Request) -> web.Response:
    hearing, _ = await on_hearing(request, Permission.READ_HEARINGS, action="hearing.read")
    return web.json_response(hearing_view(hearing))


async def reschedule_hearing(request: web.Request) -> web.Response:
    hearing, actor = await on_hearing(
        request, Permission.SCHEDULE_HEARINGS, action="hearing.reschedule"
    )
    body = await parse_body(request, Reschedule)
    duration = (
        hearing.duration
        if body.duration_minutes is None
        else timedelta(minutes=body.duration_minutes)
    )
    updated = await request.app[keys.HEARINGS].reschedule(
        hearing.id, scheduled_start=body.scheduled_start, duration=duration
    )
    await audit(
        request,
        actor,
        "hearing.reschedule",
        _object(hearing.id),
        f"{_when(hearing.scheduled_start)} -> {_when(updated.scheduled_start)}: {body.reason}",
    )
    return web.json_response(hearing_view(updated))


async def update_hearing(request: web.Request) -> web.Response:
    hearing, actor = await on_hearing(
        request, Permission.SCHEDULE_HEARINGS, action="hearing.update"
    )
    body = await parse_body(request, HearingUpdate)
    await _check_bench(request, body.presiding_judge, body.clerk)
    after_change = replace(
        hearing,
        court=body.court or hearing.court,
        presiding_judge=body.presiding_judge or hearing.presiding_judge,
        clerk=hearing.clerk if body.clerk is None else body.clerk,
    )
    if not allowed(actor, Permission.SCHEDULE_HEARINGS, after_change):
        # A judge or clerk may change their own hearing, but not hand it to someone else
        # (a clerk: to another clerk or court that is not theirs).
        handed_to = (
            body.presiding_judge
            if actor.clerk_as is None
            else f"{after_change.clerk or 'no clerk'} in {after_change.court}"
        )
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action="hearing.update",
            object=_object(hearing.id),
            reason=f"may not hand a hearing to {handed_to}",
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied(_OWN)
    changes = HearingChanges(
        case_number=body.case_number,
        title=body.title,
        court=body.court,
        courtroom=body.courtroom,
        presiding_judge=body.presiding_judge,
        clerk=body.clerk,
        scheduled_start=body.scheduled_start,
        duration=None
        if body.duration_minutes is None
        else timedelta(minutes=body.duration_minutes),
        language=body.language,
    )
    before, after = await request.app[keys.HEARINGS].update(hearing.id, changes)
    changed = _changes(dict(hearing_view(before)), dict(hearing_view(after)))
    await audit(
        request,
        actor,
        "hearing.update",
        _object(hearing.id),
        f"{changed or 'nothing changed'}: {body.reason}",
    )
    return web.json_response(hearing_view(after))


def _changes(before: dict[str, object], after: dict[str, object]) -> str:
    """ "title: 'A' -> 'B'; clerk: '' -> 'clerk2'": what the audit log keeps of an edit."""
    return "; ".join(
        f"{name}: {before[name]!r} -> {after[name]!r}"
        for name in after
        if after[name] != before[name]
    )


async def _check_bench(request: web.Request, judge: str | None, clerk: str | None) -> None:
    """Refuse (422) a presiding judge or clerk who is not an active account of that role."""
    staff = request.app[keys.DATA].staff
    for field, username, role in (
        ("presiding_judge", judge, StaffRole.JUDGE),
        ("clerk", clerk, StaffRole.CLERK),
    ):
        if username is None:
            continue
        account = await staff.by_username(username)
        if account is None or account.disabled:
            raise InvalidRequest(f"{field}: there is no active staff account {username!r}")
        if account.role is not role:
            raise InvalidRequest(
                f"{field}: {username!r} is a {account.role.value}, not a {role.value}"
            )


async def cancel_hearing(request: web.Request) -> web.Response:
    hearing, actor = await on_hearing(
        request, Permission.SCHEDULE_HEARINGS, action="hearing.cancel"
    )
    body = await parse_body(request, Cancel)
    cancelled = await request.app[keys.HEARING_STATES].change(
        hearing.id, HearingState.CANCELLED, actor=actor.label, reason=body.reason
    )
    # Whoever is waiting in it is told and disconnected now (the security review's M1).
    said = "The court cancelled this hearing." + (f" {body.reason}" if body.reason else "")
    await request.app[keys.SIGNALING].end_hearing(hearing.id, said)
    return web.json_response(hearing_view(cancelled))


def _when(moment: datetime | None) -> str:
    return "unscheduled" if moment is None else moment.isoformat()


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/hearings", list_hearings)
    router.add_post("/api/v1/hearings", create_hearing)
    router.add_get("/api/v1/hearings/{hearing_id}", read_hearing)
    router.add_patch("/api/v1/hearings/{hearing_id}", update_hearing)
    router.add_post("/api/v1/hearings/{hearing_id}/reschedule", reschedule_hearing)
    router.add_post("/api/v1/hearings/{hearing_id}/cancel", cancel_hearing)
