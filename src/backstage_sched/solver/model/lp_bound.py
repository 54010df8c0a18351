"""The bound's linear relaxation: an upper bound on placed people, solved with GLOP.

Valid for the true problem (SPEC §2), not only for the series a search looks at:
every feasible plan maps to a feasible point of the linear program below with
the same number of placed people, so the optimum of the program is at least
what any plan places. The mapping, rule by rule:

*Types.* A cohort's *type* is ``(f, w)``: its facilitator and the weekday of
its kick-off. A person *fits* ``(f, w)`` when some series of ``min_size + 1``
sessions (the gap rule, blackouts stretching it, inside the program window)
starts on a day of weekday ``w`` and falls on days where the person and ``f``
share an open start time. Each member of a real cohort fits its type: the
cohort has at least ``min_size`` members, hence at least ``min_size + 1``
sessions, every one at a time open to the facilitator and to every member
(rules 3–6), and its first ``min_size + 1`` are such a series.

*People.* People with the same organisation and the same fitted types form a
class of ``n_k`` people. ``x[k, t]`` counts class ``k`` members placed in
cohorts of type ``t``, ``y[t]`` counts cohorts of type ``t``. A plan sets
them to those counts; each person is in at most one cohort, so
``sum_t x[k, t] <= n_k``.

*Cohorts.* A cohort has at most ``S`` members (``max_size``, or fewer when no
room seats more and the facilitator), and in a mixed run at most
``max_per_organization`` of one organisation: ``sum_k x[k, t] <= S y[t]`` and
``sum_{k of o} x[k, t] <= cap y[t]``.

*Facilitators.* ``f`` leads at most ``K_f`` cohorts (:func:`.bound.cohorts_led`),
and a cohort of ``s`` members has ``s + 1`` sessions, each on a day ``f`` is
open, at most ``max_sessions_per_day`` a day: ``sum_w y[f, w] <= K_f`` and
``sum_w (sum_k x[k, (f, w)] + y[f, w]) <= open days(f) * sessions a day(f)``.

*Rooms* (when the program lists venues). A cohort keeps one room seating its
members and the facilitator, so its last session is number ``top`` at most
(``min(S, capacity - 1)``); a room hosts at most ``window // duration``
sessions a day. Rooms of one ``top`` share a network of nodes ``(i, week)``:
a cohort's session ``i`` on day ``d`` is at ``(i, week of d)``, and a step
joins two weeks that hold days the gap rule lets follow each other (days a
series of at least ``min_size + 1`` sessions can pass at that place). A
cohort is a path of steps from a kick-off, ending after session
``min_size`` or later. A plan's cohorts give an integral flow of such paths
in their rooms' networks: a week's nodes hold no more sessions than its
allowed days times the rooms times their sessions a day; the kick-offs on
weekday ``w`` are ``sum_f y[f, w]``, and the steps (one per follow-up
session, one per member) are ``sum x``.

*Pools.* Past :data:`MOST_PAIRS` (class, type) pairs, facilitators open on
the same weekdays count as one (:func:`_pools`): a person fits the pool's
type when they fit one of its facilitators', and the pool leads the cohorts
and sessions of all of them. A plan's cohorts, counted by pool, still map to
a point of the program.

The optimum is rounded down after adding a small slack for the solver's
tolerances (rounding a true optimum ``v`` down to ``floor(v + slack)`` can only
make the bound weaker, never invalid). A re-plan (cohorts kept from an earlier
plan) is not modelled, and GLOP stops after :data:`MOST_ITERATIONS`
(deterministically): :func:`lp_bound` returns None for both.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from ortools.linear_solver import pywraplp

from .instance import Instance

SLACK = 1e-2
"""Added to the solver's optimum before rounding down, for its tolerances."""

MOST_PAIRS = 100_000
"""Most (class, type) pairs before facilitators are pooled (:func:`_pools`): keeps
the program to seconds for the largest programs (5 000 registrations)."""

MOST_ITERATIONS = 200_000
"""GLOP's iteration limit (deterministic, unlike a time limit); past it, no bound."""


