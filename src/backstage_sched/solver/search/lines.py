"""Room paths: the construction for programs where rooms bind, packing each room's year.

Where rooms bind, a plan is as good as the way its cohorts share the rooms'
days. A cohort in a room is a *path* through the room's open days: a kick-off,
then each session 28-35 days after the one before (the gap rule, blackouts not
counted). In rounds, each exact for what it looks at:

1. **Paths** (:class:`_PathModel`): one CP-SAT model chooses every room's paths
   at once, as whole numbers of cohorts passing each (session number, day): at
   most a room's free daily starts a day in each room; at most the sessions the
   facilitators open that day can lead across the rooms; no more cohorts than
   the facilitators may lead, in all, on every set of kick-off weekdays (those
   who work one of them) and changing between two weekdays (those who work
   both); no more members on a set of weekdays than people can come on one of
   them; a cohort of at most as many members as its room seats and at least
   ``min_size``. It places the most members (a member is a session after the
   kick-off), then changes weekday the least. A path keeps its kick-off's
   weekday, except once, across the longest blackout: a series of 5-week steps
   cannot keep its weekday over a summer break that is not a whole number of
   weeks, and a room packed with 5-week series seats more than with 4-week ones.
2. **Start times and leaders** (:func:`_times`, :func:`_leaders`): each cohort
   keeps one of its room's daily starts where it can; then one assignment model
   gives each cohort a facilitator open at all its sessions, never two at once,
   within ``max_cohorts`` and the sessions a day they may lead. The paths no
   one can lead (a facilitator away in one of their weeks) are dropped, and the
   next round (:data:`ROUNDS`) books what is left.
3. **Seats** (:func:`_seat`): people take the seats, the longest cohorts first:
   those who can come to the most of its sessions, the least available first,
   one organisation per seat as the rules allow (company runs: one organisation
   per cohort). A cohort keeps as many sessions as it has members plus one, or
   is dropped below the smallest size.

Deterministic: both models run on one worker with a deterministic time limit.
The neighbourhood search starts from this plan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations

import numpy as np
from ortools.sat.python import cp_model

from ...inputs.workdays import Slot
from ..model.diary import Diary
from ..model.instance import Instance
from ..options import Tuning, time_left
from ..polish.owners import assign_case_owners
from ..schedule import ScheduledCohort

PATHS_EFFORT = 20.0
"""CP-SAT deterministic time for the rooms' paths (a few seconds at 1 200 people); a
tenth of it for each later round."""
LEADERS_EFFORT = 5.0
"""CP-SAT deterministic time for giving the cohorts their facilitators."""
ROUNDS = 3
"""Most rounds of paths and leaders: a round books what is left by the one before,
where no facilitator could lead a path (one away in one of its weeks)."""


@dataclass(frozen=True)
class _Path:
    """A cohort being booked: its room, session days (day indexes) and start slots."""

    room: int
    days: tuple[int, ...]
    slots: tuple[int, ...] = ()


def room_lines(inst: Instance, options: Tuning | None = None) -> list[ScheduledCohort]:
    """A plan for a fresh program with rooms (none without): see the module docstring."""
    program = inst.program
    if not program.venues or not inst.facilitators or inst.earlier:
        return []
    diary = Diary(inst)
    rooms, starts, seats, _ = _lines(inst)
    if not rooms:
        return []
    cal_no = inst.calendar.calendar_number
    comes = [_weekdays(diary, opened) for opened in inst.participant_open]
    led: list[tuple[int, _Path]] = []
    for n in range(ROUNDS):
        deadline = time_left(options) if options is not None else float("inf")
        effort = PATHS_EFFORT if n == 0 else PATHS_EFFORT / 10
        paths = _paths(inst, diary, rooms, starts, seats, comes, effort, deadline)
        more = _leaders(inst, diary, _times(diary, paths, starts), deadline)
        for f, path in more:
            diary.book(f, path.room, [(cal_no[d], a) for d, a in zip(
                path.days, path.slots, strict=True)])
        led += more
        if len(more) == len(paths):
            break
    return _seat(inst, diary, led)


def rooms_bind(inst: Instance) -> bool:
    """Whether the rooms are what the plan is short of: their lines, a cohort of the
    room's size every 4 weeks in each, seat fewer than the people."""
    if not inst.program.venues:
        return False
    rooms, starts, seats, lanes = _lines(inst)
    return lanes * len(starts) * sum(seats[r] for r in rooms) < len(inst.participants)


