"""Excel workbooks of the plan folder (``invoices.xlsx``, ``groups.xlsx``): the shared parts.

A workbook is written with openpyxl and then made deterministic: the same
plan gives the same bytes (the zip's timestamps and the document's
created/modified dates are the plan's stamp, not the clock), as every other
file of the plan folder. Sheet names follow Excel's rules (at most 31
characters, none of ``[]:*?/\\``, unique ignoring case).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..i18n import Language

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_MAX_SHEET_NAME = 31
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def sheet_title(name: str, taken: set[str]) -> str:
    """``name`` as a sheet name Excel accepts, not in ``taken`` (case-folded; updated).

    >>> taken = set()
    >>> sheet_title("Skogsägarna / IT", taken), sheet_title("skogsägarna - IT", taken)
    ('Skogsägarna - IT', 'skogsägarna - IT (2)')
    >>> sheet_title("'[x]'", set())
    '-x-'
    """
    base = _SHEET_FORBIDDEN.sub("-", name).strip().strip("'").strip() or "-"
    title = base[:_MAX_SHEET_NAME]
    n = 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: _MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def money_format(lang: Language, currency: str) -> str:
    """An Excel number format showing an amount in ``currency`` as the language writes it.

    >>> money_format(Language("sv"), "SEK"), money_format(Language("en"), "SEK")
    ('#,##0.00 "kr"', '"SEK" #,##0.00')
    """
    from babel.numbers import get_currency_symbol
    symbol = get_currency_symbol(currency, locale=lang.locale).replace('"', "")
    return f'#,##0.00 "{symbol}"' if lang.code == "sv" else f'"{symbol}" #,##0.00'


def fill_sheet(
    sheet: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    money_columns: Sequence[int] = (),
    money: str = "",
) -> int:
    """Write a bold, frozen ``header`` and ``rows`` into ``sheet``; return the next free row.

    Text stays text, never a formula (``=HYPERLINK(…)`` in a name is shown as
    typed, not run); a :class:`~decimal.Decimal` becomes a number in
    the columns ``money_columns`` (0-based) with the number format ``money``.
    Columns get a width that fits their text.
    """
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = [len(h) for h in header]
    sheet.append(list(header))
    bold = Font(bold=True)  # one font object for every bold cell (the workbook keeps one)
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    r = 2
    styled: Any = None  # the first money cell; the others copy its style
    # sheet[r] would be the row's cells up to the sheet's widest row, found by looking
    # at every cell (quadratic in the rows); rows are only appended, so it is tracked
    widest = sheet.max_column
    for row in rows:
        values: list[object] = []
        for c, value in enumerate(row):
            if isinstance(value, Decimal):
                values.append(float(value))
            else:
                values.append(value)
            width = len(f"{value:,.2f}") + 4 if isinstance(value, Decimal) else len(str(value))
            if c < len(widths):
                widths[c] = max(widths[c], width)
            else:
                widths.append(width)
        sheet.append(values)
        widest = max(widest, len(values))
        for c in range(len(values) + 1, widest + 1):
            sheet.cell(row=r, column=c)  # the row's empty cells, as sheet[r] makes them
        for c, value in enumerate(values, start=1):
            # openpyxl takes a text starting with = for a formula (and #N/A and the
            # like for an error): text stays text; other texts are text already
            if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
                sheet.cell(row=r, column=c).data_type = "s"
        for c in money_columns:
            cell = sheet.cell(row=r, column=c + 1)
            if styled is None:
                cell.number_format = money
                styled = cell
            else:
                same_style(cell, styled)
        r += 1
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(width + 2, 60)
    return r


def same_style(cell: Any, model: Any) -> None:
    """Give ``cell`` the style of ``model``, as openpyxl copies a style between cells.

    Setting a style attribute looks the value up among the workbook's styles on
    every cell; a copy of the index array skips that and writes the same file.
    """
    cell._style = copy(model._style)


def bold_row(sheet: Any, row: int) -> None:
    """Make every cell of ``row`` bold (a subtotal)."""
    from openpyxl.styles import Font
    bold = Font(bold=True)
    for cell in sheet[row]:
        cell.font = bold


def _xml_text(text: str) -> str:
    """``text`` escaped as XML character data, as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _plain(cell: Any) -> bool:
    """Whether ``cell`` is text or a number, without a comment or a link."""
    if cell._comment is not None or cell.hyperlink is not None:
        return False
    if cell.data_type == "s":
        return cell._value is None or isinstance(cell._value, str)
    return cell.data_type == "n" and not isinstance(cell._value, str)


def _writer() -> type:
    from openpyxl.compat import safe_string
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class Rows(WorksheetWriter):  # type: ignore[misc]
        """openpyxl's worksheet writer, each row of plain cells (text and numbers, no
        comment, link or formula) written as one piece of text with the markup
        openpyxl's own cell writer gives it: the same bytes, without building an
        element per cell. Any other row is left to openpyxl."""

        def write_row(self, xf: Any, row: list[Any], row_idx: int) -> None:
            raw = getattr(xf, "_file", None)
            if raw is None or row_idx in self.ws.row_dimensions or not all(
                    map(_plain, row)):
                super().write_row(xf, row, row_idx)
                return
            parts = [f'<row r="{row_idx}">']
            for cell in row:
                value, styled = cell._value, cell.has_style
                if value is None and not styled:
                    continue
                head = f'<c r="{cell.coordinate}"'
                if styled:
                    head += f' s="{cell.style_id}"'
                if cell.data_type == "s":
                    head += ' t="inlineStr"'
                else:
                    head += ' t="n"'
                if value is None or value == "":
                    parts.append(head + " />")
                elif cell.data_type == "s":
                    stripped = value.strip()
                    space = ' xml:space="preserve"' if stripped and stripped != value else ""
                    parts.append(f"{head}><is><t{space}>{_xml_text(value)}</t></is></c>")
                else:
                    parts.append(f"{head}><v>{_xml_text(safe_string(value))}</v></c>")
            parts.append("</row>")
            raw("".join(parts))

    class InMemory(ExcelWriter):  # type: ignore[misc]
        """openpyxl's writer, each worksheet serialised in memory instead of in a
        temporary file that is written, read back and removed (its own code otherwise),
        its rows by :class:`Rows` (``worksheet_writer``)."""

        worksheet_writer: type = Rows

        def write_worksheet(self, ws: Any) -> None:
            if self.workbook.write_only:
                super().write_worksheet(ws)
                return
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = self.worksheet_writer(ws, io.BytesIO())
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], writer.read())
            self.manifest.append(ws)

    return InMemory


def workbook_bytes(book: Any, stamp: datetime, writer: type | None = None) -> bytes:
    """The ``.xlsx`` bytes of openpyxl workbook ``book``, the same for the same content.

    The document's created and modified dates are ``stamp`` (UTC), the zip
    entries' times a fixed date, instead of the clock's. ``writer`` is the
    ExcelWriter class (default: :func:`_writer`'s).
    """
    stamp = stamp.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    book.properties.creator = "backstage-sched"
    book.properties.created = stamp
    book.properties.modified = stamp
    raw = io.BytesIO()
    # openpyxl's own writer into a zip that stores, not compresses: the entries are
    # compressed once, below, where they get their fixed times
    zipped = zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True)
    (writer or _writer())(book, zipped).save()
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + when.encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()
