"""Busy times from a person's calendar file (an Outlook or Google ``.ics`` export).

Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded by
``recurring_ical_events``; Google's ``X-WR-TIMEZONE`` is applied with
``x_wr_timezone``. An event does not block when it is ``TRANSP:TRANSPARENT``,
``STATUS:CANCELLED`` (a whole series or a single instance) or marked free by
Outlook (``X-MICROSOFT-CDO-BUSYSTATUS:FREE``). All-day events block whole
days. Everything is returned as naive wall-clock datetimes in the program's
time zone.

A calendar comes from outside and may be hostile, so reading it is bounded:
the file may hold at most :data:`MAX_CALENDAR_BYTES`, must be UTF-8 and may
nest components at most :data:`MAX_NESTING` deep; recurrence rules are
expanded only over the program window, a rule that would give more than
:data:`MAX_OCCURRENCES` occurrences (``FREQ=SECONDLY``, ...) is refused before
expansion, and rules that never occur (``BYMONTH=2;BYMONTHDAY=30``) or start
centuries early are stopped after :data:`MAX_RULE_MONTHS` months of search.
Anything icalendar or recurring_ical_events raises becomes an
:class:`~backstage_sched.errors.InputError` naming the file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dateutil.rrule
import icalendar
import recurring_ical_events
import x_wr_timezone

from ..domain import Busy
from ..errors import InputError
from ..said import said

__all__ = [
    "MAX_CALENDAR_BYTES",
    "MAX_CALENDAR_MONTHS",
    "MAX_NESTING",
    "MAX_OCCURRENCES",
    "MAX_RULE_MONTHS",
    "load_busy",
]

#: Largest calendar file read (20 MiB); a year of a busy person's calendar is < 1 MiB.
MAX_CALENDAR_BYTES = 20 * 1024 * 1024
#: Deepest nesting of BEGIN/END components (VCALENDAR > VEVENT > VALARM is 3).
MAX_NESTING = 10
#: Most occurrences one calendar may give in the program window (estimated before
#: expansion from each RRULE, and counted after).
MAX_OCCURRENCES = 50_000
#: Most months one recurrence rule may be searched for an occurrence.
MAX_RULE_MONTHS = 2_400
#: Most months all rules of one calendar file may be searched together.
MAX_CALENDAR_MONTHS = 60_000

_SUB_DAILY = {"HOURLY": 3600, "MINUTELY": 60, "SECONDLY": 1}


class _TooLong(Exception):
    """A recurrence search ran past its budget of months."""


class _Budget(threading.local):
    """Months of rule search left for the calendar being read in this thread."""

    left: int | None = None
    per_rule: dict[int, list[Any]] | None = None


_BUDGET = _Budget()


_GUARD_LOCK = threading.Lock()
_GUARD_USERS = [0]  # calendars being read right now, in any thread


def _guarded_rebuild(original: Callable[..., Any]) -> Callable[..., Any]:
    """``rebuild`` that counts the months searched for the calendar this thread reads."""

    def rebuild(self: Any, year: int, month: int) -> Any:
        left = _BUDGET.left
        if left is not None and _BUDGET.per_rule is not None:
            entry = _BUDGET.per_rule.setdefault(id(self), [self, 0])  # keep self: ids stay unique
            entry[1] += 1
            if left <= 0 or entry[1] > MAX_RULE_MONTHS:
                raise _TooLong
            _BUDGET.left = left - 1
        return original(self, year, month)

    rebuild.original = original  # type: ignore[attr-defined]  # to put back later
    return rebuild


@contextmanager
def _month_guard() -> Iterator[None]:
    """While calendars are read, count the months dateutil's rrule iteration visits.

    dateutil calls ``_iterinfo.rebuild`` at least once per month (or year) it
    searches; a rule that never matches (``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30``)
    would otherwise search to year 9999, and dateutil has no limit of its own.
    So while at least one :func:`load_busy` runs, ``rebuild`` is wrapped; the
    last one to finish restores it. Nothing is changed at import, and rules
    expanded by other code meanwhile pass through untouched (the budget is
    set per thread, only inside :func:`load_busy`).
    """
    info = dateutil.rrule._iterinfo
    # mypy refuses assigning to a method; the patch and its .original are deliberate
    with _GUARD_LOCK:
        if _GUARD_USERS[0] == 0:
            wrapped = _guarded_rebuild(info.rebuild)
            info.rebuild = wrapped  # type: ignore[method-assign]  # patched on purpose
        _GUARD_USERS[0] += 1
    try:
        yield
    finally:
        with _GUARD_LOCK:
            _GUARD_USERS[0] -= 1
            if _GUARD_USERS[0] == 0:
                original = info.rebuild.original  # type: ignore[attr-defined]  # set by us
                info.rebuild = original  # type: ignore[method-assign]  # dateutil's own back


def _check_nesting(text: str, path: Path, file: str, where: str) -> None:
    """Refuse components nested deeper than :data:`MAX_NESTING` or END without BEGIN."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        head = line[:6].upper()
        if head.startswith("BEGIN:"):
            depth += 1
            if depth > MAX_NESTING:
                raise InputError(
                    file,
                    where,
                    said("calendar file '{path}' line {line}: components nested more than "
                         "{most} deep; this is not a calendar export", path=str(path),
                         line=number, most=MAX_NESTING),
                )
        elif head.startswith("END:"):
            depth -= 1
            if depth < 0:
                raise InputError(
                    file, where, said("calendar file '{path}' line {line}: END without BEGIN",
                                      path=str(path), line=number)
                )


