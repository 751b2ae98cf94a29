"""The protocol document in English."""

from __future__ import annotations

from datetime import date

from court.event_text import ENGLISH
from court.protocol import KIND_LABELS
from court.roles import Role
from server.protocol_document.templates import Strings

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


STRINGS = Strings(
    language="en",
    title="Protocol of the court hearing",
    case="Case No.",
    date="Date",
    court="Court",
    courtroom="Courtroom",
    composition="Composition of the court",
    presiding_judge="Presiding judge",
    participants="Participants in the proceedings",
    proceedings="Course of the hearing",
    record_time_note="Record times are hours:minutes:seconds from the start of the hearing's "
    "audio record; — marks an entry made off the record.",
    number="No.",
    record_time="Record time",
    speaker="Speaker",
    kind="Kind",
    text="Text",
    no_entries="No entries.",
    system="System (automatic)",
    in_custody="in custody",
    signatures="Signatures",
    signed="Signed",
    unsigned="signature",
    digest="SHA-256 digest of the protocol as signed",
    draft="Draft: the protocol has not yet been signed by the judge and the clerk.",
    page="Page {page} of {pages}",
    not_given="—",
    roles={role: role.label for role in Role},  # as the platform names them everywhere
    kinds=KIND_LABELS,
    format_date=_date,
    # The system writes its entries in English: rendered in these words they read as written.
    events=ENGLISH,
)
