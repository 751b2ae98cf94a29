"""JSON views of staff accounts, their sessions and API tokens (typed as server/views.py
explains; the class names are the OpenAPI document's component names)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, with_config
from typing_extensions import TypedDict

import server.persistence.repositories as repositories
from court.access import Actor
from court.permissions import Permission, Scope
from court.staff import StaffAccount, StaffRole
from server.views import CLOSED, Timestamp, timestamp


@with_config(CLOSED)
class Account(TypedDict):
    id: str
    username: str
    display_name: str
    role: StaffRole
    disabled: bool
    must_change_password: Annotated[
        bool,
        Field(
            description="after a reset: every route but the password change answers 403 "
            "password_change_required until it is changed"
        ),
    ]
    totp_enabled: Annotated[bool, Field(description="the account has a second factor")]
    courts: Annotated[
        list[str],
        Field(
            description="a clerk's courts: they see and change every hearing of these "
            "courts, besides the hearings naming them as clerk; empty for other roles"
        ),
    ]
    created_at: Timestamp


def account_view(account: StaffAccount) -> Account:
    return {
        "id": account.id,
        "username": account.username,
        "display_name": account.display_name,
        "role": account.role,
        "disabled": account.disabled,
        "must_change_password": account.must_change_password,
        "totp_enabled": account.totp_enabled,
        "courts": sorted(account.courts),
        "created_at": timestamp(account.created_at),
    }


@with_config(CLOSED)
class AccountList(TypedDict):
    """The staff accounts (listStaff)."""

    staff: list[Account]


@with_config(CLOSED)
class ResetAccount(Account):
    """An account whose password was reset: the temporary password, shown once."""

    temporary_password: str


@with_config(CLOSED)
class Session(Account):
    """The logged-in staff member."""

    must_enrol_second_factor: Annotated[
        bool,
        Field(
            description="COURTROOM_ADMIN_TOTP is on and this administrator has no second "
            "factor: every route but enrolment answers 403 until it has one"
        ),
    ]
    permissions: list[Permission]
    session_expires_at: Timestamp


def session_view(session: repositories.StaffSession, admin_totp: bool = False) -> Session:
    actor = Actor.staff(session.account)
    account = session.account
    return {
        **account_view(account),
        # COURTROOM_ADMIN_TOTP: an administrator without one is sent to enrol first.
        "must_enrol_second_factor": admin_totp
        and account.role is StaffRole.ADMINISTRATOR
        and not account.totp_enabled,
        "permissions": sorted(actor.permissions),
        "session_expires_at": timestamp(session.expires_at),
    }


@with_config(CLOSED)
class AccountSession(TypedDict):
    """One live session of an account (never its cookie)."""

    id: str
    created_at: Timestamp
    expires_at: Timestamp
    current: Annotated[bool, Field(description="the session of this request")]


@with_config(CLOSED)
class AccountSessionList(TypedDict):
    sessions: list[AccountSession]


def session_info_view(info: repositories.SessionInfo, current: str | None) -> AccountSession:
    return {
        "id": info.id,
        "created_at": timestamp(info.created_at),
        "expires_at": timestamp(info.expires_at),
        "current": info.id == current,
    }


@with_config(CLOSED)
class TotpProposal(TypedDict):
    secret: str
    uri: Annotated[str, Field(description="otpauth:// URI for an authenticator app")]


@with_config(CLOSED)
class ApiToken(TypedDict):
    """An API token of a machine client, without its secret."""

    id: str
    name: str
    scopes: list[Scope]
    created_by: str
    created_at: Timestamp
    revoked_at: Timestamp | None


@with_config(CLOSED)
class ApiTokenList(TypedDict):
    api_tokens: list[ApiToken]


@with_config(CLOSED)
class IssuedApiToken(ApiToken):
    """An API token as it is issued: the only time its secret is shown."""

    token: str


def token_view(token: repositories.ApiToken) -> ApiToken:
    return {
        "id": token.id,
        "name": token.name,
        "scopes": sorted(token.scopes),
        "created_by": token.created_by,
        "created_at": timestamp(token.created_at),
        "revoked_at": timestamp(token.revoked_at),
    }
