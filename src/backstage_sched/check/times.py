"""The calendar rules, judged from scratch: allowed days and holidays, the time
grid, the day window, durations, the gap rule and everyone's availability."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from itertools import pairwise
from typing import Any

import holidays

from ..domain import Busy, Facilitator, Participant, Program, TimeRule
from ..errors import InputError
from ..rules import (
    ALLOWED_DAY,
    DAY_WINDOW,
    DURATION,
    FACILITATOR_AVAILABILITY,
    GAP,
    PARTICIPANT_AVAILABILITY,
    PROGRAM_WINDOW,
    TIME_GRID,
    Rule,
    checks,
)
from ..said import said
from .local import Local, Violation, hm, minutes


def public_holidays(program: Program, years: Iterable[int]) -> dict[date, str]:
    """Public holidays of the program's country in ``years``, with their names.

    Raises InputError for an unknown country or holiday category.
    """
    years = sorted(set(years))
    if not years or not program.holiday_categories:
        return {}
    return dict(_holidays(program.country, tuple(program.holiday_categories),
                          years[0], years[-1]))


@lru_cache(maxsize=64)
def _holidays(country: str, categories: tuple[str, ...], first: int,
              last: int) -> dict[date, str]:
    """:func:`public_holidays` of ``country`` from ``first`` to ``last`` (cached: a
    waiting list checks thousands of proposed seats)."""
    entity = getattr(holidays, country, None)
    if entity is None or not hasattr(entity, "supported_categories"):
        raise InputError(None, "program.country", said("unknown country {country}",
                                                                 country=repr(country)))
    unknown = sorted(set(categories) - set(entity.supported_categories))
    if unknown:
        raise InputError(
            None,
            "program.holiday_categories",
            said("{categories} not supported for {country} (supported: {supported})",
                 categories=", ".join(unknown), country=country,
                 supported=", ".join(sorted(entity.supported_categories))),
        )
    options: dict[str, Any] = {}  # holidays takes each country's own options as **Any
    if "include_sundays" in entity.get_supported_options():
        options["include_sundays"] = False
    language = "en_US" if "en_US" in getattr(entity, "supported_languages", ()) else None
    found = holidays.country_holidays(
        country,
        years=range(first, last + 1),
        categories=categories,
        language=language,
        **options,
    )
    return {d: str(name) for d, name in found.items()}


def _blackout_of(program: Program, d: date) -> str | None:
    for b in program.blackouts:
        if b.start <= d <= b.end:
            return b.name
    return None


@checks(ALLOWED_DAY, TIME_GRID, DAY_WINDOW, DURATION, PROGRAM_WINDOW)
def check_session_time(program: Program, x: Local, closed: dict[date, str]) -> list[Violation]:
    rules = program.sessions
    cid, idx = x.cohort.id, x.session.index
    out: list[Violation] = []
    day = x.start.date()

    def add(rule: Rule, message: str) -> None:
        out.append(Violation(rule.code, message, cid, idx))

    for d in sorted({day, x.end.date()}):
        if not program.start <= d <= program.end:
            add(
                PROGRAM_WINDOW,
                said("{day} is outside the program window {start}..{end}", day=d.isoformat(),
                     start=program.start.isoformat(), end=program.end.isoformat()),
            )

    name = day.strftime("%a").lower()
    if day.weekday() not in rules.weekdays:
        add(ALLOWED_DAY, said("{day} is a {weekday}, not an allowed weekday",
                              day=day.isoformat(), weekday=said(name)))
    if day in closed:
        add(ALLOWED_DAY, said("{day} is a public holiday ({holiday})", day=day.isoformat(),
                              holiday=closed[day]))
    if day in program.extra_closed:
        add(ALLOWED_DAY, said("{day} is an extra closed day", day=day.isoformat()))
    blackout = _blackout_of(program, day)
    if blackout is not None:
        add(ALLOWED_DAY, said("{day} lies in the blackout {name!r}", day=day.isoformat(),
                              name=blackout))

    start_min = x.start.hour * 60 + x.start.minute
    day_start_min = rules.day_start.hour * 60 + rules.day_start.minute
    off_grid = x.start.second or x.start.microsecond
    if rules.grid_minutes > 0 and (off_grid or (start_min - day_start_min) % rules.grid_minutes):
        add(
            TIME_GRID,
            said("starts at {time}, not on the {minutes}-minute grid from {start}",
                 time=x.start.strftime("%H:%M:%S" if off_grid else "%H:%M"),
                 minutes=rules.grid_minutes, start=hm(rules.day_start)),
        )

    window = f"{hm(rules.day_start)}–{hm(rules.day_end)}"
    span = f"{x.start.strftime('%Y-%m-%d %H:%M')}–{x.end.strftime('%Y-%m-%d %H:%M')}"
    if x.end.date() != day:
        add(DAY_WINDOW, said("{span} does not end on the day it starts", span=span))
    elif x.start.time() < rules.day_start or x.end.time() > rules.day_end:
        add(DAY_WINDOW, said("{span} is not inside the day window {window}", span=span,
                             window=window))

    want = timedelta(minutes=rules.duration_minutes)
    elapsed = x.uend - x.ustart
    wall = x.end - x.start
    if elapsed != want or wall != want:
        add(
            DURATION,
            said("lasts {minutes} min (wall clock {wall} min), not {want} min",
                 minutes=minutes(elapsed), wall=minutes(wall), want=rules.duration_minutes),
        )
    return out


@checks(GAP)
def check_gaps(program: Program, xs: list[Local]) -> list[Violation]:
    rules = program.sessions
    blackout_days = {
        b.start + timedelta(days=i)
        for b in program.blackouts
        for i in range((b.end - b.start).days + 1)
    }
    out: list[Violation] = []
    for prev, cur in pairwise(xs):
        d1, d2 = prev.start.date(), cur.start.date()
        gap = (d2 - d1).days
        extra = sum(1 for d in blackout_days if d1 < d < d2)
        if not rules.min_gap_days <= gap <= rules.max_gap_days + extra:
            out.append(
                Violation(
                    GAP.code,
                    said("{gap} days after session {number} (allowed {least}–{most}, +{extra} "
                         "blackout days)", gap=gap, number=prev.session.index + 1,
                         least=rules.min_gap_days, most=rules.max_gap_days, extra=extra),
                    cur.cohort.id,
                    cur.session.index,
                )
            )
    return out


def _rule_overlaps(rule: TimeRule, start: datetime, end: datetime) -> bool:
    """Whether ``rule`` covers any moment of the local interval [start, end)."""
    d = start.date()
    while datetime.combine(d, time()) < end:
        day0 = datetime.combine(d, time())
        day1 = day0 + timedelta(days=1)
        lo, hi = max(start, day0), min(end, day1)
        d += timedelta(days=1)
        if lo >= hi:
            continue
        day = day0.date()
        if rule.first is not None and day < rule.first:
            continue
        if rule.last is not None and day > rule.last:
            continue
        if rule.weekday is not None and day.weekday() != rule.weekday:
            continue
        rs = day0 if rule.start is None else datetime.combine(day, rule.start)
        if rule.end is None or (rule.end == time() and rule.start not in (None, time())):
            re_ = day1
        else:
            re_ = datetime.combine(day, rule.end)
        if rs < hi and lo < re_:
            return True
    return False


def _busy_overlaps(b: Busy, start: datetime, end: datetime, tz: tzinfo) -> bool:
    bs = b.start if b.start.tzinfo is None else b.start.astimezone(tz).replace(tzinfo=None)
    be = b.end if b.end.tzinfo is None else b.end.astimezone(tz).replace(tzinfo=None)
    return bs < end and start < be


@checks(FACILITATOR_AVAILABILITY, PARTICIPANT_AVAILABILITY)
def check_availability(
    x: Local, members: list[Participant], facilitator: Facilitator | None, tz: tzinfo
) -> list[Violation]:
    out: list[Violation] = []
    cid, idx = x.cohort.id, x.session.index
    span = f"{x.start.strftime('%Y-%m-%d %H:%M')}–{x.end.strftime('%H:%M')}"
    for p in members:
        for r in p.unavailable:
            if _rule_overlaps(r, x.start, x.end):
                out.append(
                    Violation(
                        PARTICIPANT_AVAILABILITY.code,
                        said("{id} is unavailable ({times}) at {span}", id=p.id, times=r.text,
                             span=span),
                        cid,
                        idx,
                    )
                )
        for b in p.busy:
            if _busy_overlaps(b, x.start, x.end, tz):
                what = said(" {summary!r}", summary=b.summary) if b.summary else ""
                out.append(
                    Violation(
                        PARTICIPANT_AVAILABILITY.code,
                        said("{id} is busy{what} {start}–{end}, overlapping {span}", id=p.id,
                             what=what, start=b.start.isoformat(" ", "minutes"),
                             end=b.end.isoformat(" ", "minutes"), span=span),
                        cid,
                        idx,
                    )
                )
    if facilitator is not None:
        for r in facilitator.unavailable:
            if _rule_overlaps(r, x.start, x.end):
                out.append(
                    Violation(
                        FACILITATOR_AVAILABILITY.code,
                        said("facilitator {id} is unavailable ({times}) at {span}",
                             id=facilitator.id, times=r.text, span=span),
                        cid,
                        idx,
                    )
                )
    return out
