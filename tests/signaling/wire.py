"""Checks what a real hearing sends against its declared shapes (signaling.live.notices).

The hearing server of the signaling tests passes every notification through
``check_notice`` and every join acknowledgement through ``check_join_ack``: a field added,
renamed or retyped without its declaration fails the test that sent it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from signaling.live.notices import NOTICES, JoinAck
from signaling.live.server_events import ServerEvent


@cache
def _adapter(shape: type) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


def _problems(shape: type, data: object) -> str | None:
    try:
        _adapter(shape).validate_python(data, strict=True)
    except ValidationError as exc:
        return str(exc)
    return None


def check_notice(event: str, data: object) -> str | None:
    """What is wrong with notification ``event``'s payload, or None."""
    try:
        shape = NOTICES[ServerEvent(event)]
    except ValueError:
        return f"{event!r} is not a notification the server declares"
    problems = _problems(shape, data)
    return None if problems is None else f"{event}: {problems}"


def check_join_ack(data: Mapping[str, Any]) -> str | None:
    problems = _problems(JoinAck, dict(data))
    return None if problems is None else f"join acknowledgement: {problems}"
