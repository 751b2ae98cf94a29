"""The HTTP edge of authentication: log in and out, staff accounts, API tokens, /login.

    POST   /api/v1/session              {username, password} -> the session; sets the cookie
    GET    /api/v1/session              the logged-in staff member, or 401
    DELETE /api/v1/session              log out (204), clears the cookie
    GET    /api/v1/staff                administrator: every staff account
    POST   /api/v1/staff                administrator: {username, display_name, role, password}
    GET    /api/v1/api-tokens           administrator: every token (never its secret)
    POST   /api/v1/api-tokens           administrator: {name, scopes} -> the token and its
                                        secret, shown this once
    DELETE /api/v1/api-tokens/{id}      administrator: revoke

Password change and reset, disable and enable, and sessions: lifecycle.py. A clerk's
courts: courts.py.

Every login, failed login and administrative change is audited, and so is every refusal
of a logged-in caller; anonymous refusals are not, so that nobody can flood the audit log
without an account.
"""

from __future__ import annotations

import logging

from aiohttp import web

from court.access import Actor
from court.errors import NotAuthenticated
from court.permissions import Permission
from server import keys
from server.api.guard import audit, authorize
from server.audit import Outcome
from server.auth import courts, lifecycle
from server.auth.accounts import create_account
from server.auth.bodies import Login, NewApiToken, NewStaffAccount, parse_body
from server.auth.middleware import STAFF_SESSION, authenticate, check_origin
from server.auth.proxies import client_address
from server.auth.services import Auth
from server.auth.sessions import (
    COOKIE_NAME,
    LoginRefused,
    SecondFactorRequired,
    normalise_username,
)
from server.auth.throttle import Throttled
from server.auth.views import (
    AccountList,
    ApiTokenList,
    IssuedApiToken,
    account_view,
    session_view,
    token_view,
)
from server.court_data import CourtData
from server.problems import problem
from server.settings import Settings

logger = logging.getLogger(__name__)

# Answers that name a session or carry a secret must not be kept by any cache.
NO_STORE = {"Cache-Control": "no-store"}


def setup_auth(
    app: web.Application, data: CourtData, settings: Settings, origins: list[str]
) -> None:
    """Build the services, add the middleware that finds each request's Actor, add routes."""
    app[keys.AUTH] = Auth.build(data, settings, origins)
    app.middlewares.append(authenticate)
    web_dir = settings.web_dir

    async def login_page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "login.html")

    async def account_page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(web_dir / "account.html")

    router = app.router
    router.add_get("/login", login_page)
    router.add_get("/account", account_page)
    router.add_post("/api/v1/session", log_in)
    router.add_get("/api/v1/session", current_session)
    router.add_delete("/api/v1/session", log_out)
    router.add_get("/api/v1/staff", list_staff)
    router.add_post("/api/v1/staff", add_staff)
    router.add_get("/api/v1/api-tokens", list_api_tokens)
    router.add_post("/api/v1/api-tokens", issue_api_token)
    router.add_delete("/api/v1/api-tokens/{token_id}", revoke_api_token)
    lifecycle.add_routes(router)
    courts.add_routes(router)


# ---- views -----------------------------------------------------------------------------


# ---- session ---------------------------------------------------------------------------


async def log_in(request: web.Request) -> web.StreamResponse:
    auth = request.app[keys.AUTH]
    audit = request.app[keys.AUDIT]
    # Login CSRF (being logged in as someone else): a browser always sends Origin here.
    check_origin(request, auth.origins, required=False)
    body = await parse_body(request, Login)
    username = normalise_username(body.username)
    address = client_address(request, auth.trusted_proxies)
    try:
        session, secret = await auth.sessions.login(username, body.password, address, body.code)
    except SecondFactorRequired as exc:
        # The password was right: not a failure to audit; the page asks for the code.
        return problem(401, "second_factor_required", exc.message)
    except Throttled as exc:
        # Not audited: refusing costs the caller nothing, so the log would be theirs to fill.
        logger.warning("login for %r from %s throttled", username, address)
        return too_many_attempts(exc.retry_after_s)
    except LoginRefused as exc:
        await audit.record(
            actor="anonymous",
            action="session.login_failed",
            object=f"staff:{username}",
            reason=f"{exc.reason}, from {address}",
            outcome=Outcome.DENIED,
        )
        raise
    previous = request.cookies.get(COOKIE_NAME)
    if previous:
        await auth.sessions.logout(previous)
    await audit.record(
        actor=Actor.staff(session.account).label,
        action="session.login",
        object=f"staff:{username}",
        reason=f"from {address}",
    )
    response = web.json_response(session_view(session, auth.admin_totp), headers=NO_STORE)
    response.set_cookie(
        COOKIE_NAME,
        secret,
        max_age=int(auth.sessions.ttl.total_seconds()),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=auth.secure_cookie,
    )
    return response


