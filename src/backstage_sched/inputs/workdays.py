"""The one place that knows the calendar: holidays, blackouts, weekdays, the time grid.

Everything downstream (the solver in particular) works on *day indexes*
(positions in :attr:`WorkCalendar.days`, the allowed session dates in
order) and *slot indexes* (positions in :attr:`WorkCalendar.slot_minutes`,
the allowed start times) and converts back to aware datetimes here.
"""

from __future__ import annotations

import inspect
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from ..domain import Busy, Program, TimeRule
from .timeexpr import covers


def holiday_language(country: str, code: str) -> str | None:
    """The ``holidays`` package's name language nearest ``code`` for ``country``.

    ``sv`` for Swedish, ``en_GB`` or else ``en_US`` for English; the country's
    own language when it has none of ``code``; None for an unknown country.

    >>> holiday_language("SE", "en"), holiday_language("SE", "sv"), holiday_language("DE", "sv")
    ('en_US', 'sv', 'de')
    """
    try:
        entity = getattr(holidays, country.upper())
        supported: tuple[str, ...] = tuple(entity.supported_languages)
        default: str | None = entity.default_language
    except AttributeError:
        return None
    wanted = [code, f"{code}_{country.upper()}", *(["en_GB"] if code == "en" else []), f"{code}_US"]
    for language in wanted:
        if language in supported:
            return language
    near = sorted(lang for lang in supported if lang.startswith(code + "_"))
    return near[0] if near else default


def public_holidays(
    country: str, categories: Iterable[str], years: Iterable[int], language: str | None = None
) -> dict[date, str]:
    """Holidays of ``country`` in ``categories`` for ``years`` (never Sundays by default),
    named in ``language`` (a code of :func:`holiday_language`; None: the country's own),
    never in the machine's locale."""
    options: dict[str, Any] = {}  # holidays takes each country's own options as **Any
    try:
        entity = getattr(holidays, country.upper())
        if "include_sundays" in inspect.signature(entity.__init__).parameters:
            options["include_sundays"] = False
    except (AttributeError, TypeError, ValueError):
        pass
    if language is None:
        language = getattr(getattr(holidays, country.upper(), None), "default_language", None)
    table = holidays.country_holidays(
        country, years=sorted(set(years)), categories=tuple(categories), language=language,
        **options,
    )
    return dict(table.items())


@dataclass(frozen=True)
class Slot:
    """A concrete session time: an allowed day and a start minute of that day."""

    day: date
    minute: int


