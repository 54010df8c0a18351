"""Independent re-verification of a plan against every hard rule (SPEC §2).

This module deliberately shares no code with the solver or with the
working-day computation the solver uses: holidays, time rules and gaps are
evaluated here from scratch, so that a bug there cannot hide itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays

from ..domain import Busy, Facilitator, Participant, Program, TimeRule
from ..errors import InputError
from ..plan import Cohort, Plan, Session
from ..rules import (
    ALLOWED_DAY,
    CASE_OWNER,
    COMPANY_MODE,
    DAY_WINDOW,
    DURATION,
    FACILITATOR_AVAILABILITY,
    FACILITATOR_BUFFER,
    FACILITATOR_CAPACITY,
    FACILITATOR_NO_OVERLAP,
    FACILITATOR_SESSIONS_PER_DAY,
    GAP,
    GROUP_SIZE,
    NOT_WITH,
    ORGANISATION_MIX,
    PARTICIPANT_AVAILABILITY,
    PLACEMENT,
    PROGRAM_WINDOW,
    SESSION_COUNT,
    TIME_GRID,
    UID,
    VENUE,
    Rule,
    checks,
)


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, located by cohort and session where possible (``session``
    is the index, 0 = kick-off; printed as the number a person reads, index + 1)."""

    rule: str
    message: str
    cohort: str | None = None
    session: int | None = None

    def __str__(self) -> str:
        where = " ".join(
            part
            for part in (
                self.cohort,
                None if self.session is None else f"session {self.session + 1}",
            )
            if part
        )
        return (
            f"[{self.rule}] {where}: {self.message}" if where else f"[{self.rule}] {self.message}"
        )


@dataclass(frozen=True)
class _Local:
    """A session seen in the program's wall clock."""

    cohort: Cohort
    session: Session
    start: datetime  # naive local wall clock
    end: datetime  # naive local wall clock
    ustart: datetime  # aware UTC
    uend: datetime  # aware UTC


def verify(program: Program, plan: Plan) -> list[Violation]:
    """Every hard-rule violation of ``plan`` under ``program``, in a fixed order.

    A re-planned plan records ``objective["history_before"]`` (an ISO date):
    sessions before it were already held, so availability entered later is
    not held against them. Recorded ``objective["withdrawals"]`` explain a
    cohort below ``min_size`` (the organiser may cancel it) and a held session
    whose case owner has since withdrawn (no case owner, one session more).
    """
    tz = ZoneInfo(program.timezone)
    history = plan.objective.get("history_before")
    held_before = date.fromisoformat(history) if isinstance(history, str) else None
    shrunk, orphaned = _withdrawals(plan)
    out: list[Violation] = []
    participants = {p.id: p for p in program.participants}
    facilitators = {f.id: f for f in program.facilitators}
    locals_by_cohort = {id(c): [_localize(c, s, tz) for s in c.sessions] for c in plan.cohorts}
    years = {x.start.year for ls in locals_by_cohort.values() for x in ls}
    years |= {x.end.year for ls in locals_by_cohort.values() for x in ls}
    closed = _public_holidays(program, years)

    out += _check_placement(program, plan, participants, facilitators)
    out += _check_uids(plan)
    for c in plan.cohorts:
        members = [participants[m] for m in c.members if m in participants]
        out += _check_group(program, c, members, c.id in shrunk)
        out += _check_session_order(c, orphaned.get(c.id, set()))
        out += _check_case_owner(c, orphaned.get(c.id, set()))
        out += _check_cohort_venue(program, c)
        for x in locals_by_cohort[id(c)]:
            out += _check_session_time(program, x, closed)
            if held_before is None or x.start.date() >= held_before:
                out += _check_availability(x, members, facilitators.get(c.facilitator), tz)
            out += _check_venue(program, x)
        out += _check_gaps(program, locals_by_cohort[id(c)])
    all_locals = [x for c in plan.cohorts for x in locals_by_cohort[id(c)]]
    out += _check_facilitators(program, plan, all_locals, facilitators)
    out += _check_venue_overlaps(program, all_locals)
    return out


def _localize(c: Cohort, s: Session, tz: ZoneInfo) -> _Local:
    start = _as_aware(s.start, tz)
    end = _as_aware(s.end, tz)
    return _Local(
        cohort=c,
        session=s,
        start=start.astimezone(tz).replace(tzinfo=None),
        end=end.astimezone(tz).replace(tzinfo=None),
        ustart=start.astimezone(UTC),
        uend=end.astimezone(UTC),
    )


