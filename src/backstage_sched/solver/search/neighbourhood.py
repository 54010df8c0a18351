"""Large-neighbourhood search over series: seat more people by re-forming cohorts.

A plan is a set of series (:mod:`.pool`) with their members. Each round
builds one CP-SAT model of the *series model*, restricted to a few
candidates:

- every cohort's own series, so anyone may move to any cohort, and a cohort
  may grow (one more session after its last) or shrink;
- the best free series of one or two facilitators, priced by how many of the
  people left out can come to them, so a cohort may move to other dates or a
  facilitator with capacity to spare may open one.

It chooses which candidates run and who sits where, for the objectives in
order (people placed, earlier waiting lists, avoid-time hits, irregular
sessions), started from the current plan. A round's plan is kept when it is
no worse by :func:`.readback.plan_key`; rounds stop when nobody fittable is
left out, after ``ROUNDS`` rounds, after ``STALL`` rounds without a gain, or
when the time is up. Deterministic: CP-SAT runs on one worker with a
deterministic time limit, and the rounds are drawn from the seed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Protocol

import numpy as np
from ortools.sat.python import cp_model

from ...goals import PLACED, WAITED_PLACED
from ...inputs.workdays import Slot
from ...said import said
from ..model.diary import Diary
from ..model.instance import Instance
from ..model.objective import objective_levels
from ..model.pool import SeriesPool
from ..options import RESERVE, Progress, Tuning, time_left
from ..polish.owners import assign_case_owners
from ..readback import plan_key
from ..schedule import ScheduledCohort

ROUNDS = 30
"""Most rounds of one search (more on a large plan: four passes over its cohorts)."""
STALL = 6
"""Rounds without a better plan after which the search stops (more on a large plan:
one pass over its cohorts)."""
OFFER = 2
"""Facilitators whose free series a round offers."""
ALTERNATIVES = 36
"""Free series offered per facilitator in a round."""
LEFT_OUT = 40
"""Most people left out a round offers seats to (drawn from the seed when more could
come to its facilitators' series): at 1 200 people, all of them made rounds of
80 000 variables."""
NEIGHBOURHOOD = 18
"""Cohorts a round frees (with their facilitators, whole): the rest stay as they are."""
ROOMS_OFFERED = 2
"""Rooms a free series is offered in (those the kept cohorts leave free for it)."""
ROUND_EFFORT = 1.5
"""CP-SAT deterministic time per round (about a second of one core)."""


@dataclass(frozen=True)
class Candidate:
    """A series a cohort may run on, in a room (None: the program has no rooms)."""

    series: int
    room: int | None


@dataclass
class _Plan:
    """The plan as candidates and members (participant indexes); ``fixed`` cohorts
    cannot be expressed as a series (their start time varies) and stay as they are."""

    chosen: list[Candidate]
    members: list[list[int]]
    fixed: list[ScheduledCohort]


def search_series(
    inst: Instance, cohorts: list[ScheduledCohort], options: Tuning, say: Progress,
    ceiling: int, pool: SeriesPool | None = None, race: tuple[Race, int] | None = None,
) -> list[ScheduledCohort]:
    """``cohorts`` improved by neighbourhood search over series (a fresh program: no
    held sessions); never worse by :func:`.readback.plan_key`. With ``race`` (a
    :class:`Race` and this search's place in it) it stops once it has fallen behind."""
    if inst.earlier or not inst.facilitators:
        return cohorts
    pool = pool or SeriesPool(inst)
    if not len(pool):
        return cohorts
    search = _Search(inst, pool, options)
    plan = search.read(cohorts)
    best = list(cohorts)
    best_key = plan_key(inst, best)
    stall = 0
    passes = -(-len(cohorts) // NEIGHBOURHOOD)  # rounds that free every cohort once
    for n in range(max(ROUNDS, 4 * passes)):
        needy = search.needy(plan)
        perfect = best_key >= perfect_key(inst, ceiling)
        if race is not None:
            race[0].record(race[1], n, best_key[0] + Race.PERFECT * perfect)
        if perfect or time_left(options) <= RESERVE or \
                stall >= max(STALL, passes) or (race is not None and race[0].lost(race[1])):
            break
        found = search.round(plan, search.draw(plan, needy, n), needy, n)
        if found is None:
            stall += 1
            continue
        made = search.cohorts(found)
        key = plan_key(inst, made)
        if key > best_key:
            say(said("series search, round {number}: {placed} placed", number=n + 1,
                     placed=key[0]))
            best, best_key, plan, stall = made, key, found, 0
        else:
            stall += 1
            if key == best_key:
                plan = found  # as good: go on from here, for variety
    best.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return best


class Records(Protocol):
    """Where a :class:`Race` keeps its records: a list, or an array that processes share."""

    def __getitem__(self, i: int, /) -> int: ...

    def __setitem__(self, i: int, value: int, /) -> None: ...


class Race:
    """Two searches run side by side (or one after the other); the one that falls
    behind stops.

    After each round ``n`` a search records how many its best plan places
    (``placed[place * LONGEST + n]``, shared between processes; round 0 is its
    start), plus ``PERFECT`` once its plan cannot be better (:func:`perfect_key`).
    The first round that both searches have recorded where one plan is perfect
    and the other not, or (from round 1 on) where one places at least ``MARGIN``
    more, decides: the other search stops as soon as it sees it. With no such
    round, both run to their end and the better plan wins.
    Each search's records are the same however fast it runs, so the winner is
    the same in one process or two.
    """

    LONGEST = 1024
    """Most rounds recorded per search."""
    MARGIN = 2
    """People ahead, in one round, that decide the race."""
    PERFECT = 1 << 20
    """Added to the record of a plan that cannot be better."""

    def __init__(self, placed: Records) -> None:
        self.placed = placed

    @classmethod
    def blank(cls) -> list[int]:
        """Records of two searches with no round run yet."""
        return [-1] * (2 * cls.LONGEST)

    def record(self, place: int, n: int, placed: int) -> None:
        """The search at ``place`` places ``placed`` after round ``n``."""
        if n < self.LONGEST:
            self.placed[place * self.LONGEST + n] = placed

    def leader(self) -> int | None:
        """The place of the search ahead in the deciding round, or None (not yet, or never)."""
        longest = self.LONGEST
        for n in range(longest):
            a, b = self.placed[n], self.placed[longest + n]
            if a < 0 or b < 0:
                return None
            if (a >= self.PERFECT) != (b >= self.PERFECT) or \
                    (n and abs(a - b) >= self.MARGIN):
                return 0 if a > b else 1
        return None

    def lost(self, place: int) -> bool:
        """Whether the search at ``place`` has fallen behind."""
        leader = self.leader()
        return leader is not None and leader != place


def perfect_key(inst: Instance, ceiling: int) -> tuple[int, ...]:
    """The best :func:`.readback.plan_key` a plan could have: ``ceiling`` placed (and
    every earlier waiting list among them), no avoid-time hit, no irregular session."""
    waited = sum(1 for p in inst.program.waited_before if p in inst.participant_index)
    levels = objective_levels(inst)[:-1]
    best = {PLACED.code: ceiling, WAITED_PLACED.code: min(waited, ceiling)}
    return tuple(best.get(level.code, 0) for level in levels)


class _Search:
    """The rounds of one neighbourhood search on ``inst``."""

    def __init__(self, inst: Instance, pool: SeriesPool, options: Tuning) -> None:
        self.inst = inst
        self.pool = pool
        self.options = options
        self.program = program = inst.program
        self.groups = program.groups
        self.g = inst.n_slots
        self.fac_index = {f.id: i for i, f in enumerate(inst.facilitators)}
        self.room_index = {r.id: i for i, r in enumerate(program.venues)}
        diary = pool.diary
        self.weekday = diary.weekday
        self.avoid = [diary.grid(a) if a else None for a in inst.participant_avoid]
        shortest = self.groups.min_size + 1
        self.fittable = np.flatnonzero(pool.prefix.fit.max(axis=1, initial=0) >= shortest) \
            if len(pool) else np.zeros(0, dtype=np.int64)
        self.waited = {inst.participant_index[p] for p in program.waited_before
                       if p in inst.participant_index}
        # fac_fit[p, f]: some series of facilitator f fits person p in a smallest cohort
        self.fac_fit = np.zeros((len(inst.participants), len(inst.facilitators)), dtype=bool)
        for f in range(len(inst.facilitators)):
            mine = pool.fac == f
            if mine.any():
                self.fac_fit[:, f] = pool.prefix[:, mine].max(axis=1) >= shortest

    # -- the plan as series ------------------------------------------------------------

    def read(self, cohorts: list[ScheduledCohort]) -> _Plan:
        """``cohorts`` as candidates of the pool."""
        inst, pool = self.inst, self.pool
        index = inst.participant_index
        plan = _Plan([], [], [])
        for c in cohorts:
            minutes = {s.minute for s in c.slots}
            if len(minutes) != 1:
                plan.fixed.append(c)
                continue
            slot = inst.calendar.slot_minutes.index(c.slots[0].minute)
            days = [inst.calendar_index[(s.day - self.program.start).days] for s in c.slots]
            s = pool.find(self.fac_index[c.facilitator], slot, days)
            room = None if c.venue is None else self.room_index[c.venue]
            plan.chosen.append(Candidate(s, room))
            plan.members.append(sorted(index[m] for m in c.members))
        return plan

    def cohorts(self, plan: _Plan) -> list[ScheduledCohort]:
        """``plan`` as scheduled cohorts, case owners given."""
        inst, pool = self.inst, self.pool
        cal_no = inst.calendar.calendar_number
        result = list(plan.fixed)
        for cand, people in zip(plan.chosen, plan.members, strict=True):
            s = cand.series
            members = tuple(inst.participants[p].id for p in sorted(people))
            minute = inst.calendar.slot_minutes[int(pool.slot[s])]
            slots = tuple(
                Slot(self.program.start + timedelta(days=cal_no[int(d)]), minute)
                for d in pool.days[s, : len(members) + 1])
            venue = None if cand.room is None else self.program.venues[cand.room].id
            result.append(ScheduledCohort(
                inst.facilitators[int(pool.fac[s])].id, venue, members, slots,
                assign_case_owners(inst, members, slots)))
        result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
        return result

    # -- a round's neighbourhood -------------------------------------------------------

    def needy(self, plan: _Plan) -> np.ndarray:
        """People some series fits who have no place."""
        placed = {p for people in plan.members for p in people}
        placed |= {self.inst.participant_index[m] for c in plan.fixed for m in c.members}
        return np.array([p for p in self.fittable if p not in placed], dtype=np.int64)

    def waiting(self, needy: np.ndarray, facs: list[int], n: int) -> np.ndarray:
        """The people left out (``needy``) whom round ``n`` offers seats: those some
        series of ``facs`` fits, at most ``LEFT_OUT`` of them, drawn from the seed."""
        if len(needy):
            needy = needy[self.fac_fit[np.ix_(needy, np.asarray(facs))].any(axis=1)]
        if len(needy) > LEFT_OUT:
            rng = np.random.default_rng(self.options.seed * 1_000_003 + n + 500_009)
            needy = np.sort(rng.choice(needy, size=LEFT_OUT, replace=False))
        return needy

    def draw(self, plan: _Plan, needy: np.ndarray, n: int) -> list[int]:
        """The facilitators of a round, in a random order drawn from the seed: the more
        of the people left out can come to their series, and the more free seats their
        cohorts have, the earlier. The round frees the first of them, up to
        ``NEIGHBOURHOOD`` cohorts, and offers the free series of the first two."""
        pool = self.pool
        facs = len(self.inst.facilitators)
        weight = 1.0 + self.fac_fit[needy].sum(axis=0)
        top = self.inst.largest_cohort
        for cand, people in zip(plan.chosen, plan.members, strict=True):
            weight[int(pool.fac[cand.series])] += top - len(people)
        rng = np.random.default_rng(self.options.seed * 1_000_003 + n)
        order = rng.choice(facs, size=facs, replace=False, p=weight / weight.sum())
        return [int(f) for f in order]

    def alternatives(self, plan: _Plan, facs: list[int], needy: np.ndarray,
                     diary: Diary) -> list[Candidate]:
        """The best free series of ``facs`` that the kept cohorts (``diary``) leave
        open to the facilitator for a smallest cohort, each in the rooms they leave
        free for it (:meth:`_rooms`) when the program has rooms."""
        pool, shortest = self.pool, self.groups.min_size + 1
        current = {c.series for c in plan.chosen}
        people = np.array(sorted({p for ms in plan.members for p in ms} | set(needy.tolist())),
                          dtype=np.int64)
        result: list[Candidate] = []
        for f in facs:
            mine = np.flatnonzero(pool.fac == f)
            mine = mine[[s not in current for s in mine]]
            if not len(mine):
                continue
            first = pool.days[mine, :shortest]
            blocked = diary.fac_grid[f][first, pool.slot[mine, None]] | (first < 0)
            mine = mine[~blocked.any(axis=1)]
            if not len(mine):
                continue
            fit_all = (pool.prefix[np.ix_(people, mine)] >= shortest).sum(axis=0)
            fit_needy = (pool.prefix[np.ix_(needy, mine)] >= shortest).sum(axis=0) \
                if len(needy) else np.zeros(len(mine), dtype=np.int64)
            order = np.lexsort((mine, -fit_all, -fit_needy))
            per_day: dict[int, int] = defaultdict(int)
            taken = 0
            for i in order:
                s = mine[i]
                if fit_all[i] < self.groups.min_size:
                    continue
                kick = int(pool.days[s, 0])
                if per_day[kick] >= 3:
                    continue
                rooms = self._rooms(int(s), diary)
                if not rooms:
                    continue
                per_day[kick] += 1
                result.extend(Candidate(int(s), r) for r in rooms)
                taken += 1
                if taken >= ALTERNATIVES:
                    break
        return result

    def _rooms(self, s: int, diary: Diary) -> list[int | None]:
        """Rooms series ``s`` could use: none without rooms; else up to ``ROOMS_OFFERED``
        that seat a smallest cohort and that the kept cohorts leave free for its
        sessions, those free for the most sessions first, then the smallest."""
        venues = self.program.venues
        if not venues:
            return [None]
        pool, seat = self.pool, self.groups.min_size + 1
        days = pool.days[s][pool.days[s] >= 0]
        slot = int(pool.slot[s])
        free: list[tuple[int, int, int]] = []
        for r, v in enumerate(venues):
            if v.capacity < seat:
                continue
            taken = diary.room_grid[r][days, slot]
            run = int(np.argmax(taken)) if taken.any() else len(days)
            if run >= seat:
                free.append((-min(run, v.capacity), v.capacity, r))
        return [r for _, _, r in sorted(free)[:ROOMS_OFFERED]]

    def kept_diary(self, fixed: list[ScheduledCohort],
                   kept: list[tuple[Candidate, list[int]]]) -> Diary:
        """The facilitators' and rooms' bookings of the cohorts a round keeps."""
        inst, pool = self.inst, self.pool
        diary = Diary(inst)
        for c in fixed:
            room = None if c.venue is None else self.room_index[c.venue]
            diary.book(self.fac_index[c.facilitator], room,
                       [((s.day - inst.program.start).days,
                         inst.calendar.slot_minutes.index(s.minute)) for s in c.slots])
        cal_no = inst.calendar.calendar_number
        for cand, ms in kept:
            s = cand.series
            diary.book(int(pool.fac[s]), cand.room,
                       [(cal_no[int(d)], int(pool.slot[s])) for d in pool.days[s, : len(ms) + 1]])
        return diary

    # -- the model of one round --------------------------------------------------------

    def round(self, plan: _Plan, order: list[int], needy: np.ndarray,
              n: int) -> _Plan | None:
        """One round: the best plan over the cohorts of the first facilitators of
        ``order`` and the free series of the first two, the rest kept as they are;
        None when CP-SAT finds none in its time."""
        pool = self.pool
        count = Counter(int(pool.fac[c.series]) for c in plan.chosen)
        free: set[int] = set()
        for f in order:
            if len(free) >= 2 and sum(count[g] for g in free) >= NEIGHBOURHOOD:
                break
            free.add(f)
        inside = [j for j, c in enumerate(plan.chosen) if int(pool.fac[c.series]) in free]
        outside = [j for j, c in enumerate(plan.chosen) if int(pool.fac[c.series]) not in free]
        local = _Plan([plan.chosen[j] for j in inside], [plan.members[j] for j in inside],
                      plan.fixed)
        kept = [(plan.chosen[j], plan.members[j]) for j in outside]
        waiting = self.waiting(needy, sorted(free), n)
        diary = self.kept_diary(plan.fixed, kept)
        candidates = list(local.chosen) + self.alternatives(plan, order[:OFFER], waiting, diary)
        movable = sorted({p for ms in local.members for p in ms} | {int(p) for p in waiting})
        model = _SeriesModel(self, candidates, plan.fixed, diary, movable)
        model.hint(local)
        found = model.solve(self.options, n)
        if found is None:
            return None
        return _Plan([c for c, _ in kept] + found.chosen,
                     [ms for _, ms in kept] + found.members, plan.fixed)


class _SeriesModel:
    """The series model over ``candidates``: which run, who sits where."""

    def __init__(self, search: _Search, candidates: list[Candidate],
                 fixed: list[ScheduledCohort], diary: Diary, movable: list[int]) -> None:
        self.search = search
        self.candidates = candidates
        self.fixed = fixed
        inst, pool = search.inst, search.pool
        groups = search.groups
        self.model = m = cp_model.CpModel()
        lo, hi = groups.min_size, inst.largest_cohort
        people = list(movable)
        self.diary = diary  # the kept cohorts' facilitators and rooms
        self.open = [m.new_bool_var(f"open{j}") for j in range(len(candidates))]
        # longer[j][k]: candidate j holds session k (k > lo: only with more than k-1 members)
        self.longer: list[dict[int, cp_model.IntVar]] = []
        self.member: dict[tuple[int, int], cp_model.IntVar] = {}
        self.by_person: dict[int, list[int]] = defaultdict(list)
        # helper literals: true when any (``either``) or all (``both``) of theirs are
        self.either: list[tuple[cp_model.IntVar, list[cp_model.IntVar]]] = []
        self.both: list[tuple[cp_model.IntVar, list[cp_model.IntVar]]] = []
        for j, cand in enumerate(candidates):
            s = cand.series
            most = hi
            if cand.room is not None:
                most = min(most, inst.program.venues[cand.room].capacity - 1)
            longer = {}
            for k in range(lo + 1, groups.max_size + 1):
                longer[k] = m.new_bool_var(f"long{j}_{k}")
                if k > most or pool.days[s, k] < 0:
                    m.add(longer[k] == 0)
            self.longer.append(longer)
            if most < lo or (pool.days[s, : lo + 1] < 0).any():
                m.add(self.open[j] == 0)
            fits = [p for p in people if pool.prefix[p, s] >= lo + 1]
            for p in fits:
                y = self.member[p, j] = m.new_bool_var(f"y{p}_{j}")
                self.by_person[p].append(j)
                reach = int(pool.prefix[p, s])  # sessions 0..reach-1 open to p
                if reach in longer:
                    m.add_bool_or([y.Not(), longer[reach].Not()])
            size = [self.member[p, j] for p in fits]
            m.add(sum(size) == lo * self.open[j] + sum(longer.values()))
            keys = sorted(longer)
            for a, b in pairwise(keys):
                m.add_implication(longer[b], longer[a])
            if keys:
                m.add_implication(longer[keys[0]], self.open[j])
        self._one_place()
        self._organisations()
        self._apart()
        self._facilitators()
        self._rooms()
        self._objective()

    def used(self, j: int, k: int) -> cp_model.IntVar:
        """The literal of candidate ``j`` holding session ``k``."""
        return self.longer[j][k] if k in self.longer[j] else self.open[j]

    def sessions(self, j: int) -> list[tuple[int, int, int]]:
        """Candidate ``j``'s possible sessions as (k, day index, slot)."""
        pool = self.search.pool
        s = self.candidates[j].series
        top = self.search.groups.max_size
        return [(k, int(pool.days[s, k]), int(pool.slot[s])) for k in range(top + 1)
                if pool.days[s, k] >= 0]

    def _one_place(self) -> None:
        for p, js in self.by_person.items():
            self.model.add_at_most_one(self.member[p, j] for j in js)

    def _organisations(self) -> None:
        """The organisation mix per cohort (SPEC §2), or one organisation (company)."""
        inst, m = self.search.inst, self.model
        people = inst.participants
        by_cand: dict[int, dict[str, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list))
        for (p, j), y in self.member.items():
            by_cand[j][people[p].organization].append(y)
        for orgs in by_cand.values():
            if self.search.program.mode == "company":
                chosen = []
                for ys in orgs.values():
                    z = m.new_bool_var("")
                    self.either.append((z, ys))
                    chosen.append(z)
                    for y in ys:
                        m.add_implication(y, z)
                m.add_at_most_one(chosen)
            else:
                cap = self.search.groups.max_per_organization
                for ys in orgs.values():
                    if len(ys) > cap:
                        m.add(sum(ys) <= cap)

    def _apart(self) -> None:
        """``not_with`` and "met before": never in one cohort."""
        for p, q in self.search.inst.apart:
            for j in set(self.by_person.get(p, ())) & set(self.by_person.get(q, ())):
                self.model.add_bool_or([self.member[p, j].Not(), self.member[q, j].Not()])

    def _facilitators(self) -> None:
        """Capacity, no overlap with the buffer, and the daily session limit."""
        inst, m, diary = self.search.inst, self.model, self.diary
        pool = self.search.pool
        minutes = inst.calendar.slot_minutes
        duration = inst.program.sessions.duration_minutes
        by_fac: dict[int, list[int]] = defaultdict(list)
        for j, cand in enumerate(self.candidates):
            by_fac[int(pool.fac[cand.series])].append(j)
        for f, js in by_fac.items():
            fac = inst.facilitators[f]
            m.add(sum(self.open[j] for j in js) <= inst.facilitator_limit(fac) - diary.load[f])
            gap = duration + inst.program.buffer(fac)
            per_day: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
            for j in js:
                for k, d, a in self.sessions(j):
                    if diary.fac_grid[f][d, a]:
                        m.add(self.used(j, k) == 0)
                    else:
                        per_day[d].append((a, self.used(j, k)))
            cal_no = inst.calendar.calendar_number
            for d, items in per_day.items():
                room_left = inst.program.sessions_per_day(fac) - diary.held[f].get(cal_no[d], 0)
                if len(items) > room_left:
                    m.add(sum(lit for _, lit in items) <= room_left)
                _no_overlap(m, items, minutes, gap)

    def _rooms(self) -> None:
        """A room holds one session at a time."""
        inst, m, diary = self.search.inst, self.model, self.diary
        minutes = inst.calendar.slot_minutes
        duration = inst.program.sessions.duration_minutes
        by_room: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for j, cand in enumerate(self.candidates):
            if cand.room is None:
                continue
            for k, d, a in self.sessions(j):
                if diary.room_grid[cand.room][d, a]:
                    m.add(self.used(j, k) == 0)
                else:
                    by_room[cand.room, d].append((a, self.used(j, k)))
        for items in by_room.values():
            _no_overlap(m, items, minutes, duration)

    def _objective(self) -> None:
        """People placed, then earlier waiting lists, then avoid-time hits and
        irregular sessions, as one weighted sum."""
        search, m = self.search, self.model
        pool = search.pool
        costs = []
        for j, cand in enumerate(self.candidates):
            s = cand.series
            kick = search.weekday[pool.days[s, 0]]
            for k, d, _ in self.sessions(j):
                if k and search.weekday[d] != kick:
                    costs.append(self.used(j, k))
        hits = []
        for (p, j), y in self.member.items():
            grid = search.avoid[p]
            if grid is None:
                continue
            for k, d, a in self.sessions(j):
                if grid[d, a]:
                    if k in self.longer[j]:
                        both = m.new_bool_var("")
                        self.both.append((both, [y, self.longer[j][k]]))
                        m.add_bool_or([y.Not(), self.longer[j][k].Not(), both])
                        hits.append(both)
                    else:
                        hits.append(y)
        soft = len(costs) + len(hits) + 1
        waited = len(search.waited)
        placed = [(soft * (waited + 1), y) for (p, j), y in self.member.items()]
        bonus = [(soft, y) for (p, j), y in self.member.items() if p in search.waited]
        m.maximize(sum(w * y for w, y in placed + bonus) - sum(costs) - sum(hits))

    def hint(self, plan: _Plan) -> None:
        """Start from ``plan`` (its cohorts are the first candidates): every variable
        hinted, so CP-SAT holds a complete solution from the start."""
        value: dict[int, bool] = {}
        for j in range(len(self.candidates)):
            size = len(plan.members[j]) if j < len(plan.members) else 0
            value[self.open[j].index] = size > 0
            for k, lit in self.longer[j].items():
                value[lit.index] = size >= k
            mine = set(plan.members[j]) if j < len(plan.members) else set()
            for p in self.by_person:
                if (p, j) in self.member:
                    value[self.member[p, j].index] = p in mine
        for helper, lits in self.either:
            value[helper.index] = any(value[lit.index] for lit in lits)
        for helper, lits in self.both:
            value[helper.index] = all(value[lit.index] for lit in lits)
        for index, on in value.items():
            self.model.add_hint(self.model.get_bool_var_from_proto_index(index), on)

    def solve(self, options: Tuning, n: int) -> _Plan | None:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = options.seed + n
        solver.parameters.max_deterministic_time = ROUND_EFFORT
        # probing took the whole effort of a round before the search began
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.max_time_in_seconds = max(0.5, time_left(options) - RESERVE)
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen, members = [], []
        for j, cand in enumerate(self.candidates):
            if not solver.value(self.open[j]):
                continue
            people = sorted(p for p in self.by_person if (p, j) in self.member
                            and solver.value(self.member[p, j]))
            chosen.append(cand)
            members.append(people)
        return _Plan(chosen, members, self.fixed)


def _no_overlap(model: cp_model.CpModel, items: list[tuple[int, cp_model.IntVar]],
                minutes: tuple[int, ...] | list[int], reach: int) -> None:
    """At most one of ``items`` (slot, literal) of one day starts within ``reach``
    minutes of another: one clique per start time, of the sessions starting then or
    less than ``reach`` later."""
    if len(items) < 2:
        return
    starts = sorted({a for a, _ in items})
    for a in starts:
        clique = [lit for b, lit in items if 0 <= minutes[b] - minutes[a] < reach]
        if len(clique) > 1:
            model.add_at_most_one(clique)