def lp_bound(inst: Instance, leads: list[int],
             fitted: list[set[tuple[int, int]]] | None = None) -> int | None:
    """The relaxation's optimum rounded down (module docstring), or None on a re-plan.

    ``leads``: per facilitator the most cohorts they can lead (``K_f``);
    ``fitted``: :func:`fitted_types` when the caller has it.
    """
    if inst.earlier:
        return None
    fits = fitted_types(inst) if fitted is None else fitted
    fits = [{t for t in mine if leads[t[0]] > 0} for mine in fits]
    if not any(fits):
        return 0
    return _solve(inst, _Days(inst), fits, leads)


class _Days:
    """The allowed days: weekdays, the gap rule's successors, open start times."""

    def __init__(self, inst: Instance) -> None:
        cal = inst.calendar
        rules = inst.program.sessions
        self.n = len(cal.days)
        self.g = inst.n_slots
        self.weekday = np.array([d.weekday() for d in cal.days], dtype=np.int8)
        cal_no = cal.calendar_number
        eff_no = cal.effective_number
        # the days that may follow day d in a series: an index range [lo, hi)
        self.lo = np.zeros(self.n, dtype=np.int64)
        self.hi = np.zeros(self.n, dtype=np.int64)
        lo = hi = 0
        for d in range(self.n):
            lo = max(lo, d + 1)
            while lo < self.n and cal_no[lo] - cal_no[d] < rules.min_gap_days:
                lo += 1
            hi = max(hi, lo)
            while hi < self.n and eff_no[hi] - eff_no[d] <= rules.max_gap_days:
                hi += 1
            self.lo[d], self.hi[d] = lo, hi
        # position of each ``when`` (calendar number * g + slot) among allowed days
        size = (max(cal_no, default=0) + 1) * self.g
        self.position = np.full(size, -1, dtype=np.int64)
        for d, number in enumerate(cal_no):
            self.position[number * self.g: (number + 1) * self.g] = np.arange(
                d * self.g, (d + 1) * self.g)

    def mask(self, open_when: frozenset[int] | None) -> np.ndarray:
        """``open_when`` as a (day, slot) boolean array over the allowed days."""
        if open_when is None:
            return np.ones((self.n, self.g), dtype=bool)
        flat = np.zeros(self.n * self.g, dtype=bool)
        whens = np.fromiter(open_when, dtype=np.int64, count=len(open_when))
        whens = whens[whens < len(self.position)]
        spots = self.position[whens]
        flat[spots[spots >= 0]] = True
        return flat.reshape(self.n, self.g)

    def longest(self, open_days: np.ndarray, cap: int) -> np.ndarray:
        """Per row and day, the most sessions (at most ``cap``) of a series that
        starts that day and keeps to the row's open days (rows x days, bool)."""
        opened = np.ascontiguousarray(open_days.T)  # day by day, the rows side by side
        length = np.zeros(opened.shape, dtype=np.int16)
        for d in range(self.n - 1, -1, -1):
            lo, hi = self.lo[d], self.hi[d]
            after = length[lo:hi].max(axis=0) if hi > lo else 0
            length[d] = np.where(opened[d], np.minimum(after + 1, cap), 0)
        return length.T


def fitted_types(inst: Instance) -> list[set[tuple[int, int]]]:
    """Per participant, the types ``(facilitator, kick-off weekday)`` they fit: some
    series of ``min_size + 1`` sessions from a day of that weekday falls on days
    where they and the facilitator share an open start time."""
    if not inst.participants:
        return []
    days = _Days(inst)
    need = inst.program.groups.min_size + 1
    signatures: dict[frozenset[int] | None, int] = {}
    rows = [signatures.setdefault(o, len(signatures)) for o in inst.participant_open]
    # signature x day x start times packed eight to a byte
    people = np.packbits(np.stack([days.mask(o) for o in signatures]), axis=2)
    fits: list[set[tuple[int, int]]] = [set() for _ in signatures]
    weekdays = sorted(set(days.weekday.tolist()))
    for f, opened in enumerate(inst.facilitator_open):
        both = np.asarray(
            (people & np.packbits(days.mask(opened), axis=1)[None, :, :]).any(axis=2))
        starts = days.longest(both, need) >= need
        for w in weekdays:
            for s in np.flatnonzero(starts[:, days.weekday == w].any(axis=1)).tolist():
                fits[s].add((f, w))
    return [set(fits[r]) for r in rows]


