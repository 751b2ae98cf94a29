"""The protocol as a court document: canonical JSON, and HTML and PDF in en, az and ru.

Hand-built hearings and entries; hostile text goes into every field a person can fill, and
must come out as text in every rendering, never as markup.
"""

# Azerbaijani and Russian letters that look Latin (ı, г, ...) are meant.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest

from court.court_time import CourtTime, time_zone
from court.event_params import (
    NO_PARAMS,
    ExhibitHidden,
    ExhibitOffered,
    ExhibitRuled,
    LeaveReason,
    Left,
    ShareEnd,
    ShareEnded,
    StateChange,
)
from court.event_text import event_text
from court.events import EventKind, WrittenEvent
from court.exhibits import ExhibitStatus
from court.hearing import Hearing, Participant
from court.hearing_state import HearingState
from court.ids import HearingId, ParticipantId
from court.protocol import (
    EntryKind,
    ProtocolEntry,
    ProtocolSignature,
    SignerRole,
    protocol_digest,
    protocol_json,
)
from court.roles import Role
from server.protocol_document import (
    FONT_PACKAGE,
    LANGUAGES,
    FontMissing,
    Language,
    ProtocolDocument,
    clock,
    render_html,
    render_json,
    render_pdf,
)
from server.protocol_document.pdf import FONT_DIR, REGULAR

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"
HID = HearingId("hrg_1")
START = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
T0 = START.timestamp()

# The second recording starts 1 h 2 min 3.5 s into the hearing's record.
OFFSETS = {"rec_a": 0, "rec_b": 3_723_500}

TITLES: dict[Language, str] = {
    "en": "Protocol of the court hearing",
    "az": "Məhkəmə iclasının protokolu",
    "ru": "Протокол судебного заседания",
}
LABELS: dict[Language, list[str]] = {
    "en": ["Composition of the court", "Presiding judge", "Court clerk", "Defendant", "Witness"],
    "az": ["Məhkəmənin tərkibi", "Sədrlik edən hakim", "Məhkəmə iclasının katibi", "Şahid"],
    "ru": ["Состав суда", "Председательствующий судья", "Секретарь судебного заседания"],
}
KIND_WORDS: dict[Language, list[str]] = {
    "en": ["Statement", "Question", "Event", "Motion"],
    "az": ["Bəyanat", "Sual", "Hadisə", "Vəsatət"],
    "ru": ["Заявление", "Вопрос", "Событие", "Ходатайство"],
}
DATES: dict[Language, str] = {"en": "12 March 2025", "az": "12 mart 2025", "ru": "12 марта 2025 г."}


def _person(pid: str, name: str, role: Role, in_custody: bool = False) -> Participant:
    return Participant(ParticipantId(pid), HID, name, role, in_custody=in_custody)


def _entry(
    number: int,
    text: str,
    *,
    kind: EntryKind = EntryKind.STATEMENT,
    recording: str | None = "rec_a",
    record_ms: int | None = 0,
    speaker: str | None = "prt_w",
    author: str = "participant:prt_c (clerk)",
    automatic: bool = False,
    event: WrittenEvent | None = None,
) -> ProtocolEntry:
    return ProtocolEntry(
        id=f"pre_{number}",
        hearing_id=HID,
        number=number,
        kind=kind,
        recording_id=recording,
        record_ms=record_ms,
        speaker_id=speaker,
        text=text,
        author=author,
        automatic=automatic,
        created_at=T0 + number,
        updated_at=T0 + number + 0.25,
        event=event,
    )


