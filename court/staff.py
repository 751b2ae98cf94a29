"""Staff accounts: the court's own people, who log in (participants join by link instead)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NewType

StaffId = NewType("StaffId", str)


class StaffRole(StrEnum):
    ADMINISTRATOR = "administrator"
    JUDGE = "judge"
    CLERK = "clerk"
    ARCHIVIST = "archivist"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class StaffAccount:
    id: StaffId
    username: str
    display_name: str
    role: StaffRole
    created_at: datetime
    disabled: bool = False
    must_change_password: bool = False
    totp_enabled: bool = False
    # For a clerk: the courts (as hearings name them) whose clerks' office they belong to;
    # they prepare every hearing of those courts (court.access), not only those naming them.
    courts: frozenset[str] = frozenset()
