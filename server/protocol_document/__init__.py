"""The court protocol as a document: canonical JSON, and HTML and PDF court documents in
English, Azerbaijani and Russian.

    doc = ProtocolDocument(hearing, participants, entries, offsets_ms, signed=signatures)
    render_json(doc) -> bytes
    render_html(doc, "az") -> str; render_pdf(doc, "ru") -> bytes
"""

from __future__ import annotations

from server.protocol_document.document import ProtocolDocument, clock, hearing_record_ms
from server.protocol_document.pdf import FONT_PACKAGE, FontMissing, render_pdf
from server.protocol_document.render import JSON_FORMAT, render_html, render_json
from server.protocol_document.templates import LANGUAGES, Language

__all__ = [
    "FONT_PACKAGE",
    "JSON_FORMAT",
    "LANGUAGES",
    "FontMissing",
    "Language",
    "ProtocolDocument",
    "clock",
    "hearing_record_ms",
    "render_html",
    "render_json",
    "render_pdf",
]
