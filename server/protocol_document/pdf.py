"""The protocol as a PDF court document (fpdf2, with DejaVu Sans for every script we serve).

PDF text is drawn, never interpreted, so there is nothing to escape; what must not happen is
a person's text changing the document: fpdf2's page-count alias ("{nb}") would replace that
string inside an entry, so the alias is switched off and the page count found by a first pass.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from server.protocol_document.document import (
    Line,
    ProtocolDocument,
    Sheet,
    hearing_date,
    ordered_entries,
    sheet,
)
from server.protocol_document.templates import Language

FONT_PACKAGE = "fonts-dejavu-core"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"
GREY = (90, 90, 90)


class FontMissing(RuntimeError):
    """The Unicode font the PDF needs is not installed (Azerbaijani and Cyrillic need it)."""


def _fonts(font_dir: Path) -> tuple[Path, Path]:
    paths = font_dir / REGULAR, font_dir / BOLD
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FontMissing(
            f"The protocol PDF needs the DejaVu Sans font ({', '.join(missing)} not found); "
            f"install the Debian package {FONT_PACKAGE}."
        )
    return paths


class _Pdf(FPDF):
    def __init__(self, page_words: str, pages: int | None) -> None:
        super().__init__(format="A4")
        self._page_words = page_words
        self._pages = pages
        # Off: with it on, an entry's text "{nb}" would be replaced by the page count.
        self.alias_nb_pages("")

    def close_fonts(self) -> None:
        """fpdf2 reads a font file lazily and leaves it open; a server renders many PDFs."""
        for font in self.fonts.values():
            close = getattr(font, "close", None)
            if close is not None:
                close()

    def para(
        self, text: str, size: float = 10, style: str = "", align: str = "L", h: float = 5
    ) -> None:
        self.set_font(FAMILY, style, size)
        self.multi_cell(0, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str) -> None:
        self.ln(4)
        self.para(text, size=11, style="B", h=6)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)

    def lines(self, items: list[Line], not_given: str) -> None:
        if not items:
            self.para(not_given)
        for item in items:
            self.para(f"{item.label}: {item.value}")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        pages = "?" if self._pages is None else str(self._pages)
        self.cell(0, 8, self._page_words.format(page=self.page_no(), pages=pages), align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(doc: ProtocolDocument, language: Language, *, font_dir: Path = FONT_DIR) -> bytes:
    """The protocol as a PDF (A4). Raises FontMissing if DejaVu Sans is not installed.

    The same document gives the same bytes: the creation date is the hearing's, not now.
    """
    regular, bold = _fonts(font_dir)
    s = sheet(doc, language)
    first = _draw(doc, s, regular, bold, pages=None)
    first.close_fonts()
    final = _draw(doc, s, regular, bold, pages=first.pages_count)
    try:
        return bytes(final.output())
    finally:
        final.close_fonts()


def _draw(doc: ProtocolDocument, s: Sheet, regular: Path, bold: Path, pages: int | None) -> _Pdf:
    w = s.words
    pdf = _Pdf(w.page, pages)
    pdf.add_font(FAMILY, "", regular)
    pdf.add_font(FAMILY, "B", bold)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(f"{w.title} — {s.case}")
    pdf.set_lang(w.language)
    pdf.set_creation_date(_created(doc))
    pdf.add_page()
    _draw_title(pdf, s)
    pdf.heading(w.composition)
    pdf.lines(s.composition, w.not_given)
    pdf.heading(w.participants)
    pdf.lines(s.participants, w.not_given)
    _draw_proceedings(pdf, s)
    _draw_signatures(pdf, s)
    return pdf


def _draw_title(pdf: _Pdf, s: Sheet) -> None:
    w = s.words
    if s.court:
        # As written, not upper-cased: str.upper() knows no Azerbaijani (i -> İ, not I).
        pdf.para(s.court, size=12, style="B", align="C", h=6)
    pdf.ln(2)
    pdf.para(w.title, size=15, style="B", align="C", h=8)
    pdf.para(s.case, size=11, align="C", h=6)
    if s.case_title:
        pdf.para(s.case_title, size=11, align="C", h=6)
    pdf.ln(4)
    pdf.lines(s.facts, w.not_given)


def _draw_proceedings(pdf: _Pdf, s: Sheet) -> None:
    w = s.words
    pdf.heading(w.proceedings)
    pdf.set_text_color(*GREY)
    pdf.para(w.record_time_note, size=8, h=4)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)
    if not s.rows:
        pdf.para(w.no_entries)
    for row in s.rows:
        pdf.ln(1.5)
        # An entry's head and first lines belong together; start a page rather than strand it.
        if pdf.get_y() > pdf.h - pdf.b_margin - 15:
            pdf.add_page()
        if row.event:
            pdf.set_text_color(*GREY)
        pdf.para(f"{row.number}.   {row.time}   {row.kind} — {row.speaker}", style="B")
        pdf.set_x(pdf.l_margin + 8)
        pdf.set_font(FAMILY, "", 10)
        # Tabs have no glyph in the font; four spaces keep the writer's indentation.
        pdf.multi_cell(0, 5, row.text.replace("\t", "    "), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)


def _draw_signatures(pdf: _Pdf, s: Sheet) -> None:
    w = s.words
    pdf.heading(w.signatures)
    for sig in s.signatures:
        pdf.ln(5)
        pdf.para(f"{sig.label}: {sig.name}")
        if sig.signed:
            pdf.para(sig.signed, size=9)
        else:
            pdf.ln(6)
            pdf.set_font(FAMILY, "", 8)
            pdf.cell(70, 4, w.unsigned, border="T", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    for digest in s.digests:
        pdf.para(f"{w.digest}:", size=9)
        pdf.para(digest, size=9)
    if not s.finalised:
        pdf.para(w.draft, size=9)


def _created(doc: ProtocolDocument) -> datetime:
    """A fixed date for the PDF's metadata, from the hearing itself, so renders repeat."""
    entries = ordered_entries(doc.entries)
    if entries:
        return datetime.fromtimestamp(max(e.updated_at for e in entries), UTC)
    day = hearing_date(doc)
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)
