"""The roles a person can hold in a hearing (DESIGN.md section 3)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    JUDGE = "judge"
    CLERK = "clerk"
    PROSECUTOR = "prosecutor"
    DEFENCE = "defence"
    DEFENDANT = "defendant"
    VICTIM = "victim"
    WITNESS = "witness"
    EXPERT = "expert"
    INTERPRETER = "interpreter"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        """The role as shown to people, e.g. "Defence counsel"."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.JUDGE: "Judge",
    Role.CLERK: "Court clerk",
    Role.PROSECUTOR: "Prosecutor",
    Role.DEFENCE: "Defence counsel",
    Role.DEFENDANT: "Defendant",
    Role.VICTIM: "Victim",
    Role.WITNESS: "Witness",
    Role.EXPERT: "Expert",
    Role.INTERPRETER: "Interpreter",
    Role.OBSERVER: "Observer",
}
