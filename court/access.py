"""Who is asking, and whether they may: the one authorisation rule for court data.

An Actor is a logged-in staff member or an API token of the e-court system. Routes ask
``authorize(actor, permission, hearing)``; the answer depends only on the permission tables
and, for judges, on whether they preside over the hearing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from court.errors import PermissionDenied
from court.hearing import Hearing
from court.permissions import Permission, Scope, scope_permissions, staff_permissions
from court.staff import StaffAccount, StaffRole


class ActorKind(StrEnum):
    STAFF = "staff"
    MACHINE = "machine"  # an API token


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    id: str
    name: str
    permissions: frozenset[Permission]
    # Set for judges: the username that hearings name as presiding judge.
    presides_as: str | None = None

    @property
    def label(self) -> str:
        """How the audit log names this actor, e.g. ``staff:alice`` or ``token:ecourt``."""
        prefix = "staff" if self.kind is ActorKind.STAFF else "token"
        return f"{prefix}:{self.name}"

    @classmethod
    def staff(cls, account: StaffAccount) -> Actor:
        return cls(
            kind=ActorKind.STAFF,
            id=account.id,
            name=account.username,
            permissions=staff_permissions(account.role),
            presides_as=account.username if account.role is StaffRole.JUDGE else None,
        )

    @classmethod
    def machine(cls, token_id: str, name: str, scopes: frozenset[Scope]) -> Actor:
        return cls(
            kind=ActorKind.MACHINE, id=token_id, name=name, permissions=scope_permissions(scopes)
        )


def allowed(actor: Actor, permission: Permission, hearing: Hearing | None = None) -> bool:
    if permission not in actor.permissions:
        return False
    if (
        permission in (Permission.SCHEDULE_HEARINGS, Permission.SIGN_PROTOCOL)
        and actor.presides_as is not None
        and hearing is not None
    ):
        return hearing.presiding_judge == actor.presides_as
    return True


def may_read_privately(actor: Actor, hearing: Hearing) -> bool:
    """Whether ``actor`` may read what is private to ``hearing`` (its protocol, the clerk's
    chat, its exhibits): whoever may read hearings, but a judge only the hearings they
    preside over."""
    if not allowed(actor, Permission.READ_HEARINGS, hearing):
        return False
    return actor.presides_as is None or hearing.presiding_judge == actor.presides_as


def authorize(actor: Actor, permission: Permission, hearing: Hearing | None = None) -> None:
    """Raise PermissionDenied unless ``actor`` may use ``permission`` (on ``hearing``)."""
    if not allowed(actor, permission, hearing):
        where = f" on hearing {hearing.case_number}" if hearing is not None else ""
        raise PermissionDenied(
            f"{actor.label} may not {permission.value.replace('_', ' ')}{where}."
        )
