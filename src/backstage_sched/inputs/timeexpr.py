"""Time expressions: ``fri``, ``fri 13:00-17:00``, ``2027-03-01..2027-03-07`` ...

A time expression (SPEC §3) is a ``;``-separated list, or a TOML array, of
items. Each item becomes one :class:`~backstage_sched.domain.TimeRule`:

========================================  =====================================
``2027-03-01``                            that whole day
``2027-03-01..2027-03-07``                those days, both ends included
``fri`` (or ``friday``, ``fre``)          every Friday
``fri 13:00-17:00``                       every Friday, 13:00 up to 17:00
``2027-03-01 08:00-12:00``                part of one day
``2027-03-01..2027-03-07 08:00-12:00``    part of each of those days
``13:00-17:00``                           that part of every day
========================================  =====================================

Times are wall-clock ``HH:MM`` (``HH.MM`` is accepted too); a time range
covers ``[start, end)``.
"""

from __future__ import annotations

import re
from datetime import date, time

from ..domain import WEEKDAYS, TimeRule
from ..errors import InputError
from ..said import Said, joined, said
from .dates import date_hint

__all__ = ["WEEKDAY_NAMES", "covers", "parse_rules", "parse_time", "weekday_index"]

#: Every accepted weekday spelling (lower case) -> 0 (Monday) .. 6 (Sunday).
WEEKDAY_NAMES: dict[str, int] = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "thur": 3,
    "thurs": 3,
    # Swedish, as coordinators write them.
    **{name: i for i, name in enumerate(("mån", "tis", "ons", "tor", "fre", "lör", "sön"))},
    **{
        name: i
        for i, name in enumerate(
            ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
        )
    },
    "tors": 3,
}

_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
_TIME_RANGE = re.compile(r"(\d{1,2}[:.]\d{2})\s*[-–]\s*(\d{1,2}[:.]\d{2})")
_WEEKDAY_HINT = said(
    "use mon, tue, wed, thu, fri, sat, sun, mån, tis, ons, tor, fre, lör, sön "
    "or a date like 2027-03-01"
)


def _hinted(problem: Said, hint: Said) -> Said:
    """``problem; hint``: one expression's problem and how to write it
    (:func:`_with_hint` writes it ``problem (hint)`` in a list)."""
    return said("{problem}; {hint}", problem=problem, hint=hint)


def weekday_index(name: str) -> int | None:
    """The weekday number (0 = Monday) for ``name``, or ``None`` if unknown.

    Accepts ``mon`` .. ``sun``, full English names and Swedish names, in any case.
    """
    return WEEKDAY_NAMES.get(name.strip().lower())


def parse_time(text: str) -> time | None:
    """``HH:MM`` (or ``HH.MM``) as a :class:`~datetime.time`; ``None`` if malformed."""
    m = _TIME.fullmatch(text.strip())
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _parse_date(text: str) -> date | None:
    if not _DATE.fullmatch(text):
        return None
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _split(value: object, file: str | None, where: str | None) -> list[str]:
    """The stripped, non-empty items of a string or a TOML array."""
    if value is None:
        return []
    if isinstance(value, str):
        raw: list[str] = value.split(";")
    elif isinstance(value, list | tuple):
        raw = []
        for item in value:
            if isinstance(item, date):  # a TOML date literal in the array
                item = item.isoformat()
            if not isinstance(item, str):
                raise InputError(file, where, said(
                    "expected a time expression as text, got {value}", value=repr(item)))
            raw.extend(item.split(";"))
    else:
        raise InputError(
            file, where, said("expected a time expression (text or a list of text), got {value}",
                              value=repr(value))
        )
    return [item.strip() for item in raw if item.strip()]


