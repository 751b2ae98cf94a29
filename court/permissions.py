"""What each role may do: one table, asked by every layer that enforces a rule.

The table is data, not ``if`` chains, so that a matrix test can walk it and a later issue
(waiting room, moderation, protocol, archive) adds rows without touching the callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from court.roles import Role


class Permission(StrEnum):
    PUBLISH_AUDIO = "publish_audio"
    PUBLISH_VIDEO = "publish_video"
    SUBSCRIBE = "subscribe"
    CONTROL_RECORDING = "control_recording"
    MODERATE = "moderate"


_PARTY: Final = frozenset(
    {Permission.PUBLISH_AUDIO, Permission.PUBLISH_VIDEO, Permission.SUBSCRIBE}
)
_COURT: Final = _PARTY | {Permission.CONTROL_RECORDING, Permission.MODERATE}

ROLE_PERMISSIONS: Final[Mapping[Role, frozenset[Permission]]] = {
    Role.JUDGE: _COURT,
    Role.CLERK: _COURT,
    Role.PROSECUTOR: _PARTY,
    Role.DEFENCE: _PARTY,
    Role.DEFENDANT: _PARTY,
    Role.VICTIM: _PARTY,
    Role.WITNESS: _PARTY,
    Role.EXPERT: _PARTY,
    Role.INTERPRETER: _PARTY,
    Role.OBSERVER: frozenset({Permission.SUBSCRIBE}),
}


def can(role: Role, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission``."""
    return permission in ROLE_PERMISSIONS[role]


def permissions_of(role: Role) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[role]
