"""The protocol rendered as canonical JSON and as a self-contained HTML court document.

Every value that came from a person (names, case numbers, entry text) is passed through
html.escape on its way into HTML, attributes included; nothing is marked safe. The file also
forbids itself scripts, images and any fetch by a Content-Security-Policy, so that even a
mistake here could not run anything when a downloaded protocol is opened.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import Any

from court.protocol import ProtocolEntry, protocol_digest
from server.protocol_document.document import (
    Line,
    ProtocolDocument,
    Sheet,
    clock,
    hearing_record_ms,
    ordered_entries,
    ordered_participants,
    sheet,
    signed_order,
)
from server.protocol_document.templates import Language

JSON_FORMAT = "courtroom.protocol/1"


def _instant(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="microseconds")


def document_data(doc: ProtocolDocument) -> dict[str, Any]:
    """The protocol as plain data: what render_json encodes.

    Everything protocol_json (what the judge and the clerk sign) covers is here, so a reader
    of the export can recompute the digest they signed; and more: the hearing, its people,
    and each entry's time in the hearing's record.
    """
    hearing = doc.hearing
    return {
        "format": JSON_FORMAT,
        "hearing": {
            "id": hearing.id,
            "case_number": hearing.case_number,
            "title": hearing.title,
            "court": hearing.court,
            "courtroom": hearing.courtroom,
            "presiding_judge": hearing.presiding_judge,
            "scheduled_start": (
                None if hearing.scheduled_start is None else hearing.scheduled_start.isoformat()
            ),
            "language": hearing.language,
            "state": hearing.state.value,
        },
        "participants": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role.value,
                "role_label": p.role.label,
                "represents": p.represents,
                "in_custody": p.in_custody,
            }
            for p in ordered_participants(doc.participants)
        ],
        "recordings": [
            {"id": recording, "offset_ms": offset}
            for recording, offset in sorted(doc.offsets_ms.items(), key=lambda i: (i[1], i[0]))
        ],
        "entries": [_entry(e, doc) for e in ordered_entries(doc.entries)],
        # The digest of the protocol as it stands (court.protocol.protocol_digest, over the
        # entries above); each signature names the digest it signed, which differs once
        # corrections have been appended after signing.
        "protocol_digest": protocol_digest(hearing.id, doc.entries),
        "finalised": doc.finalised,
        "signatures": [
            {
                "role": s.role.value,
                "signer": s.signer,
                "digest": s.digest,
                "signed_at": _instant(s.signed_at),
            }
            for s in sorted(doc.signed, key=signed_order)
        ],
    }


def _entry(entry: ProtocolEntry, doc: ProtocolDocument) -> dict[str, Any]:
    at = hearing_record_ms(entry, doc.offsets_ms)
    return {
        "number": entry.number,
        "id": entry.id,
        "kind": entry.kind.value,
        "recording_id": entry.recording_id,
        "record_ms": entry.record_ms,
        "hearing_record_ms": at,
        "hearing_record_time": None if at is None else clock(at),
        "speaker_id": entry.speaker_id,
        "text": entry.text,
        "author": entry.author,
        "automatic": entry.automatic,
        # What a system entry was written from (court.protocol.protocol_json holds it too).
        "event": None if entry.event is None else entry.event.as_json(),
        "created_at": _instant(entry.created_at),
        "updated_at": _instant(entry.updated_at),
    }


def canonical(data: Any) -> bytes:
    """One encoding for one content: sorted keys, no spaces, UTF-8 (so a digest of it can be
    recomputed by anyone from the same data)."""
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def render_json(doc: ProtocolDocument) -> bytes:
    """The machine-readable protocol, canonical (see `canonical`)."""
    return canonical(document_data(doc))


STYLE = """
body { font-family: "DejaVu Serif", "Times New Roman", serif; max-width: 52em; margin: 2em auto;
       padding: 0 1em; color: #000; line-height: 1.4; }
header { text-align: center; margin-bottom: 1.5em; }
.court { font-weight: bold; font-size: 1.1em; margin: 0; }
h1 { font-size: 1.4em; margin: .6em 0 .2em; }
h2 { font-size: 1.1em; margin: 1.4em 0 .4em; border-bottom: 1px solid #000; }
.case { margin: .2em 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: .3em .4em; vertical-align: top; text-align: left; }
td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
td.number, td.time { white-space: nowrap; }
tr.event td { font-style: italic; color: #333; background: #f3f3f3; }
.note { font-size: .9em; }
.signature { margin: 1.6em 0 0; }
.signature .line { display: inline-block; min-width: 16em; border-bottom: 1px solid #000; }
.digest { font-family: "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
@media print { body { margin: 0; max-width: none; } tr { break-inside: avoid; } }
"""

# The file may style itself and nothing else: no script, image, font, frame or request.
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def e(value: object) -> str:
    return escape(str(value), quote=True)


def render_html(doc: ProtocolDocument, language: Language) -> str:
    """The protocol as one self-contained HTML file, laid out as a court document."""
    s = sheet(doc, language)
    w = s.words
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{e(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e(w.title)} — {e(s.case)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f'<p class="court">{e(s.court)}</p>' if s.court else "",
        f"<h1>{e(w.title)}</h1>",
        f'<p class="case">{e(s.case)}</p>',
        f'<p class="case-title">{e(s.case_title)}</p>' if s.case_title else "",
        "</header>",
        _lines("facts", s.facts),
        f"<h2>{e(w.composition)}</h2>",
        _lines("composition", s.composition, empty=w.not_given),
        f"<h2>{e(w.participants)}</h2>",
        _lines("participants", s.participants, empty=w.not_given),
        f"<h2>{e(w.proceedings)}</h2>",
        f'<p class="note">{e(w.record_time_note)}</p>',
        _rows(s),
        f"<h2>{e(w.signatures)}</h2>",
    ]
    for line in s.signatures:
        signed = f" — {e(line.signed)}" if line.signed else ""
        out.append(
            f'<p class="signature">{e(line.label)}: <span class="line">{e(line.name)}</span>'
            f"{signed}</p>"
        )
    for digest in s.digests:
        out.append(f'<p>{e(w.digest)}:<br><span class="digest">{e(digest)}</span></p>')
    if not s.finalised:
        out.append(f'<p class="draft">{e(w.draft)}</p>')
    out += ["</body>", "</html>", ""]
    return "\n".join(part for part in out if part)


def _lines(kind: str, lines: list[Line], empty: str | None = None) -> str:
    if not lines:
        return f'<p class="{e(kind)}">{e(empty or "")}</p>'
    items = "".join(f"<dt>{e(line.label)}</dt><dd>{e(line.value)}</dd>" for line in lines)
    return f'<dl class="{e(kind)}">{items}</dl>'


def _rows(s: Sheet) -> str:
    w = s.words
    if not s.rows:
        return f'<p class="entries">{e(w.no_entries)}</p>'
    head = "".join(
        f'<th scope="col">{e(label)}</th>'
        for label in (w.number, w.record_time, w.speaker, w.kind, w.text)
    )
    body = "".join(
        f'<tr class="{"entry event" if row.event else "entry"}" id="entry-{int(row.number)}">'
        f'<td class="number">{int(row.number)}</td>'
        f'<td class="time">{e(row.time)}</td>'
        f'<td class="speaker">{e(row.speaker)}</td>'
        f'<td class="kind">{e(row.kind)}</td>'
        f'<td class="text">{e(row.text)}</td></tr>'
        for row in s.rows
    )
    return f'<table class="entries"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
