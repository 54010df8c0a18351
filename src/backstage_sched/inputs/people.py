"""Participants: ``[[participants]]`` in the TOML and the participants file.

The participants file is a CSV (UTF-8, or Windows-1252 with a warning) or
an Excel workbook (:mod:`.workbook` reads its first sheet); both give rows
of text that :func:`_table_participants` turns into participants, so a
cell's problem is worded alike in both, only its place differs. Each record
is checked cell by cell and its busy calendar read for the program window;
:func:`_check_people` then checks everyone together (unique ids and
e-mails, ``not_with`` naming known participants).
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..domain import Facilitator, Participant
from ..errors import InputError, Problems
from ..rules import ONE_PERSON, enforces
from ..said import Said, joined, place, said
from . import busy as busy_mod
from . import columns as cols
from . import limits, workbook
from .snapshot import OFFICE_FIELDS
from .values import (
    _array,
    _check_keys,
    _email,
    _entry_label,
    _id,
    _ids,
    _rules,
    _show,
    _suggest,
    _text,
    id_key,
)

_PARTICIPANT_KEYS = (
    "id",
    "name",
    "email",
    "organization",
    "experience",
    "unavailable",
    "avoid",
    "not_with",
    "calendar",
    "registered",
    *OFFICE_FIELDS,
)
_REQUIRED_COLUMNS = ("id", "name", "email", "organization")


class _Origin:
    """Where one participant record came from, for messages.

    ``columns`` (a participants file) maps each field to how its column is
    shown: ``column D (E-post)`` in a workbook, ``column 'E-post'`` in a CSV.
    """

    def __init__(
        self,
        file: str,
        label: str,
        column_style: bool,
        columns: Mapping[str, str] | None = None,
    ) -> None:
        self.file = file
        self.label = label
        self.column_style = column_style
        self.columns = columns

    def at(self, key: str) -> str:
        """The ``where`` of one field: ``row 5, column 'email'``, ``sheet "Svar", row 5,
        column D (email)`` or ``participants[2] email``."""
        if self.columns is not None and key in self.columns:
            return f"{self.label}, {self.columns[key]}"
        return f"{self.label}, column '{key}'" if self.column_style else f"{self.label} {key}"

    def __str__(self) -> str:
        return f"{self.label} of {self.file}"

    def said(self, other: _Origin | None = None) -> Said:
        """Where this row is, for a message about a row of ``other``'s file: its label
        when the file is the same, else ``row 5 of people.csv``."""
        if other is not None and other.file == self.file:
            return place(self.label)
        return said("{place} of {file}", place=place(self.label), file=self.file)


def _calendar_path(
    file: str, where: str, base_dir: Path, calendar: str, allow_outside: bool
) -> Path:
    """The calendar file named ``calendar``, relative to ``base_dir``.

    Unless ``allow_outside``, a path that is absolute or leads (also through
    ``..`` or a symbolic link) out of ``base_dir`` is refused.
    """
    path = base_dir / calendar
    if allow_outside:
        return path
    given = Path(calendar)
    allow = said("or let the coordinator allow it (--allow-outside-calendars)")
    if given.is_absolute() or given.drive or given.root:
        raise InputError(
            file,
            where,
            said("calendar path {path} is absolute; give it relative to the folder of this "
                 "file ({folder}), {allow}", path=_show(calendar), folder=str(base_dir.resolve()),
                 allow=allow),
        )
    try:
        inside = path.resolve().is_relative_to(base_dir.resolve())
    except (OSError, RuntimeError, ValueError) as exc:
        raise InputError(file, where, said("calendar path {path}: {problem}",
                                                path=_show(calendar), problem=str(exc))) from exc
    if not inside:
        raise InputError(
            file,
            where,
            said("calendar path {path} points outside the folder of this file ({folder}); "
                 "move the calendar there, {allow}", path=_show(calendar),
                 folder=str(base_dir.resolve()), allow=allow),
        )
    return path


def _participant(
    record: Mapping[str, object],
    origin: _Origin,
    base_dir: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool = False,
) -> Participant:
    """One participant from a CSV row or a TOML table; every cell is checked and every
    problem raised together. Without ``window`` (the program table is broken)
    the busy calendar is not read yet."""
    file = origin.file
    at = origin.at
    fields = {
        "id": lambda: _id(file, at("id"), "id", record["id"]),
        "name": lambda: _text(file, at("name"), "name", record["name"], required=True),
        "email": lambda: _email(file, at("email"), "email", record["email"]),
        "organization": lambda: _text(
            file, at("organization"), "organization", record["organization"], required=True
        ),
        "experience": lambda: _text(
            file, at("experience"), "experience", record.get("experience") or ""
        ),
        "unavailable": lambda: _rules(file, at("unavailable"), record.get("unavailable") or ""),
        "avoid": lambda: _rules(file, at("avoid"), record.get("avoid") or ""),
        "not_with": lambda: _ids(file, at("not_with"), "not_with", record.get("not_with") or ""),
        "calendar": lambda: _text(file, at("calendar"), "calendar", record.get("calendar") or ""),
        "registered": lambda: _registered(file, at("registered"), record.get("registered")),
        **{key: _office_field(file, at(key), key, record.get(key)) for key in OFFICE_FIELDS},
    }
    problems = Problems()  # every cell of the row is checked
    values: dict[str, Any] = {}
    for key, read in fields.items():
        with problems.check():
            values[key] = read()
    problems.raise_any()
    calendar = values.pop("calendar")
    person = Participant(**values)
    if not calendar or window is None:
        return person
    tz, first, last = window
    cal_path = _calendar_path(file, at("calendar"), base_dir, calendar, allow_outside)
    busy = busy_mod.load_busy(cal_path, tz, first, last, file, at("calendar"))
    return replace(person, busy=busy, calendar=calendar)


def _office_field(file: str, where: str, key: str, value: object) -> Any:
    """How :func:`_participant` reads an optional office field (phone, title, ...)."""
    return lambda: _text(file, where, key, value or "")


def _registered(file: str, where: str, value: object) -> datetime | None:
    """``2027-01-03`` or ``2027-01-03 09:15`` (as Forms and Excel write it), or nothing."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = _text(file, where, "registered", value or "")
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise InputError(file, where, said("registered must be a date like 2027-01-03 or "
                                           "2027-01-03 09:15, got {value}",
                                           value=repr(text))) from None