def _read_text(path: Path, file: str, where: str) -> str:
    """The file's text: at most :data:`MAX_CALENDAR_BYTES`, UTF-8 (with or without BOM)."""
    if not path.is_file():
        raise InputError(file, where, said("calendar file '{path}' not found",
                                           path=str(path)))
    limit = f"{MAX_CALENDAR_BYTES // (1024 * 1024)} MiB"
    try:
        if path.stat().st_size > MAX_CALENDAR_BYTES:
            raise InputError(
                file,
                where,
                said("calendar file '{path}' is larger than {limit}; export only the "
                     "program's months", path=str(path), limit=limit),
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_CALENDAR_BYTES + 1)
    except OSError as exc:
        raise InputError(file, where, said(
            "calendar file '{path}' cannot be read: {problem}", path=str(path),
            problem=str(exc))) from exc
    if len(data) > MAX_CALENDAR_BYTES:  # grew while we looked
        raise InputError(file, where, said(
            "calendar file '{path}' is larger than {limit}", path=str(path), limit=limit))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            file,
            where,
            said("calendar file '{path}' line {line}: not UTF-8 text (iCalendar files are "
                 "UTF-8); export it again or save it as UTF-8", path=str(path), line=line),
        ) from exc


def _read_calendars(path: Path, file: str, where: str) -> list[icalendar.Calendar]:
    text = _read_text(path, file, where)
    _check_nesting(text, path, file, where)
    try:
        components = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError and friends
        raise InputError(
            file, where, said("calendar file '{path}' is not iCalendar (.ics): {problem}",
                              path=str(path), problem=str(exc))
        ) from exc
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not calendars:
        raise InputError(
            file, where, said("calendar file '{path}' is not iCalendar (.ics): no VCALENDAR "
                              "in it", path=str(path))
        )
    return calendars


