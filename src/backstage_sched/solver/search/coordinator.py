"""The coordinator's method: dates first, a plan the search may start from.

A coordinator with a spreadsheet does not form groups and then look for
dates; real registrations bind on the weekdays people and facilitators can
come. So this construction forms every cohort around a *series* still free
for a facilitator with capacity:

1. The candidate series and who fits which (:class:`.pool.SeriesPool`):
   per person and series, how many leading sessions they can come to
   (``prefix``). People no series fits wait.
2. The most constrained first (fewest weekdays a series fits them on), a
   cohort grows around them first-fit, the largest organisations' people
   first (the organisation cap keeps them out last), while some free series
   fits every member; up to the target size, or the maximum when the
   facilitators cannot seat everyone at the target.
3. It takes the earliest free series of the least-loaded facilitator that
   fits, with a free room when the program has rooms; when none is free,
   its least available member leaves, down to ``min_size``.
4. The people left take a free seat (one more session after the last), or a
   member's place who moves to a free seat of another cohort.

:func:`coordinator_cohorts` returns the plan. Above 40 people the series
search starts from it (:mod:`.neighbourhood`); up to 40 the whole model
starts from the better of it and the greedy construction
(:func:`.hints.best_start`). Neither returns a plan that places fewer
(SPEC §2, objective 1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from ...inputs.workdays import Slot
from ..model.diary import Diary
from ..model.instance import Instance
from ..model.pool import SeriesPool
from ..polish.owners import assign_case_owners
from ..schedule import ScheduledCohort


@dataclass(frozen=True)
class Construction:
    """One constructed plan: how it was made and its cohorts."""

    name: str
    cohorts: tuple[ScheduledCohort, ...]


@dataclass
class _Cohort:
    """A cohort while it is made: members, the series it may take (``idx``) and on
    each how many sessions all members can come to (``fit``), and once booked its
    series, sessions and room."""

    members: list[int]
    idx: np.ndarray
    fit: np.ndarray
    series: int = -1
    room: int | None = None
    days: list[int] = field(default_factory=list)  # day indexes booked


class _Method:
    """One run of the coordinator's method on ``inst``."""

    def __init__(self, inst: Instance, pool: SeriesPool | None = None) -> None:
        self.inst = inst
        self.program = program = inst.program
        self.groups = program.groups
        self.diary = diary = Diary(inst)
        pool = self.pool = pool or SeriesPool(inst)
        self.fac, self.slot, self.days, self.prefix = pool.fac, pool.slot, pool.days, pool.prefix
        self.usable = np.ones(len(pool), dtype=bool)
        # series no room can take any more: skipped when booking (a shortcut, the same
        # choice), while a member's availability still counts them
        self.roomless = np.zeros(len(pool), dtype=bool)
        self._rooms_full = _RoomsFull(inst, pool) if program.venues and len(pool) else None
        self.kick_weekday = diary.weekday[self.days[:, 0]] if len(pool) else np.zeros(0, int)

    # -- step 2 ---------------------------------------------------------------------

    def _weekdays(self, p: int) -> tuple[int, ...]:
        """The weekdays of the series person ``p`` fits as a member of a smallest cohort."""
        best = np.zeros(7, dtype=np.int8)
        np.maximum.at(best, self.kick_weekday, self.prefix[p])
        return tuple(int(w) for w in np.flatnonzero(best >= self.groups.min_size + 1))

    def _form(self, seed: int, waiting: list[int], target: int) -> _Cohort:
        """A cohort around ``seed``, filled first-fit from ``waiting`` (the largest
        organisations first) while some free series fits every member."""
        idx = np.flatnonzero(self.usable & (self.prefix[seed] >= self.groups.min_size + 1))
        c = _Cohort([seed], idx, self.prefix[seed, idx])
        people = self.inst.participants
        size = Counter(people[p].organization for p in waiting)
        for p in sorted(waiting, key=lambda p: -size[people[p].organization]):
            if len(c.members) >= target:
                break
            if p == seed or not self.inst.may_join(c.members, p):
                continue
            fit = np.minimum(c.fit, self.prefix[p, c.idx])
            if (fit >= len(c.members) + 2).any():
                c.members.append(p)
                c.fit = fit
        return c

    # -- step 3 ----------------------------------------------------------------------

    def _free(self, f: int, room: int | None, days: np.ndarray, slot: int) -> bool:
        diary = self.diary
        if diary.fac_grid[f][days, slot].any():
            return False
        return room is None or not diary.room_grid[room][days, slot].any()

    def _refresh(self, f: int) -> None:
        """Which of facilitator ``f``'s series are still free for a smallest cohort."""
        mine = np.flatnonzero(self.fac == f)
        if self.diary.load[f] >= self.inst.facilitator_limit(self.inst.facilitators[f]):
            self.usable[mine] = False
            return
        first = self.days[mine, : self.groups.min_size + 1]
        taken = self.diary.fac_grid[f][first, self.slot[mine][:, None]].any(axis=1)
        self.usable[mine] &= ~taken

    def _book(self, c: _Cohort) -> bool:
        """Book the earliest free series of the least-loaded facilitator that fits, with
        the first room free at every session when the program has rooms. Every
        candidate is judged at once on the diary's grids."""
        need = len(c.members) + 1
        viable = c.idx[(c.fit >= need) & self.usable[c.idx] & ~self.roomless[c.idx]]
        if not len(viable):
            return False
        load = np.array(self.diary.load)[self.fac[viable]]
        order = viable[np.lexsort((self.slot[viable], self.days[viable, 0], load))]
        days, slots = self.days[order, :need], self.slot[order][:, None]
        free = np.ones(len(order), dtype=bool)
        for f in np.unique(self.fac[order]):
            mine = self.fac[order] == f
            free[mine] = ~self.diary.fac_grid[int(f)][days[mine], slots[mine]].any(axis=1)
        room = np.full(len(order), -1)
        for r, venue in enumerate(self.program.venues):  # the first room that seats them
            if venue.capacity >= need:  # the members and the facilitator
                empty = ~self.diary.room_grid[r][days, slots].any(axis=1)
                room = np.where((room < 0) & empty, r, room)
        if self.program.venues:
            free &= room >= 0
        hits = np.flatnonzero(free)
        if not len(hits):
            return False
        k = int(hits[0])
        s, booked = int(order[k]), days[k].tolist()
        c.series, c.days = s, booked
        c.room = int(room[k]) if self.program.venues else None
        self._take(int(self.fac[s]), c.room, booked, int(self.slot[s]), new_cohort=True)
        return True

    def _take(self, f: int, room: int | None, days: list[int], slot: int,
              new_cohort: bool) -> None:
        cal_no = self.inst.calendar.calendar_number
        self.diary.book(f, room, [(cal_no[d], slot) for d in days], new_cohort)
        self._refresh(f)
        if self._rooms_full is not None:
            self.roomless[self._rooms_full.through(self.diary, days)] = True

    # -- step 4 ----------------------------------------------------------------------

    def _extendable(self, c: _Cohort) -> bool:
        """Whether ``c`` can take one more member: a free seat, and one more session of
        its series after its last that every member, the facilitator and the room
        can take."""
        n, s = len(c.members), c.series
        if n >= self.groups.max_size or self.days[s, n + 1] < 0:
            return False
        if c.room is not None and self.program.venues[c.room].capacity < n + 2:
            return False
        if any(self.prefix[q, s] < n + 2 for q in c.members):
            return False
        return self._free(int(self.fac[s]), c.room, self.days[s, n + 1: n + 2],
                          int(self.slot[s]))

    def _extend(self, c: _Cohort, p: int) -> bool:
        """Seat ``p`` in ``c`` (one that is :meth:`_extendable`) with one more session."""
        n, s = len(c.members), c.series
        if self.prefix[p, s] < n + 2 or not self.inst.may_join(c.members, p):
            return False
        extra = int(self.days[s, n + 1])
        c.members.append(p)
        c.days.append(extra)
        self._take(int(self.fac[s]), c.room, [extra], int(self.slot[s]), new_cohort=False)
        return True

    def _trade(self, booked: list[_Cohort], extendable: list[_Cohort], p: int) -> bool:
        """Seat ``p`` in place of a member who moves to a free seat of another cohort."""
        if not extendable:
            return False
        for c in booked:
            if self.prefix[p, c.series] < len(c.members) + 1:
                continue
            for q in list(c.members):
                if not self.inst.may_join([m for m in c.members if m != q], p):
                    continue
                for other in extendable:
                    if other is not c and self._extend(other, q):
                        c.members[c.members.index(q)] = p
                        return True
        return False

    # -- the whole method ------------------------------------------------------------

    def run(self) -> list[_Cohort]:
        """Steps 2–4: the booked cohorts."""
        groups = self.groups
        shortest = groups.min_size + 1
        every = range(len(self.inst.participants))
        fits = [p for p in every if len(self.pool) and self.prefix.fit[p].max() >= shortest]
        days = {p: self._weekdays(p) for p in fits}
        fits.sort(key=lambda p: (len(days[p]), days[p], p))
        seats = sum(min(self.inst.facilitator_limit(f), len(fits))
                    for f in self.inst.facilitators) * groups.size
        target = groups.max_size if seats < len(fits) else groups.size
        waiting = list(fits)
        booked: list[_Cohort] = []
        left: list[int] = []
        while waiting and self.usable.any():
            seed = waiting[0]
            c = self._form(seed, waiting, target)
            while len(c.members) >= groups.min_size and not self._book(c):
                if len(c.members) == groups.min_size:
                    break
                need = len(c.members)
                worst = min(c.members[1:], key=lambda p: (
                    int(((self.prefix[p, c.idx] >= need) & self.usable[c.idx]).sum()), -p))
                c.members.remove(worst)
                c.fit = self.prefix[np.ix_(np.asarray(c.members), c.idx)].min(axis=0)
            if c.series < 0:
                left.append(seed)
                waiting.remove(seed)
                continue
            booked.append(c)
            taken = set(c.members)
            waiting = [p for p in waiting if p not in taken]
        rank = {p: n for n, p in enumerate(fits)}
        extendable = [c for c in booked if self._extendable(c)]
        for p in sorted([*left, *waiting], key=rank.__getitem__):
            if any(self._extend(c, p) for c in extendable) or \
                    self._trade(booked, extendable, p):
                extendable = [c for c in booked if self._extendable(c)]
        return booked


