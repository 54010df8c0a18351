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
from pathlib import Path
from typing import Any

from ..domain import MetBefore, Program
from ..errors import InputError, Problems
from .columns import read_columns
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
from .values import _check_keys

__all__ = ["load_program"]

_TOP_KEYS = ("program", "sessions", "groups", "policy", "facilitators", "venues", "participants")


def _read_toml(path: Path) -> dict[str, Any]:
    file = str(path)
    raw = read_capped(path, MAX_PROGRAM_BYTES, "program file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(file, f"line {line}", "not UTF-8 text; save the file as UTF-8") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"line {m.group(1)}, column {m.group(2)}" if m else None
        hint = ""
        if m:
            msg = msg[: m.start()].rstrip()
            lines = text.splitlines()
            number = int(m.group(1))
            hint = _toml_hint(lines[number - 1] if 0 < number <= len(lines) else "")
        raise InputError(file, where, f"not valid TOML: {msg}{hint}") from exc


_TOML_SLIPS = (
    (re.compile(r"=\s*\d{4}-\d{1,2}-\d{1,2}\b(?!-)"),
     lambda m: not re.search(r"=\s*\d{4}-\d{2}-\d{2}\b", m.string),
     "write a date as YYYY-MM-DD with two-digit month and day, e.g. start = 2027-01-11"),
    (re.compile(r"=\s*\d{1,2}:\d{2}\b"), None,
     'write a time in quotes, e.g. day_start = "08:30"'),
    (re.compile(r"=\s*-?\d+,\d+\s*(#.*)?$"), None,
     "write decimals with a point, not a comma, e.g. vat_rate = 0.25"),
    (re.compile(r'^[^#"]*=\s*"[^"]*$'), None,
     "a text value needs a closing quote, e.g. name = \"Backstage 2027\""),
    (re.compile(r"=\s*[^\s\"'\[\{\d#+-]"), None,
     'put text in quotes, e.g. mode = "mixed"'),
)
"""Common slips in a hand-edited TOML line: (pattern, extra test or None, hint)."""


def _toml_hint(line: str) -> str:
    """``; hint: …`` for the first common slip ``line`` shows, else ``""``."""
    for pattern, also, hint in _TOML_SLIPS:
        found = pattern.search(line)
        if found and (also is None or also(found)):
            if "quotes, e.g. mode" in hint and re.search(r"=\s*(true|false)\b", line):
                continue
            return f"; hint: {hint}"
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
    data = _read_toml(path)
    problems = Problems()  # every table and row is checked; all problems are raised
    with problems.check():
        _check_keys(file, "the program file", data, _TOP_KEYS)
    head = problems.attempt(lambda: _program_table(file, data), None)
    sessions = problems.attempt(lambda: _sessions(file, data), None)
    groups = problems.attempt(lambda: _groups(file, data), None)
    policy = problems.attempt(lambda: _policy(file, data), None)
    facilitators = problems.attempt(lambda: _facilitators(file, data), ())
    venues = problems.attempt(lambda: _venues(file, data), ())
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
