"""Hearings: create, list with filters, read, reschedule before opening, cancel."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import web
from pydantic import AwareDatetime, Field

from court.access import allowed
from court.errors import InvalidRequest, PermissionDenied
from court.hearing import Hearing
from court.hearing_state import HearingState
from court.ids import HearingId
from court.permissions import Permission
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
from server.views import hearing_view

# A hearing day is long, but not longer than a day; a minute is the smallest slot.
Minutes = Field(ge=1, le=24 * 60)


class NewHearing(Body):
    case_number: CaseNumber
    title: Title
    court: CourtName
    courtroom: Courtroom = ""
    presiding_judge: Username
    scheduled_start: AwareDatetime
    duration_minutes: int = Minutes
    language: Language = "en"


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


def _object(hearing_id: str) -> str:
    return f"hearing:{hearing_id}"


async def list_hearings(request: web.Request) -> web.Response:
    await authorize(request, Permission.READ_HEARINGS, action="hearing.list", object="hearings")
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
            limit=query.limit,
            offset=query.offset,
        )
    )
    return web.json_response({"hearings": [hearing_view(h) for h in found]})


async def create_hearing(request: web.Request) -> web.Response:
    actor = await authorize(
        request, Permission.SCHEDULE_HEARINGS, action="hearing.create", object="hearings"
    )
    body = await parse_body(request, NewHearing)
    planned = Hearing(
        id=HearingId("new"),
        case_number=body.case_number,
        title=body.title,
        presiding_judge=body.presiding_judge,
    )
    if not allowed(actor, Permission.SCHEDULE_HEARINGS, planned):
        # A judge schedules only hearings over which they preside.
        reason = f"a judge may only schedule their own hearings, not {body.presiding_judge}'s"
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action="hearing.create",
            object="hearings",
            reason=reason,
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied("A judge may only schedule hearings over which they preside.")
    hearing = await request.app[keys.HEARINGS].create(
        case_number=body.case_number,
        title=body.title,
        court=body.court,
        courtroom=body.courtroom,
        presiding_judge=body.presiding_judge,
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


async def cancel_hearing(request: web.Request) -> web.Response:
    hearing, actor = await on_hearing(
        request, Permission.SCHEDULE_HEARINGS, action="hearing.cancel"
    )
    body = await parse_body(request, Cancel)
    cancelled = await request.app[keys.HEARING_STATES].change(
        hearing.id, HearingState.CANCELLED, actor=actor.label, reason=body.reason
    )
    return web.json_response(hearing_view(cancelled))


def _when(moment: datetime | None) -> str:
    return "unscheduled" if moment is None else moment.isoformat()


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/hearings", list_hearings)
    router.add_post("/api/v1/hearings", create_hearing)
    router.add_get("/api/v1/hearings/{hearing_id}", read_hearing)
    router.add_post("/api/v1/hearings/{hearing_id}/reschedule", reschedule_hearing)
    router.add_post("/api/v1/hearings/{hearing_id}/cancel", cancel_hearing)
