"""The coordinator's method: dates first, a plan the search may start from.

A coordinator with a spreadsheet does not form groups and then look for
dates; real registrations bind on the weekdays people and facilitators can
come. So this construction forms every cohort around a *series* still free
for a facilitator with capacity:

1. A series is a facilitator, a start time and its session days: the
   kick-off, then the same weekday every 28 days (else 35, else 29–34,
   stretched across a blackout), on days the facilitator is open
   (:meth:`Diary.chains`); and for each later session a variant taken one
   step further, as a member's absence that day would force.
2. Who fits which series: per person and series, how many leading sessions
   they can come to (``prefix``). People no series fits wait.
3. The most constrained first (fewest weekdays a series fits them on), a
   cohort grows around them first-fit, the largest organisations' people
   first (the organisation cap keeps them out last), while some free series
   fits every member; up to the target size, or the maximum when the
   facilitators cannot seat everyone at the target.
4. It takes the earliest free series of the least-loaded facilitator that
   fits, with a free room when the program has rooms; when none is free,
   its least available member leaves, down to ``min_size``.
5. The people left take a free seat (one more session after the last), or a
   member's place who moves to a free seat of another cohort.

:func:`constructions` returns the plan; the search starts from the better of
it and the greedy construction (:func:`.hints.best_start`) and never returns
one that places fewer (SPEC §2, objective 1).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from ..inputs.workdays import Slot
from .instance import Instance
from .owners import assign_case_owners
from .schedule import ScheduledCohort


@dataclass(frozen=True)
class Construction:
    """One constructed plan: how it was made and its cohorts."""

    name: str
    cohorts: tuple[ScheduledCohort, ...]


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
        self.weekday = np.array([c % 7 for c in cal_no])  # counted from the first day's
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

    def book(self, f: int, room: int | None, sessions: list[tuple[int, int]],
             new_cohort: bool = True) -> None:
        """Record dated sessions (calendar day, slot) of a cohort of facilitator ``f`` in
        ``room``; ``new_cohort``: they start a cohort (it counts in ``f``'s load)."""
        program = self.inst.program
        fac = self.inst.facilitators[f]
        gap = self.duration + program.buffer(fac)
        self.load[f] += new_cohort
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

    def chains(
        self, allowed: np.ndarray, need: int, skip: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every start ``(day index, slot)`` open in ``allowed``, in (day, slot) order,
        and the day indexes of its chain of ``need`` sessions as
        :func:`.chains.chain_days` builds it (-1 where the chain stops short).

        The same rule, for all starts at once: each next session is the earliest
        open day in the gap window on the kick-off's weekday, else on the previous
        session's weekday, else any. With ``skip`` = k > 0, session k is the next
        such day after the first choice, as if that day were closed.
        """
        n, g = allowed.shape
        order = np.arange(n)[:, None]

        def next_open(grid: np.ndarray) -> np.ndarray:
            """[k, slot]: the first day index >= k open in ``grid`` (n: none)."""
            where = np.where(grid, order, n)
            first = np.minimum.accumulate(where[::-1], axis=0)[::-1]
            return np.vstack([first, np.full((2, g), n)])

        weekday = self.weekday
        any_day = next_open(allowed)
        on_day = np.stack([next_open(allowed & (weekday == w)[:, None]) for w in range(7)])
        starts = np.argwhere(allowed)
        cur, slot = starts[:, 0], starts[:, 1]
        kick = weekday[cur]
        days = np.full((len(starts), need), -1)
        days[:, 0] = cur
        alive = np.ones(len(starts), dtype=bool)

        def choose(lo: np.ndarray, hi: np.ndarray, prev: np.ndarray) -> np.ndarray:
            a = on_day[kick, lo, slot]
            b = on_day[weekday[prev], lo, slot]
            c = any_day[lo, slot]
            return np.where(a < hi, a, np.where(b < hi, b, np.where(c < hi, c, -1)))

        for k in range(1, need):
            lo, hi = self._lo[cur], self._hi[cur]
            nxt = choose(lo, hi, cur)
            if k == skip:
                nxt = np.where(nxt >= 0, choose(np.maximum(nxt, 0) + 1, hi, cur), -1)
            alive &= nxt >= 0
            cur = np.where(alive, nxt, cur)
            days[:, k] = np.where(alive, nxt, -1)
        return starts, days


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

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.program = program = inst.program
        self.groups = program.groups
        self.diary = diary = Diary(inst)
        longest = self.groups.max_size + 1
        facs, slots, days = [], [], []
        seen: set[tuple[int, int, tuple[int, ...]]] = set()
        for f in range(len(inst.facilitators)):
            allowed = diary.grid(inst.facilitator_open[f])
            for skip in range(longest):
                starts, chains = diary.chains(allowed, longest, skip)
                long_enough = (chains >= 0).sum(axis=1) >= self.groups.min_size + 1
                for (_, slot), chain in zip(starts[long_enough], chains[long_enough],
                                            strict=True):
                    key = (f, int(slot), tuple(chain.tolist()))
                    if key not in seen:
                        seen.add(key)
                        facs.append(f)
                        slots.append(int(slot))
                        days.append(chain)
        self.fac = np.array(facs, dtype=np.int64)
        self.slot = np.array(slots, dtype=np.int64)
        self.days = np.array(days, dtype=np.int64).reshape(len(days), longest)
        self.usable = np.ones(len(facs), dtype=bool)
        self.kick_weekday = diary.weekday[self.days[:, 0]] if len(facs) else np.zeros(0, int)
        self.prefix = self._prefixes()

    def _prefixes(self) -> np.ndarray:
        """prefix[p, s]: how many leading sessions of series s person p can come to."""
        inst = self.inst
        out = np.zeros((len(inst.participants), len(self.fac)), dtype=np.int8)
        if not len(self.fac):
            return out
        g = inst.n_slots
        # every session as a cell of the flattened [day index, slot] grid; a session
        # the series does not have points at an extra cell that is never open
        never = inst.n_days * g
        cells = np.where(self.days >= 0, self.days * g + self.slot[:, None], never)
        # leading ones of a session mask packed in a byte: a lookup, not a scan
        trailing = np.array([(b ^ (b + 1)).bit_length() - 1 for b in range(256)],
                            dtype=np.int8)
        for p, open_when in enumerate(inst.participant_open):
            grid = np.append(self.diary.grid(open_when).ravel(), False)
            packed = np.packbits(grid[cells], axis=1, bitorder="little")
            count = trailing[packed[:, 0]]
            whole = packed[:, 0] == 255
            for b in range(1, packed.shape[1]):  # series of more than 8 sessions
                count = np.where(whole, count + trailing[packed[:, b]], count)
                whole &= packed[:, b] == 255
            out[p] = count
        return out

    # -- steps 2 and 3 ---------------------------------------------------------------

    def _weekdays(self, p: int) -> tuple[int, ...]:
        """The weekdays of the series person ``p`` fits as a member of a smallest cohort."""
        best = np.zeros(7, dtype=np.int8)
        np.maximum.at(best, self.kick_weekday, self.prefix[p])
        return tuple(int(w) for w in np.flatnonzero(best >= self.groups.min_size + 1))

    def _may_join(self, members: list[int], p: int) -> bool:
        people = self.inst.participants
        org = people[p].organization
        orgs = [people[q].organization for q in members]
        if self.program.mode == "company" and orgs and orgs[0] != org:
            return False
        if self.program.mode == "mixed" and orgs.count(org) >= self.groups.max_per_organization:
            return False
        apart = self.inst.apart
        return not any((p, q) in apart or (q, p) in apart for q in members)

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
            if p == seed or not self._may_join(c.members, p):
                continue
            fit = np.minimum(c.fit, self.prefix[p, c.idx])
            if (fit >= len(c.members) + 2).any():
                c.members.append(p)
                c.fit = fit
        return c

    # -- step 4 ----------------------------------------------------------------------

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
        viable = c.idx[(c.fit >= need) & self.usable[c.idx]]
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

    # -- step 5 ----------------------------------------------------------------------

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
        if self.prefix[p, s] < n + 2 or not self._may_join(c.members, p):
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
                if not self._may_join([m for m in c.members if m != q], p):
                    continue
                for other in extendable:
                    if other is not c and self._extend(other, q):
                        c.members[c.members.index(q)] = p
                        return True
        return False

    # -- the whole method ------------------------------------------------------------

    def run(self) -> list[_Cohort]:
        """Steps 2–5: the booked cohorts."""
        groups = self.groups
        shortest = groups.min_size + 1
        every = range(len(self.inst.participants))
        fits = [p for p in every if self.prefix.shape[1] and self.prefix[p].max() >= shortest]
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
                c.fit = self.prefix[np.ix_(c.members, c.idx)].min(axis=0)
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


def coordinator_cohorts(inst: Instance) -> list[ScheduledCohort]:
    """The coordinator's plan of ``inst`` (a fresh program: no held sessions)."""
    method = _Method(inst)
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


def constructions(inst: Instance, floor: int = 0) -> list[Construction]:
    """The coordinator's plan of ``inst``, unless it places fewer than ``floor``."""
    cohorts = coordinator_cohorts(inst)
    if sum(len(c.members) for c in cohorts) < floor:
        return []
    return [Construction("the coordinator's method", tuple(cohorts))]