def _toml_participants(
    file: str,
    data: dict[str, Any],
    base_dir: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool,
    problems: Problems,
) -> list[tuple[Participant, _Origin]]:
    out: list[tuple[Participant, _Origin]] = []
    tables: list[dict[str, Any]] = []
    if isinstance(data.get("participants"), dict):
        return out  # [participants.columns]: the participants are in their own file
    with problems.check():
        tables = _array(file, data, "participants")
    if len(tables) > limits.MAX_REGISTRATIONS:  # refused before a table is checked
        over = limits.MAX_REGISTRATIONS + 1
        where = _entry_label("participants", over, tables[over - 1])
        problems.add(limits.Registrations().refused(file, where))
        return out
    for i, table in enumerate(tables, start=1):
        origin = _Origin(file, _entry_label("participants", i, table), column_style=False)
        with problems.check():
            _check_keys(file, origin.label, table, _PARTICIPANT_KEYS)
            missing = [key for key in _REQUIRED_COLUMNS if key not in table]
            if missing:
                raise InputError(file, origin.label,
                                 said("missing key '{key}' in {label}", key=missing[0],
                                      label=origin.label))
            out.append((_participant(table, origin, base_dir, window, allow_outside), origin))
    return out


def _detect_delimiter(header_line: str) -> str:
    counts = {d: 0 for d in (";", ",", "\t")}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _file_bytes(path: Path, most: int) -> bytes:
    """The bytes of the participants file; InputError when missing, unreadable or larger
    than ``most`` bytes (checked before it is read)."""
    return limits.read_capped(path, most, "participants file")