PARTICIPANTS = [
    _person("prt_w", "Əli Məmmədov", Role.WITNESS),
    _person("prt_d", "Иван Петров", Role.DEFENDANT, in_custody=True),
    _person("prt_j", "Judge Ayşə Quliyeva", Role.JUDGE),
    _person("prt_c", "Clerk Ola Nordmann", Role.CLERK),
]
ENTRIES = [
    # Deliberately out of order: documents list entries by number.
    _entry(3, "Line one\nLine two", kind=EntryKind.QUESTION, recording="rec_b", record_ms=61_999),
    _entry(1, "Şahid and içdi. Свидетель предупреждён.", record_ms=5_400),
    _entry(
        2,
        "Joined",
        kind=EntryKind.EVENT,
        record_ms=9_000,
        author="participant:prt_j (judge)",
        automatic=True,
    ),
    _entry(4, "Motion made before the recording", kind=EntryKind.MOTION, recording=None),
    _entry(5, "Recording failed", kind=EntryKind.EVENT, author="system", automatic=True),
]


def _doc(**changes: object) -> ProtocolDocument:
    doc = ProtocolDocument(
        hearing=Hearing(
            id=HID,
            case_number="1-23/2025",
            title="State v. Petrov",
            court="Bakı şəhəri Yasamal rayon məhkəməsi",
            courtroom="Zal 4",
            presiding_judge="judge1",
            scheduled_start=START,
        ),
        participants=PARTICIPANTS,
        entries=ENTRIES,
        offsets_ms=OFFSETS,
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def _hostile_doc() -> ProtocolDocument:
    hearing = _doc().hearing
    return _doc(
        hearing=replace(
            hearing, case_number=HOSTILE, title=HOSTILE, court=HOSTILE, courtroom=HOSTILE
        ),
        participants=[replace(p, name=f"{p.name} {HOSTILE}") for p in PARTICIPANTS],
        entries=[
            replace(e, text=f"{HOSTILE}\n{HOSTILE}", author=HOSTILE if e.automatic else e.author)
            for e in ENTRIES
        ]
        + [_entry(6, "unknown speaker", speaker=HOSTILE)],
        signed=[ProtocolSignature(HID, SignerRole.JUDGE, HOSTILE, HOSTILE, T0)],
    )


# JSON


def test_json_is_canonical_and_round_trips() -> None:
    doc = _hostile_doc()
    rendered = render_json(doc)
    data = json.loads(rendered)
    # Canonical: decoding and re-encoding the same way gives the same bytes.
    again = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert again.encode() == rendered
    assert render_json(doc) == rendered
    # The input's order of entries and participants does not change the document.
    shuffled = replace(
        doc, entries=list(reversed(doc.entries)), participants=list(reversed(doc.participants))
    )
    assert render_json(shuffled) == rendered
    # What went in comes out, hostile text and all, unescaped (JSON is data, not markup).
    assert data["format"] == "courtroom.protocol/1"
    assert data["hearing"]["case_number"] == HOSTILE
    assert data["hearing"]["scheduled_start"] == "2025-03-12T10:00:00+00:00"
    assert [e["number"] for e in data["entries"]] == [1, 2, 3, 4, 5, 6]
    assert data["entries"][0]["text"] == f"{HOSTILE}\n{HOSTILE}"
    assert data["entries"][0]["created_at"] == "2025-03-12T10:00:01.000000+00:00"
    assert [p["role"] for p in data["participants"]] == ["judge", "clerk", "defendant", "witness"]
    assert data["participants"][2]["in_custody"] is True
    assert data["recordings"] == [
        {"id": "rec_a", "offset_ms": 0},
        {"id": "rec_b", "offset_ms": 3_723_500},
    ]
    assert data["signatures"] == [
        {
            "role": "judge",
            "signer": HOSTILE,
            "digest": HOSTILE,
            "signed_at": "2025-03-12T10:00:00.000000+00:00",
        }
    ]
    assert data["finalised"] is False


def test_json_record_times_include_the_recordings_offset() -> None:
    entries = {e["number"]: e for e in json.loads(render_json(_doc()))["entries"]}
    assert (entries[1]["hearing_record_ms"], entries[1]["hearing_record_time"]) == (
        5_400,
        "00:00:05",
    )
    # rec_b starts at 1:02:03.5; 61.999 s into it is 1:03:05.499, shown truncated.
    assert entries[3]["record_ms"] == 61_999
    assert entries[3]["hearing_record_ms"] == 3_785_499
    assert entries[3]["hearing_record_time"] == "01:03:05"
    assert entries[4]["hearing_record_ms"] is None
    assert entries[4]["hearing_record_time"] is None
    assert entries[2]["automatic"] is True
    assert entries[2]["kind"] == "event"


def test_an_entry_in_a_recording_the_archive_lacks_has_no_record_time() -> None:
    doc = _doc(entries=[_entry(1, "x", recording="rec_gone", record_ms=1_000)])
    entry = json.loads(render_json(doc))["entries"][0]
    assert entry["hearing_record_time"] is None
    assert entry["record_ms"] == 1_000  # the stored facts are kept


def test_clock() -> None:
    assert clock(0) == "00:00:00"
    assert clock(59_999) == "00:00:59"
    assert clock(3_600_000) == "01:00:00"
    assert clock(100 * 3_600_000 + 61_000) == "100:01:01"
    assert clock(-5) == "00:00:00"


def _signed(doc: ProtocolDocument) -> ProtocolDocument:
    digest = protocol_digest(HID, doc.entries)
    at = datetime(2025, 3, 12, 14, 5, tzinfo=UTC).timestamp()
    return replace(
        doc,
        signed=[
            ProtocolSignature(HID, SignerRole.CLERK, "staff:ola", digest, at + 60),
            ProtocolSignature(HID, SignerRole.JUDGE, "staff:ayse", digest, at),
        ],
    )


def test_the_export_lets_anyone_recompute_the_signed_digest() -> None:
    doc = _signed(_doc())
    data = json.loads(render_json(doc))
    assert data["finalised"] is True
    assert [s["role"] for s in data["signatures"]] == ["judge", "clerk"]  # in signing order
    # protocol_json covers only what is in the export's entries: rebuild them and compare.
    rebuilt = [
        ProtocolEntry(
            id="",
            hearing_id=data["hearing"]["id"],
            kind=EntryKind(e["kind"]),
            created_at=0,
            updated_at=0,
            **{k: e[k] for k in ("number", "recording_id", "record_ms", "speaker_id")},
            **{k: e[k] for k in ("text", "author", "automatic")},
        )
        for e in data["entries"]
    ]
    assert protocol_json(HID, rebuilt) == protocol_json(HID, ENTRIES)
    assert data["protocol_digest"] == data["signatures"][0]["digest"]
    assert data["protocol_digest"] == hashlib.sha256(protocol_json(HID, ENTRIES)).hexdigest()


# HTML


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.values: list[str | None] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self.values += [value for _, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(document: str) -> _Elements:
    parser = _Elements()
    parser.feed(document)
    parser.close()
    return parser


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_is_a_court_document_in_its_language(language: Language) -> None:
    html = render_html(_doc(), language)
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in html
    parsed = _parse(html)
    text = "".join(parsed.text)
    assert TITLES[language] in text
    assert DATES[language] in text
    for label in LABELS[language] + KIND_WORDS[language]:
        assert label in text, label
    for fact in ("Bakı şəhəri Yasamal rayon məhkəməsi", "1-23/2025", "State v. Petrov", "Zal 4"):
        assert fact in text
    # Entries in number order, each with its time in the hearing's record.
    rows = [html.index(f'id="entry-{n}"') for n in range(1, 6)]
    assert rows == sorted(rows)
    for time in ("00:00:05", "00:00:09", "01:03:05"):
        assert f'<td class="time">{time}</td>' in html
    assert '<td class="time">—</td>' in html  # entry 4, off the record
    assert "Line one\nLine two" in text  # line breaks kept (pre-wrap)
    # Events are marked and name who acted; people's entries name the speaker.
    assert html.count('class="entry event"') == 2
    assert "Judge Ayşə Quliyeva" in html.split('id="entry-2"')[1].split("</tr>")[0]
    assert "Əli Məmmədov" in html.split('id="entry-1"')[1].split("</tr>")[0]
    assert "SHA-256" not in text  # nobody has signed yet


def test_html_translates_role_and_kind_labels() -> None:
    ru = "".join(_parse(render_html(_doc(), "ru")).text)
    assert "Подсудимый" in ru and "под стражей" in ru and "Свидетель" in ru
    assert "Statement" not in ru and "Witness" not in ru
    az = "".join(_parse(render_html(_doc(), "az")).text)
    assert "Təqsirləndirilən şəxs" in az and "həbsdə saxlanılır" in az


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_escapes_hostile_text_everywhere(language: Language) -> None:
    html = render_html(_hostile_doc(), language)
    parsed = _parse(html)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert not [a for a in parsed.attributes if a.startswith("on") or a == "src"]
    assert "<script" not in html and "<img" not in html
    text = "".join(parsed.text)
    # It is all there, as text: case number, names, entries, an unknown speaker, the digest.
    assert text.count(HOSTILE) >= 20
    # The file cannot load or run anything, whatever a future change might let through.
    assert any(v and v.startswith("default-src 'none'") for v in parsed.values)


def test_a_signed_protocol_shows_its_signatures_and_digest() -> None:
    doc = _signed(_doc())
    digest = protocol_digest(HID, ENTRIES)
    en = "".join(_parse(render_html(doc, "en")).text)
    assert en.count(digest) == 1
    # In the court's time (Asia/Baku, UTC+4 by default), on a 24-hour clock, zone named.
    assert "Signed 12 March 2025, 18:05 (Asia/Baku) (staff:ayse)" in en
    assert "Signed 12 March 2025, 18:06 (Asia/Baku) (staff:ola)" in en
    assert "Draft" not in en
    ru = "".join(_parse(render_html(doc, "ru")).text)
    assert "Подписано 12 марта 2025 г., 18:05 (Asia/Baku) (staff:ayse)" in ru
    assert "Хеш SHA-256 подписанного протокола" in ru
    pdf = _flat(_pdf_text(render_pdf(doc, "az")))
    assert digest in pdf and "İmzalanıb 12 mart 2025, 18:05 (Asia/Baku) (staff:ayse)" in pdf


def test_the_document_s_day_and_times_are_the_court_s_own() -> None:
    # 21:30 UTC on 11 March is 01:30 on 12 March in Baku, and 22:30 on 11 March in Berlin.
    late = _signed(_doc())
    late = replace(
        late,
        hearing=replace(late.hearing, scheduled_start=datetime(2025, 3, 11, 21, 30, tzinfo=UTC)),
        signed=[
            replace(s, signed_at=datetime(2025, 3, 11, 21, 40, tzinfo=UTC).timestamp())
            for s in late.signed
        ],
    )
    baku = "".join(_parse(render_html(late, "en")).text)
    in_berlin = replace(late, court_time=CourtTime(time_zone("Europe/Berlin")))
    berlin = "".join(_parse(render_html(in_berlin, "en")).text)

    assert "12 March 2025" in baku and "Signed 12 March 2025, 01:40 (Asia/Baku)" in baku
    assert "Signed 11 March 2025, 22:40 (Europe/Berlin)" in berlin
    assert "12 March 2025" not in berlin


def test_until_both_have_signed_it_is_a_draft() -> None:
    doc = _signed(_doc())
    doc = replace(doc, signed=doc.signed[1:])  # the judge only
    text = "".join(_parse(render_html(doc, "az")).text)
    assert "Layihə" in text and protocol_digest(HID, ENTRIES) in text


def test_a_correction_names_who_corrected() -> None:
    correction = _entry(6, "Correction to entry 1: ... (Reason: typo)", kind=EntryKind.CORRECTION)
    doc = _doc(entries=[*ENTRIES, replace(correction, author="staff:ola")])
    html = render_html(doc, "ru")
    row = html.split('id="entry-6"')[1].split("</tr>")[0]
    assert "Исправление" in row and "staff:ola" in row


def test_without_a_schedule_the_date_is_the_first_entrys() -> None:
    hearing = replace(_doc().hearing, scheduled_start=None)
    text = "".join(_parse(render_html(_doc(hearing=hearing), "az")).text)
    assert "12 mart 2025" in text


def test_an_empty_protocol_renders() -> None:
    doc = _doc(participants=[], entries=[], offsets_ms={})
    assert "Записей нет." in render_html(doc, "ru")
    assert render_pdf(doc, "en").startswith(b"%PDF")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no protocol template"):
        render_html(_doc(), "de")  # type: ignore[arg-type]


# PDF


def _pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_is_a_court_document_in_its_language(language: Language) -> None:
    pdf = render_pdf(_doc(), language)
    assert pdf.startswith(b"%PDF-")
    text = _flat(_pdf_text(pdf))
    assert TITLES[language] in text
    assert "1-23/2025" in text
    assert "Bakı şəhəri Yasamal rayon məhkəməsi" in text
    assert "Şahid and içdi. Свидетель предупреждён." in text
    assert "01:03:05" in text
    for label in LABELS[language][:2] + KIND_WORDS[language]:
        assert _flat(label) in text, label
    first, third = text.index("Şahid and içdi"), text.index("Line one")
    assert first < third


def test_pdf_keeps_hostile_text_as_text() -> None:
    doc = _hostile_doc()
    doc = replace(doc, entries=[*doc.entries, _entry(7, "page {nb} of {nb}")])
    text = _pdf_text(render_pdf(doc, "ru"))
    assert text.count(HOSTILE) >= 10
    assert "page {nb} of {nb}" in text  # fpdf2's page-count alias is off


def test_pdf_is_reproducible_and_spans_pages() -> None:
    long = [_entry(n, f"Statement {n}\n" + "word " * 150) for n in range(1, 40)]
    doc = _doc(entries=long)
    pdf = render_pdf(doc, "az")
    assert pdf == render_pdf(doc, "az")
    text = _pdf_text(pdf)
    pages = text.count("Səhifə ")
    assert pages > 3
    assert f"Səhifə {pages} / {pages}" in text


def test_a_missing_font_names_the_package(tmp_path: Path) -> None:
    assert (FONT_DIR / REGULAR).is_file(), f"tests need {FONT_PACKAGE}"
    with pytest.raises(FontMissing, match=FONT_PACKAGE):
        render_pdf(_doc(), "en", font_dir=tmp_path)


def _system(number: int, event: WrittenEvent, **fields: object) -> ProtocolEntry:
    """A system entry as signaling.live.features.protocol writes one: the event, and it
    in English."""
    kind = EntryKind.EXHIBIT if event.kind.value.startswith("exhibit_") else EntryKind.EVENT
    text = event_text(event)
    return _entry(number, text, kind=kind, automatic=True, event=event, **fields)  # type: ignore[arg-type]


SYSTEM_ENTRIES = [
    _system(
        1,
        WrittenEvent(
            EventKind.HEARING_STATE_CHANGED,
            StateChange(HearingState.OPEN, HearingState.IN_SESSION, "the court sits"),
        ),
        speaker=None,
    ),
    _system(2, WrittenEvent(EventKind.WITNESS_CALLED, NO_PARAMS)),
    _system(
        3,
        WrittenEvent(
            EventKind.EXHIBIT_OFFERED,
            ExhibitOffered(1, "Əli Məmmədov (Witness)", f"Photograph {HOSTILE}"),
        ),
    ),
    _system(
        4,
        WrittenEvent(
            EventKind.EXHIBIT_RULED,
            ExhibitRuled(1, ExhibitStatus.EXCLUDED, "Not disclosed in time"),
        ),
    ),
    _system(5, WrittenEvent(EventKind.EXHIBIT_HIDDEN, ExhibitHidden(1, 5_000, 9_999))),
    # A person may write anything, fixed words included: only the system's entries change.
    _entry(6, "Witness called", kind=EntryKind.NOTE),
    # A reason is kept as written, whatever English words it holds: nothing is recognised.
    _system(
        7,
        WrittenEvent(
            EventKind.HEARING_STATE_CHANGED,
            StateChange(
                HearingState.IN_SESSION, HearingState.PAUSED, "Open → In session was too early"
            ),
        ),
        speaker=None,
    ),
    # The system's entries written before events were kept read as written, in any language.
    _entry(8, "Witness dismissed", kind=EntryKind.EVENT, automatic=True),
    _system(9, WrittenEvent(EventKind.PARTICIPANT_LEFT, Left(LeaveReason.DISCONNECTED))),
    _system(
        10,
        WrittenEvent(
            EventKind.SCREEN_SHARE_STOPPED, ShareEnded(ShareEnd.BY_COURT, role=Role.JUDGE)
        ),
    ),
]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            [
                "Изменилось состояние заседания: Открыто → Идёт заседание (the court sits)",
                "Свидетель вызван",
                f"Доказательство № 1 представлено: Əli Məmmədov (Witness): Photograph {HOSTILE}",
                "Доказательство № 1 исключено: Not disclosed in time",
                "Показ доказательства № 1 окончен (показано с 00:00:05 до 00:00:09)",
                "Witness called",
                "Изменилось состояние заседания: Идёт заседание → Перерыв "
                "(Open → In session was too early)",
                "Witness dismissed",
                "Выход из заседания: связь прервалась",
                "Показ экрана окончен: остановлен судом (Судья)",
            ],
        ),
        (
            "az",
            [
                "İclasın vəziyyəti dəyişdi: Açıqdır → İclas gedir (the court sits)",
                "Şahid çağırıldı",
                f"Sübut № 1 təqdim edildi: Əli Məmmədov (Witness): Photograph {HOSTILE}",
                "Sübut № 1 istisna edildi: Not disclosed in time",
                "Sübut № 1 ekrandan götürüldü (00:00:05 – 00:00:09 göstərildi)",
                "Witness called",
                "İclasın vəziyyəti dəyişdi: İclas gedir → Fasilə (Open → In session was too early)",
                "Witness dismissed",
                "İclası tərk etdi: əlaqə kəsildi",
                "Ekranın nümayişi bitdi: məhkəmə dayandırdı (Hakim)",
            ],
        ),
    ],
)
def test_the_systems_entries_are_in_the_documents_language(
    language: Language, expected: list[str]
) -> None:
    html = render_html(_doc(entries=SYSTEM_ENTRIES), language)
    text = "\n".join(_parse(html).text)
    for line in expected:
        assert line in text, (line, text)
    assert "<img" not in html  # what was said in them is still only text
    # The JSON export (the signed content, in no language) keeps the words as written.
    exported = json.loads(render_json(_doc(entries=SYSTEM_ENTRIES)))
    assert [e["text"] for e in exported["entries"]] == [e.text for e in SYSTEM_ENTRIES]
    # ... with the event each was written from, as court.protocol.protocol_json signs it.
    assert [e["event"] for e in exported["entries"]] == [
        None if e.event is None else e.event.as_json() for e in SYSTEM_ENTRIES
    ]


def test_in_english_the_systems_entries_read_as_they_were_written() -> None:
    html = render_html(_doc(entries=SYSTEM_ENTRIES), "en")
    text = "\n".join(_parse(html).text)
    for entry in SYSTEM_ENTRIES:
        assert entry.text.replace(HOSTILE, "") in text.replace(HOSTILE, "")
