"""First-fit constructions: the plans a plain planner makes, kept as a floor.

A first-fit planner forms cohorts first (people in some order, each into the
first cohort with room that keeps the organisation and ``not_with`` rules),
then dates them (each cohort takes the first facilitator, kick-off day and
start time from which a regular 4-to-5-week series fits every member and the
facilitator, and with rooms the first room that seats it and is free at every
session); a cohort that finds no dates is dropped. :func:`constructions` runs
it in several natural orders and fill targets; the solver starts from the
best of them and never returns a plan that places fewer people (SPEC §2,
objective 1).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from ..inputs.workdays import Slot
from .instance import Instance
from .owners import assign_case_owners
from .schedule import ScheduledCohort


def _file_order(inst: Instance) -> list[int]:
    return list(range(len(inst.participants)))


def _largest_organisation_first(inst: Instance) -> list[int]:
    size: dict[str, int] = {}
    for person in inst.participants:
        size[person.organization] = size.get(person.organization, 0) + 1
    people = inst.participants
    return sorted(range(len(people)), key=lambda p: (-size[people[p].organization], p))


def _most_constrained_first(inst: Instance) -> list[int]:
    everything = len(inst.calendar.calendar_number) * inst.n_slots

    def room(p: int) -> int:
        allowed = inst.participant_open[p]
        return everything if allowed is None else len(allowed)

    return sorted(range(len(inst.participants)), key=lambda p: (room(p), p))


ORDERS: dict[str, Callable[[Instance], list[int]]] = {
    "file order": _file_order,
    "largest organisation first": _largest_organisation_first,
    "most constrained first": _most_constrained_first,
}
"""The natural orders a first-fit planner takes people in."""


@dataclass(frozen=True)
class Construction:
    """One first-fit plan: how it was made and its cohorts."""

    name: str
    cohorts: tuple[ScheduledCohort, ...]


def constructions(inst: Instance, floor: int = 0) -> list[Construction]:
    """First-fit plans of ``inst`` in every order of :data:`ORDERS`, filling cohorts
    to the target size and, where some people would wait anyway, to the maximum;
    a plan that cannot place ``floor`` people is given up as soon as that shows."""
    groups = inst.program.groups
    fills = [groups.size]
    if groups.max_size > groups.size and inst.placed_bound < len(inst.participants):
        fills.append(groups.max_size)
    found = []
    for name, order in ORDERS.items():
        people = order(inst)
        for fill in fills:
            label = name if fill == groups.size else f"{name}, cohorts of {fill}"
            made = first_fit(inst, people, fill, floor)
            if made is not None:
                found.append(Construction(label, tuple(made)))
    return found


def form_cohorts(inst: Instance, people: list[int], fill: int) -> list[list[int]]:
    """People in ``people`` order into the first cohort below ``fill`` members that
    keeps the organisation rule (mixed: at most ``max_per_organization``; company:
    one organisation) and every ``not_with`` pair; else a new cohort."""
    program = inst.program
    persons = inst.participants
    banned = {frozenset(pair) for pair in inst.apart}
    cap = program.groups.max_per_organization
    cohorts: list[list[int]] = []
    for p in people:
        org = persons[p].organization
        for members in cohorts:
            if len(members) >= fill:
                continue
            orgs = [persons[q].organization for q in members]
            if program.mode == "company" and orgs[0] != org:
                continue
            if program.mode == "mixed" and orgs.count(org) >= cap:
                continue
            if any(frozenset((p, q)) in banned for q in members):
                continue
            members.append(p)
            break
        else:
            cohorts.append([p])
    return cohorts


def first_fit(
    inst: Instance, people: list[int], fill: int, floor: int = 0
) -> list[ScheduledCohort] | None:
    """The first-fit plan of ``inst`` taking ``people`` in order, cohorts up to ``fill``;
    None as soon as it cannot place ``floor`` people any more."""
    program = inst.program
    diary = Diary(inst)
    result = []
    formed = [m for m in form_cohorts(inst, people, fill) if len(m) >= program.groups.min_size]
    potential = sum(len(m) for m in formed)
    for members in formed:
        found = diary.first_dates(members)
        if found is None:
            potential -= len(members)
            if potential < floor:
                return None
            continue
        f, room, days, slot = found
        diary.book(f, room, [(c, slot) for c in days])
        ids = tuple(inst.participants[p].id for p in sorted(members))
        minute = inst.calendar.slot_minutes[slot]
        slots = tuple(Slot(program.start + timedelta(days=c), minute) for c in days)
        venue = program.venues[room].id if room is not None else None
        owners = assign_case_owners(inst, ids, slots)
        result.append(ScheduledCohort(inst.facilitators[f].id, venue, ids, slots, owners))
    result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return result


class Diary:
    """Who leads how many cohorts, and at which starts each facilitator and room can
    take no further session: as sets of ``day * n_slots + slot`` values and as
    boolean grids ``[day index, slot]`` (True: taken)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        program = inst.program
        g = self.g = inst.n_slots
        cal = inst.calendar
        self.every = frozenset(c * g + s for c in cal.calendar_number for s in range(g))
        self.duration = program.sessions.duration_minutes
        self.load = [0] * len(inst.facilitators)
        self.held: list[dict[int, int]] = [{} for _ in inst.facilitators]  # day -> sessions
        shape = (inst.n_days, g)
        self.fac_blocked: list[set[int]] = [set() for _ in inst.facilitators]
        self.room_blocked: list[set[int]] = [set() for _ in program.venues]
        self.fac_grid = [np.zeros(shape, dtype=bool) for _ in inst.facilitators]
        self.room_grid = [np.zeros(shape, dtype=bool) for _ in program.venues]
        self._minutes = cal.slot_minutes
        # the gap window of each day: the next session's day index lies in [lo, hi)
        rules = program.sessions
        cal_no, eff_no = cal.calendar_number, cal.effective_number
        lo = [bisect_left(cal_no, c + rules.min_gap_days) for c in cal_no]
        self._lo = np.array([*lo, len(cal_no)])
        self._hi = np.array([*(bisect_right(eff_no, e + rules.max_gap_days) for e in eff_no), 0])
        self._weekday = np.array([c % 7 for c in cal_no])
        self._grids: dict[frozenset[int] | None, np.ndarray] = {}
        for r in range(len(program.venues)):
            for start in inst.venue_taken(r):
                day, minute = divmod(start, 1440)
                self._block(self.room_blocked[r], self.room_grid[r], day, minute, self.duration)

    def grid(self, allowed: frozenset[int] | None) -> np.ndarray:
        """``allowed`` (``when`` values; None: all) as a boolean grid [day index, slot]."""
        if allowed not in self._grids:
            g = self.g
            grid = np.ones((self.inst.n_days, g), dtype=bool)
            if allowed is not None:
                grid[:] = False
                index = self.inst.calendar_index
                for w in allowed:
                    grid[index[w // g], w % g] = True
            self._grids[allowed] = grid
        return self._grids[allowed]

    def _block(
        self, blocked: set[int], grid: np.ndarray, day: int, minute: int, reach: int
    ) -> None:
        """Block the starts of ``day`` less than ``reach`` minutes from ``minute``."""
        i = self.inst.calendar_index.get(day)
        for s, other in enumerate(self._minutes):
            if abs(other - minute) < reach:
                blocked.add(day * self.g + s)
                if i is not None:
                    grid[i, s] = True

    def book(self, f: int, room: int | None, sessions: list[tuple[int, int]]) -> None:
        """Record a dated cohort: its facilitator, room and (day, slot) per session."""
        program = self.inst.program
        fac = self.inst.facilitators[f]
        gap = self.duration + program.buffer(fac)
        self.load[f] += 1
        for c, slot in sessions:
            minute = self._minutes[slot]
            self.held[f][c] = self.held[f].get(c, 0) + 1
            if self.held[f][c] >= program.sessions_per_day(fac):
                self.fac_blocked[f].update(c * self.g + s for s in range(self.g))
                self.fac_grid[f][self.inst.calendar_index[c], :] = True
            self._block(self.fac_blocked[f], self.fac_grid[f], c, minute, gap)
            if room is not None:
                self._block(self.room_blocked[room], self.room_grid[room], c, minute,
                            self.duration)

    def chains(self, allowed: np.ndarray, need: int) -> tuple[np.ndarray, np.ndarray]:
        """Every start ``(day index, slot)`` open in ``allowed``, in (day, slot) order,
        and the day indexes of its chain of ``need`` sessions as
        :func:`.chains.chain_days` builds it (-1 where the chain stops short).

        The same rule, for all starts at once: each next session is the earliest
        open day in the gap window on the kick-off's weekday, else on the previous
        session's weekday, else any.
        """
        n, g = allowed.shape
        order = np.arange(n)[:, None]

        def next_open(grid: np.ndarray) -> np.ndarray:
            """[k, slot]: the first day index >= k open in ``grid`` (n: none)."""
            where = np.where(grid, order, n)
            first = np.minimum.accumulate(where[::-1], axis=0)[::-1]
            return np.vstack([first, np.full((1, g), n)])

        weekday = self._weekday
        any_day = next_open(allowed)
        on_day = np.stack([next_open(allowed & (weekday == w)[:, None]) for w in range(7)])
        starts = np.argwhere(allowed)
        cur, slot = starts[:, 0], starts[:, 1]
        kick = weekday[cur]
        days = np.full((len(starts), need), -1)
        days[:, 0] = cur
        alive = np.ones(len(starts), dtype=bool)
        for k in range(1, need):
            lo, hi = self._lo[cur], self._hi[cur]
            a = on_day[kick, lo, slot]
            b = on_day[weekday[cur], lo, slot]
            c = any_day[lo, slot]
            nxt = np.where(a < hi, a, np.where(b < hi, b, np.where(c < hi, c, -1)))
            alive &= nxt >= 0
            cur = np.where(alive, nxt, cur)
            days[:, k] = np.where(alive, nxt, -1)
        return starts, days

    def first_dates(
        self, members: list[int]
    ) -> tuple[int, int | None, tuple[int, ...], int] | None:
        """The first (facilitator, room, session days, slot) that fits ``members``:
        facilitators in input order, then kick-off days, then start times; the
        series is the regular chain of :func:`.chains.chain_days` over the
        times every member and the facilitator have open, and it must keep clear
        of the facilitator's and (the first that is free) a room's other sessions."""
        inst = self.inst
        program = inst.program
        need = len(members) + 1
        rooms = [r for r, v in enumerate(program.venues) if v.capacity >= need]
        if program.venues and not rooms:
            return None
        common = np.ones((inst.n_days, self.g), dtype=bool)
        for q in members:
            common &= self.grid(inst.participant_open[q])
        for f, fac in enumerate(inst.facilitators):
            if self.load[f] >= inst.facilitator_limit(fac):
                continue
            starts, days = self.chains(common & self.grid(inst.facilitator_open[f]), need)
            if not len(starts):
                continue
            slot = starts[:, 1][:, None]
            cells = np.where(days >= 0, days, 0)
            fits = (days >= 0).all(axis=1) & ~self.fac_grid[f][cells, slot].any(axis=1)
            best: tuple[int, int | None] | None = None  # (start position, room)
            if not program.venues:
                hits = np.flatnonzero(fits)
                best = (int(hits[0]), None) if len(hits) else None
            for r in rooms:
                hits = np.flatnonzero(fits & ~self.room_grid[r][cells, slot].any(axis=1))
                if len(hits) and (best is None or hits[0] < best[0]):
                    best = (int(hits[0]), r)
            if best is not None:
                cal_no = inst.calendar.calendar_number
                n, room = best
                chain = tuple(cal_no[i] for i in days[n].tolist())
                return f, room, chain, int(starts[n, 1])
        return None
