"""Plan a program: whole, or by the series search; then polish and say why.

Up to :data:`WHOLE_UP_TO` people (and on every re-plan) the search is
:func:`.levels.solve_instance` (one CP-SAT model, level by level), from
24 people as a portfolio of seeds; larger programs go through
:func:`.neighbourhood.search_series` from two constructions. Settings are
:class:`.options.SolveOptions`.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from multiprocessing.connection import Connection

from ..domain import Program
from ..goals import PLACED
from ..plan import LevelStatus
from ..said import said
from .explain.reasons import left_out
from .model.bound import placed_bound
from .model.instance import EarlierCohort, Instance
from .model.objective import objective_levels
from .model.pool import SeriesPool
from .options import RESERVE, Progress, SolveOptions, Tuning, time_left, tuned
from .polish.regular import regularize
from .polish.swap import swap_off_avoid
from .readback import greedy_schedule, level_value, loads, plan_key
from .schedule import Schedule, ScheduledCohort
from .search.construct import greedy
from .search.coordinator import coordinator_cohorts
from .search.levels import PORTFOLIO_FROM, solve_instance
from .search.lines import room_lines, rooms_bind
from .search.neighbourhood import Race, search_series


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
    if not earlier and len(program.participants) > WHOLE_UP_TO:
        schedule = _solve_by_series(inst, options, say, started, bound.value)
    elif _portfolio(options, inst):
        schedule = _solve_portfolio(inst, options, say, started, bound.value)
    else:
        schedule = solve_instance(inst, options, say, started, ceiling=bound.value)
    if not earlier:
        schedule = _polish(inst, schedule, say)
    schedule = _with_reasons(inst, schedule)
    status = dict(schedule.status)
    for lvl in objective_levels(inst):
        if not lvl.maximize and schedule.objective.get(lvl.code) == 0 and not schedule.proved(
                lvl.code):
            status[lvl.code] = LevelStatus.BOUND_REACHED  # nothing is below zero
    stopped = time_left(options) <= RESERVE
    if stopped:
        say(said("the time limit ({seconds} s) is up: the best plan found so far",
                 seconds=f"{options.time_limit:g}"))
        status = {code: s if s.proved else LevelStatus.STOPPED_EARLY
                  for code, s in status.items()}
    return replace(schedule, bound=bound, status=status, stopped_early=stopped,
                   runtime=time.monotonic() - started)


def _with_reasons(inst: Instance, schedule: Schedule) -> Schedule:
    """``schedule`` with a reason for everyone its final cohorts leave out, said of
    those cohorts (their free seats, in the order the plan names them)."""
    placed = {m for c in schedule.cohorts for m in c.members}
    return replace(schedule, unplaced=left_out(
        inst, placed, len(schedule.cohorts), loads(schedule.cohorts), schedule.cohorts))


WHOLE_UP_TO = 40
"""Programs of up to this many people are planned by the whole CP-SAT model, level by
level, which proves each level optimal in seconds; larger ones from a construction
by the neighbourhood search over series (:mod:`.neighbourhood`)."""


STARTS = ("coordinator", "greedy")
"""The constructions the series searches start from, in their places in the race
("greedy": :func:`.lines.room_lines` where the rooms bind, else :func:`.construct.greedy`)."""


def _series_search(
    program: Program, place: int, options: Tuning, ceiling: int,
    race: Race, say: Progress | None = None, inst: Instance | None = None,
) -> list[ScheduledCohort]:
    """The search at ``place`` of the series portfolio: the construction
    ``STARTS[place]`` improved by the neighbourhood search (top level, so a
    process can run it); seeds differ by place. ``inst``: the program's instance
    when the caller has it (the second process is handed the first one's, with the
    availability it has worked out)."""
    say = say or (lambda _msg: None)
    inst = inst or Instance.of(program)
    pool = SeriesPool(inst)
    if STARTS[place] == "greedy":  # where rooms bind, the rooms' paths (search/lines.py)
        cohorts = (room_lines(inst, options) if rooms_bind(inst)
                   else greedy_schedule(inst, greedy(inst)))
    else:
        cohorts = coordinator_cohorts(inst, pool)
    say(said("start: {placed} placed by the {name} construction",
             placed=plan_key(inst, cohorts)[0], name=said(STARTS[place])))
    options = replace(options, seed=options.seed + 7_919 * place)
    return search_series(inst, cohorts, options, say, ceiling, pool, race=(race, place))


def _send_search(
    send: Connection, inst: Instance, place: int, options: Tuning, ceiling: int,
    race: Race,
) -> None:
    """Run :func:`_series_search` in a process of its own and send its plan."""
    send.send(_series_search(inst.program, place, options, ceiling, race, inst=inst))
    send.close()


def _solve_by_series(
    inst: Instance, options: Tuning, say: Progress, started: float, ceiling: int
) -> Schedule:
    """Plan a fresh program by the neighbourhood search over series, from the
    coordinator's method and, in a second process, from the greedy construction
    (measured: each start leads the search to the better plan on some programs);
    with one process, the same two one after the other.

    A search that falls behind the other stops (:class:`.neighbourhood.Race`); the
    one ahead wins, else the better plan by every level, a tie going to the first.
    Either way the choice does not depend on which search ends first."""
    program = inst.program
    if options.processes <= 1:
        race = Race(Race.blank())
        found = [_series_search(program, 0, options, ceiling, race, say, inst),
                 _series_search(program, 1, options, ceiling, race, inst=inst)]
    else:
        context = multiprocessing.get_context()
        race = Race(context.Array("i", Race.blank()))
        receive, send = context.Pipe(duplex=False)
        second = context.Process(target=_send_search, daemon=True,
                                 args=(send, inst, 1, options, ceiling, race))
        second.start()
        found = [_series_search(program, 0, options, ceiling, race, say, inst)]
        # past the time limit the second search is not waited for: the plan so far
        if receive.poll(None if options.deadline is None else time_left(options) + 1):
            found.append(receive.recv())
        else:
            say(said("the second search ran out of time"))
        second.terminate()
        second.join()
    best = race.leader() if len(found) == len(STARTS) else 0
    if best is None:
        keys = [plan_key(inst, cohorts, every_level=True) for cohorts in found]
        best = max(range(len(found)), key=lambda n: (keys[n], -n))
    if best:
        say(said("the search from the {name} construction found the better plan",
                 name=said(STARTS[best])))
    cohorts = found[best]
    values = {lvl.code: level_value(inst, lvl, cohorts) for lvl in objective_levels(inst)}
    status = {code: LevelStatus.FEASIBLE for code in values}
    if values[PLACED.code] >= ceiling:
        status[PLACED.code] = LevelStatus.BOUND_REACHED
    say(said("{placed} of {total} placed in {cohorts} cohorts", placed=values[PLACED.code],
             total=len(inst.participants), cohorts=len(cohorts)))
    return Schedule(cohorts=tuple(cohorts), unplaced=(), objective=values, status=status,
                    runtime=time.monotonic() - started)


def _polish(inst: Instance, schedule: Schedule, say: Progress) -> Schedule:
    """``schedule`` after swapping members off avoid times (:mod:`.swap`) and moving
    irregular cohorts onto a regular series (:mod:`.regular`), its levels recounted.
    Neither ever costs an earlier level."""
    cohorts = regularize(inst, swap_off_avoid(inst, list(schedule.cohorts)))
    values = {lvl.code: level_value(inst, lvl, cohorts) for lvl in objective_levels(inst)}
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
    status = dict(chosen.status)
    for other in found:
        if key(other)[:1] == key(chosen)[:1] and other.proved(PLACED.code) and not \
                chosen.proved(PLACED.code):
            status[PLACED.code] = other.status[PLACED.code]
    return replace(chosen, status=status, runtime=time.monotonic() - started)
