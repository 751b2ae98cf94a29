"""The bodies the auth routes accept, validated like every API body (server.api.bodies):
strict, unknown fields refused, every string bounded, so a bad request is a 422 problem and
changes nothing."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from court.permissions import Scope
from court.staff import StaffRole
from server.api.bodies import (
    _ONE_LINE,
    Body,
    CourtName,
    PersonName,
    Reason,
    Username,
    describe,
    parse_body,
)

__all__ = [
    "AccountAction",
    "ChangePassword",
    "CourtAssignment",
    "DisableTotp",
    "EnableTotp",
    "Login",
    "NewApiToken",
    "NewStaffAccount",
    "describe",
    "parse_body",
]

MIN_PASSWORD_LENGTH = 12
# argon2 takes any length, but hashing megabytes per guess would be a cheap way to load us.
MAX_PASSWORD_LENGTH = 1024

TokenName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_ONE_LINE)
]
NewPassword = Annotated[
    str, StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
]


TotpCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class Login(Body):
    # Any one line up to the limit: a wrong format is a wrong username, answered like one.
    username: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_ONE_LINE)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
    # The authenticator's current code, for an account with a second factor.
    code: TotpCode | None = None


class NewStaffAccount(Body):
    username: Username
    display_name: PersonName
    role: StaffRole
    password: NewPassword


class NewApiToken(Body):
    name: TokenName
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(Scope))]


class ChangePassword(Body):
    # The current one as any login password (a wrong one is answered as wrong, not as 422).
    current_password: Annotated[
        str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    ]
    new_password: NewPassword


class AccountAction(Body):
    """An administrator's reset, disable or enable of someone's account: why, for the log."""

    reason: Reason


# More courts than a clerks' office serves would be a mistake, not an assignment.
MAX_COURTS = 50


class CourtAssignment(Body):
    """The courts a clerk is assigned to, all of them (an empty list: none), and why."""

    courts: Annotated[
        list[CourtName],
        Field(
            max_length=MAX_COURTS,
            description="court names as hearings carry them (GET /api/v1/courts)",
        ),
    ]
    reason: Reason


class EnableTotp(Body):
    """The secret the server proposed (POST /session/totp) and a code it makes now."""

    secret: Annotated[str, StringConstraints(pattern=r"^[A-Z2-7]{16,64}$")]
    code: TotpCode


class DisableTotp(Body):
    current_password: Annotated[
        str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    ]
