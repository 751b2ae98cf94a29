"""The fixed words of the protocol document, one table per language.

Each language is a Python module holding one `Strings` value rather than a file of keys, so
that a missing or misspelt word is a type error (every field is required), not a blank in a
court document found after it was signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from court.event_text import EventWords
from court.protocol import EntryKind
from court.roles import Role

Language = Literal["en", "az", "ru"]
LANGUAGES: tuple[Language, ...] = ("en", "az", "ru")


@dataclass(frozen=True, slots=True)
class Strings:
    language: Language
    title: str  # "Protocol of the court hearing"
    case: str  # precedes the case number: "Case No."
    date: str
    court: str
    courtroom: str
    composition: str  # "Composition of the court"
    presiding_judge: str
    participants: str
    proceedings: str  # heading of the numbered entries
    record_time_note: str  # what hh:mm:ss means
    number: str  # column headings
    record_time: str
    speaker: str
    kind: str
    text: str
    no_entries: str
    system: str  # the author of events the system wrote down by itself
    in_custody: str
    signatures: str
    signed: str  # before the moment a signature was given
    unsigned: str  # under an empty signature line
    digest: str
    draft: str  # shown until both the judge and the clerk have signed
    page: str  # "Page {page} of {pages}"
    not_given: str  # a fact the hearing does not record
    roles: Mapping[Role, str]
    kinds: Mapping[EntryKind, str]
    format_date: Callable[[dt.date], str]
    # What the system writes down by itself, in this language: the words each written
    # event (court.events.WrittenEvent) is rendered in from its parameters (court.event_text;
    # EventWords checks that every kind, state, room and exhibit phrase has them).
    events: EventWords

    def __post_init__(self) -> None:
        # A new role, entry kind or event must be translated in every language before it
        # can be rendered; failing at import makes that a test failure rather than a
        # KeyError (or an English line in a Russian document) later.
        if set(self.roles) != set(Role) or set(self.kinds) != set(EntryKind):
            raise ValueError(f"{self.language}: every role and entry kind needs a label")


def strings(language: Language) -> Strings:
    """The table for one language (ValueError for any other)."""
    from server.protocol_document.templates import az, en, ru

    tables: dict[str, Strings] = {"en": en.STRINGS, "az": az.STRINGS, "ru": ru.STRINGS}
    try:
        return tables[language]
    except KeyError:
        raise ValueError(f"no protocol template in {language!r}; one of {LANGUAGES}") from None
