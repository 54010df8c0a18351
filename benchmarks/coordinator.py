"""The coordinator's method: how a careful coordinator plans with a spreadsheet.

The second yardstick of the benchmark (issue "Plans for real registrations",
§1). Dates come first, as in an office: a cohort is only ever formed around
a regular series of dates that fits all its members and some facilitator.

1. Drop the people whom no series fits.
2. Sort the others by the set of weekdays they can come (fewest first).
3. Fill cohorts first-fit, keeping the organisation, ``not_with`` and
   "met before" rules, adding a person only while the cohort still has a
   regular series that fits everyone and some facilitator.
4. Schedule the most constrained cohorts first, on the least-loaded
   facilitator who fits, at the earliest kick-off whose series (every 28
   days, else 35, else 29–34, stretched across a blackout, at one start
   time) is free for the facilitator (per-day limit, buffer) and a room.
5. A cohort that finds no series loses its least available member, down
   to ``min_size``.
6. The people left over are offered a free seat in a scheduled cohort (one
   more session after its last), else regrouped (steps 3–5 once more).

A *series* is a facilitator, a start time and the session days of
:func:`backstage_sched.solver.chains.chain_days` on the days that
facilitator is open; a person fits the first ``prefix`` sessions of it.
The result is a real plan, verified by the independent checker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from backstage_sched.actions.planner import schedule_to_plan
from backstage_sched.check.verify import verify
from backstage_sched.domain import Program
from backstage_sched.inputs.workdays import Slot
from backstage_sched.plan import Plan
from backstage_sched.solver import score
from backstage_sched.solver.chains import chain_days
from backstage_sched.solver.instance import Instance
from backstage_sched.solver.owners import assign_case_owners
from backstage_sched.solver.schedule import Schedule, ScheduledCohort


@dataclass(frozen=True)
class Series:
    """A facilitator's regular series: up to ``max_size + 1`` days at one start slot."""

    facilitator: int
    slot: int
    days: tuple[int, ...]


@dataclass
class _Cohort:
    members: list[int]
    fit: np.ndarray  # per series: how many leading sessions every member can come to
    series: Series | None = None
    room: int | None = None
    booked: list[int] = field(default_factory=list)  # calendar days in use


def _series(inst: Instance) -> list[Series]:
    """Every series of every facilitator long enough for a cohort of ``min_size``: from
    each kick-off and start time the regular one, and one per later session that
    is taken a step further (a member's absence that day moves the rest on)."""
    shortest = inst.program.groups.min_size + 1
    found: dict[tuple[int, int, tuple[int, ...]], None] = {}
    g = inst.n_slots
    every = frozenset(c * g + s for c in inst.calendar.calendar_number for s in range(g))
    for f, _ in enumerate(inst.facilitators):
        theirs = inst.facilitator_open[f]
        allowed = every if theirs is None else theirs
        for first in inst.calendar.calendar_number:
            for slot in range(g):
                if first * g + slot not in allowed:
                    continue
                days = chain_days(inst, first, slot, allowed)
                if len(days) < shortest:
                    continue
                found[f, slot, days] = None
                for skip in days[1:]:
                    other = chain_days(inst, first, slot, allowed - {skip * g + slot})
                    if len(other) >= shortest:
                        found[f, slot, other] = None
    return [Series(f, slot, days) for f, slot, days in found]


def _prefixes(inst: Instance, series: list[Series]) -> np.ndarray:
    """prefix[p, s]: how many leading sessions of series s person p can come to."""
    g = inst.n_slots
    width = max((max(inst.calendar.calendar_number) + 1) * g, 1)
    longest = inst.program.groups.max_size + 1
    index = np.full((len(series), longest), width, dtype=np.int64)  # width: never open
    for s, ser in enumerate(series):
        index[s, : len(ser.days)] = [c * g + ser.slot for c in ser.days]
    out = np.zeros((len(inst.participants), len(series)), dtype=np.int8)
    for p, open_when in enumerate(inst.participant_open):
        row = np.zeros(width + 1, dtype=bool)
        if open_when is None:
            row[:width] = True
        else:
            row[list(open_when)] = True
        out[p] = np.cumprod(row[index], axis=1).sum(axis=1)
    return out