_SAVE_UTF8 = said("save it from the spreadsheet as 'CSV UTF-8'")
#: What a file starts with when it is no CSV text at all, and what to say then.
_NOT_TEXT = (
    (b"PK\x03\x04", said("is a zip file (an Excel workbook?), not CSV text; "
                          "a workbook must be named .xlsx")),
    (b"\xd0\xcf\x11\xe0", said("is an old Excel .xls workbook (or another Office file), not "
                               "CSV text; {save} or as 'Excel Workbook (.xlsx)'",
                               save=_SAVE_UTF8)),
    (b"\xff\xfe", said("is UTF-16 text (Excel's 'Unicode text'), not CSV; {save}",
                       save=_SAVE_UTF8)),
    (b"\xfe\xff", said("is UTF-16 text, not CSV; {save}", save=_SAVE_UTF8)),
)
#: Control characters no CSV text holds (tab, line feed and carriage return are fine).
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _csv_text(path: Path) -> tuple[str, str | None]:
    """The text of the participants CSV, and a warning when it is Windows-1252, not UTF-8.

    UTF-8 (with or without BOM) is read as it is. Other bytes are read as
    Windows-1252, what Swedish Excel's "CSV (semikolonavgränsad)" writes.
    InputError when the file is missing, unreadable, larger than
    :data:`~.limits.MAX_CSV_BYTES`, or neither.
    """
    file = str(path)
    raw = _file_bytes(path, limits.MAX_CSV_BYTES)
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    for start, problem in _NOT_TEXT:
        if raw.startswith(start):
            raise InputError(file, None, problem)
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            file,
            f"row {line}",
            said("neither UTF-8 nor Windows-1252 text (byte 0x{byte}); {save}",
                 byte=f"{raw[exc.start]:02X}", save=_SAVE_UTF8),
        ) from exc
    binary = _BINARY.search(text)
    if binary is not None:
        line = text[: binary.start()].count("\n") + 1
        raise InputError(
            file,
            f"row {line}",
            said("not text: it holds the control character U+{code}, as binary files do; "
                 "{save}", code=f"{ord(binary.group()):04X}", save=_SAVE_UTF8),
        )
    warning = said(
        "{file} is Windows-1252 text (Swedish Excel's \"CSV (semikolonavgränsad)\"), not "
        "UTF-8; read as Windows-1252. Should a name look wrong, save the file from Excel as "
        "'CSV UTF-8'", file=file,
    )
    return text, warning


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their line ends (CRLF, LF or CR), one at a time: as
    ``io.StringIO(text, newline="")`` gives them, without a copy of the whole text."""
    return (m.group() for m in _LINE.finditer(text))


class _Table:
    """The rows of a participants table as read: ``(row number, cells as text)`` each.

    ``sheet`` is the workbook sheet's name (None for a CSV): then the errors
    name the sheet and each column by its letter, as Excel shows them.
    ``overflow`` (a CSV) makes cells beyond the header's columns an error,
    with that hint.
    """

    def __init__(
        self,
        file: str,
        rows: Iterable[tuple[int, Sequence[str]]],
        sheet: str | None = None,
        overflow: str | None = None,
    ) -> None:
        self.file = file
        self.rows = rows
        self.sheet = sheet
        self.overflow = overflow

    def row(self, number: int) -> str:
        """``row 7``, or ``sheet "Svar", row 7`` in a workbook."""
        return f"row {number}" if self.sheet is None else f'sheet "{self.sheet}", row {number}'


def _table_participants(
    table: _Table,
    base_dir: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool,
    rows: Problems,
    mapped: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
) -> list[tuple[Participant, _Origin]]:
    """The participants of ``table``: the first row with text is the header, blank rows are
    skipped, and every other row is one participant. Which column holds which field is
    :func:`.columns.header_fields` of the header and ``mapped`` (the program's
    ``[participants.columns]``). Row problems go to ``rows``; header problems raise.
    Rows that leave an id column empty get an id from their address, said in ``notes``."""
    file = table.file
    header: list[str] | None = None
    header_row = 0
    fields: list[cols.Column] = []
    out: list[tuple[Participant, _Origin]] = []
    derived: list[tuple[int, str]] = []  # (row, id) of rows whose id column is empty
    for row_no, row in table.rows:
        cells = [c.strip() for c in row]
        if not any(cells):
            continue  # a blank row
        if header is None:
            header, header_row = cells, row_no
            fields = _check_header(file, table.row(row_no), header, mapped or {})
            continue
        with rows.check():
            if table.overflow is not None and any(cells[len(header) :]):
                raise InputError(
                    file,
                    table.row(row_no),
                    said("the row has {cells} cells but the header ({row}) has {columns} "
                         "columns{hint}", cells=len(cells), row=place(f"row {header_row}"),
                         columns=len(header), hint=table.overflow),
                )
            record, shown = _record(cells, fields, table.sheet is not None)
            id_cells = [cells[c.index] for c in fields if c.field == "id" and c.index < len(cells)]
            if any(c.field == "id" for c in fields) and not any(id_cells) and record["id"]:
                derived.append((row_no, record["id"]))
            origin = _Origin(file, table.row(row_no), column_style=True, columns=shown)
            out.append((_participant(record, origin, base_dir, window, allow_outside), origin))
    if derived and notes is not None:
        shown_rows = ", ".join(table.row(n) for n, _ in derived[:5])
        more = said(" and {count} more", count=len(derived) - 5) if len(derived) > 5 else ""
        notes.append(said(
            "{file}: {count} row(s) leave the id empty ({rows}{more}); each gets an id made "
            "from its e-mail address, the same in every new export (e.g. {row}: '{id}')",
            file=file, count=len(derived), rows=shown_rows, more=more,
            row=table.row(derived[0][0]), id=derived[0][1],
        ))
    return out


def _csv_participants(
    path: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool = False,
    problems: Problems | None = None,
    limit: limits.Registrations = limits.ALONE,
    columns: Mapping[str, str] | None = None,
) -> tuple[list[tuple[Participant, _Origin]], list[str]]:
    """Every row of the participants CSV at ``path``, and the warnings of reading it;
    row problems go to ``problems`` (raised at the end when None), header and file
    problems raise. A file larger than :data:`~.limits.MAX_CSV_BYTES` is refused
    before it is read, one with more rows than ``limit`` allows before a row is
    checked."""
    file = str(path)
    text, warning = _csv_text(path)
    first_line = next((ln for ln in _lines(text) if ln.strip()), None)
    if first_line is None:
        raise InputError(
            file, None, said("empty file; expected a header row with {columns}",
                             columns=", ".join(cols.REQUIRED))
        )
    delimiter = _detect_delimiter(first_line)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    hint = (
        said("; a cell holding a ';'-list must be quoted")
        if delimiter == ";"
        else said("; a cell holding the separator must be quoted")
    )
    rows = problems if problems is not None else Problems()  # every row is checked
    try:
        # every row is read (and counted) before the first is checked
        read = list(limit.capped(file, enumerate(reader, start=1), lambda n: f"row {n}"))
        table = _Table(file, read, overflow=hint)
        notes: list[str] = []
        out = _table_participants(table, path.parent, window, allow_outside, rows, columns,
                                  notes)
    except csv.Error as exc:
        raise InputError(file, f"row {reader.line_num}", said("cannot read CSV: {problem}",
                                                                problem=str(exc))) from exc
    if problems is None:
        rows.raise_any()
    return out, ([] if warning is None else [warning]) + notes


def _xlsx_participants(
    path: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool = False,
    problems: Problems | None = None,
    limit: limits.Registrations = limits.ALONE,
    columns: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
) -> list[tuple[Participant, _Origin]]:
    """Every row of the first sheet of the workbook at ``path``, as
    :func:`_csv_participants` reads a CSV's (within the limits of :mod:`.limits`);
    what is worth a warning goes to ``notes``."""
    file = str(path)
    sheet = workbook.read_sheet(_file_bytes(path, limits.MAX_WORKBOOK_BYTES), file, limit)
    if not any(c.strip() for _, cells in sheet.rows for c in cells):
        raise InputError(
            file,
            f'sheet "{sheet.name}"',
            said("empty sheet; expected a header row with {columns} (the participants are "
                 "read from the workbook's first sheet)", columns=", ".join(cols.REQUIRED)),
        )
    rows = problems if problems is not None else Problems()  # every row is checked
    out = _table_participants(
        _Table(file, sheet.rows, sheet=sheet.name), path.parent, window, allow_outside, rows,
        columns, notes,
    )
    if problems is None:
        rows.raise_any()
    return out


def _file_participants(
    path: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool = False,
    problems: Problems | None = None,
    limit: limits.Registrations = limits.ALONE,
    columns: Mapping[str, str] | None = None,
) -> tuple[list[tuple[Participant, _Origin]], list[str]]:
    """The participants of the file at ``path`` (a workbook when named ``.xlsx``, else a
    CSV), and the warnings of reading it; at most ``limit.room`` of them. ``columns`` is
    the program's ``[participants.columns]`` (:func:`.columns.read_columns`)."""
    if path.suffix.lower() == ".xlsx":
        notes: list[str] = []
        found = _xlsx_participants(path, window, allow_outside, problems, limit, columns, notes)
        return found, notes
    return _csv_participants(path, window, allow_outside, problems, limit, columns)


