"""Read a program (TOML) and its participants (CSV or .xlsx) into validated domain objects.

:func:`load_program` implements SPEC §3. Every problem raises an
:class:`~backstage_sched.errors.InputError` naming the file, the row or key,
and what is wrong, in the coordinator's words; nothing is silently ignored
(a misspelt key gets a "did you mean"). The tables are read by
:mod:`.tables`, the participants by :mod:`.people`, single values by
:mod:`.values`; the JSON snapshot of a program is :mod:`.snapshot`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain import Facilitator, MetBefore, Program, Venue
from ..errors import InputError, InputErrors, Problems
from ..said import said
from .columns import read_columns
from .dates import date_like, date_problem
from .limits import MAX_PROGRAM_BYTES, Registrations, read_capped
from .people import (
    _check_people,
    _file_participants,
    _toml_participants,
    not_with_by_email,
    one_registration_per_person,
)
from .previous import read_previous
from .tables import _facilitators, _groups, _policy, _program_table, _sessions, _venues
from .values import DateError, _check_keys

__all__ = ["load_program"]

_TOP_KEYS = ("program", "sessions", "groups", "policy", "facilitators", "venues", "participants")


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The program file's tables and its text; a TOML error names the line and column,
    and a date written another way than YYYY-MM-DD names the line and the key."""
    file = str(path)
    raw = read_capped(path, MAX_PROGRAM_BYTES, "program file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(file, f"line {line}",
                         said("not UTF-8 text; save the file as UTF-8")) from exc
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"line {m.group(1)}, column {m.group(2)}" if m else None
        hint: str = ""
        if m:
            msg = msg[: m.start()].rstrip()
            lines = text.splitlines()
            number = int(m.group(1))
            if _date_slip(lines, number) is not None:  # then every such date at once
                slips = [InputError(file, *slip) for i in range(1, len(lines) + 1)
                         if (slip := _date_slip(lines, i, quoted=True)) is not None]
                raise (slips[0] if len(slips) == 1 else InputErrors(slips)) from exc
            hint = _toml_hint(lines[number - 1] if 0 < number <= len(lines) else "")
        raise InputError(file, where, said("not valid TOML: {problem}{hint}",
                                                problem=msg, hint=hint)) from exc


_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_HEADER = re.compile(r"^\s*(\[\[?[^\]]+\]\]?)")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


def _line_of(lines: list[str], number: int) -> str:
    """``line 12, [program] start``: a line and the table and key it belongs to."""
    key = _key_of(lines, number)
    table = next((found.group(1) for line in reversed(lines[:number])
                  if (found := _HEADER.match(line))), None)
    return ", ".join(p for p in (f"line {number}", " ".join(filter(None, (table, key)))) if p)


def _key_of(lines: list[str], number: int) -> str | None:
    """The key of line ``number`` (1-based), or of the list it continues; None when no
    key of its table stands above it."""
    for line in reversed(lines[:number]):
        if found := _KEY.match(line):
            return found.group(1)
        if _HEADER.match(line):
            break
    return None


def _date_slip(lines: list[str], number: int, quoted: bool = False) -> tuple[str, str] | None:
    """(where, message) when line ``number`` holds a date written another way than
    YYYY-MM-DD (``start = 11.01.2027``, ``2027/01/11``, ``2027-13-11``); with ``quoted``
    a quoted one (``"11.01.2027"``) too."""
    if not 0 < number <= len(lines):
        return None
    raw = lines[number - 1]
    bare = _QUOTED.sub(lambda m: " " * len(m.group(0)), raw)  # quotes blanked
    comment = bare.find("#")
    bare = bare if comment < 0 else bare[:comment]
    words = date_like(bare.partition("=")[2] if _KEY.match(bare) else bare)
    if quoted:
        words += [m.group(0)[1:-1] for m in _QUOTED.finditer(raw)
                  if comment < 0 or m.start() < comment]
    key = _key_of(lines, number) or "the date"
    for word in words:
        problem = date_problem(key, word)
        if problem is not None:
            return _line_of(lines, number), problem
    return None


def _lines_of_dates(text: str, problems: Problems) -> None:
    """Give each date written another way (as quoted text) the line it stands on."""
    lines = text.splitlines()
    for error in problems.errors:
        if not isinstance(error, DateError) or (error.where or "").startswith("line "):
            continue
        quoted = re.compile(rf"""["']{re.escape(error.text)}["']""")
        keyed = [i for i, line in enumerate(lines, 1)
                 if quoted.search(line) and _key_of(lines, i) == error.key]
        if keyed:
            error.where = ", ".join(filter(None, (f"line {keyed[0]}", error.where)))


