"""The workbooks' rows written as text (:mod:`backstage_sched.publish.sheets`) are the
bytes openpyxl's own writer gives, cell for cell."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._writer import WorksheetWriter

from backstage_sched.publish.sheets import _writer, fill_sheet, workbook_bytes

STAMP = datetime(2027, 1, 11, tzinfo=UTC)


def _book() -> openpyxl.Workbook:
    """Every kind of cell the plan folder's workbooks hold, and some they never do."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    rows = [
        ["Åsa Öberg", "", None, Decimal("17500.00"), " leading", "trailing ", "   "],
        ["=HYPERLINK(\"http://x\")", "#N/A", "a & b < c > d \"q\" 's'", Decimal("0.10"),
         "rad ett\nrad två", 7, 2.5],
        ["Beta, Gamma & Co", "😀 € ß", "x" * 300, Decimal("-1.5"), "", None, 1e20],
    ]
    fill_sheet(first, ["Namn", "Tom", "Inget", "Belopp", "A", "B", "C"], rows, (3,),
               '#,##0.00 "kr"')
    other = book.create_sheet("Grupp c01")
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate([["Grupp c01"], [], ["Deltagare", "Telefon"], ["Björn", ""]], 1):
        for c, text in enumerate(row, 1):
            cell = other.cell(row=r, column=c, value=text)
            cell.data_type = "s"
            if r > 2:
                cell.alignment = wrap
    other["A1"].font = Font(bold=True, size=14)
    other.cell(row=6, column=3)  # an empty cell: not written
    other.cell(row=7, column=2).font = Font(italic=True)  # empty and styled: written
    odd = book.create_sheet("Övrigt")
    odd["A1"] = datetime(2027, 3, 1, 9, 0)  # a date: openpyxl's own writer
    odd["B1"] = True
    odd["A2"] = "med kommentar"
    odd["A2"].comment = Comment("en kommentar", "kansliet")
    odd["A3"] = "länk"
    odd["A3"].hyperlink = "https://example.org"
    odd["A4"] = "hög rad"
    odd.row_dimensions[4].height = 30
    return book


def test_rows_written_as_text_are_openpyxls_bytes() -> None:
    fast = workbook_bytes(_book(), STAMP)

    class Stock(_writer()):  # type: ignore[misc]
        worksheet_writer = WorksheetWriter

    assert fast == workbook_bytes(_book(), STAMP, Stock)
