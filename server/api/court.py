"""The court itself: its name, time zone and languages (public), and its bench (staff).

Every page asks once for the court's time zone and shows each time in it, so a clerk's
browser set to another zone (or to UTC on a kiosk) never shifts a hearing by hours.
"""

from __future__ import annotations

from aiohttp import web

from court.permissions import Permission
from court.staff import StaffAccount, StaffRole
from server import keys
from server.api.guard import authorize
from server.views import Bench, BenchMember, Court

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


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/api/v1/court", read_court)
    router.add_get("/api/v1/court/bench", list_bench)