def _lines(inst: Instance) -> tuple[list[int], list[int], list[int], int]:
    """The rooms that seat a smallest cohort (the largest first), the start slots of
    their lines (:func:`_starts`), every room's seats, and a line's lanes: the days it
    can start a cohort in the first 4 weeks."""
    groups = inst.program.groups
    seats = [min(inst.largest_cohort, v.capacity - 1) for v in inst.program.venues]
    rooms = sorted(range(len(seats)), key=lambda r: (-seats[r], r))
    eff = np.asarray(inst.calendar.effective_number)
    early = eff[0] + inst.program.sessions.min_gap_days if len(eff) else 0
    return ([r for r in rooms if seats[r] >= groups.min_size], _starts(inst), seats,
            int((eff < early).sum()))


def _starts(inst: Instance) -> list[int]:
    """The slots of a room's lines: from the day's start, a session and the pause after
    it apart (one facilitator may then lead two in a row), unless a session apart
    fits more of them in a day."""
    program = inst.program
    minutes = inst.calendar.slot_minutes
    duration = program.sessions.duration_minutes
    pause = min((program.buffer(f) for f in inst.facilitators), default=0)

    def every(step: int) -> list[int]:
        found, t = [], minutes[0] if minutes else -1
        while t in minutes:
            found.append(minutes.index(t))
            t += step
        return found

    close, apart = every(duration), every(duration + pause)
    return apart if len(apart) >= len(close) else close


