"""Excel workbooks (``.xlsx``): the rows of the first sheet as text, and a sheet written.

Microsoft Forms, Google Forms and Excel save registrations as a workbook
whose first sheet has a header row and one row per answer. :func:`read_sheet`
turns each cell into the text a CSV of the sheet would hold, so the
participants reader checks workbook and CSV rows alike: a date cell becomes
``2027-01-11``, a date-time ``2027-01-11 09:15``, a time ``13:00``, a whole
number has no decimals (``1001``, ``0042`` when the cell's format pads with
zeros), an empty cell ``""``. :func:`write_sheet` writes text rows as a
workbook (the ``init --xlsx`` template). openpyxl does the reading and writing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from ..errors import InputError

#: Most bytes the parts of a workbook may hold unpacked (a zip can pack a lot in little).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

_ZERO_PADDED = re.compile(r"0+")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name and its rows, each ``(row number, cells)``.

    Row numbers are Excel's (from 1, counting empty rows); the cells are text,
    the first one in column A.
    """

    name: str
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def column_letter(index: int) -> str:
    """The letter(s) Excel shows for the column at 0-based ``index``.

    >>> column_letter(0), column_letter(3), column_letter(26), column_letter(701)
    ('A', 'D', 'AA', 'ZZ')
    """
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: object, number_format: str = "General") -> str:
    """The text of one cell value as a CSV of the sheet would hold it (ISO dates).

    >>> cell_text(datetime(2027, 1, 11)), cell_text(datetime(2027, 1, 3, 9, 15, 22))
    ('2027-01-11', '2027-01-03 09:15:22')
    >>> cell_text(1001.0), cell_text(42, "0000"), cell_text(0.1 + 0.2), cell_text(None)
    ('1001', '0042', '0.3', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec=_timespec(value.time()))
    if isinstance(value, time):
        return value.isoformat(timespec=_timespec(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return format(value, ".15g")  # Excel keeps 15 significant digits
        whole = int(value)
        if whole >= 0 and _ZERO_PADDED.fullmatch(number_format or ""):
            return str(whole).zfill(len(number_format))
        return str(whole)
    return str(value)


def _timespec(value: time) -> str:
    """Minutes, or seconds when the time has them (Forms' start and end times do)."""
    return "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"


def _unpacked_size(data: bytes) -> int:
    """The bytes the workbook's zip says its parts hold unpacked."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_sheet(data: bytes, file: str) -> Sheet:
    """The first sheet of the ``.xlsx`` workbook ``data`` (the bytes of ``file``).

    Formulas give their last computed value. Raises :class:`InputError`
    naming ``file`` when ``data`` is not a workbook openpyxl can read, or
    unpacks to more than :data:`MAX_UNPACKED_BYTES`.
    """
    import openpyxl  # only a workbook needs it

    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: .xls, or encrypted .xlsx
        raise InputError(
            file, None,
            "not an .xlsx workbook but an old Excel .xls or a password-protected one; "
            "save it from Excel as 'Excel Workbook (.xlsx)' without a password, or as 'CSV UTF-8'",
        )
    try:
        if _unpacked_size(data) > MAX_UNPACKED_BYTES:
            raise InputError(
                file, None,
                f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB; "
                "keep only the participants' sheet, or save it as 'CSV UTF-8'",
            )
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds on a broken file
        raise InputError(
            file, None, f"cannot be read as an Excel workbook (.xlsx): {exc or type(exc).__name__}"
        ) from exc
    try:
        if not book.worksheets:
            raise InputError(file, None, "the workbook has no sheet of cells")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # exporters may record too small a sheet size
        rows = tuple(
            (number, tuple(cell_text(c.value, getattr(c, "number_format", "General")) for c in row))
            for number, row in enumerate(sheet.iter_rows(), start=1)
        )
        return Sheet(sheet.title, rows)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            file, None, f"cannot be read as an Excel workbook (.xlsx): {exc or type(exc).__name__}"
        ) from exc
    finally:
        book.close()


def write_sheet(path: Path, name: str, rows: Iterable[Iterable[str]]) -> None:
    """Write ``rows`` of text as the one sheet ``name`` of a new workbook at ``path``.

    The first row is the header: bold, frozen while scrolling. The columns
    are formatted as text, so Excel keeps what is typed into them as written
    (an id ``0042`` stays ``0042``, not the number 42).
    """
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = name
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=text)
            cell.number_format = "@"  # text: Excel turns nothing typed here into a number
            if r == 1:
                cell.font = Font(bold=True)
            widths[c] = max(widths.get(c, 0), len(text))
    for c, width in widths.items():
        column = sheet.column_dimensions[column_letter(c - 1)]
        column.width = min(width + 2, 60)
        column.number_format = "@"  # also the rows typed below the examples
    sheet.freeze_panes = "A2"
    book.save(path)
