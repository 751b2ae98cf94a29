"""Who is asking, and whether they may: the one authorisation rule for court data.

An Actor is a logged-in staff member or an API token of the e-court system. Routes ask
``authorize(actor, permission, hearing)``; the answer depends only on the permission tables
and, for the bench's staff, on whether the hearing names them: a judge changes and signs only
the hearings they preside over (the security review's H1). A clerk is assigned to hearings
and to courts: they see and change the hearings that name them as clerk and every hearing of
a court whose clerks' office they belong to (``StaffAccount.courts``, set by an
administrator), and no other. Sitting on the bench and signing the protocol stay with the
one clerk the hearing names (``on_the_bench``); a clerk of the court who is to sit names
themselves, a change that is audited. A hearing that names no clerk is changed by its
presiding judge, the clerks of its court or the e-court system; a clerk who schedules a
hearing without naming a clerk becomes its clerk (server.api.hearings).
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
    # Set for clerks: the username that hearings name as their clerk.
    clerk_as: str | None = None
    # For clerks: the courts whose every hearing they prepare.
    clerk_of: frozenset[str] = frozenset()

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
            clerk_as=account.username if account.role is StaffRole.CLERK else None,
            clerk_of=account.courts if account.role is StaffRole.CLERK else frozenset(),
        )

    @classmethod
    def machine(cls, token_id: str, name: str, scopes: frozenset[Scope]) -> Actor:
        return cls(
            kind=ActorKind.MACHINE, id=token_id, name=name, permissions=scope_permissions(scopes)
        )


def on_the_bench(actor: Actor, hearing: Hearing) -> bool:
    """Whether ``actor`` is the staff account ``hearing`` names as presiding judge or clerk."""
    if actor.presides_as is not None:
        return hearing.presiding_judge == actor.presides_as
    if actor.clerk_as is not None:
        return hearing.clerk == actor.clerk_as
    return False


def assigned(actor: Actor, hearing: Hearing) -> bool:
    """Whether ``hearing`` is one of the hearings ``actor`` is assigned to: a judge's if it
    names them as presiding judge, a clerk's if it names them as clerk or is of one of
    their courts. Only for judges and clerks; everyone else is assigned to none."""
    if actor.clerk_as is not None and hearing.court in actor.clerk_of:
        return True
    return on_the_bench(actor, hearing)


def _scoped(actor: Actor) -> bool:
    """Judges and clerks act only on the hearings they are assigned to."""
    return actor.presides_as is not None or actor.clerk_as is not None


def sees(actor: Actor, hearing: Hearing) -> bool:
    """Whether ``actor`` may see ``hearing`` at all (read it, find it in a list, read its
    participants and links): whoever may read hearings, but a clerk only the hearings they
    are assigned to. A judge still sees every hearing's scheduled facts (the console's day
    list shows the court's day); what is private to a hearing is ``may_read_privately``'s."""
    if Permission.READ_HEARINGS not in actor.permissions:
        return False
    return actor.clerk_as is None or assigned(actor, hearing)


def allowed(actor: Actor, permission: Permission, hearing: Hearing | None = None) -> bool:
    if permission not in actor.permissions:
        return False
    if hearing is None or not _scoped(actor):
        return True
    if permission is Permission.SIGN_PROTOCOL:
        # The judge and the one clerk who sat sign what was said before them.
        return on_the_bench(actor, hearing)
    if permission is Permission.SCHEDULE_HEARINGS:
        return assigned(actor, hearing)
    if permission is Permission.READ_HEARINGS:
        return sees(actor, hearing)
    return True


def may_read_privately(actor: Actor, hearing: Hearing) -> bool:
    """Whether ``actor`` may read what is private to ``hearing`` (its protocol, the clerk's
    chat, its exhibits): whoever may read hearings, but a judge or a clerk only the hearings
    they are assigned to."""
    if not allowed(actor, Permission.READ_HEARINGS, hearing):
        return False
    return not _scoped(actor) or assigned(actor, hearing)


def authorize(actor: Actor, permission: Permission, hearing: Hearing | None = None) -> None:
    """Raise PermissionDenied unless ``actor`` may use ``permission`` (on ``hearing``)."""
    if not allowed(actor, permission, hearing):
        where = f" on hearing {hearing.case_number}" if hearing is not None else ""
        raise PermissionDenied(
            f"{actor.label} may not {permission.value.replace('_', ' ')}{where}."
        )
