"""The ``real`` variant of the generator: registrations shaped like real ones.

Issue 19 describes what registrations from municipalities, regions and
companies look like; this module writes programs of that structure at any
size (benchmarks/README.md, "The real variant"):

- every facilitator works two fixed weekdays, and all of them together may
  lead ``ceil(placeable / 7 x 1.02)`` cohorts: nearly every cohort must have
  seven members;
- each person can come on 2-3 weekdays; in a large organisation 70 % share
  its "home" pattern (its management-team day is blocked for everybody);
  the facilitators' weekdays follow the demand, except that the most wanted
  weekday gets about 15 % fewer seats than people who want it;
- several large organisations fill 30-70 % of what ``max_per_organization``
  (1 or 2) allows them over all cohorts;
- everyone has 2-8 dated absences (days, half days, conferences of 2-4
  days); ~30 % a weekly meeting on one of their days, ~35 % an ``avoid``
  time, ~10 % a busy calendar (.ics with weekly RRULEs, a moved instance, an
  EXDATE); about N/12 ``not_with`` pairs across organisations between people
  who share a weekday;
- about 1.5 % cannot be placed at all: every weekday blocked, on leave all
  year, or a calendar busy every weekday.

Everything is drawn from the ``random.Random`` handed in, so the same
arguments give the same bytes. ``write_real`` is called by
``generate.generate(..., variant="real")``.
"""

from __future__ import annotations

import csv
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from generate import (
    BLACKOUT,
    CHRISTMAS,
    FIRST_NAMES,
    LAST_NAMES,
    ORG_KINDS,
    PLACES,
    WEEKDAYS,
    WINDOW_END,
    WINDOW_START,
    _random_workday,
    _week_range,
    ascii_slug,
)
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

#: share of registrations that cannot be placed at all
UNPLACEABLE_SHARE = 0.015
#: facilitator capacity over what the placeable people need in cohorts of seven
CAPACITY_MARGIN = 1.02
#: how many people each weekday draws: mid-week is wanted, Monday and Friday less
WEEKDAY_WEIGHT = {"mon": 0.55, "tue": 1.0, "wed": 1.15, "thu": 1.0, "fri": 0.45}
#: seats on the most wanted weekday over the people who want it
TOP_DAY_SUPPLY = 0.85
#: share of a large organisation on its home pattern
HOME_SHARE = 0.70
#: large organisations together hold about this share of the registrations
LARGE_SHARE = 0.5
MEETING_SHARE, AVOID_SHARE, CALENDAR_SHARE = 0.30, 0.35, 0.10
AUTUMN_BREAK = (date(2027, 11, 1), date(2027, 11, 5))
TZ = ZoneInfo("Europe/Stockholm")
STAMP = datetime(2026, 12, 1, 8, 15, tzinfo=UTC)

AGENCIES = (
    "Skatteverket", "Polismyndigheten", "Arbetsförmedlingen", "Försäkringskassan",
    "Trafikverket", "Västra Götalandsregionen", "Kriminalvården", "Länsstyrelsen i {}",
    "Region {}", "{} kommun", "{} stad",
)
TITLES = (
    "Enhetschef", "Avdelningschef", "Sektionschef", "Verksamhetschef", "Rektor",
    "Projektledare", "Gruppchef", "HR-chef", "Ekonomichef", "Platschef", "VD",
    "Förvaltningschef", "Butikschef", "Teamledare",
)
MEETING_TIMES = ("08:00-10:00", "08:30-11:30", "12:00-13:30", "13:00-15:00", "14:00-17:00",
                 "15:00-17:00")
HALF_DAYS = ("08:00-12:00", "13:00-17:00", "09:00-12:00", "08:30-11:30")
AVOID_TIMES = ("08:00-12:00", "13:00-17:00", "08:00-09:30")
COLUMNS = ("id", "name", "email", "organization", "experience", "unavailable", "avoid",
           "not_with", "calendar", "title", "phone")
ICAL_DAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR"}


@dataclass
class Organisation:
    name: str
    size: int
    blocked: str | None = None  # the management-team day: nobody of it comes then
    home: tuple[str, ...] = ()  # the weekdays most of its people can come


