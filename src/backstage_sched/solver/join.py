"""Seats a waiting person could take now (SPEC §7): a free seat and a case turn.

A newcomer joins only where they still get a case turn of their own: one
session added after the cohort's last, inside the gap rule, the program
window and the allowed days, at a time the facilitator, the room, every
member and the newcomer are free. Joining is open while at most
``join_until_session`` sessions of the cohort have been held.

These are proposals, best first (the cohort's usual weekday and start time,
the earliest such day; SPEC §8); every one is confirmed by the independent
checker before it is used (:mod:`backstage_sched.publish.waitlist`,
:mod:`backstage_sched.actions.fill`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain import Participant, Program
from ..inputs.workdays import Slot, WorkCalendar
from ..plan import Cohort, Plan, Session, Unplaced, uid_for


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
    groups = program.groups
    shrunk = plan.history.shrunk()
    out = []
    for c in plan.cohorts:
        held = sum(1 for s in c.sessions if plan.day_of(s) < today)
        seat = len(c.members) < groups.size or (c.id in shrunk and len(c.members) < groups.max_size)
        if seat and held <= program.policy.join_until_session:
            out.append(c)
    return out


class Openings:
    """Per cohort, the times a session could be added for a newcomer's case turn: inside
    the rules, open to the facilitator (their days, sessions a day, pause), the room (one session at
    a time, a seat more) and every member. Worked out once per cohort, then asked per
    person."""

    def __init__(self, program: Program, plan: Plan, today: date) -> None:
        self.program, self.plan, self.today = program, plan, today
        self.cal = WorkCalendar(program)
        self.people = {p.id: p for p in program.participants}
        self._slots: dict[str, list[tuple[datetime, datetime]]] = {}
        # (cohort, start): whether the checker accepted the cohort's neighbourhood with
        # a session added then; kept here by whoever asks it (the waiting list)
        self.verdicts: dict[tuple[str, datetime], bool] = {}

    def slots(self, cohort: Cohort) -> list[tuple[datetime, datetime]]:
        """Start and end of every time a session could be added to ``cohort``, best first."""
        if cohort.id not in self._slots:
            self._slots[cohort.id] = list(self._free(cohort))
        return self._slots[cohort.id]

    def _free(self, cohort: Cohort) -> Iterator[tuple[datetime, datetime]]:
        program, cal = self.program, self.cal
        if not _room_has_a_seat(program, cohort):
            return
        members = [self.people[m] for m in cohort.members if m in self.people]
        busy: dict[date, list[tuple[datetime, datetime, timedelta]]] = defaultdict(list)
        for booking in _bookings(program, self.plan, cohort):
            busy[booking[0].astimezone(cal.tz).date()].append(booking)
        fac = program.facilitator(cohort.facilitator)
        per_day = program.sessions_per_day(fac)
        day = timedelta(days=1)
        for slot in _added_slots(program, cal, cohort, self.today):
            start, end = cal.start_datetime(slot), cal.end_datetime(slot)
            if cal.blocked(fac.unavailable, (), slot):
                continue
            if any(_blocked(cal, p, start) for p in members):
                continue
            near = [*busy.get(slot.day - day, ()), *busy.get(slot.day, ()),
                    *busy.get(slot.day + day, ())]  # a session and its pause span no day
            if any(a < end + pause and start < b + pause for a, b, pause in near):
                continue
            if sum(1 for _, _, pause in busy.get(slot.day, ()) if pause) >= per_day:
                continue
            yield start, end


def proposals(
    program: Program, plan: Plan, cohort: Cohort, person: Participant, today: date,
    openings: Openings | None = None,
) -> Iterator[Join]:
    """Where ``person`` could join ``cohort``, best first (see the module docstring)."""
    openings = openings or Openings(program, plan, today)
    if not _may_meet(program, cohort, person):
        return
    cal = openings.cal
    for s in cohort.sessions:
        local = s.start.astimezone(cal.tz)
        if local.date() >= today and _blocked(cal, person, local):
            return  # they cannot come to a session still ahead
    for start, end in openings.slots(cohort):
        if not _blocked(cal, person, start):
            yield Join(cohort.id, person.id, start, end)


def _room_has_a_seat(program: Program, cohort: Cohort) -> bool:
    """Every room of the cohort seats one member more, with the facilitator."""
    capacity = {v.id: v.capacity for v in program.venues}
    rooms = {r for s in cohort.sessions if (r := s.venue or cohort.venue) is not None}
    return all(capacity.get(r, 0) >= len(cohort.members) + 2 for r in rooms)


def seated(program: Program, plan: Plan, join: Join) -> Cohort:
    """``join``'s cohort with its person seated: a member more, their session added."""
    cohort = plan.cohort(join.cohort)
    index = len(cohort.sessions)
    added = Session(
        index=index, start=join.start, end=join.end, case_owner=join.person,
        venue=cohort.venue, uid=uid_for(program.id, f"{cohort.id}-{join.person}", index),
    )
    return replace(cohort, members=(*cohort.members, join.person),
                   sessions=(*cohort.sessions, added))


