"""What a rendering of the protocol needs, and the document laid out once for every format.

HTML and PDF are drawn from the same `Sheet`, so the two can never disagree on who the court
was, which entry is which or at what record time it was made; each format only decides how
the sheet looks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from court.court_time import BAKU_TIME, CourtTime
from court.event_text import event_text
from court.events import SYSTEM, ActorKind, EventActor
from court.hearing import Hearing, Participant
from court.protocol import EntryKind, ProtocolEntry, ProtocolSignature, SignerRole
from court.record_time import format_record_time
from court.roles import Role
from server.protocol_document.templates import Language, Strings, strings

# The court's own people come first in a court document; the others in the order the roles
# are declared (prosecution, defence, defendant, victim, witnesses, ...).
ROLE_ORDER = {role: i for i, role in enumerate(Role)}
COURT_ROLES = (Role.JUDGE, Role.CLERK)


@dataclass(frozen=True, slots=True)
class ProtocolDocument:
    """Everything a rendering needs. Build it from the repositories and the archive."""

    hearing: Hearing
    participants: Sequence[Participant]
    entries: Sequence[ProtocolEntry]
    offsets_ms: Mapping[str, int]  # recording id -> its start in the hearing record (ms)
    signed: Sequence[ProtocolSignature] = ()  # ProtocolRepository.signatures(hearing id)
    # Days and times are printed as the court reads them (COURTROOM_TIME_ZONE), 24-hour.
    court_time: CourtTime = BAKU_TIME

    @property
    def finalised(self) -> bool:
        """Signed by both the judge and the clerk (server/protocol_signing.py)."""
        return {s.role for s in self.signed} >= set(SignerRole)

    @property
    def digests(self) -> list[str]:
        """The SHA-256 digests signed (court.protocol.protocol_digest), in signing order;
        normally one, since nothing is rewritten after the first signature."""
        return list(dict.fromkeys(s.digest for s in sorted(self.signed, key=signed_order)))


def signed_order(signature: ProtocolSignature) -> tuple[float, str]:
    return signature.signed_at, signature.role.value


def hearing_record_ms(entry: ProtocolEntry, offsets_ms: Mapping[str, int]) -> int | None:
    """Where the entry lies in the hearing's record (its recordings one after another).

    None when it was written off the record, or refers to a recording the archive does not
    hold (a failed recording has no place in the record, so no time in it can be claimed).
    """
    if entry.recording_id is None or entry.record_ms is None:
        return None
    offset = offsets_ms.get(entry.recording_id)
    if offset is None:
        return None
    return offset + max(0, entry.record_ms)


def clock(ms: int) -> str:
    """hh:mm:ss, truncated (court.record_time: the one formatter of record time)."""
    return format_record_time(ms, millis=False)


def ordered_entries(entries: Sequence[ProtocolEntry]) -> list[ProtocolEntry]:
    return sorted(entries, key=lambda e: (e.number, e.id))


def ordered_participants(participants: Sequence[Participant]) -> list[Participant]:
    # Stable: people of one role keep the order they were added in.
    return sorted(participants, key=lambda p: ROLE_ORDER[p.role])


def hearing_date(doc: ProtocolDocument) -> date | None:
    """The day of the hearing in the court's zone: as scheduled, else the day its first
    entry was written. (A hearing at 01:30 in Baku is on UTC's day before.)"""
    if doc.hearing.scheduled_start is not None:
        return doc.court_time.day(doc.hearing.scheduled_start)
    entries = ordered_entries(doc.entries)
    if not entries:
        return None
    return doc.court_time.day(entries[0].created_at)


def one_line(text: str) -> str:
    """Names and headings are one line: a newline smuggled into a name must not start what
    looks like another line of the document."""
    return " ".join(text.split())


def body_text(text: str) -> str:
    """Entry text with its line breaks kept and other control characters dropped (they have
    no glyph, and a form feed or bell in a court document is never meant)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or c.isprintable() or c == " ")


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    time: str  # hh:mm:ss or "—"
    speaker: str
    kind: str  # translated
    text: str  # line breaks kept
    event: bool  # written by the system: shown apart from what people said


@dataclass(frozen=True, slots=True)
class SignatureLine:
    label: str
    name: str
    signed: str | None  # "Signed 12 March 2025, 14:05 (Asia/Baku)", or None: a line to sign


@dataclass(frozen=True, slots=True)
class Sheet:
    """The protocol in one language, as plain text pieces; formats escape and place them."""

    words: Strings
    court: str
    case: str  # "Case No. 1-23/2025"
    case_title: str
    facts: list[Line]  # date, courtroom
    composition: list[Line]
    participants: list[Line]
    rows: list[Row]
    signatures: list[SignatureLine]
    finalised: bool
    digests: list[str]


class _Names:
    """How the document names people: by name and role, in its language."""

    def __init__(self, doc: ProtocolDocument, words: Strings) -> None:
        self.words = words
        self.people: dict[str, Participant] = {p.id: p for p in doc.participants}

    def who(self, participant: Participant) -> str:
        return f"{one_line(participant.name)} ({self.words.roles[participant.role]})"

    def author(self, entry: ProtocolEntry) -> str:
        # A participant for an action someone took, the system for the system's.
        actor = EventActor.from_label(entry.author)
        if actor == SYSTEM:
            return self.words.system
        person = None
        if actor is not None and actor.kind is ActorKind.PARTICIPANT and actor.id is not None:
            person = self.people.get(actor.id)
        return self.who(person) if person is not None else one_line(entry.author)

    def speaker(self, entry: ProtocolEntry) -> str:
        if entry.speaker_id is None:
            return self.words.not_given
        person = self.people.get(entry.speaker_id)
        return self.who(person) if person is not None else one_line(entry.speaker_id)


def sheet(doc: ProtocolDocument, language: Language) -> Sheet:
    words = strings(language)
    hearing = doc.hearing
    ordered = ordered_participants(doc.participants)
    judges = [p for p in ordered if p.role is Role.JUDGE]
    clerks = [p for p in ordered if p.role is Role.CLERK]
    participants = [
        Line(
            words.roles[p.role],
            one_line(p.name) + (f" ({words.in_custody})" if p.in_custody else ""),
        )
        for p in ordered
        if p.role not in COURT_ROLES
    ]
    signatures = [
        _signature_line(
            doc,
            words,
            SignerRole.JUDGE,
            one_line(judges[0].name) if judges else one_line(hearing.presiding_judge),
        ),
        _signature_line(doc, words, SignerRole.CLERK, one_line(clerks[0].name) if clerks else ""),
    ]
    day = hearing_date(doc)
    facts = [
        Line(words.date, words.not_given if day is None else words.format_date(day)),
        Line(words.courtroom, one_line(hearing.courtroom) or words.not_given),
    ]
    return Sheet(
        words=words,
        court=one_line(hearing.court),
        case=f"{words.case} {one_line(hearing.case_number)}",
        case_title=one_line(hearing.title),
        facts=facts,
        composition=_composition(hearing, judges, clerks, words),
        participants=participants,
        rows=_rows(doc, _Names(doc, words)),
        signatures=signatures,
        finalised=doc.finalised,
        digests=doc.digests,
    )


def _composition(
    hearing: Hearing, judges: list[Participant], clerks: list[Participant], words: Strings
) -> list[Line]:
    composition: list[Line] = []
    if judges:
        composition.append(Line(words.presiding_judge, one_line(judges[0].name)))
        composition += [Line(words.roles[Role.JUDGE], one_line(p.name)) for p in judges[1:]]
    elif hearing.presiding_judge:
        # Nobody joined as judge yet: the judge the hearing was scheduled for (staff name).
        composition.append(Line(words.presiding_judge, one_line(hearing.presiding_judge)))
    composition += [Line(words.roles[Role.CLERK], one_line(p.name)) for p in clerks]
    return composition


def _rows(doc: ProtocolDocument, names: _Names) -> list[Row]:
    words = names.words
    rows = []
    for entry in ordered_entries(doc.entries):
        at = hearing_record_ms(entry, doc.offsets_ms)
        event = entry.automatic or entry.kind is EntryKind.EVENT
        corrected = entry.kind is EntryKind.CORRECTION
        # The system's entries are worded from the event they were written from, in the
        # document's language; one written before events were kept reads as written.
        written = entry.text if entry.event is None else event_text(entry.event, words.events)
        text = body_text(written)
        if event and entry.speaker_id is not None:
            # An event's speaker is its subject ("Joined" says nothing without whom).
            text = f"{names.speaker(entry)}: {text}"
        rows.append(
            Row(
                number=entry.number,
                time=words.not_given if at is None else clock(at),
                # A correction is written after the hearing by whoever corrects; its text
                # names the entry it corrects (and so that entry's speaker).
                speaker=names.author(entry) if event or corrected else names.speaker(entry),
                kind=words.kinds[entry.kind],
                text=text,
                event=event,
            )
        )
    return rows


def _signature_line(
    doc: ProtocolDocument, words: Strings, role: SignerRole, name: str
) -> SignatureLine:
    given = [s for s in sorted(doc.signed, key=signed_order) if s.role is role]
    label = words.presiding_judge if role is SignerRole.JUDGE else words.roles[Role.CLERK]
    if not given:
        return SignatureLine(label, name, None)
    at = doc.court_time.local(given[-1].signed_at)
    signer = one_line(given[-1].signer)  # the staff account that signed, as audited
    # The court's time, its zone named: the document is read in other zones (an appeal).
    moment = f"{words.format_date(at.date())}, {doc.court_time.clock_named(at)}"
    return SignatureLine(label, name, f"{words.signed} {moment} ({signer})")