def _parse_item(text: str, file: str | None, where: str | None) -> TimeRule:
    # Normalise "13:00 - 17:00" and "2027-03-01 .. 2027-03-07" to one token each.
    norm = _TIME_RANGE.sub(r"\1-\2", text)
    norm = re.sub(r"\s*\.\.\s*", "..", norm)
    tokens = norm.split()
    day_token: str | None = None
    time_token: str | None = None
    if len(tokens) == 1:
        if _TIME_RANGE.fullmatch(tokens[0]):
            time_token = tokens[0]
        else:
            day_token = tokens[0]
    elif len(tokens) == 2:
        day_token, time_token = tokens
        if _TIME_RANGE.fullmatch(day_token) and not _TIME_RANGE.fullmatch(time_token):
            day_token, time_token = time_token, day_token  # "13:00-17:00 fri"
    else:
        raise InputError(
            file,
            where,
            _hinted(said("cannot read time expression '{text}'", text=text),
                    said("write e.g. 'fri', 'fri 13:00-17:00', '2027-03-01', "
                         "'2027-03-01..2027-03-07' or '2027-03-01 08:00-12:00'")),
        )

    first = last = None
    weekday = None
    if day_token is not None:
        if ".." in day_token:
            a, _, b = day_token.partition("..")
            first, last = _parse_date(a), _parse_date(b)
            if first is None or last is None:
                bad = a if first is None else b
                raise InputError(file, where, _hinted(
                    said("bad date '{date}' in '{text}'", date=bad, text=text), date_hint(bad)))
            if last < first:
                raise InputError(
                    file,
                    where,
                    said("range end {end} is before its start {start} in '{text}'",
                         end=last.isoformat(), start=first.isoformat(), text=text),
                )
        elif day_token[:1].isdigit():
            first = last = _parse_date(day_token)
            if first is None:
                raise InputError(
                    file, where, _hinted(said("bad date '{date}' in '{text}'", date=day_token,
                                              text=text), date_hint(day_token))
                )
        else:
            weekday = weekday_index(day_token)
            if weekday is None:
                raise InputError(file, where, _hinted(
                    said("unknown weekday '{day}'", day=day_token), _WEEKDAY_HINT))

    start = end = None
    if time_token is not None:
        m = _TIME_RANGE.fullmatch(time_token)
        if not m:
            raise InputError(
                file,
                where,
                _hinted(said("bad time range '{range}' in '{text}'", range=time_token,
                             text=text), said("write it as HH:MM-HH:MM")),
            )
        start, end = parse_time(m.group(1)), parse_time(m.group(2))
        for raw_t, t in ((m.group(1), start), (m.group(2), end)):
            if t is None:
                raise InputError(
                    file,
                    where,
                    _hinted(said("bad time '{time}' in '{text}'", time=raw_t, text=text),
                            said("use HH:MM between 00:00 and 23:59")),
                )
        assert start is not None and end is not None
        if end <= start:
            raise InputError(
                file,
                where,
                said("time range end {end} is not after its start {start} in '{text}'",
                     end=f"{end:%H:%M}", start=f"{start:%H:%M}", text=text),
            )
    return TimeRule(text=text, first=first, last=last, weekday=weekday, start=start, end=end)


def parse_rules(
    value: object,  # text or a list of text (from TOML or a cell); anything else: InputError
    file: str | None = None,
    where: str | None = None,
) -> tuple[TimeRule, ...]:
    """Parse a time expression into rules, one per item, in the given order.

    ``value`` is a ``;``-separated string or a list of items; empty items are
    skipped, so ``""`` gives ``()``. Raises :class:`InputError` (with ``file``
    and ``where``) naming the item that cannot be read; when several cannot,
    one error names every one of them, each with its hint:

    >>> try:
    ...     parse_rules(["mon 13:00-17:00", "tisdag", "xx", "fri 25:00-26:00"])
    ... except InputError as exc:
    ...     text = exc.message.replace(" (", "\\n  (").replace("; ", ";\\n")
    ...     print(text.replace(" or a", "\\n   or a"))
    2 of the time expressions cannot be read: unknown weekday 'xx'
      (use mon, tue, wed, thu, fri, sat, sun, mån, tis, ons, tor, fre, lör, sön
       or a date like 2027-03-01);
    bad time '25:00' in 'fri 25:00-26:00'
      (use HH:MM between 00:00 and 23:59)
    """
    rules: list[TimeRule] = []
    bad: list[InputError] = []
    for item in _split(value, file, where):
        try:
            rules.append(_parse_item(item, file, where))
        except InputError as exc:
            bad.append(exc)
    if len(bad) == 1:
        raise bad[0]
    if bad:
        raise InputError(file, where, said(
            "{count} of the time expressions cannot be read: {problems}", count=len(bad),
            problems=joined([_with_hint(e.message) for e in bad], "; ")))
    return tuple(rules)


def _with_hint(message: str) -> str:
    """``problem; hint`` as ``problem (hint)``, so that several read as a list."""
    if isinstance(message, Said) and message.template == "{problem}; {hint}":
        return said("{problem} ({hint})", **message.values)
    problem, _, hint = message.partition("; ")
    return f"{problem} ({hint})" if hint else problem


def covers(rule: TimeRule, day: date, start: time, end: time) -> bool:
    """Whether the interval ``[start, end)`` on ``day`` overlaps ``rule``.

    An ``end`` of ``00:00`` means midnight at the end of ``day``; an empty
    interval overlaps nothing.
    """
    if rule.first is not None and day < rule.first:
        return False
    if rule.last is not None and day > rule.last:
        return False
    if rule.weekday is not None and day.weekday() != rule.weekday:
        return False
    lo = _minutes(start)
    hi = _minutes(end) if end != time(0) else 24 * 60.0
    if hi <= lo:
        return False
    rule_lo = _minutes(rule.start) if rule.start is not None else 0.0
    rule_hi = _minutes(rule.end) if rule.end is not None else 24 * 60.0
    return lo < rule_hi and rule_lo < hi


def _minutes(t: time) -> float:
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 60e6