def joined(program: Program, plan: Plan, join: Join) -> Plan:
    """``plan`` with ``join`` carried out (:func:`seated`), the person off the list, the
    objective counted again (:meth:`~backstage_sched.plan.Plan.restated`)."""
    new = seated(program, plan, join)
    return replace(
        plan,
        cohorts=tuple(new if c.id == new.id else c for c in plan.cohorts),
        unplaced=tuple(u for u in plan.unplaced if u.participant != join.person),
    ).restated(len(program.participants))


def neighbourhood(program: Program, plan: Plan, cohort: str) -> Plan:
    """``plan`` cut down to what a change to ``cohort`` can touch: that cohort, the other
    cohorts of the facilitators who lead it, and those meeting in one of its rooms on
    one of its days; everyone else is listed as unplaced.

    Every hard rule that joins two cohorts is about a shared facilitator (overlap,
    buffer, sessions per day, how many cohorts) or a room at the same time, so
    checking this plan judges a change to ``cohort`` as checking the whole would (the
    rest of a valid plan stays valid), at a fraction of the cost.
    """
    target = plan.cohort(cohort)
    rooms = ({target.venue} | {s.venue for s in target.sessions}) - {None}
    days = {s.start.date() for s in target.sessions}
    leaders = {target.facilitator} | {target.leader(s) for s in target.sessions}

    def near(c: Cohort) -> bool:
        # a room is shared only on a day both meet in it (its rules are about overlap)
        return c.facilitator in leaders or any(
            c.leader(s) in leaders or (s.venue in rooms and s.start.date() in days)
            for s in c.sessions
        )

    kept = tuple(c for c in plan.cohorts if c.id == cohort or near(c))
    inside = {m for c in kept for m in c.members}
    reasons = {u.participant: u for u in plan.unplaced}
    others = tuple(reasons.get(p.id, Unplaced(p.id, "")) for p in program.participants
                   if p.id not in inside)
    return replace(plan, cohorts=kept, unplaced=others).restated(len(program.participants))


def _may_meet(program: Program, cohort: Cohort, person: Participant) -> bool:
    """Size, organisation, not_with and "met before" let ``person`` into ``cohort``."""
    groups = program.groups
    if len(cohort.members) + 1 > groups.max_size:
        return False
    members = []
    for m in cohort.members:
        with suppress(KeyError):  # an id the program no longer lists
            members.append(program.participant(m))
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
    window, best first: the cohort's usual weekday and start time (SPEC §8), on the
    first such day of the gap, then later such days; then the usual weekday at
    another time; then other days, nearest that first day first."""
    rules = program.sessions
    tz = ZoneInfo(program.timezone)
    last = cohort.sessions[-1].start.astimezone(tz).date()
    weekday, own = usual_time(cohort, tz)
    stretch = rules.max_gap_days + len(cal.blackout_days)
    days = []
    for step in range(rules.min_gap_days, stretch + 1):
        day = last + timedelta(days=step)
        if day > program.end or day < today:
            continue
        if step - cal.blackout_between(last, day) > rules.max_gap_days or not cal.is_open(day):
            continue
        days.append(day)
    usual = [d for d in days if d.weekday() == weekday]
    anchor = usual[0] if usual else last + timedelta(days=rules.min_gap_days)
    slots = sorted(
        (Slot(d, m) for d in days for m in cal.slot_minutes),
        key=lambda s: (s.day.weekday() != weekday, s.minute != own,
                       abs((s.day - anchor).days), s.day, abs(s.minute - own), s.minute),
    )
    yield from slots


def usual_time(cohort: Cohort, tz: ZoneInfo) -> tuple[int, int]:
    """The cohort's usual weekday (0 = Monday) and start minute: those of most of its
    sessions, the kick-off's on a tie."""
    starts = [s.start.astimezone(tz) for s in cohort.sessions]
    weekday = Counter(d.weekday() for d in starts).most_common(1)[0][0]
    minute = Counter(d.hour * 60 + d.minute for d in starts).most_common(1)[0][0]
    return weekday, minute
