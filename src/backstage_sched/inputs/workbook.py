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
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

from ..errors import InputError
from ..said import said
from . import limits

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


_UNREADABLE = "cannot be read as an Excel workbook (.xlsx)"


def _unreadable(exc: Exception) -> str:
    """:data:`_UNREADABLE`, with what went wrong."""
    return said("cannot be read as an Excel workbook (.xlsx): {problem}",
                problem=str(exc) or type(exc).__name__)
_PACKAGE_RELS = "_rels/.rels"
_WORKSHEET = "/worksheet"  # how a worksheet's relationship type ends (not a chartsheet)


def _check_parts(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a workbook whose parts unpack to too much, by the sizes its zip directory
    records (nothing is unpacked to find out; :mod:`zipfile` unpacks no part beyond
    the size recorded for it, so the record cannot lie).

    A part that packs tighter than :data:`~.limits.MAX_PACK_RATIO` is a zip bomb;
    a sheet over :data:`~.limits.MAX_SHEET_XML_BYTES`, the shared text over
    :data:`~.limits.MAX_SHARED_STRINGS_BYTES` or all parts over
    :data:`~.limits.MAX_UNPACKED_BYTES` is more than a program.
    """
    total = 0
    for info in archive.infolist():
        size = info.file_size
        total += size
        if size >= limits.PACKED_PARTS_FROM and size > limits.MAX_PACK_RATIO * max(
            info.compress_size, 1
        ):
            raise InputError(
                file, None,
                said("not a workbook a spreadsheet program wrote: its part {part} packs {size} "
                     "into {packed} bytes, as a zip bomb does (spreadsheets pack at most about "
                     "20 to 1); save the participants from Excel as a new workbook or as "
                     "'CSV UTF-8'", part=info.filename, size=limits.mib(size),
                     packed=info.compress_size),
            )
        name = info.filename.lower()
        if "worksheets/" in name and size > limits.MAX_SHEET_XML_BYTES:
            raise InputError(file, None, limits.too_large(
                said("a sheet of the workbook ({part}) unpacks to {size}", part=info.filename,
                     size=limits.mib(size)),
                limits.MAX_SHEET_XML_BYTES, "sheet"))
        if name.endswith("sharedstrings.xml") and size > limits.MAX_SHARED_STRINGS_BYTES:
            raise InputError(file, None, limits.too_large(
                said("the workbook's text ({part}) unpacks to {size}", part=info.filename,
                     size=limits.mib(size)),
                limits.MAX_SHARED_STRINGS_BYTES, "workbook's text"))
    if total > limits.MAX_UNPACKED_BYTES:
        raise InputError(
            file, None,
            said("the workbook unpacks to more than {most} ({size}), far more than one "
                 "program's registrations take; keep only the participants' sheet, or save it "
                 "as 'CSV UTF-8'. If the registrations are this many, {split}",
                 most=limits.mib(limits.MAX_UNPACKED_BYTES), size=limits.mib(total),
                 split=limits.split()),
        )


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, str] | None:
    """The name and zip part of the workbook's first worksheet (the one openpyxl reads
    as ``worksheets[0]``), or None when the package does not say plainly."""
    try:
        names = set(archive.namelist())
        book = "xl/workbook.xml"
        if _PACKAGE_RELS in names:
            for rel in ET.fromstring(archive.read(_PACKAGE_RELS)):
                if rel.get("Type", "").endswith("/officeDocument"):
                    book = _part(rel.get("Target", ""), "")
        rels = posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in ET.fromstring(archive.read(rels))
            if rel.get("Type", "").endswith(_WORKSHEET)
        }
        for element in ET.fromstring(archive.read(book)).iter():
            if _local(element.tag) != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            if rid in targets:
                part = _part(targets[rid], posixpath.dirname(book))
                return (element.get("name", ""), part) if part in names else None
    except (KeyError, ET.ParseError, ValueError, zipfile.BadZipFile, OSError):
        return None
    return None


def _local(tag: str) -> str:
    """A tag or attribute name without its ``{namespace}``."""
    return tag.rpartition("}")[2]


def _part(target: str, folder: str) -> str:
    """The zip part a relationship's ``target`` names, relative to ``folder``."""
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(folder, target))


class _Full(Exception):
    """The sheet's rows went past the limit at Excel row ``row``."""

    def __init__(self, row: int) -> None:
        self.row = row


def _count_rows(archive: zipfile.ZipFile, part: str, most: int) -> int | None:
    """The Excel row number of the first row beyond ``most`` rows with a value in the
    sheet ``part``, or None when it has no more than ``most``.

    The sheet's XML is unpacked and parsed as a stream, a MiB at a time, and the
    counting stops at that row: a sheet of 400 000 rows costs what ``most`` rows
    do. A row counts when a cell of it holds a value (``<v>`` or inline text),
    as the rows a CSV of the sheet would hold text in.
    """
    state = {"row": 0, "valued": False, "count": 0}

    def close_row() -> None:
        if state["valued"]:
            state["count"] += 1
            if state["count"] > most:
                raise _Full(state["row"])

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            close_row()
            number = attributes.get("r", "")
            state["row"] = int(number) if number.isdigit() else state["row"] + 1
            state["valued"] = False
        elif local in ("v", "is"):
            state["valued"] = True

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(1024 * 1024):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
        close_row()
    except _Full as full:
        return full.row
    return None


def read_sheet(
    data: bytes, file: str, limit: limits.Registrations | None = None
) -> Sheet:
    """The first sheet of the ``.xlsx`` workbook ``data`` (the bytes of ``file``).

    Formulas give their last computed value. Raises :class:`InputError`
    naming ``file`` when ``data`` is not a workbook openpyxl can read, when
    its parts unpack to more than :mod:`.limits` allows (checked before
    anything is unpacked), or when the sheet has more rows of registrations
    than ``limit`` allows (counted as the sheet is streamed, stopping at the
    first one too many, before openpyxl reads it).
    """
    import openpyxl  # only a workbook needs it

    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: .xls, or encrypted .xlsx
        raise InputError(
            file, None,
            said("not an .xlsx workbook but an old Excel .xls or a password-protected one; "
                 "save it from Excel as 'Excel Workbook (.xlsx)' without a password, or as "
                 "'CSV UTF-8'"),
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_parts(archive, file)
            first = _first_sheet(archive) if limit is not None else None
            if first is not None and limit is not None:
                over = _count_rows(archive, first[1], limit.room + 1)  # and the header
                if over is not None:
                    raise limit.refused(file, f'sheet "{first[0]}", row {over}')
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds on a broken file
        raise InputError(file, None, _unreadable(exc)) from exc
    try:
        if not book.worksheets:
            raise InputError(file, None, said("the workbook has no sheet of cells"))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # exporters may record too small a sheet size
        rows: Iterable[tuple[int, tuple[str, ...]]] = (
            (number, tuple(cell_text(c.value, getattr(c, "number_format", "General")) for c in row))
            for number, row in enumerate(sheet.iter_rows(), start=1)
        )
        if limit is not None:  # the count above missed nothing, but read no further
            rows = limit.capped(file, rows, lambda n: f'sheet "{sheet.title}", row {n}')
        return Sheet(sheet.title, tuple(rows))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(file, None, _unreadable(exc)) from exc
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