def _record(
    cells: Sequence[str], fields: Sequence[cols.Column], workbook_style: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """One row's text per field, and how the column each came from is shown.

    Of the columns holding a field (best first) the first with text gives it; a
    column Forms adds of its own counts only with an answer (not ``anonymous``).
    ``name`` is ``first_name`` and ``last_name`` joined when no column holds it;
    a row without an id gets :func:`.columns.derived_id` of its e-mail address.
    """
    record: dict[str, str] = {}
    shown: dict[str, str] = {}
    for column in fields:
        text = cells[column.index] if column.index < len(cells) else ""
        if column.rank == cols.FORMS and text.casefold() in cols.ANONYMOUS:
            text = ""
        if column.field in record and (record[column.field] or not text):
            continue  # a better column gave it, or this one has nothing either
        record[column.field] = text
        letter = workbook.column_letter(column.index)
        shown[column.field] = (
            f"column {letter} ({column.heading})" if workbook_style
            else f"column '{column.heading}'"
        )
    parts = [record.pop(key, "") for key in ("first_name", "last_name")]
    for key in ("first_name", "last_name"):
        where = shown.pop(key, None)
        if where is not None and "name" not in shown:
            shown["name"] = where
    if not record.get("name"):
        record["name"] = " ".join(p for p in parts if p)
    if not record.get("id") and record.get("email", "").strip():
        record["id"] = cols.derived_id(record["email"])
    record.setdefault("id", "")
    return record, shown


def _check_header(
    file: str, where: str, header: list[str], mapped: Mapping[str, str]
) -> list[cols.Column]:
    """The columns of ``header`` that hold a field (:func:`.columns.header_fields`).

    Raises when a heading appears twice or a required field has no column.
    """
    seen: set[str] = set()
    own = cols.forms_own(header)  # Forms' "Namn" may sit beside a question "Namn"
    for i, name in enumerate(header):
        if i in own:
            continue
        if name and name in seen:
            raise InputError(file, where, said(
                "column '{name}' appears twice in the header", name=name))
        seen.add(name)
    fields = cols.header_fields(header, mapped)
    missing = cols.missing_fields(fields)
    if missing:
        named = "; ".join(" / ".join(cols.known_headings(field)) for field in missing)
        close = [
            said("'{heading}' (map it in [participants.columns], e.g. \"{heading}\" = "
                 "\"{field}\")", heading=h, field=field)
            for field in missing
            for h in difflib.get_close_matches(field, [h for h in header if h], n=1, cutoff=0.6)
        ]
        hint = said("; did you mean {headings}?", headings=joined(close, ", ")) if close else ""
        found = ", ".join(h for h in header if h) or said("nothing")
        raise InputError(
            file,
            where,
            said("missing required column(s) {columns} (accepted headings: {named}; or map "
                 "yours in [participants.columns]){hint}; the header has: {found}",
                 columns=", ".join(repr(c) for c in missing), named=named, hint=hint,
                 found=found),
        )
    return fields


def _same_name(a: str, b: str) -> bool:
    """Whether two names are the same name, ignoring case, accents' encoding and spacing."""
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return norm(a) == norm(b)


@enforces(ONE_PERSON)
def one_registration_per_person(
    people: list[tuple[Participant, _Origin]], problems: Problems
) -> tuple[list[tuple[Participant, _Origin]], list[str]]:
    """Merge rows that are one registration submitted twice (SPEC §8).

    Rows with the same e-mail address (ignoring case) and the same name are
    one person: the later row stands, in the earlier row's place, and
    ``not_with`` naming the dropped id names the kept one. A warning names
    both rows. The same address under different names is a problem naming
    both rows. Returns the people kept, in order, and the warnings.
    """
    slot: dict[str, int] = {}  # e-mail (case-folded) -> index in out
    dropped: dict[str, str] = {}  # dropped id -> kept id
    warnings: list[str] = []
    out: list[tuple[Participant, _Origin]] = []
    for p, origin in people:
        k = slot.get(p.email.casefold())
        if k is None:
            slot[p.email.casefold()] = len(out)
            out.append((p, origin))
            continue
        first, first_origin = out[k]
        if not _same_name(first.name, p.name):
            problems.add(InputError(
                origin.file, origin.at("email"),
                said("e-mail '{email}' is also used by {first} ('{id}', {where}) but this row "
                     "names {name}; one address is one person: correct the address or the "
                     "name in one of the two rows", email=p.email, first=first.name,
                     id=first.id, where=first_origin.said(origin), name=p.name),
            ))
            continue
        warnings.append(said(
            "{file}: {name} <{email}> registered twice ({where}, id '{first}', and {label}, "
            "id '{id}'): one registration, the later row ({label}, id '{id}') is kept",
            file=origin.file, name=first.name, email=p.email, where=first_origin.said(origin),
            first=first.id, label=place(origin.label), id=p.id,
        ))
        dropped = {old: (p.id if new == first.id else new) for old, new in dropped.items()}
        if first.id != p.id:
            dropped[first.id] = p.id
        out[k] = (p, origin)
    if not dropped:
        return out, warnings
    fixed = []
    for p, origin in out:
        named = tuple(dict.fromkeys(dropped.get(x, x) for x in p.not_with if
                                    dropped.get(x, x) != p.id))
        fixed.append((replace(p, not_with=named) if named != p.not_with else p, origin))
    return fixed, warnings


def not_with_by_email(
    people: list[tuple[Participant, _Origin]],
) -> list[tuple[Participant, _Origin]]:
    """``not_with`` may name a participant by e-mail address (ignoring case), as a form's
    "Inte med" answer does when ids are made from the addresses: each address that is a
    participant's becomes their id. Anything else is left for :func:`_check_people`."""
    ids = {p.email.casefold(): p.id for p, _ in people}
    out = []
    for p, origin in people:
        named = tuple(dict.fromkeys(
            ids.get(x.casefold(), x) if "@" in x else x for x in p.not_with))
        out.append((replace(p, not_with=named) if named != p.not_with else p, origin))
    return out


def _check_people(
    file: str,
    facilitators: tuple[Facilitator, ...],
    people: list[tuple[Participant, _Origin]],
    problems: Problems,
) -> None:
    """Unique ids (also ignoring case) across everyone; ``not_with`` names known participants.

    A facilitator's e-mail must be their own (it is the ORGANIZER of
    invitations). Every problem found is added to ``problems``.
    """
    by_key = _facilitator_id_keys(file, facilitators, problems)
    emails = _facilitator_emails(file, facilitators, problems)
    fac_ids = {f.id for f in facilitators}
    fac_emails = set(emails)
    by_id: dict[str, _Origin] = {}
    for p, origin in people:
        if not _register_id(p, origin, fac_ids, by_id, by_key, problems):
            continue
        _register_email(p, origin, emails, fac_emails, problems)
    _check_not_with(people, by_id, fac_ids, problems)


def _facilitator_id_keys(
    file: str, facilitators: tuple[Facilitator, ...], problems: Problems
) -> dict[str, tuple[str, _Origin]]:
    """Case-folded id -> (id, where) of the facilitators; ids equal but for case are problems."""
    by_key: dict[str, tuple[str, _Origin]] = {}
    for i, f in enumerate(facilitators, start=1):
        other = by_key.get(id_key(f.id))
        if other is not None:
            problems.add(InputError(
                file,
                f"facilitators[{i}] (id '{f.id}') id",
                said("id '{id}' differs from '{other}' ({where}) only in upper/lower case; "
                     "they would name the same file on Windows and macOS", id=f.id,
                     other=other[0], where=place(other[1].label)),
            ))
            continue
        by_key[id_key(f.id)] = (f.id, _Origin(file, f"facilitators[{i}]", column_style=False))
    return by_key


def _facilitator_emails(
    file: str, facilitators: tuple[Facilitator, ...], problems: Problems
) -> dict[str, str]:
    """Lower-case e-mail -> who uses it, for the facilitators; a shared address is a problem."""
    emails: dict[str, str] = {}
    for i, f in enumerate(facilitators, start=1):
        if f.email.lower() in emails:
            problems.add(InputError(
                file,
                f"facilitators[{i}] (id '{f.id}') email",
                said("e-mail '{email}' is also used by {who}; every facilitator needs an "
                     "address of their own (it organises the invitations)", email=f.email,
                     who=emails[f.email.lower()]),
            ))
            continue
        emails[f.email.lower()] = said("facilitator '{id}'", id=f.id)
    return emails


def _register_id(
    p: Participant,
    origin: _Origin,
    fac_ids: set[str],
    by_id: dict[str, _Origin],
    by_key: dict[str, tuple[str, _Origin]],
    problems: Problems,
) -> bool:
    """Record ``p``'s id in ``by_id`` and ``by_key``; False when another participant has it.

    An id that is a facilitator's, or equal to another but for case, is a
    problem but still recorded.
    """
    if p.id in by_id:
        first = by_id[p.id]
        problems.add(InputError(origin.file, origin.label,
                                said("duplicate id '{id}': also on {where}", id=p.id,
                                     where=first.said(origin))))
        return False
    if p.id in fac_ids:
        problems.add(InputError(
            origin.file,
            origin.at("id"),
            said("id '{id}' is also a facilitator's id; every person needs an id of their "
                 "own", id=p.id),
        ))
    other = by_key.get(id_key(p.id))
    if other is not None:
        problems.add(InputError(
            origin.file,
            origin.at("id"),
            said("id '{id}' differs from '{other}' ({where}) only in upper/lower case; "
                 "they would name the same file on Windows and macOS", id=p.id,
                 other=other[0], where=other[1].said(origin)),
        ))
    by_id[p.id] = origin
    by_key[id_key(p.id)] = (p.id, origin)
    return True


def _register_email(
    p: Participant,
    origin: _Origin,
    emails: dict[str, str],
    fac_emails: set[str],
    problems: Problems,
) -> None:
    """A participant may not use a facilitator's address (it organises the invitations).

    Participants sharing an address were merged or refused before
    (:func:`one_registration_per_person`)."""
    key = p.email.lower()
    if key in fac_emails:
        problems.add(InputError(
            origin.file,
            origin.at("email"),
            said("e-mail '{email}' is also used by {who}; a participant cannot share the "
                 "address of a facilitator (who organises the invitations)", email=p.email,
                 who=emails[key]),
        ))


def _check_not_with(
    people: list[tuple[Participant, _Origin]],
    by_id: dict[str, _Origin],
    fac_ids: set[str],
    problems: Problems,
) -> None:
    """Every ``not_with`` id names another participant (``by_id``)."""
    for p, origin in people:
        for other_id in p.not_with:
            if other_id == p.id:
                problems.add(InputError(
                    origin.file, origin.at("not_with"),
                    said("not_with names '{id}' itself", id=p.id),
                ))
            elif "@" in other_id and other_id not in by_id:
                problems.add(InputError(
                    origin.file,
                    origin.at("not_with"),
                    said("unknown e-mail {email} in not_with: no participant has that "
                         "address (name a participant by id or by e-mail address)",
                         email=_show(other_id)),
                ))
            elif other_id not in by_id:
                what = (said("a facilitator, not a participant") if other_id in fac_ids
                        else said("no participant"))
                hint = _suggest(other_id, by_id) if len(by_id) <= 5000 else ""
                problems.add(InputError(
                    origin.file,
                    origin.at("not_with"),
                    said("unknown id {id} in not_with: {what} has that id{hint}",
                         id=_show(other_id), what=what, hint=hint),
                ))