def _as_aware(value: datetime, tz: tzinfo) -> datetime:
    """A naive time is taken as program-local wall clock."""
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def _public_holidays(program: Program, years: Iterable[int]) -> dict[date, str]:
    """Public holidays of the program's country in ``years``, with their names.

    Raises InputError for an unknown country or holiday category.
    """
    years = sorted(set(years))
    if not years or not program.holiday_categories:
        return {}
    entity = getattr(holidays, program.country, None)
    if entity is None or not hasattr(entity, "supported_categories"):
        raise InputError(None, "program.country", f"unknown country {program.country!r}")
    unknown = sorted(set(program.holiday_categories) - set(entity.supported_categories))
    if unknown:
        raise InputError(
            None,
            "program.holiday_categories",
            f"{', '.join(unknown)} not supported for {program.country} "
            f"(supported: {', '.join(sorted(entity.supported_categories))})",
        )
    options: dict[str, object] = {}
    if "include_sundays" in entity.get_supported_options():
        options["include_sundays"] = False
    language = "en_US" if "en_US" in getattr(entity, "supported_languages", ()) else None
    found = holidays.country_holidays(
        program.country,
        years=range(years[0], years[-1] + 1),
        categories=tuple(program.holiday_categories),
        language=language,
        **options,
    )
    return {d: str(name) for d, name in found.items()}


def _blackout_of(program: Program, d: date) -> str | None:
    for b in program.blackouts:
        if b.start <= d <= b.end:
            return b.name
    return None


def _hm(t: time) -> str:
    return t.strftime("%H:%M")


@checks(ALLOWED_DAY, TIME_GRID, DAY_WINDOW, DURATION, PROGRAM_WINDOW)
def _check_session_time(program: Program, x: _Local, closed: dict[date, str]) -> list[Violation]:
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
                f"{d.isoformat()} is outside the program window "
                f"{program.start.isoformat()}..{program.end.isoformat()}",
            )

    name = day.strftime("%a").lower()
    if day.weekday() not in rules.weekdays:
        add(ALLOWED_DAY, f"{day.isoformat()} is a {name}, not an allowed weekday")
    if day in closed:
        add(ALLOWED_DAY, f"{day.isoformat()} is a public holiday ({closed[day]})")
    if day in program.extra_closed:
        add(ALLOWED_DAY, f"{day.isoformat()} is an extra closed day")
    blackout = _blackout_of(program, day)
    if blackout is not None:
        add(ALLOWED_DAY, f"{day.isoformat()} lies in the blackout {blackout!r}")

    start_min = x.start.hour * 60 + x.start.minute
    day_start_min = rules.day_start.hour * 60 + rules.day_start.minute
    off_grid = x.start.second or x.start.microsecond
    if rules.grid_minutes > 0 and (off_grid or (start_min - day_start_min) % rules.grid_minutes):
        add(
            TIME_GRID,
            f"starts at {x.start.strftime('%H:%M:%S' if off_grid else '%H:%M')}, not on the "
            f"{rules.grid_minutes}-minute grid from {_hm(rules.day_start)}",
        )

    window = f"{_hm(rules.day_start)}–{_hm(rules.day_end)}"
    span = f"{x.start.strftime('%Y-%m-%d %H:%M')}–{x.end.strftime('%Y-%m-%d %H:%M')}"
    if x.end.date() != day:
        add(DAY_WINDOW, f"{span} does not end on the day it starts")
    elif x.start.time() < rules.day_start or x.end.time() > rules.day_end:
        add(DAY_WINDOW, f"{span} is not inside the day window {window}")

    want = timedelta(minutes=rules.duration_minutes)
    elapsed = x.uend - x.ustart
    wall = x.end - x.start
    if elapsed != want or wall != want:
        add(
            DURATION,
            f"lasts {_minutes(elapsed)} min (wall clock {_minutes(wall)} min), "
            f"not {rules.duration_minutes} min",
        )
    return out


def _minutes(delta: timedelta) -> str:
    value = delta.total_seconds() / 60
    return str(int(value)) if value == int(value) else f"{value:g}"


