"""Seats a waiting person could take now (SPEC §7): a free seat and a case turn.

A newcomer joins only where they still get a case turn of their own: one
session added after the cohort's last, inside the gap rule, the program
window and the allowed days, at a time the facilitator, the room, every
member and the newcomer are free. Joining is open while at most
``join_until_session`` sessions of the cohort have been held.

These are proposals, best first (the cohort's own weekday and start time,
the earliest day); every one is confirmed by the independent checker before
it is used (:mod:`backstage_sched.publish.waitlist`,
:mod:`backstage_sched.actions.fill`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain import Participant, Program
from ..inputs.workdays import Slot, WorkCalendar
from ..plan import Cohort, Plan, Session, uid_for


@dataclass(frozen=True)
class Join:
    """``person`` joins ``cohort``; their case turn is a session added at ``start``."""

    cohort: str
    person: str
    start: datetime
    end: datetime


def open_cohorts(program: Program, plan: Plan, today: date) -> list[Cohort]:
    """Cohorts that may take a newcomer on ``today``: a seat below ``groups.size`` (or
    one freed by a withdrawal) and at most ``join_until_session`` sessions held."""
    groups, tz = program.groups, ZoneInfo(program.timezone)
    shrunk = plan.history.shrunk()
    out = []
    for c in plan.cohorts:
        held = sum(1 for s in c.sessions if s.start.astimezone(tz).date() < today)
        seat = len(c.members) < groups.size or (c.id in shrunk and len(c.members) < groups.max_size)
        if seat and held <= program.policy.join_until_session:
            out.append(c)
    return out


def proposals(
    program: Program, plan: Plan, cohort: Cohort, person: Participant, today: date,
    calendar: WorkCalendar | None = None,
) -> Iterator[Join]:
    """Where ``person`` could join ``cohort``, best first (see the module docstring)."""
    cal = calendar or WorkCalendar(program)
    if not _may_meet(program, cohort, person):
        return
    tz = ZoneInfo(program.timezone)
    people = {p.id: p for p in program.participants}
    members = [people[m] for m in cohort.members if m in people]
    for s in cohort.sessions:
        local = s.start.astimezone(tz)
        if local.date() >= today and _blocked(cal, person, local):
            return  # they cannot come to a session still ahead
    busy = _bookings(program, plan, cohort)
    for slot in _added_slots(program, cal, cohort, today):
        start, end = cal.start_datetime(slot), cal.end_datetime(slot)
        if any(_blocked(cal, p, start) for p in (*members, person)):
            continue
        if any(a < end + pause and start < b + pause for a, b, pause in busy):
            continue
        yield Join(cohort.id, person.id, start, end)


def joined(program: Program, plan: Plan, join: Join) -> Plan:
    """``plan`` with ``join`` carried out: a member more, their session added, off the list."""
    cohort = plan.cohort(join.cohort)
    index = len(cohort.sessions)
    added = Session(
        index=index, start=join.start, end=join.end, case_owner=join.person,
        venue=cohort.venue, uid=uid_for(program.id, f"{cohort.id}-{join.person}", index),
    )
    new = replace(cohort, members=(*cohort.members, join.person),
                  sessions=(*cohort.sessions, added))
    return replace(
        plan,
        cohorts=tuple(new if c.id == cohort.id else c for c in plan.cohorts),
        unplaced=tuple(u for u in plan.unplaced if u.participant != join.person),
    )


def _may_meet(program: Program, cohort: Cohort, person: Participant) -> bool:
    """Size, organisation, not_with and "met before" let ``person`` into ``cohort``."""
    groups = program.groups
    if len(cohort.members) + 1 > groups.max_size:
        return False
    people = {p.id: p for p in program.participants}
    members = [people[m] for m in cohort.members if m in people]
    same = sum(1 for m in members if m.organization == person.organization)
    if program.mode == "company" and same != len(members):
        return False
    if program.mode == "mixed" and same + 1 > groups.max_per_organization:
        return False
    if any(m.id in person.not_with or person.id in m.not_with for m in members):
        return False
    return not any(
        person.id in group.people and set(cohort.members) & set(group.people)
        for group in program.met_before
    )


def _blocked(cal: WorkCalendar, person: Participant, start: datetime) -> bool:
    local = start.astimezone(cal.tz)
    slot = Slot(local.date(), local.hour * 60 + local.minute)
    return cal.blocked(person.unavailable, person.busy, slot)


def _bookings(
    program: Program, plan: Plan, cohort: Cohort
) -> list[tuple[datetime, datetime, timedelta]]:
    """Sessions the added one must not touch: the facilitator's (with their pause after
    each) and, with rooms, the room's."""
    fac = program.facilitator(cohort.facilitator)
    pause = timedelta(minutes=program.buffer(fac))
    out = []
    for c in plan.cohorts:
        for s in c.sessions:
            if c.facilitator == cohort.facilitator:
                out.append((s.start, s.end, pause))
            elif cohort.venue is not None and (s.venue or c.venue) == cohort.venue:
                out.append((s.start, s.end, timedelta(0)))
    return out


def _added_slots(
    program: Program, cal: WorkCalendar, cohort: Cohort, today: date
) -> Iterator[Slot]:
    """Start times for a session after the cohort's last, inside the gap rule and the
    window: the cohort's own start time first on each day, days earliest first."""
    rules = program.sessions
    tz = ZoneInfo(program.timezone)
    last = cohort.sessions[-1].start.astimezone(tz).date()
    first = cohort.sessions[0].start.astimezone(tz)
    own = first.hour * 60 + first.minute
    times = sorted(cal.slot_minutes, key=lambda m: (m != own, abs(m - own), m))
    stretch = rules.max_gap_days + len(cal.blackout_days)
    for step in range(rules.min_gap_days, stretch + 1):
        day = last + timedelta(days=step)
        if day > program.end or day < today:
            continue
        if step - cal.blackout_between(last, day) > rules.max_gap_days or not cal.is_open(day):
            continue
        for minute in times:
            yield Slot(day, minute)