def _solve(inst: Instance, days: _Days, fits: list[set[tuple[int, int]]],
           leads: list[int]) -> int | None:
    program = inst.program
    groups = program.groups
    size = inst.largest_cohort
    mixed = program.mode == "mixed"
    lp = pywraplp.Solver.CreateSolver("GLOP")
    objective = lp.Objective()
    objective.SetMaximization()

    fits, most, sessions_led = _pools(inst, days, fits, leads)
    classes = _classes(inst, fits)
    types = sorted({t for _, fitted in classes for t in fitted})
    y = {t: lp.NumVar(0, most[t[0]], "") for t in types}
    members = {t: lp.Constraint(-lp.infinity(), 0) for t in types}  # sum x - S y <= 0
    for t in types:
        members[t].SetCoefficient(y[t], -size)
    of_org: dict[tuple[str, tuple[int, int]], list[tuple[pywraplp.Variable, int]]] = (
        defaultdict(list))
    placed: list[pywraplp.Variable] = []
    per_type: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
    for (org, fitted), count in sorted(classes.items(), key=lambda c: (c[0][0], sorted(c[0][1]))):
        once = lp.Constraint(0, count)
        for t in sorted(fitted):
            x = lp.NumVar(0, count, "")
            once.SetCoefficient(x, 1)
            members[t].SetCoefficient(x, 1)
            objective.SetCoefficient(x, 1)
            of_org[org, t].append((x, count))
            per_type[t].append(x)
            placed.append(x)
    if mixed:
        cap = groups.max_per_organization
        for (_org, t), xs in sorted(of_org.items()):
            if sum(count for _, count in xs) > cap:
                row = lp.Constraint(-lp.infinity(), 0)
                row.SetCoefficient(y[t], -cap)
                for x, _ in xs:
                    row.SetCoefficient(x, 1)
    for f in sorted({f for f, _ in types}):
        mine = [t for t in types if t[0] == f]
        led = lp.Constraint(0, most[f])
        sessions = lp.Constraint(0, sessions_led[f])
        for t in mine:
            led.SetCoefficient(y[t], 1)
            sessions.SetCoefficient(y[t], 1)
            for x in per_type[t]:
                sessions.SetCoefficient(x, 1)
    if program.venues:
        _rooms(inst, days, lp, y, placed)
    lp.SetSolverSpecificParametersAsString(f"max_number_of_iterations: {MOST_ITERATIONS}")
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return None  # feasible and finite, so only the iteration limit stops it: no bound
    value: float = objective.Value()  # pywraplp has no types
    return math.floor(value + SLACK)


def _classes(inst: Instance, fits: list[set[tuple[int, int]]]
             ) -> dict[tuple[str, frozenset[tuple[int, int]]], int]:
    """People by organisation and the types they fit: how many of each."""
    classes: dict[tuple[str, frozenset[tuple[int, int]]], int] = defaultdict(int)
    for p, person in enumerate(inst.participants):
        if fits[p]:
            classes[person.organization, frozenset(fits[p])] += 1
    return classes


def _pools(inst: Instance, days: _Days, fits: list[set[tuple[int, int]]], leads: list[int]
           ) -> tuple[list[set[tuple[int, int]]], dict[int, int], dict[int, int]]:
    """The types with facilitators pooled when the program would be large: the
    people's types, and per pool the most cohorts and sessions it leads.

    Up to :data:`MOST_PAIRS` (class, type) pairs every facilitator is a pool of
    one. Beyond, facilitators open on the same weekdays form one pool, which a
    person fits when they fit one of its facilitators, leading the cohorts and
    sessions its facilitators lead together: every plan still maps to the
    program (its cohorts counted by pool), so the bound stays valid.
    """
    classes = _classes(inst, fits)
    alone = sum(len(fitted) for _, fitted in classes) <= MOST_PAIRS
    pool: list[int] = []
    kinds: dict[tuple[int, ...], int] = {}
    for f, opened in enumerate(inst.facilitator_open):
        weekdays = tuple(sorted(set(days.weekday[days.mask(opened).any(axis=1)].tolist())))
        pool.append(f if alone else kinds.setdefault(weekdays, f))
    most: dict[int, int] = defaultdict(int)
    sessions: dict[int, int] = defaultdict(int)
    for f, g in enumerate(pool):
        if leads[f] > 0:
            most[g] += leads[f]
            sessions[g] += inst.sessions_led(f)
    pooled = [{(pool[f], w) for f, w in mine} for mine in fits]
    return pooled, dict(most), dict(sessions)