def too_many_attempts(retry_after_s: int) -> web.Response:
    minutes = -(-retry_after_s // 60)
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
    response = problem(429, "too_many_attempts", f"Too many failed logins. Try again in {wait}.")
    response.headers["Retry-After"] = str(retry_after_s)
    return response


async def current_session(request: web.Request) -> web.Response:
    session = request.get(STAFF_SESSION)
    if session is None:
        raise NotAuthenticated("You are not logged in.")
    auth = request.app[keys.AUTH]
    return web.json_response(session_view(session, auth.admin_totp), headers=NO_STORE)


async def log_out(request: web.Request) -> web.Response:
    session = request.get(STAFF_SESSION)
    secret = request.cookies.get(COOKIE_NAME)
    if session is not None and secret:
        await request.app[keys.AUTH].sessions.logout(secret)
        # A bench page this session opened closes with it (the security review's H1).
        await request.app[keys.SIGNALING].close_staff_sessions(session_id=session.id)
        await request.app[keys.AUDIT].record(
            actor=Actor.staff(session.account).label,
            action="session.logout",
            object=f"staff:{session.account.username}",
        )
    response = web.Response(status=204)
    response.del_cookie(
        COOKIE_NAME,
        path="/",
        secure=request.app[keys.AUTH].secure_cookie,
        httponly=True,
        samesite="Strict",
    )
    return response


# ---- administration ------------------------------------------------------------------


async def list_staff(request: web.Request) -> web.Response:
    await authorize(request, Permission.ADMINISTER, action="staff.list", object="staff")
    accounts = await request.app[keys.DATA].staff.list()
    listing: AccountList = {"staff": [account_view(a) for a in accounts]}
    return web.json_response(listing)


async def add_staff(request: web.Request) -> web.Response:
    actor = await authorize(request, Permission.ADMINISTER, action="staff.create", object="staff")
    new = await parse_body(request, NewStaffAccount)
    auth = request.app[keys.AUTH]
    account = await create_account(request.app[keys.DATA].staff, auth.passwords, new)
    await audit(
        request, actor, "staff.create", f"staff:{account.username}", f"role {account.role.value}"
    )
    return web.json_response(account_view(account), status=201)


async def list_api_tokens(request: web.Request) -> web.Response:
    await authorize(request, Permission.ADMINISTER, action="api_token.list", object="api_tokens")
    tokens = await request.app[keys.AUTH].tokens.list()
    listing: ApiTokenList = {"api_tokens": [token_view(t) for t in tokens]}
    return web.json_response(listing)


async def issue_api_token(request: web.Request) -> web.Response:
    actor = await authorize(
        request, Permission.ADMINISTER, action="api_token.create", object="api_tokens"
    )
    new = await parse_body(request, NewApiToken)
    token, secret = await request.app[keys.AUTH].tokens.issue(
        name=new.name, scopes=frozenset(new.scopes), created_by=actor.label
    )
    await audit(
        request,
        actor,
        "api_token.create",
        f"api_token:{token.id}",
        f"{token.name}: {' '.join(sorted(token.scopes))}",
    )
    issued: IssuedApiToken = {**token_view(token), "token": secret}
    return web.json_response(issued, status=201, headers=NO_STORE)


async def revoke_api_token(request: web.Request) -> web.Response:
    token_id = request.match_info["token_id"]
    actor = await authorize(
        request, Permission.ADMINISTER, action="api_token.revoke", object=f"api_token:{token_id}"
    )
    token = await request.app[keys.AUTH].tokens.revoke(token_id)
    await audit(request, actor, "api_token.revoke", f"api_token:{token.id}", token.name)
    return web.json_response(token_view(token))
