"""One CP-SAT model of an instance, searched objective level by objective level.

:func:`solve_instance` builds the model (every hard rule), hints it with a
first plan (:mod:`.hints`; from 24 people one short of the bound is first
improved by the series search of :mod:`.neighbourhood`), and then, level by
level (:mod:`.objective`), searches for a better value, keeps the better of the
search and its start, and fixes the level's value before the next.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from ...errors import InfeasibleError
from ...goals import AVOID_HITS, BALANCE, IRREGULAR_SESSIONS, PLACED, Level
from ...plan import LevelStatus
from ...said import joined, option, said
from ..explain.held import held_conflicts
from ..explain.reasons import left_out
from ..model.constraints import HARD_RULES
from ..model.instance import Instance
from ..model.objective import TERMS, balance_floor, level_bound, objective_levels
from ..model.variables import Variables, create_variables
from ..options import Progress, Tuning, time_left
from ..polish.regular import regularize
from ..polish.swap import swap_off_avoid
from ..readback import level_value, loads, plan_key, read_schedule
from ..schedule import Schedule, ScheduledCohort
from .hints import add_earlier_hint, add_schedule_hint, best_start, hint_solution
from .neighbourhood import search_series

POLISH = {AVOID_HITS.code: swap_off_avoid, IRREGULAR_SESSIONS.code: regularize}
"""Local improvements tried before a level's search, by the level's code: each keeps
the levels before."""

FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def build_model(inst: Instance) -> tuple[cp_model.CpModel, Variables]:
    """The CP-SAT model with every hard rule of SPEC §2."""
    model = cp_model.CpModel()
    v = create_variables(model, inst)
    for rule in HARD_RULES:
        rule(model, v, inst)
    return model, v


def solve_instance(
    inst: Instance,
    options: Tuning,
    say: Progress,
    started: float | None = None,
    start: list[ScheduledCohort] | None = None,
    ceiling: int | None = None,
) -> Schedule:
    """Plan ``inst`` with one CP-SAT model, objective level by objective level.

    ``ceiling`` is a proven bound on the people placed (:mod:`.bound`): a plan
    that reaches it ends the first level at once.

    The search starts from ``start`` when given (a valid plan of ``inst``),
    else from the earlier plan on a re-plan, else from :func:`.hints.best_start`.
    """
    started = time.monotonic() if started is None else started
    if inst.cohort_slots == 0 or inst.n_days == 0 or inst.n_slots == 0:
        # no cohort can be planned at all: nobody placed is all any plan reaches
        return Schedule((), left_out(inst, set(), 0), {PLACED.code: 0},
                        {PLACED.code: LevelStatus.BOUND_REACHED})
    model, v = build_model(inst)
    levels = [(lvl, _level_expr(model, v, inst, lvl)) for lvl in objective_levels(inst)]
    current = _hint_start(model, v, inst, start, say, options, ceiling)
    if not options.last_level:
        levels = levels[:-1]
    search = _Search(inst, options, say, started, ceiling, model, v, levels, current)
    for n in range(len(levels)):
        search.level(n)
    return search.schedule()


def _hint_start(
    model: cp_model.CpModel,
    v: Variables,
    inst: Instance,
    start: list[ScheduledCohort] | None,
    say: Progress,
    options: Tuning,
    ceiling: int | None,
) -> list[ScheduledCohort] | None:
    """Hint the model with the plan the search starts from, and return that plan
    (None on a re-plan: its hint, the earlier plan, need not be valid).

    Without ``start``, from :data:`PORTFOLIO_FROM` people, a construction
    (:func:`.hints.best_start`) that places fewer than ``ceiling`` is first improved
    by the neighbourhood search over series, which finds the people a construction
    leaves out in a fraction of the time the whole model takes to (36 real
    registrations: 2 s instead of 4)."""
    if inst.earlier:
        # the earlier plan hints the search; under edited inputs it may break a
        # rule, so it is no fallback and no shortcut
        add_earlier_hint(model, v, inst)
        say(said("re-planning {count} earlier cohorts", count=len(inst.earlier)))
        return None
    current = list(start) if start is not None else best_start(inst, say)
    if start is None and ceiling is not None and len(inst.participants) >= PORTFOLIO_FROM \
            and plan_key(inst, current)[0] < ceiling:
        current = search_series(inst, current, options, say, ceiling)
    add_schedule_hint(model, v, inst, current)
    return current


PORTFOLIO_FROM = 24
"""From this many people a program is searched harder: by a portfolio of seeds side by
side (:func:`.solve._solve_portfolio`), and from the series search's plan when the
construction falls short of the bound. Smaller ones solve at once in one process,
from the construction."""

SMALL = 40
"""Up to this many participants a program is small: every level is searched longer."""
SMALL_EFFORT = 4.0
"""Effort of each level after the first in a small program, in multiples of ``effort``."""


@dataclass
class _Search:
    """The model of :func:`solve_instance`, its levels (each with its expression, or
    a plain int when constant) and the best plan so far with the levels' values."""

    inst: Instance
    options: Tuning
    say: Progress
    started: float
    ceiling: int | None
    model: cp_model.CpModel
    v: Variables
    levels: list[tuple[Level, Any]]
    current: list[ScheduledCohort] | None
    values: dict[str, int] = field(default_factory=dict)
    status: dict[str, LevelStatus] = field(default_factory=dict)

    def level(self, n: int) -> None:
        """Settle level ``n``: search it unless its value is constant or the current
        plan reaches its bound, then fix it in the model for the levels after."""
        level, expr = self.levels[n]
        if isinstance(expr, int):  # no term of the level varies: nothing to search
            self.values[level.code] = expr
            self.status[level.code] = LevelStatus.BOUND_REACHED
            return
        self._polish(level)
        now = None if self.current is None else level_value(self.inst, level, self.current)
        best_possible = self._best_possible(level)
        if now is not None and now == best_possible:
            # the current plan already reaches the level's bound: nothing to search
            self.values[level.code] = now
            self.status[level.code] = LevelStatus.BOUND_REACHED
            self.model.add(expr == now)
            self.say(said("{level} = {value} (optimal)", level=said(level.code), value=now))
            return
        self.model.maximize(self._goal(n))
        solver, status = self._search(n)
        if status in FOUND:
            self._take(level, solver)
        # else: no solution within the budget; keep the plan we have
        assert self.current is not None
        value = self.values[level.code] = level_value(self.inst, level, self.current)
        self.status[level.code] = (
            LevelStatus.OPTIMAL if status == cp_model.OPTIMAL
            else LevelStatus.BOUND_REACHED if value == best_possible
            else LevelStatus.FEASIBLE)
        self.say(said("{level} = {value} (optimal)" if self.status[level.code].proved else
                      "{level} = {value}", level=said(level.code), value=value))
        if level.maximize:
            self.model.add(expr >= value)
        else:
            self.model.add(expr <= value)

    def _polish(self, level: Level) -> None:
        """Apply the level's local improvement (:data:`POLISH`) to the current plan:
        cheaper than searching for it, and often enough."""
        if self.current is None or self.inst.earlier or level.code not in POLISH:
            return
        polished = POLISH[level.code](self.inst, self.current)
        if polished != self.current:
            self.current = polished
            self._hint_current()

    def _best_possible(self, level: Level) -> int:
        """A value no plan can beat on ``level``: reaching it proves the level optimal."""
        inst = self.inst
        if level.code == PLACED.code:
            return inst.placed_bound if self.ceiling is None else min(
                self.ceiling, inst.placed_bound)
        if level.code == BALANCE.code and not inst.earlier and PLACED.code in self.values:
            return balance_floor(inst, self.values[PLACED.code])
        if level.maximize:  # e.g. earlier waiting lists placed: at most all of them
            most = level_bound(level, inst)
            return min(most, self.values.get(PLACED.code, most))
        return 0

    def _goal(self, n: int) -> Any:
        """Level ``n``'s objective, the next level breaking ties, weighted so it
        never outweighs this one."""
        level, expr = self.levels[n]
        goal = expr if level.maximize else -expr
        if n + 1 < len(self.levels) and not isinstance(self.levels[n + 1][1], int):
            nxt, nxt_expr = self.levels[n + 1]
            scale = level_bound(nxt, self.inst) + 1
            goal = goal * scale + (nxt_expr if nxt.maximize else -nxt_expr)
        return goal

    def _search(self, n: int) -> tuple[cp_model.CpSolver, Any]:
        """Search level ``n`` with its share of the effort and of the time left."""
        options, level = self.options, self.levels[n][0]
        levels = len(self.levels)
        # placing people matters most; the last level (size, balance, mix) least; a small
        # program gets more for its later levels: each solves in a fraction of a second
        # there, and the extra effort is what proves them optimal
        effort = options.effort if n == 0 else options.effort / (4 if n + 1 == levels else 2)
        if n > 0 and len(self.inst.participants) <= SMALL:
            effort = options.effort * SMALL_EFFORT
        remaining = min(options.time_limit - (time.monotonic() - self.started),
                        time_left(options))
        solver = _parameters(options, effort, remaining / (levels - n))
        self.say(said("optimising {level} ...", level=said(level.code)))
        status = solver.solve(self.model)
        if self.current is None and status not in FOUND:
            solver, status = self._insist(level, effort, remaining, solver, status)
        return solver, status

    def _insist(
        self, level: Level, effort: float, remaining: float,
        solver: cp_model.CpSolver, status: Any,
    ) -> tuple[cp_model.CpSolver, Any]:
        """A re-plan has no plan to fall back on: search four times longer when the
        search ran out of time, and report what blocks a plan when none is found."""
        if status == cp_model.UNKNOWN:
            self.say(said("no plan yet at {level}; searching four times longer",
                          level=said(level.code)))
            solver = _parameters(self.options, effort * 4, remaining)
            status = solver.solve(self.model)
        if status in FOUND:
            return solver, status
        found = held_conflicts(self.inst)
        why = said("{conflicts}. Change those inputs, or withdraw or move someone first.",
                   conflicts=joined(found)) if found else said(
            "check the edited inputs against sessions before today, or raise {effort}",
            effort=option("effort"))
        raise InfeasibleError(said(
            "the re-plan found no plan that keeps the started cohorts ({status}): {why}",
            status=solver.status_name(status), why=why))

    def _take(self, level: Level, solver: cp_model.CpSolver) -> None:
        """Keep the search's plan when it beats the current one, else hint the current
        plan again."""
        found = read_schedule(self.inst, self.v, hint_solution(self.model, solver))
        if self.current is None or _better(self.inst, level, found, self.current):
            self.current = found
        else:  # the search did not beat its start: keep the start
            self._hint_current()

    def _hint_current(self) -> None:
        assert self.current is not None
        self.model.clear_hints()
        add_schedule_hint(self.model, self.v, self.inst, self.current)

    def schedule(self) -> Schedule:
        """The current plan with its levels' values and who is left out, and why."""
        assert self.current is not None
        schedule = self.current
        placed = {m for c in schedule for m in c.members}
        return Schedule(
            cohorts=tuple(schedule),
            unplaced=left_out(self.inst, placed, len(schedule), loads(schedule)),
            objective=self.values,
            status=self.status,
            runtime=time.monotonic() - self.started,
        )