def _rooms(inst: Instance, days: _Days, lp: pywraplp.Solver,
           y: dict[tuple[int, int], pywraplp.Variable], placed: list[pywraplp.Variable]) -> None:
    """The cohorts as paths of (session, week) nodes through the rooms, tied to the
    cohorts and members (module docstring)."""
    program = inst.program
    rules = program.sessions
    least = program.groups.min_size
    per_day = rules.window_minutes // rules.duration_minutes
    rooms: dict[int, int] = defaultdict(int)  # the last session number a room allows: rooms
    for room in program.venues:
        top = min(inst.largest_cohort, room.capacity - 1)
        if top >= least:
            rooms[top] += 1
    if not rooms:
        return
    every = np.ones((1, days.n), dtype=bool)
    ahead = days.longest(every, least + 1)[0]  # sessions a series from each day can reach
    behind = _reached(days)  # sessions a series can have had up to each day
    week = [n // 7 for n in inst.calendar.calendar_number]
    open_days: dict[int, int] = defaultdict(int)
    for wk in week:
        open_days[wk] += 1
    kickoffs: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    steps: list[pywraplp.Variable] = []
    for top, count in sorted(rooms.items()):
        # node (i, d): session i (0: the kick-off) on day d, when a series can pass it;
        # the network has a node (i, week) for the days of a week
        live = {(i, d) for i in range(top + 1) for d in range(days.n)
                if behind[d] > i and i + ahead[d] >= least + 1}
        links = sorted({(i, week[d], week[e]) for i, d in live
                        for e in range(days.lo[d], days.hi[d]) if (i + 1, e) in live})
        into: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
        out: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
        for d in sorted(d for i, d in live if i == 0):
            start = lp.NumVar(0, lp.infinity(), "")
            into[0, week[d]].append(start)
            kickoffs[int(days.weekday[d])].append(start)
        for i, a, b in links:
            step = lp.NumVar(0, lp.infinity(), "")
            out[i, a].append(step)
            into[i + 1, b].append(step)
            steps.append(step)
        nodes = sorted(set(into) | set(out))
        for i, wk in nodes:  # what enters a node leaves it, or ends a cohort
            row = lp.Constraint(0, 0 if i < least else lp.infinity())
            for v in into[i, wk]:
                row.SetCoefficient(v, 1)
            for v in out[i, wk]:
                row.SetCoefficient(v, -1)
        for wk in sorted({wk for _, wk in nodes}):  # per_day sessions a day in each room
            row = lp.Constraint(0, per_day * count * open_days[wk])
            for i in range(top + 1):
                for v in into.get((i, wk), ()):
                    row.SetCoefficient(v, 1)
    tie = lp.Constraint(0, 0)  # members: one per step
    for v in placed:
        tie.SetCoefficient(v, 1)
    for v in steps:
        tie.SetCoefficient(v, -1)
    for w in sorted({w for _, w in y} | set(kickoffs)):  # cohorts by kick-off weekday
        row = lp.Constraint(0, 0)
        for (_f, tw), v in y.items():
            if tw == w:
                row.SetCoefficient(v, 1)
        for v in kickoffs.get(w, ()):
            row.SetCoefficient(v, -1)


def _reached(days: _Days) -> np.ndarray:
    """Per day, the most sessions a series ending that day can have had (any days)."""
    most = np.ones(days.n, dtype=np.int64)
    for d in range(days.n):
        lo, hi = days.lo[d], days.hi[d]
        if hi > lo:
            most[lo:hi] = np.maximum(most[lo:hi], most[d] + 1)
    return most
