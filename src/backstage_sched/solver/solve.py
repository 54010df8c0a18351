"""Plan a program: whole, as a portfolio of seeds, or split into groups; then polish.

The search itself is :func:`.levels.solve_instance` (one CP-SAT model, level
by level), started from :mod:`.hints`; large programs go through
:func:`.split.solve_in_groups`. Settings are :class:`.options.SolveOptions`.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date

from ..domain import Program
from ..said import said
from .bound import placed_bound
from .decompose import group_count
from .explain import unplaced_reasons
from .instance import EarlierCohort, Instance
from .levels import solve_instance
from .objective import objective_levels
from .options import Progress, SolveOptions, Tuning, time_left, tuned
from .readback import level_value, loads, plan_key
from .regular import regularize
from .schedule import Schedule
from .split import solve_in_groups
from .swap import swap_off_avoid


def solve(
    program: Program,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    earlier: tuple[EarlierCohort, ...] = (),
    today: date | None = None,
) -> Schedule:
    """Plan ``program``: cohorts, facilitators, venues, session times, case owners.

    With ``earlier`` (a previous plan's cohorts) and ``today`` it re-plans: held
    sessions stay, nothing new falls before today, and after placing people it
    moves as little as possible (SPEC §5).
    """
    options = tuned(options)
    if options.deadline is None:  # every stage and process shares the one time limit
        options = replace(options, deadline=time.time() + options.time_limit)
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    inst = Instance.of(program, earlier, today)
    bound = placed_bound(inst)
    say(said("at most {bound} of {total} can be placed (bound: {binding})", bound=bound.value,
             total=len(program.participants), binding=said(bound.binding)))
    if not earlier and options.split and group_count(program) > 1:
        schedule = solve_in_groups(inst, options, say, started, bound.value)
    elif _portfolio(options, inst):
        schedule = _solve_portfolio(inst, options, say, started, bound.value)
    else:
        schedule = solve_instance(inst, options, say, started, ceiling=bound.value)
    if not earlier:
        schedule = _polish(inst, schedule, say)
    schedule = _with_reasons(inst, schedule)
    optimal = dict(schedule.optimal)
    for lvl in objective_levels(inst):
        if not lvl.maximize and schedule.objective.get(lvl.name) == 0:
            optimal[lvl.name] = True  # nothing is below zero
    stopped = time_left(options) <= 0
    if stopped:
        say(said("the time limit ({seconds} s) is up: the best plan found so far",
                 seconds=f"{options.time_limit:g}"))
    return replace(schedule, bound=bound.to_dict(), optimal=optimal, stopped_early=stopped)


def _with_reasons(inst: Instance, schedule: Schedule) -> Schedule:
    """``schedule`` with a reason for everyone its final cohorts leave out, said of
    those cohorts (their free seats, in the order the plan names them)."""
    placed = {m for c in schedule.cohorts for m in c.members}
    why = unplaced_reasons(inst, placed, len(schedule.cohorts), loads(schedule.cohorts),
                           schedule.cohorts)
    return replace(schedule, unplaced=tuple(why.items()))


def _polish(inst: Instance, schedule: Schedule, say: Progress) -> Schedule:
    """``schedule`` after swapping members off avoid times (:mod:`.swap`) and moving
    irregular cohorts onto a regular series (:mod:`.regular`), its levels recounted.
    Neither ever costs an earlier level."""
    cohorts = regularize(inst, swap_off_avoid(inst, list(schedule.cohorts)))
    values = {lvl.name: level_value(inst, lvl, cohorts) for lvl in objective_levels(inst)}
    if values == schedule.objective:
        return schedule
    changed = [said("{level} {before} -> {after}", level=said(name),
                    before=schedule.objective.get(name), after=value)
               for name, value in values.items() if value != schedule.objective.get(name)]
    levels = changed[0]
    for more in changed[1:]:
        levels = said("{first}, {then}", first=levels, then=more)
    say(said("polished: {levels}", levels=levels))
    return replace(schedule, cohorts=tuple(cohorts), objective=values)


PORTFOLIO_FROM = 24
"""Programs of at least this many people are searched by a portfolio (see
:func:`_solve_portfolio`); smaller ones solve at once in one process."""


def _portfolio(options: Tuning, inst: Instance) -> bool:
    return (options.processes > 1 and options.workers == 1
            and len(inst.participants) >= PORTFOLIO_FROM)


def portfolio_seeds(options: Tuning) -> list[int]:
    """The CP-SAT seeds of the portfolio's searches: the user's seed first."""
    return [options.seed + n * 7_919 for n in range(options.processes)]


def _solve_member(
    program: Program, earlier: tuple[EarlierCohort, ...], today: date | None,
    options: Tuning, ceiling: int,
) -> Schedule:
    """One search of the portfolio (top level, so a process can run it)."""
    inst = Instance.of(program, earlier, today)
    return solve_instance(inst, options, lambda _msg: None, ceiling=ceiling)


def _solve_portfolio(
    inst: Instance, options: Tuning, say: Progress, started: float, ceiling: int
) -> Schedule:
    """Search with ``processes`` single-worker CP-SAT runs side by side, each with its
    own seed (:func:`portfolio_seeds`) and the same deterministic effort, and keep
    the best by every objective level in order; a tie goes to the user's seed.
    Each run is reproducible, and so is the choice: the same input and seed give
    the same plan on any machine, however fast."""
    seeds = portfolio_seeds(options)
    with ProcessPoolExecutor(max_workers=len(seeds) - 1) as pool:
        others = [
            pool.submit(_solve_member, inst.program, inst.earlier, inst.today,
                        replace(options, seed=seed), ceiling)
            for seed in seeds[1:]
        ]
        first = solve_instance(inst, options, say, started, ceiling=ceiling)
        found = [first, *(job.result() for job in others)]

    def key(schedule: Schedule) -> tuple[int, ...]:
        return plan_key(inst, schedule.cohorts, every_level=True)

    best = max(range(len(found)), key=lambda n: (key(found[n]), -n))
    if best:
        say(said("the search with seed {seed} found the better plan", seed=seeds[best]))
    chosen = found[best]
    # a level is proven when any search proved it (all keep the levels before it equal)
    optimal = dict(chosen.optimal)
    for other in found:
        if key(other)[:1] == key(chosen)[:1] and other.optimal.get("placed"):
            optimal["placed"] = True
    return replace(chosen, optimal=optimal, runtime=time.monotonic() - started)
