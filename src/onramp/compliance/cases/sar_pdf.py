"""The SAR draft as PDF: the template's sections (``render_sections``) laid out on A4. A
Unicode TTF (DejaVu Sans, when the system has it) prints names in any script; without it the
core Helvetica font prints Latin-1 and replaces what it cannot show (the JSON stays exact)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from onramp.compliance.cases.sar_template import ReportTemplate

UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


class _Report(FPDF):  # type: ignore[misc]  # fpdf2 ships no type hints
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.family = "helvetica"
        self.unicode = False
        for path in UNICODE_FONTS:
            if path.is_file():
                self.add_font("report", "", str(path))
                self.family, self.unicode = "report", True
                break

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        folded = unicodedata.normalize("NFKD", value)
        return folded.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, size=7)
        self.cell(0, 5, self.text_of(f"{self.footer_text}   page {self.page_no()}"), align="C")


def _heading(pdf: _Report, text: str, size: int) -> None:
    pdf.set_font(pdf.family, size=size)
    pdf.multi_cell(0, size * 0.6, pdf.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _pairs(pdf: _Report, pairs: Sequence[Mapping[str, str]]) -> None:
    pdf.set_font(pdf.family, size=9)
    width = pdf.epw
    for pair in pairs:
        pdf.multi_cell(
            width,
            5,
            pdf.text_of(f"{pair['label']}: {pair['value']}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _table(pdf: _Report, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    pdf.set_font(pdf.family, size=7)
    if not rows or not columns:
        pdf.multi_cell(0, 5, "(none)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    # Headings shaded, not bold: a bold face of the Unicode font may not be installed.
    heading = FontFace(fill_color=(225, 225, 225))
    with pdf.table(
        col_widths=tuple(1 for _ in columns), line_height=4, headings_style=heading
    ) as table:
        header = table.row()
        for c in columns:
            header.cell(pdf.text_of(c))
        for r in rows:
            row = table.row()
            for value in r:
                row.cell(pdf.text_of(value))


def render_pdf(template: ReportTemplate, sections: Sequence[Mapping[str, Any]]) -> bytes:
    pdf = _Report(template.footer)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    _heading(pdf, template.title, 14)
    for section in sections:
        pdf.ln(2)
        _heading(pdf, section["title"], 11)
        if section["kind"] == "fields":
            _pairs(pdf, section["fields"])
        elif section["kind"] == "records":
            for record in section["records"] or [[{"label": "", "value": "(none)"}]]:
                _pairs(pdf, record)
                pdf.ln(2)
        elif section["kind"] == "table":
            _table(pdf, section["columns"], section["rows"])
        else:
            pdf.set_font(pdf.family, size=9)
            pdf.multi_cell(0, 5, pdf.text_of(section["text"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