_TOML_SLIPS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], bool] | None, str], ...] = (
    (re.compile(r"=\s*\d{4}-\d{1,2}-\d{1,2}\b(?!-)"),
     lambda m: not re.search(r"=\s*\d{4}-\d{2}-\d{2}\b", m.string),
     said("write a date as YYYY-MM-DD with two-digit month and day, e.g. "
          "start = 2027-01-11")),
    (re.compile(r"=\s*\d{1,2}:\d{2}\b"), None,
     said('write a time in quotes, e.g. day_start = "08:30"')),
    (re.compile(r"=\s*-?\d+,\d+\s*(#.*)?$"), None,
     said("write decimals with a point, not a comma, e.g. vat_rate = 0.25")),
    (re.compile(r'^[^#"]*=\s*"[^"]*$'), None,
     said("a text value needs a closing quote, e.g. name = \"Backstage 2027\"")),
    (re.compile(r"=\s*[^\s\"'\[\{\d#+-]"), None,
     said('put text in quotes, e.g. mode = "mixed"')),
)
"""Common slips in a hand-edited TOML line: (pattern, extra test or None, hint)."""


def _toml_hint(line: str) -> str:
    """``; hint: …`` for the first common slip ``line`` shows, else ``""``."""
    for pattern, also, hint in _TOML_SLIPS:
        found = pattern.search(line)
        if found and (also is None or also(found)):
            if "quotes, e.g. mode" in hint and re.search(r"=\s*(true|false)\b", line):
                continue
            return said("; hint: {hint}", hint=hint)
    return ""


def load_program(
    program_path: str | Path,
    participants_path: str | Path | None = None,
    *,
    allow_outside_calendars: bool = False,
) -> Program:
    """Read and validate a program TOML and, optionally, a participants file (SPEC §3, §6).

    The participants file is an Excel workbook when named ``.xlsx`` (its first
    sheet), else a CSV. Participants come from ``[[participants]]`` in the
    TOML, the participants file, or both;
    calendar paths are resolved against the folder of the file naming them and
    their busy events loaded for the program window. A calendar path that is
    absolute or leads out of that folder is refused unless
    ``allow_outside_calendars``. Every table and row is checked to the end:
    one problem raises :class:`InputError`, several :class:`InputErrors` with
    all of them. Problems that do not stop the run (a registration submitted
    twice, a CSV read as Windows-1252) are in ``Program.warnings``.

    Input larger than a program is refused before it is parsed (:mod:`.limits`):
    more than :data:`~.limits.MAX_REGISTRATIONS` registrations in both files
    together (counted as the rows are read, stopping at the first one too many),
    or files larger than their byte limits.
    """
    path = Path(program_path)
    file = str(path)
    data, text = _read_toml(path)
    problems = Problems()  # every table and row is checked; all problems are raised
    with problems.check():
        _check_keys(file, said("the program file"), data, _TOP_KEYS)
    head = problems.attempt(lambda: _program_table(file, data), None)
    sessions = problems.attempt(lambda: _sessions(file, data), None)
    groups = problems.attempt(lambda: _groups(file, data), None)
    policy = problems.attempt(lambda: _policy(file, data), None)
    facilitators: tuple[Facilitator, ...] = problems.attempt(
        lambda: _facilitators(file, data), ())
    venues: tuple[Venue, ...] = problems.attempt(lambda: _venues(file, data), ())
    # busy calendars are read for the program window; without one they wait
    window = None if head is None else (head["timezone"], head["start"], head["end"])
    outside = allow_outside_calendars
    people = _toml_participants(file, data, path.parent, window, outside, problems)
    columns = read_columns(file, data, problems)
    warnings: list[str] = []
    if participants_path is not None:
        listed = data.get("participants")
        limit = Registrations(len(listed) if isinstance(listed, list) else 0, file)
        with problems.check():
            found, read_warnings = _file_participants(
                Path(participants_path), window, outside, problems, limit, columns
            )
            people += found
            warnings += read_warnings
    people, merged = one_registration_per_person(people, problems)
    people = not_with_by_email(people)
    warnings += merged
    _check_people(file, facilitators, people, problems)
    earlier: tuple[tuple[MetBefore, ...], tuple[str, ...]] = ((), ())
    if head is not None and head.get("previous_plans"):
        listed = tuple(p for p, _ in people)
        earlier = problems.attempt(
            lambda: read_previous(file, path.parent, head["previous_plans"], listed), earlier
        )
    _lines_of_dates(text, problems)
    problems.raise_any()
    assert head is not None and sessions is not None and groups is not None
    assert policy is not None
    return Program(
        **head,
        sessions=sessions,
        groups=groups,
        policy=policy,
        facilitators=facilitators,
        venues=venues,
        participants=tuple(p for p, _ in people),
        warnings=tuple(warnings),
        met_before=earlier[0],
        waited_before=earlier[1],
    )
