"""Dates as people write them: ``11.01.2027``, ``2027/01/11``, ``11/1/2027``, ``2027-13-11``.

The program file and time expressions take dates as ``YYYY-MM-DD`` (SPEC §3).
A date written another way gets one hint wherever it stands, with the date
it most likely means: a year first reads year-month-day; a year last reads
day-month-year, as Sweden writes it, or month-day-year when only that is a
date. Used by :mod:`.values`, :mod:`.load` and :mod:`.timeexpr`.
"""

from __future__ import annotations

import re
from datetime import date

from ..said import Said, said

DATE_HINT = said("write dates as YYYY-MM-DD (year-month-day)")
"""The hint every date written another way gets (SPEC §3: dates are ISO)."""

_DATE_LIKE = re.compile(r"(?<![\w.:/-])(\d{1,4})([-./])(\d{1,2})\2(\d{1,4})(?![\w.:/-])")
"""Three numbers joined by ``-``, ``.`` or ``/``: how people write a date."""


def date_like(text: str) -> list[str]:
    """The date-like words in ``text`` (``11.01.2027``, ``2027/01/11``, ``2027-13-11``)."""
    return [m.group(0) for m in _DATE_LIKE.finditer(text)]


def date_problem(key: str, text: str) -> Said | None:
    """What is wrong with a date written ``text`` for ``key``, with the hint to write it
    as YYYY-MM-DD; ``None`` when it is such a date already or looks like no date.

    A year first reads year-month-day; a year last reads day-month-year, as in
    Sweden (``11.01.2027``, ``11/1/2027``), or month-day-year when only that is a date.

    >>> date_problem("start", "11.01.2027")
    'start = 11.01.2027: write dates as YYYY-MM-DD (year-month-day), here start = 2027-01-11'
    >>> print(date_problem("start", "2027-13-11").replace("; ", ";\\n"))
    start = 2027-13-11 is not a date (there is no month 13);
    write dates as YYYY-MM-DD (year-month-day), e.g. start = 2027-01-11
    >>> date_problem("start", "2027-01-11") is None
    True
    """
    found = _DATE_LIKE.fullmatch(text.strip())
    if not found:
        return None
    text = found.group(0)
    meant, why = read_date_like(text)
    if meant is not None:
        if meant.isoformat() == text:
            return None
        return said("{key} = {text}: {hint}, here {key} = {meant}", key=key, text=text,
                    hint=DATE_HINT, meant=meant.isoformat())
    if why:
        return said("{key} = {text} is not a date ({why}); {hint}, e.g. {key} = 2027-01-11",
                    key=key, text=text, why=why, hint=DATE_HINT)
    return said("{key} = {text} is not a date; {hint}, e.g. {key} = 2027-01-11",
                key=key, text=text, hint=DATE_HINT)


def read_date_like(text: str) -> tuple[date | None, Said | None]:
    """(the date ``text`` most likely means, or ``None`` with why it is no date).

    >>> read_date_like("11/1/2027"), read_date_like("1/13/2027")
    ((datetime.date(2027, 1, 11), None), (datetime.date(2027, 1, 13), None))
    >>> read_date_like("2027-02-30"), read_date_like("11.01.27")
    ((None, 'month 2 of 2027 has no day 30'), (None, None))
    """
    found = _DATE_LIKE.fullmatch(text.strip())
    if not found:
        return None, None
    a, _, b, c = found.groups()
    if len(a) == 4:
        readings = [(int(a), int(b), int(c))]
    elif len(c) == 4:
        readings = [(int(c), int(b), int(a)), (int(c), int(a), int(b))]
    else:  # no four-digit year: which number is the year is anybody's guess
        return None, None
    for year, month, day in readings:
        try:
            return date(year, month, day), None
        except ValueError:
            continue
    year, month, day = readings[0]
    return None, (said("there is no month {month}", month=month) if not 1 <= month <= 12
                  else said("month {month} of {year} has no day {day}", month=month,
                            year=year, day=day))


def date_hint(text: str) -> Said:
    """The hint for a date in a time expression: ``write dates as YYYY-MM-DD
    (year-month-day), here 2027-01-11`` (or why it is no date).

    >>> date_hint("11.01.2027")
    'write dates as YYYY-MM-DD (year-month-day), here 2027-01-11'
    >>> date_hint("2027-13-01")
    'there is no month 13; write dates as YYYY-MM-DD (year-month-day)'
    """
    meant, why = read_date_like(text)
    if meant is not None and meant.isoformat() != text:
        return said("{hint}, here {meant}", hint=DATE_HINT, meant=meant.isoformat())
    return said("{why}; {hint}", why=why, hint=DATE_HINT) if why else DATE_HINT