class Coordinator:
    """One run of the coordinator's method on ``program``."""

    def __init__(self, program: Program) -> None:
        self.inst = inst = Instance.of(program)
        self.program = program
        self.groups = program.groups
        self.series = _series(inst)
        self.prefix = _prefixes(inst, self.series) if self.series else np.zeros(
            (len(inst.participants), 0), dtype=np.int8)
        self.owner = np.array([s.facilitator for s in self.series], dtype=np.int64)
        self.kickoff = np.array([s.days[0] for s in self.series], dtype=np.int64)
        self.usable = np.ones(len(self.series), dtype=bool)
        self.apart = inst.apart
        self.load = [0] * len(inst.facilitators)
        self.busy: list[dict[int, list[int]]] = [{} for _ in inst.facilitators]
        self.rooms: list[dict[int, list[int]]] = [{} for _ in program.venues]
        self.minutes = inst.calendar.slot_minutes
        self.duration = program.sessions.duration_minutes

    # -- steps 1 and 2 ---------------------------------------------------------------

    def _weekdays(self, p: int) -> tuple[int, ...]:
        """Weekdays of the series person ``p`` fits as a member of a smallest cohort."""
        start = self.program.start.toordinal()
        fits = np.nonzero(self.prefix[p] >= self.groups.min_size + 1)[0]
        return tuple(sorted({(start + int(self.kickoff[s])) % 7 for s in fits}))

    def order(self) -> tuple[list[int], list[int]]:
        """(people some series fits, sorted by their weekdays, fewest first; people
        none fits)."""
        shortest = self.groups.min_size + 1
        every = range(len(self.inst.participants))
        fits = [p for p in every if self.prefix.shape[1] and self.prefix[p].max() >= shortest]
        kept = set(fits)
        none = [p for p in every if p not in kept]
        days = {p: self._weekdays(p) for p in fits}
        fits.sort(key=lambda p: (len(days[p]), days[p], p))
        return fits, none

    # -- step 3: a cohort on the dates still free ------------------------------------

    def _may_join(self, members: list[int], p: int) -> bool:
        people = self.inst.participants
        org = people[p].organization
        orgs = [people[q].organization for q in members]
        if self.program.mode == "company" and orgs and orgs[0] != org:
            return False
        if self.program.mode == "mixed" and orgs.count(org) >= self.groups.max_per_organization:
            return False
        return not any((p, q) in self.apart or (q, p) in self.apart for q in members)

    def form(self, seed: int, waiting: list[int], target: int) -> _Cohort:
        """A cohort around ``seed``, filled first-fit from ``waiting`` while some free
        series fits every member."""
        c = _Cohort([seed], np.where(self.usable, self.prefix[seed], 0).astype(np.int8))
        people = self.inst.participants
        size = Counter(people[p].organization for p in waiting)
        # the people of the largest organisations first: the cap on each cohort
        # keeps them out last, so every cohort takes its share of them now
        for p in sorted(waiting, key=lambda p: -size[people[p].organization]):
            if len(c.members) >= target:
                break
            if p == seed or not self._may_join(c.members, p):
                continue
            fit = np.minimum(c.fit, self.prefix[p])
            if (fit >= len(c.members) + 2).any():
                c.members.append(p)
                c.fit = fit
        return c

    # -- step 4: book it -------------------------------------------------------------

    def _free(self, f: int, days: Sequence[int], slot: int) -> bool:
        fac = self.inst.facilitators[f]
        per_day = self.program.sessions_per_day(fac)
        gap = self.duration + self.program.buffer(fac)
        for c in days:
            start = c * 1440 + self.minutes[slot]
            held = self.busy[f].get(c, [])
            if len(held) >= per_day or any(start < s + gap and s < start + gap for s in held):
                return False
        return True

    def _room(self, need: int, days: Sequence[int], slot: int) -> int | bool | None:
        """A free room seating ``need`` (None without venues), or False."""
        if not self.program.venues:
            return None
        for r, venue in enumerate(self.program.venues):
            if venue.capacity >= need and not any(
                abs(c * 1440 + self.minutes[slot] - t) < self.duration
                for c in days for t in self.rooms[r].get(c, ())
            ):
                return r
        return False

    def _take(self, f: int, slot: int, days: Sequence[int], room: int | None) -> None:
        for day in days:
            start = day * 1440 + self.minutes[slot]
            self.busy[f].setdefault(day, []).append(start)
            if room is not None:
                self.rooms[room].setdefault(day, []).append(start)

    def _refresh(self, f: int) -> None:
        """Which of facilitator ``f``'s series are still free (step 4's bookkeeping)."""
        mine = np.nonzero(self.owner == f)[0]
        if self.load[f] >= self.inst.facilitator_limit(self.inst.facilitators[f]):
            self.usable[mine] = False
            return
        for s in mine:
            if self.usable[s]:
                ser = self.series[s]
                self.usable[s] = self._free(f, ser.days[: self.groups.min_size + 1], ser.slot)

    def book(self, c: _Cohort) -> bool:
        """Book the earliest free series of the least-loaded facilitator who fits."""
        need = len(c.members) + 1
        viable = np.nonzero((c.fit >= need) & self.usable)[0]
        order = sorted(viable, key=lambda s: (self.load[self.owner[s]], self.kickoff[s],
                                              self.series[s].slot, s))
        for s in order:
            ser = self.series[s]
            days = ser.days[:need]
            if not self._free(ser.facilitator, days, ser.slot):
                continue
            room = self._room(need + 1, days, ser.slot)
            if room is False:
                continue
            c.series, c.room, c.booked = ser, room if isinstance(room, int) else None, list(days)
            self._take(ser.facilitator, ser.slot, days, c.room)
            self.load[ser.facilitator] += 1
            self._refresh(ser.facilitator)
            return True
        return False

    # -- step 6 ----------------------------------------------------------------------

    def prefix_on(self, p: int, ser: Series) -> int:
        """How many leading sessions of ``ser`` person ``p`` can come to."""
        theirs = self.inst.participant_open[p]
        g = self.inst.n_slots
        n = 0
        for day in ser.days:
            if theirs is not None and day * g + ser.slot not in theirs:
                break
            n += 1
        return n

    def _extend(self, c: _Cohort, p: int) -> bool:
        """Seat ``p`` in ``c`` with one more session after its last, if every rule allows."""
        ser = c.series
        assert ser is not None
        n = len(c.members)
        if n >= self.groups.max_size or len(ser.days) < n + 2:
            return False
        if not self._may_join(c.members, p) or self.prefix_on(p, ser) < n + 2:
            return False
        if any(self.prefix_on(q, ser) < n + 2 for q in c.members):
            return False
        extra = ser.days[n + 1]
        if not self._free(ser.facilitator, (extra,), ser.slot):
            return False
        if c.room is not None and (
            self.program.venues[c.room].capacity < n + 2
            or self._room_taken(c.room, extra, ser.slot)
        ):
            return False
        c.members.append(p)
        c.booked.append(extra)
        self._take(ser.facilitator, ser.slot, (extra,), c.room)
        self._refresh(ser.facilitator)
        return True

    def _trade(self, booked: list[_Cohort], p: int) -> bool:
        """Seat ``p`` in place of a member who moves to a free seat of another cohort."""
        for c in booked:
            ser = c.series
            assert ser is not None
            if self.prefix_on(p, ser) < len(c.members) + 1:
                continue
            for q in list(c.members):
                rest = [m for m in c.members if m != q]
                if not self._may_join(rest, p):
                    continue
                for other in booked:
                    if other is not c and self._extend(other, q):
                        c.members[c.members.index(q)] = p
                        return True
        return False

    def offer(self, booked: list[_Cohort], people: list[int]) -> list[int]:
        """Seat ``people`` in booked cohorts with a free seat (one more session after
        the last), else in a member's place who moves to another free seat; return
        who is still left."""
        return [p for p in people
                if not any(self._extend(c, p) for c in booked) and not self._trade(booked, p)]

    def _room_taken(self, room: int, day: int, slot: int) -> bool:
        start = day * 1440 + self.minutes[slot]
        return any(abs(start - t) < self.duration for t in self.rooms[room].get(day, ()))

    # -- the whole method ------------------------------------------------------------

    def run(self) -> tuple[list[_Cohort], list[int]]:
        """Steps 1–6: the booked cohorts and everyone left without a place."""
        fits, none = self.order()
        total = sum(min(self.inst.facilitator_limit(f), len(fits))
                    for f in self.inst.facilitators)
        tight = total * self.groups.size < len(fits)
        target = self.groups.max_size if tight else self.groups.size
        waiting = list(fits)
        booked: list[_Cohort] = []
        left: list[int] = []
        while waiting and self.usable.any():
            seed = waiting[0]
            c = self.form(seed, waiting, target)
            while len(c.members) >= self.groups.min_size and not self.book(c):
                # step 5: the least available member leaves, down to min_size
                need = len(c.members)
                worst = min(c.members[1:], key=lambda p: (
                    int(((self.prefix[p] >= need) & self.usable).sum()), -p))
                c.members.remove(worst)
                c.fit = self.prefix[c.members].min(axis=0) * self.usable
            if c.series is None:
                left.append(seed)
                waiting.remove(seed)
                continue
            booked.append(c)
            taken = set(c.members)
            waiting = [p for p in waiting if p not in taken]
        left = self.offer(booked, sorted([*left, *waiting], key=fits.index))
        return booked, [*left, *none]


