"""The protocol document in English."""

from __future__ import annotations

from datetime import date

from court.exhibits import EXHIBIT_WORDS, STATUS_LABELS
from court.hearing_state import HearingState
from court.protocol import EVENT_WORDS, KIND_LABELS
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
    # The system writes its entries in English: here they stand as written.
    events={words: words for words in EVENT_WORDS.values()},
    states={state: state.value.replace("_", " ").capitalize() for state in HearingState},
    exhibits=EXHIBIT_WORDS,
    exhibit_statuses={status: label.lower() for status, label in STATUS_LABELS.items()},
)
