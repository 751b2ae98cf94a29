"""The bodies the auth routes accept: strict pydantic models, unknown fields refused, every
string bounded, so a bad request is a 422 problem and changes nothing.

(The same rules as server/api/bodies.py; kept here so that logins do not depend on it.)
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from court.errors import InvalidRequest
from court.permissions import Scope
from court.staff import StaffRole

MAX_BODY_BYTES = 16 * 1024
MIN_PASSWORD_LENGTH = 12
# argon2 takes any length, but hashing megabytes per guess would be a cheap way to load us.
MAX_PASSWORD_LENGTH = 1024

_ONE_LINE = r"^[^\x00-\x1f\x7f]*$"

Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_ONE_LINE)
]
TokenName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_ONE_LINE)
]
NewPassword = Annotated[
    str, StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
]


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Login(Body):
    # Any text up to the limits: a wrong format is a wrong username, answered like one.
    username: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_ONE_LINE)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class NewStaffAccount(Body):
    username: Username
    display_name: DisplayName
    role: StaffRole
    password: NewPassword


class NewApiToken(Body):
    name: TokenName
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(Scope))]


B = TypeVar("B", bound=BaseModel)


def describe(error: ValidationError) -> str:
    """Where and what, never the input (it may be a password)."""
    parts = []
    for item in error.errors(include_url=False, include_input=False)[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


async def parse_body(request: web.Request, model: type[B]) -> B:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise InvalidRequest(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    raw = await request.read()
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidRequest(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        return model.model_validate_json(raw.strip() or b"{}")
    except ValidationError as exc:
        raise InvalidRequest(describe(exc)) from None
