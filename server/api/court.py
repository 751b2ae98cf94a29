"""The court itself: its name, time zone and languages (public), its bench (staff), and
the courts hearings are scheduled in (for assigning clerks to them).

Every page asks once for the court's time zone and shows each time in it, so a clerk's
browser set to another zone (or to UTC on a kiosk) never shifts a hearing by hours.
"""

from __future__ import annotations

from aiohttp import web

from court.permissions import Permission
from court.staff import StaffAccount, StaffRole
from server import keys
from server.api.guard import authorize
from server.views import Bench, BenchMember, Court, CourtList

# The languages a hearing is held in, in the order the console offers them; the protocol
# document has a template for each (server/protocol_document/templates).
COURT_LANGUAGES: dict[str, str] = {"az": "Azerbaijani", "ru": "Russian", "en": "English"}


async def read_court(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    court: Court = {
        "name": settings.court_name,
        "time_zone": settings.court_time.name,
        "languages": [{"code": c, "name": n} for c, n in COURT_LANGUAGES.items()],
    }
    return web.json_response(court)


def _person(account: StaffAccount) -> BenchMember:
    return {"username": account.username, "display_name": account.display_name}


async def list_bench(request: web.Request) -> web.Response:
    """The active judges and clerks a hearing can be scheduled with: what the scheduling
    form offers, and all it needs to know of the staff (no roles of others, no dates)."""
    await authorize(request, Permission.SCHEDULE_HEARINGS, action="bench.list", object="staff")
    accounts = [a for a in await request.app[keys.DATA].staff.list() if not a.disabled]
    by_name = sorted(accounts, key=lambda a: (a.display_name.casefold(), a.username))
    bench: Bench = {
        "judges": [_person(a) for a in by_name if a.role is StaffRole.JUDGE],
        "clerks": [_person(a) for a in by_name if a.role is StaffRole.CLERK],
    }
    return web.json_response(bench)


async def known_courts(app: web.Application) -> list[str]:
    """The courts a clerk can be assigned to: this court (COURTROOM_COURT_NAME) and every
    court a hearing is scheduled in. A hearing names its court in free text, so these are
    the names that can match a hearing; any other would assign a clerk to nothing."""
    names = set(await app[keys.HEARINGS].courts())
    if app[keys.SETTINGS].court_name:
        names.add(app[keys.SETTINGS].court_name)
    return sorted(names, key=lambda n: (n.casefold(), n))


async def list_courts(request: web.Request) -> web.Response:
    await authorize(request, Permission.ADMINISTER, action="court.list", object="courts")
    listing: CourtList = {"courts": await known_courts(request.app)}
    return web.json_response(listing)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/court", read_court)
    router.add_get("/api/v1/court/bench", list_bench)
    router.add_get("/api/v1/courts", list_courts)