def _naive(value: object) -> datetime | None:
    """A DTSTART value as a naive datetime (dates at midnight), None if not a date."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time(0))
    return None


def _estimate(rule: Any, start: datetime, window: tuple[datetime, datetime]) -> int:
    """An upper bound of the steps expanding ``rule`` from ``start`` over ``window`` takes."""
    freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
    interval = rule.get("INTERVAL") or [1]
    step = max(int(interval[0]), 1)
    per_slot = 1
    for key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        per_slot *= max(len(rule.get(key) or ()), 1)
    first, last = window
    if freq in _SUB_DAILY:  # dateutil steps through every slot from DTSTART on
        seconds = (last - min(start, last)).total_seconds()
        return int(seconds // (_SUB_DAILY[freq] * step) + 1) * per_slot
    days = (last - max(start, first)).days + 1  # at most one day-slot per day in the window
    return max(days, 0) * per_slot


def _check_rules(calendar: icalendar.Calendar, window: tuple[datetime, datetime]) -> str | None:
    """Why expanding ``calendar`` over ``window`` would be too costly, or None."""
    total = 0
    for component in calendar.walk("VEVENT"):
        rules = component.get("RRULE")
        if rules is None:
            continue
        start = _naive(getattr(component.get("DTSTART"), "dt", None))
        if start is None:
            continue
        for rule in rules if isinstance(rules, list) else [rules]:
            if not hasattr(rule, "get"):
                continue
            total += _estimate(rule, start, window)
            if total > MAX_OCCURRENCES:
                what = str(component.get("SUMMARY", component.get("UID", ""))).strip()
                text = rule.to_ical().decode("utf-8", "replace")
                return said(
                    "the recurrence 'RRULE:{rule}' of event '{event}' repeats too often: "
                    "expanding it over the program window would take more than {most} steps",
                    rule=text, event=what, most=MAX_OCCURRENCES,
                )
    return None


def _blocks(event: icalendar.cal.Component) -> bool:
    """Whether an expanded event occurrence makes its owner busy."""
    if str(event.get("TRANSP", "OPAQUE")).strip().upper() == "TRANSPARENT":
        return False
    if str(event.get("STATUS", "")).strip().upper() == "CANCELLED":
        return False
    busy_status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).strip().upper()
    return busy_status != "FREE"


def _local(value: date | datetime, zone: ZoneInfo) -> datetime:
    """``value`` as a naive wall-clock datetime in ``zone``."""
    if not isinstance(value, datetime):  # an all-day boundary: local midnight
        return datetime.combine(value, time(0))
    if value.tzinfo is None:  # floating: already program-local
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def load_busy(
    path: Path,
    tz: str,
    first: date,
    last: date,
    file_for_errors: str,
    where: str,
) -> tuple[Busy, ...]:
    """The blocking events of the calendar at ``path`` that touch days ``first`` .. ``last``.

    Each :class:`Busy` holds naive wall-clock datetimes in time zone ``tz``;
    an all-day event spans local midnight to midnight. The result is sorted
    by (start, end, summary) and free of duplicates. Raises
    :class:`InputError` (``file_for_errors``, ``where``) when the file is
    missing or is not iCalendar.
    """
    zone = ZoneInfo(tz)
    window_start = datetime.combine(first, time(0))
    window_end = datetime.combine(last + timedelta(days=1), time(0))
    # A margin of a day each side catches events whose time zone differs
    # from the program's; they are clipped to the local window below.
    span = (window_start - timedelta(days=1), window_end + timedelta(days=1))
    found: set[Busy] = set()
    for calendar in _read_calendars(path, file_for_errors, where):
        try:
            calendar = x_wr_timezone.to_standard(calendar)
            too_costly = _check_rules(calendar, span)
            if too_costly:
                raise InputError(file_for_errors, where, said(
                    "calendar file '{path}': {problem}", path=str(path), problem=too_costly))
            _BUDGET.left, _BUDGET.per_rule = MAX_CALENDAR_MONTHS, {}
            try:
                with _month_guard():
                    occurrences = recurring_ical_events.of(calendar).between(span[0], span[1])
            finally:
                _BUDGET.left, _BUDGET.per_rule = None, None
            if len(occurrences) > MAX_OCCURRENCES:
                raise InputError(
                    file_for_errors,
                    where,
                    said("calendar file '{path}' has {count} events in the program window; "
                         "at most {most} are read", path=str(path), count=len(occurrences),
                         most=MAX_OCCURRENCES),
                )
            for event in occurrences:
                if not _blocks(event):
                    continue
                start = _local(event.start, zone)
                end = _local(event.end, zone)
                if end <= start or end <= window_start or start >= window_end:
                    continue
                summary = str(event.get("SUMMARY", "")).strip()
                found.add(Busy(start=start, end=end, summary=summary))
        except InputError:
            raise
        except _TooLong:
            raise InputError(
                file_for_errors,
                where,
                said("calendar file '{path}': a recurrence rule searches too far for its "
                     "occurrences (more than {rule} months for one rule or {file} for the "
                     "file); it may never occur or start centuries before the program",
                     path=str(path), rule=MAX_RULE_MONTHS, file=MAX_CALENDAR_MONTHS),
            ) from None
        except RecursionError:
            raise InputError(
                file_for_errors, where, said("calendar file '{path}' is nested too deeply",
                                             path=str(path))
            ) from None
        except Exception as exc:
            raise InputError(
                file_for_errors,
                where,
                said("calendar file '{path}' cannot be read as iCalendar: {problem}",
                     path=str(path), problem=str(exc)),
            ) from exc
    return tuple(sorted(found, key=lambda b: (b.start, b.end, b.summary)))
