"""The life of a staff account after it is created: password change and reset, disable and
enable, and the account's sessions.

    PUT    /api/v1/session/password                 {current_password, new_password}: one's
                                                    own; ends one's other sessions
    POST   /api/v1/staff/{staff_id}/password-reset  administrator, {reason}: a temporary
                                                    password, shown this once; the owner
                                                    must change it at the next login
    POST   /api/v1/staff/{staff_id}/disable         administrator, {reason}; ends its sessions
    POST   /api/v1/staff/{staff_id}/enable          administrator, {reason}
    GET    /api/v1/staff/{staff_id}/sessions        the account's owner or an administrator
    DELETE /api/v1/staff/{staff_id}/sessions/{id}   the account's owner or an administrator

Every change is audited with its actor (and, for an administrator's, the reason); so is
every refusal of a logged-in caller.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from court.access import Actor, ActorKind
from court.errors import (
    InvalidRequest,
    InvalidState,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from court.permissions import Permission
from court.staff import StaffAccount, StaffRole
from server import keys
from server.actors import require_actor
from server.api.guard import audit, authorize
from server.audit import Outcome
from server.auth.accounts import generate_password
from server.auth.bodies import (
    AccountAction,
    ChangePassword,
    DisableTotp,
    EnableTotp,
    parse_body,
)
from server.auth.bootstrap import INITIAL_ADMIN_FILE, INITIAL_ADMIN_USERNAME
from server.auth.middleware import STAFF_SESSION
from server.auth.proxies import client_address
from server.auth.sessions import COOKIE_NAME, LoginRefused
from server.auth.totp import new_secret, provisioning_uri
from server.auth.views import (
    AccountSessionList,
    ResetAccount,
    TotpProposal,
    account_view,
    session_info_view,
)
from server.persistence.repositories import StaffSession

NO_STORE = {"Cache-Control": "no-store"}


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_put("/api/v1/session/password", change_password)
    router.add_post("/api/v1/session/totp", propose_totp)
    router.add_put("/api/v1/session/totp", enable_totp)
    router.add_delete("/api/v1/session/totp", disable_totp)
    router.add_post("/api/v1/staff/{staff_id}/password-reset", reset_password)
    router.add_post("/api/v1/staff/{staff_id}/disable", disable_account)
    router.add_post("/api/v1/staff/{staff_id}/enable", enable_account)
    router.add_get("/api/v1/staff/{staff_id}/sessions", list_sessions)
    router.add_delete("/api/v1/staff/{staff_id}/sessions/{session_id}", revoke_session)


async def change_password(request: web.Request) -> web.Response:
    session = request.get(STAFF_SESSION)
    secret = request.cookies.get(COOKIE_NAME)
    if session is None or not secret:
        raise NotAuthenticated("Log in to change your password.")
    body = await parse_body(request, ChangePassword)
    auth = request.app[keys.AUTH]
    actor = Actor.staff(session.account)
    target = f"staff:{session.account.username}"
    try:
        account = await auth.sessions.change_password(
            session.account,
            body.current_password,
            body.new_password,
            address=client_address(request, auth.trusted_proxies),
            keep=secret,
        )
    except LoginRefused as exc:
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action="staff.password_change",
            object=target,
            reason=exc.reason,
            outcome=Outcome.DENIED,
        )
        raise
    if account.username == INITIAL_ADMIN_USERNAME:
        # The generated password is no longer valid; its copy need not stay on disk.
        (request.app[keys.SETTINGS].data_dir / INITIAL_ADMIN_FILE).unlink(missing_ok=True)
    await audit(request, actor, "staff.password_change", target, "other sessions ended")
    return web.json_response(account_view(account), headers=NO_STORE)


def _own_session(request: web.Request) -> tuple[StaffSession, str]:
    session = request.get(STAFF_SESSION)
    secret = request.cookies.get(COOKIE_NAME)
    if session is None or not secret:
        raise NotAuthenticated("Log in first.")
    return session, secret


async def propose_totp(request: web.Request) -> web.Response:
    """A new secret to put in an authenticator app; nothing changes until a code confirms it."""
    session, _ = _own_session(request)
    if session.account.totp_enabled:
        raise InvalidState("Your account has a second factor already; turn it off first.")
    secret = new_secret()
    proposal: TotpProposal = {
        "secret": secret,
        "uri": provisioning_uri(secret, session.account.username),
    }
    return web.json_response(proposal, headers=NO_STORE)


async def enable_totp(request: web.Request) -> web.Response:
    session, _ = _own_session(request)
    body = await parse_body(request, EnableTotp)
    account = session.account
    if account.totp_enabled:
        raise InvalidState("Your account has a second factor already; turn it off first.")
    actor = Actor.staff(account)
    codes = request.app[keys.AUTH].sessions.codes
    if not codes.check(account.id, body.secret, body.code):
        raise InvalidRequest("The code does not match; check the app's clock and try again.")
    account = await request.app[keys.DATA].staff.set_totp_secret(account.id, body.secret)
    await audit(request, actor, "staff.totp_enable", f"staff:{account.username}", "own account")
    return web.json_response(account_view(account))


async def disable_totp(request: web.Request) -> web.Response:
    session, _ = _own_session(request)
    body = await parse_body(request, DisableTotp)
    account = session.account
    actor = Actor.staff(account)
    auth = request.app[keys.AUTH]
    if auth.admin_totp and account.role is StaffRole.ADMINISTRATOR:
        raise InvalidState("Administrators must keep their second factor on this server.")
    stored = await request.app[keys.DATA].staff.password_hash(account.id)
    if not (await auth.passwords.verify(stored, body.current_password)).ok:
        await request.app[keys.AUDIT].record(
            actor=actor.label,
            action="staff.totp_disable",
            object=f"staff:{account.username}",
            reason="wrong current password",
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied("The current password is wrong.")
    account = await request.app[keys.DATA].staff.set_totp_secret(account.id, None)
    await audit(request, actor, "staff.totp_disable", f"staff:{account.username}", "own account")
    return web.json_response(account_view(account))


async def account_in_path(request: web.Request) -> StaffAccount:
    """The account ``{staff_id}`` names, or 404."""
    staff_id = request.match_info["staff_id"]
    account = await request.app[keys.DATA].staff.get(staff_id)
    if account is None:
        raise NotFound(f"There is no staff account {staff_id!r}.")
    return account


async def _administrator(request: web.Request, action: str) -> Actor:
    target = f"staff:{request.match_info['staff_id']}"
    return await authorize(request, Permission.ADMINISTER, action=action, object=target)


async def reset_password(request: web.Request) -> web.Response:
    actor = await _administrator(request, "staff.password_reset")
    body = await parse_body(request, AccountAction)
    account = await account_in_path(request)
    auth = request.app[keys.AUTH]
    temporary = generate_password()
    staff = request.app[keys.DATA].staff
    account = await staff.set_password_hash(
        account.id, await auth.passwords.hash(temporary), must_change=True
    )
    # A reset is for lost credentials: a lost phone too. The owner may enrol again.
    account = await staff.set_totp_secret(account.id, None)
    ended = await request.app[keys.DATA].staff_sessions.revoke_all(account.id)
    await request.app[keys.SIGNALING].close_staff_sessions(account_id=account.id)
    await audit(
        request,
        actor,
        "staff.password_reset",
        f"staff:{account.username}",
        f"{body.reason} ({ended} session(s) ended)",
    )
    reset: ResetAccount = {**account_view(account), "temporary_password": temporary}
    return web.json_response(reset, headers=NO_STORE)


async def disable_account(request: web.Request) -> web.Response:
    actor = await _administrator(request, "staff.disable")
    body = await parse_body(request, AccountAction)
    account = await account_in_path(request)
    if account.id == actor.id:
        raise InvalidState("You cannot disable your own account; ask another administrator.")
    data = request.app[keys.DATA]
    account = await data.staff.set_disabled(account.id, disabled_at=datetime.now(UTC))
    ended = await data.staff_sessions.revoke_all(account.id)
    await request.app[keys.SIGNALING].close_staff_sessions(account_id=account.id)
    await audit(
        request,
        actor,
        "staff.disable",
        f"staff:{account.username}",
        f"{body.reason} ({ended} session(s) ended)",
    )
    return web.json_response(account_view(account))


async def enable_account(request: web.Request) -> web.Response:
    actor = await _administrator(request, "staff.enable")
    body = await parse_body(request, AccountAction)
    account = await account_in_path(request)
    account = await request.app[keys.DATA].staff.set_disabled(account.id, disabled_at=None)
    await audit(request, actor, "staff.enable", f"staff:{account.username}", body.reason)
    return web.json_response(account_view(account))


async def _owner_or_administrator(request: web.Request, action: str) -> tuple[Actor, StaffAccount]:
    """The caller, if the path names their own account or they administer; the account."""
    actor = require_actor(request)
    own = actor.kind is ActorKind.STAFF and actor.id == request.match_info["staff_id"]
    if not own:
        await _administrator(request, action)
    return actor, await account_in_path(request)


async def list_sessions(request: web.Request) -> web.Response:
    _, account = await _owner_or_administrator(request, "session.list")
    data = request.app[keys.DATA]
    sessions = await data.staff_sessions.of_account(account.id, now=datetime.now(UTC))
    current = request.get(STAFF_SESSION)
    current_id = current.id if current is not None else None
    listing: AccountSessionList = {"sessions": [session_info_view(s, current_id) for s in sessions]}
    return web.json_response(listing, headers=NO_STORE)


async def revoke_session(request: web.Request) -> web.Response:
    actor, account = await _owner_or_administrator(request, "session.revoke")
    session_id = request.match_info["session_id"]
    if not await request.app[keys.DATA].staff_sessions.revoke(account.id, session_id):
        raise NotFound(f"There is no session {session_id!r} of {account.username}.")
    await request.app[keys.SIGNALING].close_staff_sessions(session_id=session_id)
    await audit(
        request, actor, "session.revoke", f"staff:{account.username}", f"session {session_id}"
    )
    return web.Response(status=204)