class _PathModel:
    """The CP-SAT model of step 1 (module docstring): ``starts[r, d]`` cohorts kick off
    in room ``r`` on day index ``d``; ``steps[r, i, d, e]`` cohorts in room ``r`` have
    session ``i`` on day ``d`` and session ``i + 1`` on day ``e``."""

    def __init__(self, inst: Instance, diary: Diary, rooms: list[int], starts: list[int],
                 seats: list[int], comes: list[set[int]]) -> None:
        self.inst, self.diary, self.rooms, self.per_day, self.seats = (
            inst, diary, rooms, len(starts), seats)
        self.comes = comes
        """Per participant, the weekdays they can come (:func:`_weekdays`)."""
        self.model = cp_model.CpModel()
        # what the diary has booked (rounds before): the rooms' starts taken each day,
        # the cohorts each facilitator still may lead
        self.free = {r: len(starts) - diary.room_grid[r][:, starts].sum(axis=1)
                     for r in rooms}
        self.leads = [max(0, min(inst.facilitator_limit(fac), inst.n_days) - diary.load[f])
                      for f, fac in enumerate(inst.facilitators)]
        self.works = [_weekdays(diary, inst.facilitator_open[f]) if self.leads[f] else set()
                      for f in range(len(inst.facilitators))]
        program = inst.program
        self.longest_break = max(
            (sum(1 for n in range((b.end - b.start).days + 1)
                 if program.start <= b.start + timedelta(days=n) <= program.end)
             for b in program.blackouts), default=0)
        self.starts: dict[tuple[int, int], cp_model.IntVar] = {}
        self.steps: dict[tuple[int, int, int, int], cp_model.IntVar] = {}
        self.into: dict[tuple[int, int, int], list[cp_model.IntVar]] = defaultdict(list)
        self.out: dict[tuple[int, int, int], list[cp_model.IntVar]] = defaultdict(list)
        self.held: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        """The sessions each room holds each day (any session number)."""
        self._variables()
        self._flow()
        self._room_days()
        self._facilitator_days()
        self._cohorts_led()
        self._people_days()
        self._objective()

    def _keeps_weekday(self, d: int, e: int) -> bool:
        """Whether a step from day index ``d`` to ``e`` may be taken: on the same
        weekday, or across the longest blackout (so a cohort changes weekday once at
        most) to a weekday some facilitator works as well."""
        cal = self.inst.calendar
        a, b = int(self.diary.weekday[d]), int(self.diary.weekday[e])
        if a == b:
            return True
        skipped = (cal.calendar_number[e] - cal.calendar_number[d]
                   - cal.effective_number[e] + cal.effective_number[d])
        return skipped >= self.longest_break > 0 and any(
            a in mine and b in mine for mine in self.works)

    def _variables(self) -> None:
        m, n = self.model, self.inst.n_days
        for r in self.rooms:
            free = self.free[r]
            for d in range(n):
                if free[d]:
                    self.starts[r, d] = v = m.new_int_var(0, int(free[d]), "")
                    self.into[r, 0, d].append(v)
                    self.held[r, d].append(v)
            for i in range(self.seats[r]):
                for d in range(n):
                    for e in self.diary.next_days(d):
                        if free[d] and free[e] and self._keeps_weekday(d, e):
                            self.steps[r, i, d, e] = v = m.new_int_var(0, int(free[e]), "")
                            self.out[r, i, d].append(v)
                            self.into[r, i + 1, e].append(v)
                            self.held[r, e].append(v)

    def _flow(self) -> None:
        """A cohort that reaches session ``i`` goes on to the next, or ends there when it
        has its smallest size's sessions."""
        least = self.inst.program.groups.min_size
        for key in sorted(set(self.into) | set(self.out)):
            came, went = sum(self.into[key]), sum(self.out[key])
            if key[1] < least:
                self.model.add(came == went)
            else:
                self.model.add(came >= went)

    def _room_days(self) -> None:
        """A room holds at most its daily starts' sessions a day."""
        for (r, d), here in sorted(self.held.items()):
            if len(here) > 1:
                self.model.add(sum(here) <= int(self.free[r][d]))

    def _facilitator_days(self) -> None:
        """Across the rooms, no more sessions a day than the facilitators open that day
        can lead."""
        inst = self.inst
        program = inst.program
        lead = np.zeros(inst.n_days, dtype=np.int64)
        cal_no = inst.calendar.calendar_number
        for f, fac in enumerate(inst.facilitators):
            if self.leads[f]:
                held = np.array([self.diary.held[f].get(c, 0) for c in cal_no])
                lead += self.diary.grid(inst.facilitator_open[f]).any(axis=1) * np.maximum(
                    0, program.sessions_per_day(fac) - held)
        for d in range(inst.n_days):
            here = [v for r in self.rooms for v in self.held.get((r, d), ())]
            if here and lead[d] < self.per_day * len(self.rooms):
                self.model.add(sum(here) <= int(lead[d]))

    def _cohorts_led(self) -> None:
        """No more cohorts than the facilitators may lead: in all, on every set of
        kick-off weekdays (those who work one of them), and changing between two
        weekdays (those who work both)."""
        weekday = self.diary.weekday
        by_day: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (_r, d), v in self.starts.items():
            by_day[int(weekday[d])].append(v)
        self.model.add(sum(self.starts.values()) <= sum(self.leads))
        for chosen in _every_set(sorted(by_day)):
            most = sum(k for k, mine in zip(self.leads, self.works, strict=True)
                       if mine & chosen)
            self.model.add(sum(v for w in chosen for v in by_day[w]) <= most)
        changes: dict[frozenset[int], list[cp_model.IntVar]] = defaultdict(list)
        for (_r, _i, d, e), v in self.steps.items():
            if weekday[d] != weekday[e]:
                changes[frozenset((int(weekday[d]), int(weekday[e])))].append(v)
        for pair, vs in sorted(changes.items(), key=lambda c: sorted(c[0])):
            most = sum(k for k, mine in zip(self.leads, self.works, strict=True)
                       if pair <= mine)
            self.model.add(sum(vs) <= most)

    def _people_days(self) -> None:
        """For every set of weekdays, no more members meet on them than people can come
        on one of them (:attr:`comes`): seats no one can take are not booked."""
        weekday = self.diary.weekday
        into_weekday: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (_r, _i, _d, e), v in self.steps.items():
            into_weekday[int(weekday[e])].append(v)
        for chosen in _every_set(sorted(into_weekday)):
            can = sum(1 for mine in self.comes if mine & chosen)
            if can < len(self.comes):
                self.model.add(sum(v for w in chosen for v in into_weekday[w]) <= can)

    def _objective(self) -> None:
        """The most members (steps), then the fewest sessions off the kick-off's
        weekday: a step that changes weekday costs the sessions it may leave after it."""
        weekday = self.diary.weekday
        changes = [(self.seats[r] - i) * v for (r, i, d, e), v in self.steps.items()
                   if weekday[d] != weekday[e]]
        worst = sum(self.per_day * (self.seats[r] - i) for (r, i, d, e) in self.steps
                    if weekday[d] != weekday[e])
        self.model.maximize((worst + 1) * sum(self.steps.values()) - sum(changes))

    def read(self, solver: cp_model.CpSolver) -> list[_Path]:
        """The solution as paths: the cohorts through each (session, day), followed in
        order of their days."""
        paths: list[_Path] = []
        for r in self.rooms:
            heads: dict[tuple[int, int], list[list[int]]] = defaultdict(list)
            for d in range(self.inst.n_days):
                start = self.starts.get((r, d))
                heads[0, d].extend([d] for _ in range(0 if start is None else
                                                      solver.value(start)))
            for i in range(self.seats[r] + 1):
                for d in range(self.inst.n_days):
                    here = heads.pop((i, d), [])
                    for e in self.diary.next_days(d):
                        step = self.steps.get((r, i, d, e))
                        for _ in range(0 if step is None else solver.value(step)):
                            path = here.pop()
                            heads[i + 1, e].append([*path, e])
                    paths.extend(_Path(r, tuple(p)) for p in here)
        return paths


