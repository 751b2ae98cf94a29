"""Request validation: strict pydantic models, and the problem they turn into when wrong.

JSON bodies are validated in strict mode straight from the bytes (a number is never a
string, a string is never a date unless it is an RFC 3339 one), unknown fields are refused,
and every string has a length limit, so a bad request changes nothing.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from court.errors import InvalidRequest

# Printable text on one line: names, titles, case numbers. No control characters.
_ONE_LINE = r"^[^\x00-\x1f\x7f]*$"


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=_ONE_LINE
    )


CaseNumber = Annotated[str, _text(64)]
Title = Annotated[str, _text(300)]
CourtName = Annotated[str, _text(200)]
Courtroom = Annotated[str, _text(100)]
PersonName = Annotated[str, _text(200)]
Reason = Annotated[str, _text(1000)]
Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]

# A stated reason for reading what is private (the record, the protocol, the chat): one line
# of printable text, at least three characters; it goes into the audit log as written.
MAX_STATED_REASON = 500
Why = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=MAX_STATED_REASON, pattern=_ONE_LINE
    ),
]

MAX_BODY_BYTES = 64 * 1024


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


B = TypeVar("B", bound=BaseModel)


class ReasonQuery(Body):
    """``?reason=``: why the caller reads it (audited with the read)."""

    reason: Why


def describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False)[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


async def parse_body(request: web.Request, model: type[B]) -> B:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise InvalidRequest(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    raw = await request.read()
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidRequest(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        raw = b"{}"
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidRequest(describe(exc)) from None


def parse_query(request: web.Request, model: type[B]) -> B:
    """Query parameters are strings on the wire; the model converts them (lax mode)."""
    duplicated = [key for key in request.query if len(request.query.getall(key)) > 1]
    if duplicated:
        raise InvalidRequest(f"{duplicated[0]}: give this parameter at most once")
    try:
        return model.model_validate(dict(request.query), strict=False)
    except ValidationError as exc:
        raise InvalidRequest(describe(exc)) from None
