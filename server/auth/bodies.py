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
    PersonName,
    Reason,
    Username,
    describe,
    parse_body,
)

__all__ = [
    "AccountAction",
    "ChangePassword",
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


class Login(Body):
    # Any one line up to the limit: a wrong format is a wrong username, answered like one.
    username: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_ONE_LINE)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


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