class WorkCalendar:
    """Allowed session days and start times of one program."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.tz = ZoneInfo(program.timezone)
        rules = program.sessions
        self.duration = rules.duration_minutes
        years = range(program.start.year, program.end.year + 1)
        self.holidays = public_holidays(
            program.country, program.holiday_categories, years,
            holiday_language(program.country, program.lang),
        )
        self.closed = set(program.extra_closed)
        self.blackout_days = frozenset(
            b.start + timedelta(days=i)
            for b in program.blackouts
            for i in range((b.end - b.start).days + 1)
        )
        first = _minutes(rules.day_start)
        last = _minutes(rules.day_end) - self.duration
        self.slot_minutes: tuple[int, ...] = tuple(range(first, last + 1, rules.grid_minutes))
        days = []
        d = program.start
        while d <= program.end:
            if self.is_open(d):
                days.append(d)
            d += timedelta(days=1)
        self.days: tuple[date, ...] = tuple(days)
        self.day_index = {d: i for i, d in enumerate(self.days)}
        self._covered_cache: dict[TimeRule, frozenset[tuple[int, int]]] = {}

    def closed_reason(self, d: date) -> str | None:
        """Why no session may fall on ``d``, or None when it may."""
        if d.weekday() not in self.program.sessions.weekdays:
            return "not an allowed weekday"
        if d in self.holidays:
            return f"public holiday ({self.holidays[d]})"
        if d in self.closed:
            return "extra closed day"
        if d in self.blackout_days:
            return "blackout"
        return None

    def is_open(self, d: date) -> bool:
        """True when a session may fall on ``d`` (rule 1; window not checked)."""
        return self.closed_reason(d) is None

    # ---- gap rule support -------------------------------------------------
    @cached_property
    def calendar_number(self) -> tuple[int, ...]:
        """Calendar day number (days since program start) of every allowed day."""
        return tuple((d - self.program.start).days for d in self.days)

    @cached_property
    def effective_number(self) -> tuple[int, ...]:
        """Day number not counting blackout days: gaps in it exclude blackouts.

        For allowed days a < b: ``effective[b] - effective[a]`` equals the
        calendar gap minus the blackout days strictly between them, so the
        stretched maximum gap of rule 3 becomes a plain bound on it.
        """
        result = []
        passed = 0
        d = self.program.start
        for day in self.days:
            while d < day:
                if d in self.blackout_days:
                    passed += 1
                d += timedelta(days=1)
            result.append((day - self.program.start).days - passed)
        return tuple(result)

    def blackout_between(self, a: date, b: date) -> int:
        """Number of blackout days strictly between dates ``a`` and ``b``."""
        lo, hi = min(a, b), max(a, b)
        return sum(1 for d in self.blackout_days if lo < d < hi)

    # ---- time conversion --------------------------------------------------
    def start_datetime(self, slot: Slot) -> datetime:
        """Aware start time of a slot in the program's zone."""
        return datetime.combine(slot.day, _time(slot.minute), tzinfo=self.tz)

    def end_datetime(self, slot: Slot) -> datetime:
        """Aware end time of a session starting at ``slot``."""
        return datetime.combine(slot.day, _time(slot.minute + self.duration), tzinfo=self.tz)

    # ---- availability -----------------------------------------------------
    def blocked(self, rules: Iterable[TimeRule], busy: Iterable[Busy], slot: Slot) -> bool:
        """True when a session at ``slot`` touches one of ``rules`` or ``busy``."""
        start, end = slot.minute, slot.minute + self.duration
        for rule in rules:
            if rule_covers(rule, slot.day, start, end):
                return True
        s_dt = datetime.combine(slot.day, _time(start))
        e_dt = datetime.combine(slot.day, _time(end))
        return any(b.start < e_dt and s_dt < b.end for b in busy)

    def open_slots(
        self, rules: Iterable[TimeRule] = (), busy: Iterable[Busy] = ()
    ) -> list[tuple[int, int]]:
        """All (day index, slot index) pairs not blocked by ``rules`` or ``busy``."""
        rules = tuple(rules)
        busy = tuple(busy)
        every = [(d, s) for d in range(len(self.days)) for s in range(len(self.slot_minutes))]
        if not rules and not busy:
            return every
        taken: set[tuple[int, int]] = set()
        for rule in rules:
            taken |= self._covered(rule)
        for b in busy:
            d = b.start.date()
            while d <= b.end.date():
                if d in self.day_index:
                    taken.update(
                        (self.day_index[d], si)
                        for si, minute in enumerate(self.slot_minutes)
                        if self.blocked((), (b,), Slot(d, minute))
                    )
                d += timedelta(days=1)
        return [pair for pair in every if pair not in taken]

    def _covered(self, rule: TimeRule) -> frozenset[tuple[int, int]]:
        """(day index, slot index) pairs ``rule`` blocks; computed once per rule, as
        many people share rules such as "mon" or a week off."""
        cache = self._covered_cache
        if rule not in cache:
            # a rule's dates and weekday pick the days, its hours the slots, apart
            first = 0 if rule.first is None else bisect_left(self.days, rule.first)
            last = len(self.days) if rule.last is None else bisect_right(self.days, rule.last)
            days = [di for di in range(first, last)
                    if rule.weekday is None or self.days[di].weekday() == rule.weekday]
            slots = [] if not days else [
                si for si, minute in enumerate(self.slot_minutes)
                if rule_covers(rule, self.days[days[0]], minute, minute + self.duration)
            ]
            cache[rule] = frozenset((di, si) for di in days for si in slots)
        return cache[rule]


def rule_covers(rule: TimeRule, day: date, start_minute: int, end_minute: int) -> bool:
    """True when ``rule`` covers any moment of ``[start_minute, end_minute)`` on ``day``."""
    end = time(0) if end_minute >= 24 * 60 else _time(end_minute)  # 00:00 = midnight
    return covers(rule, day, _time(start_minute), end)

def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)