@checks(GAP)
def _check_gaps(program: Program, xs: list[_Local]) -> list[Violation]:
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
                    f"{gap} days after session {prev.session.index + 1} "
                    f"(allowed {rules.min_gap_days}–{rules.max_gap_days}, "
                    f"+{extra} blackout days)",
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
def _check_availability(
    x: _Local, members: list[Participant], facilitator: Facilitator | None, tz: tzinfo
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
                        f"{p.id} is unavailable ({r.text}) at {span}",
                        cid,
                        idx,
                    )
                )
        for b in p.busy:
            if _busy_overlaps(b, x.start, x.end, tz):
                what = f" {b.summary!r}" if b.summary else ""
                out.append(
                    Violation(
                        PARTICIPANT_AVAILABILITY.code,
                        f"{p.id} is busy{what} {b.start.isoformat(' ', 'minutes')}–"
                        f"{b.end.isoformat(' ', 'minutes')}, overlapping {span}",
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
                        f"facilitator {facilitator.id} is unavailable ({r.text}) at {span}",
                        cid,
                        idx,
                    )
                )
    return out


@checks(VENUE)
def _check_cohort_venue(program: Program, c: Cohort) -> list[Violation]:
    if c.venue is None:
        return []
    if not program.venues:
        return [Violation(
            VENUE.code, f"cohort venue is {c.venue!r}, but no venues are listed", c.id
        )]
    if c.venue not in {v.id for v in program.venues}:
        return [Violation(VENUE.code, f"cohort venue {c.venue!r} is not a listed venue", c.id)]
    return []


@checks(VENUE)
def _check_venue(program: Program, x: _Local) -> list[Violation]:
    cid, idx, venue = x.cohort.id, x.session.index, x.session.venue
    if not program.venues:
        if venue is not None:
            return [Violation(
                VENUE.code, f"venue is {venue!r}, but no venues are listed", cid, idx
            )]
        return []
    if venue is None:
        return [Violation(VENUE.code, "has no venue", cid, idx)]
    known = {v.id: v for v in program.venues}
    if venue not in known:
        return [Violation(VENUE.code, f"venue {venue!r} is not a listed venue", cid, idx)]
    need = len(x.cohort.members) + 1
    if known[venue].capacity < need:
        return [
            Violation(
                VENUE.code,
                f"venue {venue} holds {known[venue].capacity}, "
                f"but {need} people meet (members + facilitator)",
                cid,
                idx,
            )
        ]
    return []


@checks(VENUE)
def _check_venue_overlaps(program: Program, xs: list[_Local]) -> list[Violation]:
    if not program.venues:
        return []
    out: list[Violation] = []
    by_venue: dict[str, list[_Local]] = defaultdict(list)
    for x in xs:
        if x.session.venue is not None:
            by_venue[x.session.venue].append(x)
    for venue, group in by_venue.items():
        for a, b in _overlapping_pairs(group):
            out.append(
                Violation(
                    VENUE.code,
                    f"venue {venue} is double-booked: overlaps {_label(a)} "
                    f"({a.start.strftime('%Y-%m-%d %H:%M')}–{a.end.strftime('%H:%M')})",
                    b.cohort.id,
                    b.session.index,
                )
            )
    return out


def _label(x: _Local) -> str:
    return f"{x.cohort.id} session {x.session.index + 1}"


def _ordered(xs: list[_Local]) -> list[_Local]:
    return sorted(xs, key=lambda x: (x.ustart, x.uend, x.cohort.id, x.session.index))


def _overlapping_pairs(xs: list[_Local]) -> list[tuple[_Local, _Local]]:
    ordered = _ordered(xs)
    return [
        (a, b)
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if a.ustart < b.uend and b.ustart < a.uend
    ]