@dataclass
class Person:
    organisation: Organisation
    days: tuple[str, ...]  # weekdays the person can come
    cannot: str = ""  # why the person cannot be placed at all ("" if they can)
    pid: str = ""
    name: str = ""
    unavailable: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    not_with: list[str] = field(default_factory=list)
    calendar: str = ""  # the .ics written for the person, relative to the CSV
    events: list[Event] = field(default_factory=list)


@dataclass
class Shape:
    """The figures the program is built around (written into program.toml's header)."""

    unplaceable: int
    cohorts: int
    budgets: list[int]
    max_per_organization: int


# -- the figures --------------------------------------------------------------------


def shape(n: int, f: int, rng: random.Random) -> Shape:
    """Unplaceable people, cohorts in all, each facilitator's ``max_cohorts``, the cap."""
    unplaceable = round(n * UNPLACEABLE_SHARE)
    cohorts = max(f, math.ceil((n - unplaceable) / 7 * CAPACITY_MARGIN))
    budgets = [cohorts // f + (1 if i < cohorts % f else 0) for i in range(f)]
    return Shape(unplaceable, cohorts, budgets, rng.choice((1, 2)))


def _weighted_days(rng: random.Random, allowed: list[str], k: int) -> tuple[str, ...]:
    """``k`` distinct weekdays out of ``allowed``, drawn by :data:`WEEKDAY_WEIGHT`."""
    pool, picked = list(allowed), []
    for _ in range(min(k, len(pool))):
        day = rng.choices(pool, weights=[WEEKDAY_WEIGHT[d] for d in pool])[0]
        pool.remove(day)
        picked.append(day)
    return tuple(d for d in WEEKDAYS if d in picked)


# -- organisations and their people -------------------------------------------------


def _unique_name(rng: random.Random, kinds: tuple[str, ...], seen: set[str]) -> str:
    for _ in range(100):
        name = rng.choice(kinds).format(rng.choice(PLACES))
        if name not in seen:
            break
    else:  # every name of this kind taken (thousands of organisations)
        name = f"{name} {len(seen)}"
    seen.add(name)
    return name


def organisations(n: int, s: Shape, rng: random.Random) -> list[Organisation]:
    """Large employers first (each 30-70 % of what the cap allows over all cohorts,
    about half the registrations together), then small ones of 1-6 people."""
    seen: set[str] = set()
    allowed = s.max_per_organization * s.cohorts
    orgs: list[Organisation] = []
    large = 0
    while True:
        size = max(2, round(rng.uniform(0.3, 0.7) * allowed))
        if (large + size > LARGE_SHARE * n and len(orgs) >= 2) or large + size > 0.8 * n:
            break
        home = _weighted_days(rng, list(WEEKDAYS), rng.choice((2, 3, 3)))
        blocked = rng.choice([d for d in WEEKDAYS if d not in home])
        orgs.append(Organisation(_unique_name(rng, AGENCIES, seen), size, blocked, home))
        large += size
    left = n - large
    while left > 0:
        size = min(left, rng.choice((1, 1, 1, 1, 1, 2, 2, 2, 3, 4, 6)))
        orgs.append(Organisation(_unique_name(rng, ORG_KINDS, seen), size))
        left -= size
    return orgs


def _days_of(org: Organisation, rng: random.Random) -> tuple[str, ...]:
    """2-3 weekdays: the organisation's home pattern for 70 % of a large one."""
    if org.home and rng.random() < HOME_SHARE:
        return org.home
    allowed = [d for d in WEEKDAYS if d != org.blocked]
    return _weighted_days(rng, allowed, rng.choice((2, 3)))


def people(orgs: list[Organisation], s: Shape, rng: random.Random) -> list[Person]:
    """Everyone in file order (registrations arrive mixed), ids p001, p002, ...;
    ``s.unplaceable`` people of small organisations cannot be placed at all."""
    everyone = [Person(org, _days_of(org, rng)) for org in orgs for _ in range(org.size)]
    rng.shuffle(everyone)
    small = [p for p in everyone if not p.organisation.home]
    kinds = ("every weekday blocked", "calendar busy every weekday", "on leave all year")
    for i, person in enumerate(rng.sample(small, min(s.unplaceable, len(small)))):
        person.cannot = kinds[i % len(kinds)]
    width = max(3, len(str(len(everyone))))
    names: set[str] = set()
    for i, person in enumerate(everyone):
        person.pid = f"p{i + 1:0{width}d}"
        person.name = _person_name(rng, names)
    return everyone


def _person_name(rng: random.Random, seen: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if rng.random() < 0.15:
            name += f" {rng.choice(LAST_NAMES)}"
        if name not in seen:
            seen.add(name)
            return name


# -- times a person cannot come or would rather not ----------------------------------


def _absence(rng: random.Random) -> str:
    """A dated absence: a day, a half day or a conference of 2-4 days."""
    day = _random_workday(rng)
    kind = rng.random()
    if kind < 0.45:
        return day.isoformat()
    if kind < 0.75:
        return f"{day.isoformat()} {rng.choice(HALF_DAYS)}"
    return f"{day.isoformat()}..{(day + timedelta(days=rng.randint(1, 3))).isoformat()}"


def unavailable(person: Person, rng: random.Random) -> list[str]:
    """The weekdays the person cannot come (in the order people type them), a weekly
    meeting on one of their own days for ~30 %, and 2-8 dated absences."""
    off = [d for d in WEEKDAYS if d not in person.days]
    rng.shuffle(off)
    items = list(off)
    if person.cannot == "every weekday blocked":
        items = list(WEEKDAYS)
    elif person.cannot == "on leave all year":
        items.append(f"{WINDOW_START.year}-01-01..{WINDOW_START.year}-12-31")
    if rng.random() < MEETING_SHARE:
        items.append(f"{rng.choice(person.days)} {rng.choice(MEETING_TIMES)}")
    items += [_absence(rng) for _ in range(rng.randint(2, 8))]
    return items


def avoid(person: Person, rng: random.Random) -> list[str]:
    """An avoid time for ~35 %: part of one of their days, a week or so, or a day."""
    if rng.random() >= AVOID_SHARE:
        return []
    kind = rng.random()
    if kind < 0.6:
        return [f"{rng.choice(person.days)} {rng.choice(AVOID_TIMES)}"]
    if kind < 0.85:
        return [_week_range(rng, 1)]
    return [_random_workday(rng).isoformat(), f"{rng.choice(person.days)} 15:00-17:00"]


def not_with_pairs(everyone: list[Person], rng: random.Random) -> None:
    """About N/12 pairs across organisations of people who share a weekday."""
    able = [p for p in everyone if not p.cannot]
    for _ in range(round(len(everyone) / 12)):
        a = rng.choice(able)
        others = [b for b in able if b.organisation is not a.organisation
                  and set(b.days) & set(a.days) and b.pid not in a.not_with
                  and a.pid not in b.not_with]
        if others:
            a.not_with.append(rng.choice(others).pid)


# -- busy calendars ----------------------------------------------------------------


def _first_on(day: str, after: date) -> date:
    return after + timedelta(days=(WEEKDAYS.index(day) - after.weekday()) % 7)


def _at(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=TZ)


def _event(uid: str, summary: str, start: datetime | date, end: datetime | date,
           **extra: object) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", STAMP)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    for key, value in extra.items():
        event.add(key.replace("_", "-"), value)
    return event


def busy_events(person: Person, rng: random.Random) -> list[Event]:
    """A busy calendar: a weekly meeting until June with one instance moved (a
    RECURRENCE-ID override) and one skipped (EXDATE), a meeting every other week
    on another of the person's days, a course day, and two events that do not
    block (free time, a cancelled meeting)."""
    uid = f"{person.pid}-{ascii_slug(person.name)}"
    day, other = rng.choice(person.days), rng.choice(person.days)
    start = _first_on(day, WINDOW_START)
    begin, end = rng.choice((("09:00", "11:00"), ("13:00", "15:30"), ("10:00", "12:00")))
    weekly = _event(f"{uid}-weekly", "Ledningsgrupp", _at(start, begin), _at(start, end),
                    rrule={"freq": "weekly", "byday": ICAL_DAY[day],
                           "until": datetime(2027, 6, 18, 22, tzinfo=UTC)})
    skipped = start + timedelta(weeks=rng.randint(2, 8))
    weekly.add("exdate", _at(skipped, begin))
    moved_from = start + timedelta(weeks=rng.randint(9, 20))
    moved_to = moved_from + timedelta(days=rng.choice((-1, 1, 2)))
    moved = _event(f"{uid}-weekly", "Ledningsgrupp (flyttad)", _at(moved_to, "13:00"),
                   _at(moved_to, "16:00"), recurrence_id=_at(moved_from, begin))
    second = _first_on(other, date(2027, 8, 16))
    biweekly = _event(f"{uid}-biweekly", "Styrgrupp", _at(second, "14:00"),
                      _at(second, "16:00"),
                      rrule={"freq": "weekly", "interval": 2, "count": 8,
                             "byday": ICAL_DAY[other]})
    course = _random_workday(rng)
    free, cancelled = _random_workday(rng), _random_workday(rng)
    return [
        weekly, moved, biweekly,
        _event(f"{uid}-course", "Kurs: arbetsrätt", course, course + timedelta(days=1)),
        _event(f"{uid}-free", "Frivillig lunchföreläsning", _at(free, "11:30"),
               _at(free, "13:00"), transp="TRANSPARENT"),
        _event(f"{uid}-cancelled", "Inställt: Styrelsemöte", _at(cancelled, "09:00"),
               _at(cancelled, "12:00"), status="CANCELLED"),
    ]


def always_busy(person: Person) -> list[Event]:
    """Working elsewhere every weekday, all day, all year."""
    start = _first_on("mon", date(2027, 1, 4))
    return [_event(f"{person.pid}-elsewhere", "Tjänstgöring annan ort",
                   _at(start, "07:30"), _at(start, "17:30"),
                   rrule={"freq": "weekly", "byday": ["MO", "TU", "WE", "TH", "FR"],
                          "until": datetime(2027, 12, 31, 22, tzinfo=UTC)})]


def _stockholm() -> Timezone:
    """Europe/Stockholm in RRULE form, as Outlook writes it."""
    tz = Timezone()
    tz.add("tzid", "Europe/Stockholm")
    for part, start, frm, to, month in (
        (TimezoneStandard(), datetime(1601, 1, 1, 3), 2, 1, 10),
        (TimezoneDaylight(), datetime(1601, 1, 1, 2), 1, 2, 3),
    ):
        part.add("dtstart", start)
        part.add("tzoffsetfrom", timedelta(hours=frm))
        part.add("tzoffsetto", timedelta(hours=to))
        part.add("rrule", {"freq": "yearly", "byday": "-1SU", "bymonth": month})
        tz.add_component(part)
    return tz


def write_calendar(path: Path, events: list[Event]) -> None:
    cal = Calendar()
    cal.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(_stockholm())
    for event in events:
        cal.add_component(event)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cal.to_ical())


# -- facilitators --------------------------------------------------------------------


def demand(everyone: list[Person]) -> dict[str, float]:
    """People per weekday, each placeable person counted 1/k on each of their k days."""
    want = dict.fromkeys(WEEKDAYS, 0.0)
    for person in everyone:
        if not person.cannot:
            for d in person.days:
                want[d] += 1 / len(person.days)
    return want


def facilitator_days(want: dict[str, float], budgets: list[int]) -> list[tuple[str, str]]:
    """Two weekdays per facilitator, so that seats follow demand and the most wanted
    weekday gets :data:`TOP_DAY_SUPPLY` of its demand.

    A facilitator's seats (7 x ``max_cohorts``) count half on each of their two
    days. Each facilitator, largest budget first, takes the two weekdays furthest
    below their target; then, while it brings the seats closer to the targets
    (least squares), a facilitator moves to another pair of days or two
    facilitators swap a day.
    """
    top = max(WEEKDAYS, key=lambda d: want[d])
    seats = 7 * sum(budgets)
    rest = sum(want[d] for d in WEEKDAYS if d != top)
    target = {d: want[d] * (seats - TOP_DAY_SUPPLY * want[top]) / rest for d in WEEKDAYS}
    target[top] = TOP_DAY_SUPPLY * want[top]
    left = dict(target)
    pairs: list[tuple[str, ...]] = []
    for budget in budgets:
        two = sorted(WEEKDAYS, key=lambda d: (-left[d], WEEKDAYS.index(d)))[:2]
        for d in two:
            left[d] -= 3.5 * budget
        pairs.append(tuple(d for d in WEEKDAYS if d in two))

    def error(ps: list[tuple[str, ...]]) -> float:
        have = supply(ps, budgets)
        return sum((have[d] - target[d]) ** 2 for d in WEEKDAYS)

    def neighbours(ps: list[tuple[str, ...]]):
        for i in range(len(ps)):
            for pair in itertools.combinations(WEEKDAYS, 2):
                yield [*ps[:i], pair, *ps[i + 1:]]
        for i, j in itertools.combinations(range(len(ps)), 2):
            for a, b in itertools.product(ps[i], ps[j]):
                pi = (set(ps[i]) - {a}) | {b}
                pj = (set(ps[j]) - {b}) | {a}
                if len(pi) == 2 and len(pj) == 2:
                    trial = list(ps)
                    trial[i] = tuple(d for d in WEEKDAYS if d in pi)
                    trial[j] = tuple(d for d in WEEKDAYS if d in pj)
                    yield trial

    best = error(pairs)
    improved = True
    while improved:
        improved = False
        for trial in neighbours(pairs):
            if error(trial) < best - 1e-9:
                pairs, best, improved = trial, error(trial), True
                break
    return [(a, b) for a, b in pairs]


def supply(pairs: list[tuple[str, ...]], budgets: list[int]) -> dict[str, float]:
    """Facilitator seats per weekday: 7 x max_cohorts, half on each of their two days."""
    seats = dict.fromkeys(WEEKDAYS, 0.0)
    for pair, budget in zip(pairs, budgets, strict=True):
        for d in pair:
            seats[d] += 3.5 * budget
    return seats


def facilitator_lines(f: int, s: Shape, pairs: list[tuple[str, str]],
                      rng: random.Random) -> list[str]:
    """``[[facilitators]]`` tables: two weekdays, a leave of one or two weeks, a few
    days and hours off, one or two sessions a day."""
    lines: list[str] = []
    names: set[str] = set()
    for i in range(f):
        name = _person_name(rng, names)
        first, last = name.split(" ", 1)
        off = [d for d in WEEKDAYS if d not in pairs[i]]
        items = [*off, _week_range(rng, rng.choice((1, 2)))]
        items += [_random_workday(rng).isoformat() for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.3:
            items.append(f"{rng.choice(pairs[i])} 12:00-13:00")
        lines += [
            "",
            "[[facilitators]]",
            f'id = "f{i + 1:02d}"',
            f'name = "{name}"',
            f'email = "{ascii_slug(first)}.{ascii_slug(last)}@backstageledarskap.example"',
            f"max_cohorts = {s.budgets[i]}",
            f"max_sessions_per_day = {rng.choice((1, 2, 2))}",
            "unavailable = [" + ", ".join(f'"{u}"' for u in items) + "]",
        ]
    return lines


# -- the files -----------------------------------------------------------------------


def _shortfall(seats: float, want: float) -> str:
    short = 1 - seats / want if want else 0.0
    return f"{100 * short:.0f} % short" if short > 0 else f"{-100 * short:.0f} % spare"


def _header(n: int, f: int, seed: int, s: Shape, orgs: list[Organisation],
            want: dict[str, float], seats: dict[str, float]) -> list[str]:
    allowed = s.max_per_organization * s.cohorts
    top = max(WEEKDAYS, key=lambda d: want[d])
    large = ", ".join(f"{o.name} {o.size} ({100 * o.size / allowed:.0f} %)"
                      for o in orgs if o.home)
    return [
        f"# Generated by benchmarks/generate.py (n={n}, f={f}, seed={seed}, variant=real).",
        f"# {s.unplaceable} of {n} cannot be placed at all; {s.cohorts} cohorts for the "
        f"other {n - s.unplaceable} (ceil({n - s.unplaceable} / 7 x {CAPACITY_MARGIN})).",
        "# Weekday: people who want it (1/k for k days) / facilitator seats (7 x max_cohorts"
        " / 2 on each of two days):",
        "#   " + ", ".join(f"{d} {want[d]:.1f}/{seats[d]:.1f}" for d in WEEKDAYS)
        + f"; most wanted {top}: {_shortfall(seats[top], want[top])}.",
        f"# Large organisations, share of the {allowed} places max_per_organization "
        f"{s.max_per_organization} allows: {large}.",
    ]


def program_toml(n: int, f: int, seed: int, s: Shape, orgs: list[Organisation],
                 everyone: list[Person], rng: random.Random) -> str:
    want = demand(everyone)
    pairs = facilitator_days(want, s.budgets)
    lines = [
        *_header(n, f, seed, s, orgs, want, supply(pairs, s.budgets)),
        "",
        "[program]",
        f'id = "bench-{n}x{f}-s{seed}-real"',
        f'name = "Backstage 2027 – blandade grupper {n}×{f}"',
        'timezone = "Europe/Stockholm"',
        'country = "SE"',
        f"start = {WINDOW_START.isoformat()}",
        f"end = {WINDOW_END.isoformat()}",
        'mode = "mixed"',
        "extra_closed = [2027-05-07]",
    ]
    for name, (start, end) in (("Sommaruppehåll", BLACKOUT), ("Höstlov v. 44", AUTUMN_BREAK),
                               ("Jul- och nyårsuppehåll", CHRISTMAS)):
        lines += ["", "[[program.blackout]]", f'name = "{name}"', f"start = {start.isoformat()}",
                  f"end = {end.isoformat()}"]
    lines += [
        "",
        "[sessions]",
        "duration_minutes = 180",
        "min_gap_days = 28",
        "max_gap_days = 35",
        'day_start = "08:30"',
        'day_end = "17:00"',
        "grid_minutes = 30",
        "",
        "[groups]",
        "size = 6",
        "min_size = 4",
        "max_size = 7",
        f"max_per_organization = {s.max_per_organization}",
        "",
        "[policy]",
        "cancellation_days = 10",
        "fee = 17500",
        'currency = "SEK"',
        "vat_rate = 0.25",
    ]
    lines += facilitator_lines(f, s, pairs, rng)
    return "\n".join(lines) + "\n"


def _row(person: Person, rng: random.Random) -> dict[str, str]:
    first, last = person.name.split(" ", 1)
    org = person.organisation.name
    sep = rng.choice((";", "; "))
    return {
        "id": person.pid,
        "name": person.name,
        "email": f"{ascii_slug(first)}.{ascii_slug(last)}{person.pid[1:]}"
                 f"@{ascii_slug(org)}.example",
        "organization": org,
        "experience": rng.choice(("new", "new", "experienced", "senior", "")),
        "unavailable": sep.join(person.unavailable),
        "avoid": sep.join(person.avoid),
        "not_with": ";".join(person.not_with),
        "calendar": person.calendar,
        "title": rng.choice(TITLES),
        "phone": f"07{rng.choice('0236')}-{rng.randrange(1000):03d} "
                 f"{rng.randrange(100):02d} {rng.randrange(100):02d}",
    }


def write_real(out_dir: Path, n: int, f: int, seed: int,
               rng: random.Random) -> tuple[Path, Path]:
    """Write program.toml, participants.csv (comma-separated, UTF-8 with BOM, CRLF,
    columns in a shuffled order as exports have them) and calendars/*.ics."""
    s = shape(n, f, rng)
    orgs = organisations(n, s, rng)
    everyone = people(orgs, s, rng)
    for person in everyone:
        person.unavailable = unavailable(person, rng)
        person.avoid = avoid(person, rng)
        if person.cannot == "calendar busy every weekday":
            person.events = always_busy(person)
        elif not person.cannot and rng.random() < CALENDAR_SHARE:
            person.events = busy_events(person, rng)
    not_with_pairs(everyone, rng)
    for person in everyone:
        if person.events:
            person.calendar = f"calendars/{person.pid}-{ascii_slug(person.name)}.ics"
            write_calendar(out_dir / person.calendar, person.events)
    program_path = out_dir / "program.toml"
    program_path.write_text(program_toml(n, f, seed, s, orgs, everyone, rng),
                            encoding="utf-8", newline="\n")
    columns = list(COLUMNS)
    rng.shuffle(columns)
    csv_path = out_dir / "participants.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(_row(person, rng) for person in everyone)
    return program_path, csv_path