def _every_set(days: list[int]) -> Iterator[set[int]]:
    """Every non-empty set of ``days`` (weekdays: at most 31 sets)."""
    for size in range(1, len(days) + 1):
        for chosen in combinations(days, size):
            yield set(chosen)


def _weekdays(diary: Diary, open_when: frozenset[int] | None) -> set[int]:
    """The weekdays (as :attr:`.Diary.weekday` counts them) open on at least half of
    their days, at some start."""
    grid: np.ndarray = np.asarray(diary.grid(open_when).any(axis=1))
    return {int(w) for w in np.unique(diary.weekday)
            if 2 * int(grid[diary.weekday == w].sum()) >= int((diary.weekday == w).sum())}


def _paths(inst: Instance, diary: Diary, rooms: list[int], starts: list[int],
           seats: list[int], comes: list[set[int]], effort: float, seconds: float
           ) -> list[_Path]:
    """Step 1 of the module docstring: every room's cohorts as paths of days, where
    ``diary`` has room (and facilitators to lead them)."""
    paths = _PathModel(inst, diary, rooms, starts, seats, comes)
    solver = _solver(effort, seconds)
    status = solver.solve(paths.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    return paths.read(solver)


def _times(diary: Diary, paths: list[_Path], starts: list[int]) -> list[_Path]:
    """Each path's start slots (step 2): the first of its room's daily starts free at
    all its sessions, else the first free at each; the earliest kick-offs first."""
    def free(r: int, d: int, a: int) -> bool:
        return a not in taken[r, d] and not diary.room_grid[r][d, a]

    taken: dict[tuple[int, int], set[int]] = defaultdict(set)
    timed: list[_Path] = []
    for path in sorted(paths, key=lambda p: (p.days, p.room)):
        always = [a for a in starts if all(free(path.room, d, a) for d in path.days)]
        slots = tuple(always[:1] * len(path.days)) or tuple(
            next(a for a in starts if free(path.room, d, a)) for d in path.days)
        for d, a in zip(path.days, slots, strict=True):
            taken[path.room, d].add(a)
        timed.append(_Path(path.room, path.days, slots))
    return timed


def _leaders(inst: Instance, diary: Diary, paths: list[_Path], seconds: float
             ) -> list[tuple[int, _Path]]:
    """Step 2 of the module docstring: a facilitator for as many members' seats as
    can be led, as ``(facilitator index, path)``."""
    program = inst.program
    minutes = inst.calendar.slot_minutes
    model = cp_model.CpModel()
    lead: dict[tuple[int, int], cp_model.IntVar] = {}
    for f in range(len(inst.facilitators)):
        grid = diary.grid(inst.facilitator_open[f]) & ~diary.fac_grid[f]
        for c, path in enumerate(paths):
            if all(grid[d, a] for d, a in zip(path.days, path.slots, strict=True)):
                lead[c, f] = model.new_bool_var("")
    by_path: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_day: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for (c, f), v in lead.items():
        by_path[c].append(v)
        for d, a in zip(paths[c].days, paths[c].slots, strict=True):
            by_day[f, d].append((a, v))
    for vs in by_path.values():
        model.add_at_most_one(vs)
    for (f, d), held in by_day.items():
        fac = inst.facilitators[f]
        reach = program.sessions.duration_minutes + program.buffer(fac)
        model.add(sum(v for _, v in held) <= program.sessions_per_day(fac)
                  - diary.held[f].get(inst.calendar.calendar_number[d], 0))
        for a in sorted({a for a, _ in held}):  # never two sessions too close
            near = [v for b, v in held if abs(minutes[a] - minutes[b]) < reach]
            if len(near) > 1:
                model.add_at_most_one(near)
    for f, fac in enumerate(inst.facilitators):
        mine = [v for (_, g), v in lead.items() if g == f]
        if len(mine) > inst.facilitator_limit(fac) - diary.load[f]:
            model.add(sum(mine) <= inst.facilitator_limit(fac) - diary.load[f])
    model.maximize(sum((len(paths[c].days) - 1) * v for (c, _), v in lead.items()))
    solver = _solver(LEADERS_EFFORT, seconds)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    return [(f, paths[c]) for (c, f), v in sorted(lead.items()) if solver.value(v)]


def _solver(effort: float, seconds: float) -> cp_model.CpSolver:
    """One deterministic worker for ``effort`` deterministic seconds, never past
    ``seconds`` of wall time."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = effort
    solver.parameters.max_time_in_seconds = max(0.1, min(seconds, 10 * effort))
    return solver


def _seat(inst: Instance, diary: Diary, led: list[tuple[int, _Path]]) -> list[ScheduledCohort]:
    """People in the booked cohorts (step 3 of the module docstring)."""
    program = inst.program
    groups = program.groups
    people = inst.participants
    grids = np.stack([diary.grid(inst.participant_open[p]) for p in range(len(people))])
    flexible = grids.sum(axis=(1, 2))
    placed = np.zeros(len(people), dtype=bool)
    minutes = inst.calendar.slot_minutes
    cal_no = inst.calendar.calendar_number
    result: list[ScheduledCohort] = []
    for f, path in sorted(led, key=lambda b: (-len(b[1].days), b[1].days, b[1].room, b[0])):
        open_ = grids[:, list(path.days), list(path.slots)]
        reach = np.where(open_.all(axis=1), len(path.days), np.argmin(open_, axis=1))
        can = np.flatnonzero((reach > groups.min_size) & ~placed)
        order = can[np.lexsort((can, flexible[can], -reach[can]))]
        members = _members(inst, [int(p) for p in order], len(path.days) - 1)
        members.sort(key=lambda p: -int(reach[p]))
        while members and int(reach[members[-1]]) < len(members) + 1:
            members.pop()
        if len(members) < groups.min_size:
            continue
        placed[members] = True
        ids = tuple(sorted(people[p].id for p in members))
        slots = tuple(Slot(program.start + timedelta(days=cal_no[d]), minutes[a])
                      for d, a in zip(path.days[: len(members) + 1], path.slots, strict=False))
        result.append(ScheduledCohort(
            inst.facilitators[f].id, program.venues[path.room].id, ids, slots,
            assign_case_owners(inst, ids, slots)))
    result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return result


def _members(inst: Instance, order: list[int], most: int) -> list[int]:
    """Up to ``most`` of ``order`` (best first) who may sit together
    (:meth:`.Instance.may_join`); in a company run, of the organisation with the most
    of them."""
    if inst.program.mode == "company":
        org = [p.organization for p in inst.participants]
        count = Counter(org[p] for p in order)
        first: dict[str, int] = {}
        for i, p in enumerate(order):
            first.setdefault(org[p], i)
        if not first:
            return []
        best = min(first, key=lambda o: (-min(count[o], most), first[o]))
        order = [p for p in order if org[p] == best]
    chosen: list[int] = []
    for p in order:
        if inst.may_join(chosen, p):
            chosen.append(p)
            if len(chosen) >= most:
                break
    return chosen