@checks(
    FACILITATOR_BUFFER, FACILITATOR_CAPACITY, FACILITATOR_NO_OVERLAP, FACILITATOR_SESSIONS_PER_DAY
)
def _check_facilitators(
    program: Program,
    plan: Plan,
    xs: list[_Local],
    facilitators: dict[str, Facilitator],
) -> list[Violation]:
    out: list[Violation] = []
    for f in program.facilitators:
        cohorts = [c.id for c in plan.cohorts if c.facilitator == f.id]
        if f.max_cohorts is not None and len(cohorts) > f.max_cohorts:
            out.append(
                Violation(
                    FACILITATOR_CAPACITY.code,
                    f"facilitator {f.id} leads {len(cohorts)} cohorts ({', '.join(cohorts)}), "
                    f"at most {f.max_cohorts} allowed",
                )
            )
        mine = _ordered([x for x in xs if x.cohort.facilitator == f.id])
        limit = program.sessions_per_day(f)
        by_day: dict[date, list[_Local]] = defaultdict(list)
        for x in mine:
            by_day[x.start.date()].append(x)
        for day, group in by_day.items():
            if len(group) > limit:
                first_excess = group[limit]
                out.append(
                    Violation(
                        FACILITATOR_SESSIONS_PER_DAY.code,
                        f"facilitator {f.id} leads {len(group)} sessions on {day.isoformat()} "
                        f"({', '.join(_label(x) for x in group)}), at most {limit} a day",
                        first_excess.cohort.id,
                        first_excess.session.index,
                    )
                )
        buffer = timedelta(minutes=program.buffer(f))
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                if a.ustart < b.uend and b.ustart < a.uend:
                    out.append(
                        Violation(
                            FACILITATOR_NO_OVERLAP.code,
                            f"facilitator {f.id} is also in {_label(a)} "
                            f"({a.start.strftime('%Y-%m-%d %H:%M')}–{a.end.strftime('%H:%M')})",
                            b.cohort.id,
                            b.session.index,
                        )
                    )
                elif a.start.date() == b.start.date() and b.ustart - a.uend < buffer:
                    out.append(
                        Violation(
                            FACILITATOR_BUFFER.code,
                            f"facilitator {f.id} has {_minutes(b.ustart - a.uend)} min after "
                            f"{_label(a)}, needs {program.buffer(f)}",
                            b.cohort.id,
                            b.session.index,
                        )
                    )
    return out


def _withdrawals(plan: Plan) -> tuple[set[str], dict[str, set[int]]]:
    """Cohorts that lost members to withdrawals, and per cohort the held sessions
    whose case owner withdrew."""
    shrunk: set[str] = set()
    orphaned: dict[str, set[int]] = defaultdict(set)
    for record in plan.objective.get("withdrawals", []) or []:
        cohort = record.get("cohort") if isinstance(record, dict) else None
        if not cohort:
            continue
        shrunk.add(cohort)
        if isinstance(record.get("held_session"), int):
            orphaned[cohort].add(record["held_session"])
    return shrunk, orphaned


@checks(COMPANY_MODE, GROUP_SIZE, NOT_WITH, ORGANISATION_MIX)
def _check_group(
    program: Program, c: Cohort, members: list[Participant], shrunk: bool = False
) -> list[Violation]:
    g = program.groups
    out: list[Violation] = []
    n = len(c.members)
    low = 1 if shrunk else g.min_size
    if not low <= n <= g.max_size:
        out.append(
            Violation(GROUP_SIZE.code, f"has {n} members, allowed {g.min_size}–{g.max_size}", c.id)
        )
    orgs = Counter(p.organization for p in members)
    if program.mode == "mixed":
        for org, count in orgs.items():
            if count > g.max_per_organization:
                ids = ", ".join(p.id for p in members if p.organization == org)
                out.append(
                    Violation(
                        ORGANISATION_MIX.code,
                        f"{count} members from {org!r} ({ids}), at most {g.max_per_organization}",
                        c.id,
                    )
                )
    elif program.mode == "company" and len(orgs) > 1:
        out.append(
            Violation(
                COMPANY_MODE.code,
                f"members come from {len(orgs)} organisations "
                f"({', '.join(sorted(orgs))}), a company run allows one",
                c.id,
            )
        )
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if b.id in a.not_with or a.id in b.not_with:
                out.append(
                    Violation(NOT_WITH.code, f"{a.id} and {b.id} must not share a cohort", c.id)
                )
    return out