def coordinator_plan(program: Program) -> Plan:
    """The coordinator's method on ``program`` as a plan (not yet verified)."""
    method = Coordinator(program)
    booked, left = method.run()
    inst = method.inst
    people = inst.participants
    scheduled = []
    for c in booked:
        assert c.series is not None
        ser = c.series
        members = tuple(people[p].id for p in c.members)
        slots = tuple(
            Slot(program.start.fromordinal(program.start.toordinal() + day),
                 inst.calendar.slot_minutes[ser.slot])
            for day in sorted(c.booked)
        )
        owners = assign_case_owners(inst, members, slots)
        venue = None if c.room is None else program.venues[c.room].id
        scheduled.append(ScheduledCohort(
            inst.facilitators[ser.facilitator].id, venue, members, slots, owners))
    scheduled.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator))
    unplaced = tuple((people[p].id, "the coordinator's method found no place")
                     for p in left)
    objective = {
        "placed": score.placed_participants(inst, scheduled),
        "avoid_hits": score.avoid_time_hits(inst, scheduled),
        "irregular_sessions": score.irregular_sessions(inst, scheduled),
    }
    return schedule_to_plan(program, Schedule(tuple(scheduled), unplaced, objective))


def coordinator(program: Program) -> dict[str, int]:
    """Plan ``program`` by the coordinator's method and verify it; returns placed,
    cohorts, avoid-time hits, irregular sessions and irregular cohorts (a session
    off the kick-off's weekday or start time). A plan breaking a hard rule raises
    AssertionError: the yardstick must be honest."""
    plan = coordinator_plan(program)
    broken = verify(program, plan)
    assert not broken, f"the coordinator's plan breaks {broken[:3]}"
    values = plan.objective.values
    return {
        "placed": plan.placed,
        "cohorts": len(plan.cohorts),
        "avoid_hits": int(values.get("avoid_hits", 0)),
        "irregular_sessions": int(values.get("irregular_sessions", 0)),
        "irregular_cohorts": sum(
            any((s.start.weekday(), s.start.time()) != (c.sessions[0].start.weekday(),
                                                         c.sessions[0].start.time())
                for s in c.sessions)
            for c in plan.cohorts),
    }


if __name__ == "__main__":
    import sys
    import time

    from backstage_sched import load_program

    began = time.monotonic()
    prog = load_program(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    result = coordinator(prog)
    print(result, f"{time.monotonic() - began:.1f} s")