def _parameters(options: Tuning, effort: float, budget: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = options.seed
    params.num_workers = max(1, options.workers)
    # presolve's probing and at-most-one merging ate whole budgets without
    # helping this model; keep them short so the search gets the time
    params.probing_deterministic_time_limit = 0.1
    params.merge_at_most_one_work_limit = 1e6
    # one presolve pass and no symmetry detection: the model breaks cohort
    # symmetry itself, and on 120 people this halves the time at equal results
    params.max_presolve_iterations = 1
    params.symmetry_level = 0
    # probing when the model is loaded took a whole deterministic second (about
    # 2 s wall on 120 people) at every level: the later levels never searched
    params.cp_model_probing_level = 0
    params.max_deterministic_time = effort
    # at least a second when the time limit allows it, never past the deadline
    params.max_time_in_seconds = max(min(1.0, time_left(options)), budget, 0.05)
    return solver


def _level_expr(model: cp_model.CpModel, v: Variables, inst: Instance, level: Level) -> object:
    """The level's weighted sum of terms; a plain 0 when every term is constant."""
    parts = [(goal.weight, TERMS[goal.code](model, v, inst)) for goal in level.goals]
    parts = [(w, e) for w, e in parts if not (isinstance(e, int) and e == 0)]
    return sum(w * e for w, e in parts) if parts else 0


def _better(
    inst: Instance, level: Level, found: list[ScheduledCohort], start: list[ScheduledCohort]
) -> bool:
    """Whether ``found`` beats ``start`` on ``level``, or ties there and is no worse
    on the first levels taken together (:func:`.readback.plan_key`)."""
    new, old = level_value(inst, level, found), level_value(inst, level, start)
    if new != old:
        return new > old if level.maximize else new < old
    return plan_key(inst, found) >= plan_key(inst, start)