@checks(SESSION_COUNT)
def _check_session_order(c: Cohort, orphaned: AbstractSet[int] = frozenset()) -> list[Violation]:
    out: list[Violation] = []
    n = len(c.members)
    need = n + 1 + len(orphaned)
    if len(c.sessions) != need:
        out.append(
            Violation(
                SESSION_COUNT.code,
                f"has {len(c.sessions)} sessions, a cohort of {n} needs {need}"
                + (f" ({len(orphaned)} held for members since withdrawn)" if orphaned else ""),
                c.id,
            )
        )
    indexes = [s.index for s in c.sessions]
    if indexes != list(range(len(c.sessions))):
        out.append(
            Violation(
                SESSION_COUNT.code,
                f"session indexes are {indexes}, expected 0..{len(c.sessions) - 1} in order",
                c.id,
            )
        )
    for prev, cur in pairwise(c.sessions):
        if _utc(cur.start) <= _utc(prev.start):
            out.append(
                Violation(
                    SESSION_COUNT.code,
                    f"starts {cur.start.isoformat()}, not after session {prev.index + 1} "
                    f"({prev.start.isoformat()})",
                    c.id,
                    cur.index,
                )
            )
    return out


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


@checks(CASE_OWNER)
def _check_case_owner(c: Cohort, orphaned: AbstractSet[int] = frozenset()) -> list[Violation]:
    out: list[Violation] = []
    owned: dict[str, list[int]] = defaultdict(list)
    for s in c.sessions:
        if s.index == 0:
            if s.case_owner is not None:
                out.append(
                    Violation(
                        CASE_OWNER.code, f"the kick-off has case owner {s.case_owner}", c.id, 0
                    )
                )
            continue
        if s.case_owner is None:
            if s.index not in orphaned:
                out.append(Violation(CASE_OWNER.code, "has no case owner", c.id, s.index))
            continue
        if s.case_owner not in c.members:
            out.append(
                Violation(
                    CASE_OWNER.code, f"case owner {s.case_owner} is not a member", c.id, s.index
                )
            )
            continue
        owned[s.case_owner].append(s.index)
    for m in c.members:
        times = owned.get(m, [])
        if not times:
            out.append(Violation(CASE_OWNER.code, f"{m} is never case owner", c.id))
        elif len(times) > 1:
            out.append(
                Violation(
                    CASE_OWNER.code,
                    f"{m} is case owner {len(times)} times (sessions {', '.join(map(str, times))})",
                    c.id,
                    times[1],
                )
            )
    return out


@checks(PLACEMENT)
def _check_placement(
    program: Program,
    plan: Plan,
    participants: dict[str, Participant],
    facilitators: dict[str, Facilitator],
) -> list[Violation]:
    out: list[Violation] = []
    if plan.program != program.id:
        out.append(
            Violation(
                PLACEMENT.code, f"the plan is for program {plan.program!r}, not {program.id!r}"
            )
        )
    seen_cohorts: set[str] = set()
    where: dict[str, list[str]] = defaultdict(list)
    for c in plan.cohorts:
        if c.id in seen_cohorts:
            out.append(Violation(PLACEMENT.code, "duplicate cohort id", c.id))
        seen_cohorts.add(c.id)
        if c.facilitator not in facilitators:
            out.append(Violation(PLACEMENT.code, f"unknown facilitator {c.facilitator!r}", c.id))
        for m in c.members:
            if m not in participants:
                out.append(Violation(PLACEMENT.code, f"unknown participant {m!r}", c.id))
            where[m].append(f"cohort {c.id}")
    for u in plan.unplaced:
        if u.participant not in participants:
            out.append(Violation(
                PLACEMENT.code, f"unknown participant {u.participant!r} in unplaced"
            ))
        where[u.participant].append("unplaced")
    for pid, places in where.items():
        if len(places) > 1:
            out.append(
                Violation(
                    PLACEMENT.code, f"{pid} appears {len(places)} times ({', '.join(places)})"
                )
            )
    for p in program.participants:
        if p.id not in where:
            out.append(Violation(PLACEMENT.code, f"{p.id} is neither in a cohort nor unplaced"))
    return out


@checks(UID)
def _check_uids(plan: Plan) -> list[Violation]:
    out: list[Violation] = []
    first: dict[str, str] = {}
    for c in plan.cohorts:
        for s in c.sessions:
            here = f"{c.id} session {s.index + 1}"
            if not s.uid or not s.uid.strip():
                out.append(Violation(UID.code, "empty UID", c.id, s.index))
            elif s.uid in first:
                out.append(
                    Violation(
                        UID.code, f"UID {s.uid!r} is also used by {first[s.uid]}", c.id, s.index
                    )
                )
            else:
                first[s.uid] = here
    return out