class _RoomsFull:
    """The series whose first ``min_size + 1`` sessions meet where every room that
    seats a smallest cohort is taken: none of them can be booked any more."""

    def __init__(self, inst: Instance, pool: SeriesPool) -> None:
        least = inst.program.groups.min_size + 1
        self.g = g = inst.n_slots
        # a smallest cohort: min_size members and the facilitator, min_size + 1 sessions
        self.rooms = [r for r, v in enumerate(inst.program.venues) if v.capacity >= least]
        first = pool.days[:, :least]
        cells = np.where(first >= 0, first * g + pool.slot[:, None], -1).ravel()
        self.order = np.argsort(cells, kind="stable")
        self.cells = cells[self.order]
        self.least = least
        self.full: set[int] = set()

    def through(self, diary: Diary, days: list[int]) -> np.ndarray:
        """The series through cells of ``days`` (day indexes) that every room has now
        taken and that were not full before."""
        found = []
        for d in days:
            for s in range(self.g):
                cell = d * self.g + s
                if cell in self.full or not all(diary.room_grid[r][d, s] for r in self.rooms):
                    continue
                self.full.add(cell)
                lo, hi = np.searchsorted(self.cells, [cell, cell + 1])
                found.append(self.order[lo:hi] // self.least)
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def coordinator_cohorts(inst: Instance, pool: SeriesPool | None = None) -> list[ScheduledCohort]:
    """The coordinator's plan of ``inst`` (a fresh program: no held sessions)."""
    method = _Method(inst, pool)
    program = inst.program
    cal_no = inst.calendar.calendar_number
    people = inst.participants
    result = []
    for c in method.run():
        f, slot = int(method.fac[c.series]), int(method.slot[c.series])
        members = tuple(people[p].id for p in sorted(c.members))
        minute = inst.calendar.slot_minutes[slot]
        slots = tuple(Slot(program.start + timedelta(days=cal_no[d]), minute)
                      for d in sorted(c.days))
        venue = None if c.room is None else program.venues[c.room].id
        owners = assign_case_owners(inst, members, slots)
        result.append(ScheduledCohort(inst.facilitators[f].id, venue, members, slots, owners))
    result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return result


def constructions(
    inst: Instance, floor: int = 0, pool: SeriesPool | None = None
) -> list[Construction]:
    """The coordinator's plan of ``inst`` (its series from ``pool`` when given), unless
    it places fewer than ``floor``."""
    cohorts = coordinator_cohorts(inst, pool)
    if sum(len(c.members) for c in cohorts) < floor:
        return []
    return [Construction("coordinator", tuple(cohorts))]
