"""The one role check the live features share: what only the court may do.

court.permissions holds the table; the edge's command rows check a command's permission
before it runs (signaling.court_commands), and this check keeps each feature safe when it is
called otherwise (a test, another feature's path).
"""

from __future__ import annotations

from court.errors import PermissionDenied
from court.hearing import Participant
from court.permissions import Permission


def require_court(by: Participant) -> None:
    if not by.can(Permission.MODERATE):
        raise PermissionDenied(f"only the court may do this, not the {by.role.label}")
