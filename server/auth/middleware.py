"""Who is asking: the Actor of each request, from a bearer API token or a session cookie.

A request with an ``Authorization`` header is judged by it alone: a bad token is a 401,
never a silent fall-back to the cookie. A cookie that names no live session makes the
request anonymous (routes that need a caller answer 401).

A cookie is sent by the browser whoever made the page that sends the request, so a change
(POST, PUT, PATCH, DELETE) made with a cookie must come with the Origin of one of our own
pages. SameSite=Strict already keeps the cookie off cross-site requests; this is the second
lock. Bearer tokens are exempt: a browser never adds them on its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import hdrs, web

from court.access import Actor
from court.errors import PermissionDenied
from court.staff import StaffAccount, StaffRole
from server import keys
from server.actors import ACTOR
from server.auth.sessions import COOKIE_NAME
from server.persistence.repositories import StaffSession
from server.problems import problem

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The staff session behind a cookie-authenticated request (for GET /api/v1/session).
STAFF_SESSION = web.RequestKey("staff_session", StaffSession)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Static files and the participants' signaling connection need no staff identity; skipping
# them saves a database lookup per request of a logged-in browser.
UNAUTHENTICATED_PREFIXES = ("/static/", "/socket.io/", "/favicon.ico")


def check_origin(request: web.Request, origins: frozenset[str], *, required: bool) -> None:
    """PermissionDenied unless the Origin header names one of our pages (or, when not
    ``required``, is absent: clients other than browsers send none)."""
    origin = request.headers.get(hdrs.ORIGIN)
    if origin is None and not required:
        return
    if origin not in origins:
        raise PermissionDenied(
            "This change must come from a page of this server (the Origin header is "
            f"{'missing' if origin is None else repr(origin)})."
        )


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(UNAUTHENTICATED_PREFIXES):
        return await handler(request)
    auth = request.app[keys.AUTH]
    header = request.headers.get(hdrs.AUTHORIZATION)
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _bearer_refused("Send the API token as 'Authorization: Bearer <token>'.")
        actor = await auth.tokens.actor(token.strip())
        if actor is None:
            return _bearer_refused("The API token is unknown or has been revoked.")
        request[ACTOR] = actor
        return await handler(request)
    cookie = request.cookies.get(COOKIE_NAME)
    if cookie:
        session = await auth.sessions.resolve(cookie)
        if session is not None:
            if request.method not in SAFE_METHODS:
                check_origin(request, auth.origins, required=True)
            request[ACTOR] = Actor.staff(session.account)
            request[STAFF_SESSION] = session
            held = _held_back(session.account, auth.admin_totp)
            if held is not None and not _may_before_change(request):
                return held
    return await handler(request)


# What a session whose password must change (or an administrator without the required second
# factor) may still do: see itself, log out, change the password, enrol a second factor.
PASSWORD_CHANGE_ROUTES = frozenset(
    {
        ("GET", "/api/v1/session"),
        ("DELETE", "/api/v1/session"),
        ("PUT", "/api/v1/session/password"),
        ("POST", "/api/v1/session/totp"),
        ("PUT", "/api/v1/session/totp"),
        # Public anyway: the court's name and time zone, which the account page's times need.
        ("GET", "/api/v1/court"),
    }
)


def _held_back(account: StaffAccount, admin_totp: bool) -> web.Response | None:
    """The refusal for a session that must first change its password or enrol a second
    factor (administrators, when COURTROOM_ADMIN_TOTP is on); None when it may go on."""
    if account.must_change_password:
        return problem(
            403,
            "password_change_required",
            "Change your password first (an administrator reset it).",
        )
    if admin_totp and account.role is StaffRole.ADMINISTRATOR and not account.totp_enabled:
        return problem(
            403,
            "second_factor_enrolment_required",
            "Administrators need a second factor: set up an authenticator app first.",
        )
    return None


def _may_before_change(request: web.Request) -> bool:
    if not request.path.startswith("/api/"):
        return True  # the pages themselves; their API calls are refused
    return (request.method, request.path) in PASSWORD_CHANGE_ROUTES


def _bearer_refused(detail: str) -> web.Response:
    response = problem(401, "not_authenticated", detail)
    response.headers[hdrs.WWW_AUTHENTICATE] = 'Bearer error="invalid_token"'
    return response
