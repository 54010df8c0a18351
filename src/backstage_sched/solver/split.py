"""Large programs: planned as independent groups, merged, then repaired.

:func:`solve_in_groups` deals the people into groups (:mod:`.decompose`),
plans each whole with :func:`.levels.solve_instance`, keeps the coordinator's
plan of the whole program (:mod:`.coordinator`) instead when it is better,
and re-plans pieces of the merged plan where people are left out
(:mod:`.repair`).
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial

from ..domain import Program
from ..said import said
from .construct import greedy
from .coordinator import constructions
from .decompose import solve_split
from .instance import Instance
from .levels import solve_instance
from .objective import objective_levels
from .options import Progress, Tuning, time_left
from .readback import greedy_schedule, level_value, plan_key
from .repair import Outcome, improve
from .schedule import Schedule, ScheduledCohort


def _solve_group(
    program: Program, venue_busy: tuple[tuple[int, ...], ...], options: Tuning
) -> Schedule:
    """Plan one group of a split program whole, its rooms taken at ``venue_busy`` by
    groups planned before it (top level, so processes can run it)."""
    inst = Instance.of(program, venue_busy=venue_busy)
    # the last level (size, balance, mix) is left out: measured on the generated
    # 360-person program it doubled the time and changed nothing
    return solve_instance(inst, replace(options, split=False, last_level=False), lambda _m: None,
                          patience=options.patience)


def _solve_piece(
    program: Program,
    venue_busy: tuple[tuple[int, ...], ...],
    start: tuple[ScheduledCohort, ...],
    options: Tuning,
    search: bool = True,
) -> Outcome:
    """Re-plan one repair piece from its current cohorts ``start`` (see :mod:`.repair`):
    the better of them and a fresh construction, then (with ``search``) CP-SAT."""
    inst = Instance.of(program, venue_busy=venue_busy)
    key = partial(plan_key, inst)
    begin = list(start)
    built = greedy_schedule(inst, greedy(inst))
    if key(built) > key(begin):  # a fresh construction may beat the current plan
        begin = built
    if not search:
        return Outcome(tuple(begin), key(list(start)), key(begin))
    piece_options = replace(options, split=False, last_level=False, effort=options.effort / 2)
    schedule = solve_instance(inst, piece_options, lambda _msg: None, start=begin,
                              patience=options.patience)
    return Outcome(schedule.cohorts, key(list(start)), key(list(schedule.cohorts)))


def solve_in_groups(
    inst: Instance, options: Tuning, say: Progress, started: float, ceiling: int
) -> Schedule:
    """Plan a large program as independent groups (see :mod:`.decompose`), merge
    them, and repair the merged plan where people are left out (:mod:`.repair`).
    ``ceiling`` is a proven bound on the people placed."""
    program = inst.program
    ceiling = min(ceiling, inst.placed_bound)
    results = solve_split(inst, partial(_solve_group, options=options), options.processes, say)
    cohorts = [c for r in results for c in r.cohorts]
    if plan_key(inst, cohorts) < (ceiling, 0, 0):  # else nothing can beat it
        for made in constructions(inst, floor=len({m for c in cohorts for m in c.members})):
            # the coordinator's plan of the whole program can beat the merged groups
            if plan_key(inst, made.cohorts) > plan_key(inst, cohorts):
                say(said("{name} beats the groups", name=said(made.name)))
                cohorts = list(made.cohorts)
    placed = {m for c in cohorts for m in c.members}
    if len(placed) < ceiling:
        say(said("groups placed {placed} of {total}; repairing", placed=len(placed),
                 total=len(program.participants)))
        search = options.search_pieces(len(program.participants))
        cohorts = improve(
            inst, cohorts, partial(_solve_piece, options=options, search=search),
            options.processes, say,
            seed=options.seed, passes=options.repair_passes(len(program.participants)),
            time_left=partial(time_left, options),
        )
    cohorts.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    levels = objective_levels(inst)
    values = {level.name: level_value(inst, level, cohorts) for level in levels}
    placed = {m for c in cohorts for m in c.members}
    # group optima need not add up to a global one: only placing all one can is proven
    optimal = {name: False for name in values}
    optimal["placed"] = len(placed) >= ceiling
    say(said("{placed} of {total} placed in {cohorts} cohorts", placed=len(placed),
             total=len(program.participants), cohorts=len(cohorts)))
    return Schedule(
        cohorts=tuple(cohorts),
        unplaced=(),  # said of the final cohorts, after polishing (solve._with_reasons)
        objective=values,
        optimal=optimal,
        runtime=time.monotonic() - started,
    )
