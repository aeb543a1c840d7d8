"""A report's document as a table to show and print: its CSV read back into a header and rows
(what the template says, in its order), and that table as a plain PDF (title, period, when it
was made, the table) for a download."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from onramp.reports.period import Period
from onramp.reports.service import Document


@dataclass(frozen=True)
class Printed:
    """A report's document as PDF: bytes, where a ``Document`` is text."""

    content: bytes
    rows: int
    media_type: str = "application/pdf"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def tabulate(document: Document) -> Table:
    """``document`` must be the CSV one (``ReportFormat.CSV``): a header line, then the rows."""
    lines = list(csv.reader(io.StringIO(document.content)))
    header, *rows = lines or [[]]
    return Table(tuple(header), tuple(tuple(row) for row in rows))


def _latin1(value: str) -> str:
    # The core fonts print Latin-1; report cells are ids, codes, amounts and times.
    return value.encode("latin-1", "replace").decode("latin-1")


def table_pdf(title: str, period: Period, table: Table, *, made_at: datetime) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.multi_cell(0, 8, _latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("helvetica", size=9)
    made = made_at.strftime("%Y-%m-%d %H:%M:%S %Z")
    line = f"{period.first_day} to {period.last_day} (UTC days, both included); made {made}"
    pdf.multi_cell(0, 6, _latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("helvetica", size=6)
    if not table.rows:
        pdf.multi_cell(0, 5, "No rows in this period.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return bytes(pdf.output())
    heading = FontFace(fill_color=(225, 225, 225))
    with pdf.table(line_height=3.5, headings_style=heading) as grid:
        for cells in (table.columns, *table.rows):
            row = grid.row()
            for cell in cells:
                row.cell(_latin1(cell))
    return bytes(pdf.output())
