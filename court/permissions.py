"""What each role may do: one table, asked by every layer that enforces a rule.

Two kinds of people hold permissions. Participants (Role) act inside one live hearing;
staff accounts (StaffRole) and the e-court system's API tokens (Scope) act on court data.
The tables are data, not ``if`` chains, so that the matrix tests walk them and later issues
(waiting room, protocol, archive) add rows without touching the callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from court.roles import Role
from court.staff import StaffRole


class Permission(StrEnum):
    # In a live hearing.
    PUBLISH_AUDIO = "publish_audio"
    PUBLISH_VIDEO = "publish_video"
    PUBLISH_SCREEN = "publish_screen"
    SUBSCRIBE = "subscribe"  # see and hear everyone in the hearing room
    CONTROL_RECORDING = "control_recording"
    MODERATE = "moderate"
    WRITE_PROTOCOL = "write_protocol"
    SIGN_PROTOCOL = "sign_protocol"  # after the hearing: finalise, sign, correct
    # On court data.
    READ_HEARINGS = "read_hearings"
    SCHEDULE_HEARINGS = "schedule_hearings"  # create, reschedule, cancel; participants; links
    READ_ARCHIVE = "read_archive"
    MANAGE_RETENTION = "manage_retention"  # retain-until dates and legal holds
    ADMINISTER = "administer"  # staff accounts, API tokens, webhooks
    READ_AUDIT = "read_audit"


class Scope(StrEnum):
    """What an administrator grants an API token of the e-court system."""

    HEARINGS_READ = "hearings:read"
    HEARINGS_WRITE = "hearings:write"
    RECORDS_READ = "records:read"


_SPEAK: Final = frozenset(
    {Permission.PUBLISH_AUDIO, Permission.PUBLISH_VIDEO, Permission.SUBSCRIBE}
)
# Counsel, prosecution and experts show documents and exhibits.
_PRESENT: Final = _SPEAK | {Permission.PUBLISH_SCREEN}
_BENCH: Final = _PRESENT | {
    Permission.CONTROL_RECORDING,
    Permission.MODERATE,
    Permission.WRITE_PROTOCOL,
}

ROLE_PERMISSIONS: Final[Mapping[Role, frozenset[Permission]]] = {
    Role.JUDGE: _BENCH,
    Role.CLERK: _BENCH,
    Role.PROSECUTOR: _PRESENT,
    Role.DEFENCE: _PRESENT,
    Role.DEFENDANT: _SPEAK,
    Role.VICTIM: _SPEAK,
    Role.WITNESS: _SPEAK,
    Role.EXPERT: _PRESENT,
    Role.INTERPRETER: _SPEAK,
    Role.OBSERVER: frozenset({Permission.SUBSCRIBE}),
}

STAFF_PERMISSIONS: Final[Mapping[StaffRole, frozenset[Permission]]] = {
    # Administrators run the system, not the cases: no scheduling, no archive.
    StaffRole.ADMINISTRATOR: frozenset(
        {Permission.READ_HEARINGS, Permission.ADMINISTER, Permission.READ_AUDIT}
    ),
    # A judge schedules only the hearings they preside over (court.access checks which).
    StaffRole.JUDGE: frozenset(
        {Permission.READ_HEARINGS, Permission.SCHEDULE_HEARINGS, Permission.SIGN_PROTOCOL}
    ),
    StaffRole.CLERK: frozenset(
        {Permission.READ_HEARINGS, Permission.SCHEDULE_HEARINGS, Permission.SIGN_PROTOCOL}
    ),
    StaffRole.ARCHIVIST: frozenset(
        {Permission.READ_HEARINGS, Permission.READ_ARCHIVE, Permission.MANAGE_RETENTION}
    ),
}

SCOPE_PERMISSIONS: Final[Mapping[Scope, frozenset[Permission]]] = {
    Scope.HEARINGS_READ: frozenset({Permission.READ_HEARINGS}),
    Scope.HEARINGS_WRITE: frozenset({Permission.READ_HEARINGS, Permission.SCHEDULE_HEARINGS}),
    Scope.RECORDS_READ: frozenset({Permission.READ_HEARINGS, Permission.READ_ARCHIVE}),
}


def can(role: Role, permission: Permission) -> bool:
    """Whether a participant with ``role`` holds ``permission``."""
    return permission in ROLE_PERMISSIONS[role]


def permissions_of(role: Role) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[role]


def staff_permissions(role: StaffRole) -> frozenset[Permission]:
    return STAFF_PERMISSIONS[role]


def scope_permissions(scopes: frozenset[Scope]) -> frozenset[Permission]:
    granted: frozenset[Permission] = frozenset()
    for scope in scopes:
        granted |= SCOPE_PERMISSIONS[scope]
    return granted
