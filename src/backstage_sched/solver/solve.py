"""Build the CP-SAT model, solve it level by level, and read the schedule back."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from typing import Any

from ortools.sat.python import cp_model

from ..domain import Program
from ..errors import InfeasibleError
from ..inputs.workdays import Slot
from . import score
from .bound import placed_bound
from .constraints import HARD_RULES
from .construct import Built, assign_case_owners, greedy, grow_earlier
from .decompose import group_count, solve_split
from .explain import held_conflicts, unplaced_reasons
from .firstfit import constructions
from .instance import EarlierCohort, Instance
from .objective import Level, balance_floor, level_bound, objective_levels
from .regular import regularize
from .repair import Outcome, improve
from .schedule import Schedule, ScheduledCohort
from .swap import swap_off_avoid
from .variables import Variables, create_variables

Progress = Callable[[str], None]

LARGE = 600
"""Above this many participants a split plan gets one repair pass, of pieces
kept or rebuilt by construction alone (see :class:`SolveOptions`)."""


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings. The same program, options and seed give the same schedule.

    ``effort`` is CP-SAT deterministic time (about 1–3 s of one core) for
    the first objective level; each later level gets half of it, the last a
    quarter. With ``workers == 1`` (the default) the search is fully
    reproducible; more
    workers search in parallel, faster but not reproducible. ``time_limit``
    is a wall-clock cap on the whole solve that only binds on a much slower
    machine. Inside a split program (groups and repair pieces) each level
    gives up after ``patience`` (deterministic time) when it has not beaten
    the start: measured on tight and venue-limited programs, the full effort
    there never placed more than the greedy start.
    """

    seed: int = 0
    workers: int = 1
    effort: float = 6.0
    time_limit: float = 600.0
    processes: int = 2  # large programs: groups solved side by side (still reproducible)
    split: bool = True  # large programs are split into independent groups
    last_level: bool = True  # optimise size, balance and mix (skipped inside split groups)
    repair: int | None = None  # repair passes after a split (None: 3, or 1 above LARGE)
    patience: float = 1.5  # split groups, repair pieces: search per level without a gain
    piece_search: bool | None = None  # CP-SAT in repair pieces (None: up to LARGE people)

    def repair_passes(self, participants: int) -> int:
        """How many repair passes (see :mod:`.repair`) a split plan of this size gets."""
        if self.repair is not None:
            return self.repair
        return 3 if participants <= LARGE else 1

    def search_pieces(self, participants: int) -> bool:
        """Whether repair pieces are searched with CP-SAT after their construction.

        Above :data:`LARGE` people the rooms and facilitators left to a piece are crowded:
        on the generated tight, venue and company programs CP-SAT never improved
        on the better of a piece's current plan and its fresh construction.
        """
        return self.piece_search if self.piece_search is not None else participants <= LARGE


def build_model(inst: Instance) -> tuple[cp_model.CpModel, Variables]:
    """The CP-SAT model with every hard rule of SPEC §2."""
    model = cp_model.CpModel()
    v = create_variables(model, inst)
    for rule in HARD_RULES:
        rule(model, v, inst)
    return model, v


def _parameters(options: SolveOptions, effort: float, budget: float) -> cp_model.CpSolver:
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
    params.max_time_in_seconds = max(1.0, budget)
    return solver


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
    options = options or SolveOptions()
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    inst = Instance.of(program, earlier, today)
    bound = placed_bound(inst)
    say(f"at most {bound.value} of {len(program.participants)} can be placed "
        f"(bound: {bound.binding})")
    if not earlier and options.split and group_count(program) > 1:
        schedule = _solve_split(inst, options, say, started, bound.value)
    elif _portfolio(options, inst):
        schedule = _solve_portfolio(inst, options, say, started, bound.value)
    else:
        schedule = solve_instance(inst, options, say, started, ceiling=bound.value)
    if not earlier:
        schedule = _polish(inst, schedule, say)
    optimal = dict(schedule.optimal)
    for lvl in objective_levels(inst):
        if not lvl.maximize and schedule.objective.get(lvl.name) == 0:
            optimal[lvl.name] = True  # nothing is below zero
    return replace(schedule, bound=bound.to_dict(), optimal=optimal)


def _polish(inst: Instance, schedule: Schedule, say: Progress) -> Schedule:
    """``schedule`` after swapping members off avoid times (:mod:`.swap`) and moving
    irregular cohorts onto a regular series (:mod:`.regular`), its levels recounted.
    Neither ever costs an earlier level."""
    cohorts = regularize(inst, swap_off_avoid(inst, list(schedule.cohorts)))
    values = {lvl.name: level_value(inst, lvl, cohorts) for lvl in objective_levels(inst)}
    if values == schedule.objective:
        return schedule
    say("polished: " + ", ".join(
        f"{name} {schedule.objective.get(name)} -> {value}"
        for name, value in values.items() if value != schedule.objective.get(name)))
    return replace(schedule, cohorts=tuple(cohorts), objective=values)


PORTFOLIO_FROM = 24
"""Programs of at least this many people are searched by a portfolio (see
:func:`_solve_portfolio`); smaller ones solve at once in one process."""


def _portfolio(options: SolveOptions, inst: Instance) -> bool:
    return (options.processes > 1 and options.workers == 1
            and len(inst.participants) >= PORTFOLIO_FROM)


def portfolio_seeds(options: SolveOptions) -> list[int]:
    """The CP-SAT seeds of the portfolio's searches: the user's seed first."""
    return [options.seed + n * 7_919 for n in range(options.processes)]


def _solve_member(
    program: Program, earlier: tuple[EarlierCohort, ...], today: date | None,
    options: SolveOptions, ceiling: int,
) -> Schedule:
    """One search of the portfolio (top level, so a process can run it)."""
    inst = Instance.of(program, earlier, today)
    return solve_instance(inst, options, lambda _msg: None, ceiling=ceiling)


def _solve_portfolio(
    inst: Instance, options: SolveOptions, say: Progress, started: float, ceiling: int
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
        say(f"the search with seed {seeds[best]} found the better plan")
    chosen = found[best]
    # a level is proven when any search proved it (all keep the levels before it equal)
    optimal = dict(chosen.optimal)
    for other in found:
        if key(other)[:1] == key(chosen)[:1] and other.optimal.get("placed"):
            optimal["placed"] = True
    return replace(chosen, optimal=optimal, runtime=time.monotonic() - started)


def solve_instance(
    inst: Instance,
    options: SolveOptions,
    say: Progress,
    started: float | None = None,
    start: list[ScheduledCohort] | None = None,
    patience: float | None = None,
    ceiling: int | None = None,
) -> Schedule:
    """Plan ``inst`` with one CP-SAT model, objective level by objective level.

    ``ceiling`` is a proven bound on the people placed (:mod:`.bound`): a plan
    that reaches it ends the first level at once.

    The search starts from ``start`` when given (a valid plan of ``inst``),
    else from the earlier plan on a re-plan, else from :func:`.construct.greedy`.
    With ``patience``, each level stops after that much effort when it has
    found no better value than the start's.
    """
    started = time.monotonic() if started is None else started
    if inst.cohort_slots == 0 or inst.n_days == 0 or inst.n_slots == 0:
        reasons = unplaced_reasons(inst, set(), 0)
        return Schedule((), tuple(reasons.items()), {"placed": 0}, {"placed": True})
    model, v = build_model(inst)
    levels = [(lvl, _level_expr(model, v, inst, lvl)) for lvl in objective_levels(inst)]
    current: list[ScheduledCohort] | None
    if inst.earlier:
        # the earlier plan hints the search; under edited inputs it may break a
        # rule, so it is no fallback and no shortcut
        current = None
        add_earlier_hint(model, v, inst)
        say(f"re-planning {len(inst.earlier)} earlier cohorts")
    elif start is not None:
        current = list(start)
        add_schedule_hint(model, v, inst, current)
    else:
        current = best_start(inst, say)
        add_schedule_hint(model, v, inst, current)
    values: dict[str, int] = {}
    optimal: dict[str, bool] = {}
    if not options.last_level:
        levels = levels[:-1]
    for n, (level, expr) in enumerate(levels):
        if isinstance(expr, int):
            values[level.name] = expr
            optimal[level.name] = True
            continue
        if current is not None and not inst.earlier and level.name in POLISH:
            polished = POLISH[level.name](inst, current)
            if polished != current:  # cheaper than searching for it, and often enough
                current = polished
                model.clear_hints()
                add_schedule_hint(model, v, inst, current)
        now = None if current is None else level_value(inst, level, current)
        best_possible = 0
        if level.name == "placed":
            best_possible = inst.placed_bound if ceiling is None else min(
                ceiling, inst.placed_bound)
        elif level.name == "balance" and not inst.earlier and "placed" in values:
            best_possible = balance_floor(inst, values["placed"])
        if now is not None and now == best_possible:
            # the current plan already reaches the level's bound: nothing to search
            values[level.name] = now
            optimal[level.name] = True
            model.add(expr == now)
            say(f"{level.name} = {now} (optimal)")
            continue
        # the next level breaks ties, weighted so it never outweighs this one
        goal = expr if level.maximize else -expr
        if n + 1 < len(levels) and not isinstance(levels[n + 1][1], int):
            nxt, nxt_expr = levels[n + 1]
            scale = level_bound(nxt, inst) + 1
            goal = goal * scale + (nxt_expr if nxt.maximize else -nxt_expr)
        model.maximize(goal)
        # placing people matters most; the last level (size, balance, mix) least
        effort = options.effort if n == 0 else options.effort / (4 if n + 1 == len(levels) else 2)
        remaining = options.time_limit - (time.monotonic() - started)
        solver = _parameters(options, effort, remaining / (len(levels) - n))
        say(f"optimising {level.name} ...")
        if patience is not None and now is not None and patience < effort:
            solver, status = _patient_solve(model, expr, level, options, now, patience, effort,
                                            remaining / (len(levels) - n))
        else:
            status = solver.solve(model)
        if current is None and status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if status == cp_model.UNKNOWN:
                say(f"no plan yet at {level.name}; searching four times longer")
                solver = _parameters(options, effort * 4, remaining)
                status = solver.solve(model)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                found = held_conflicts(inst)
                why = ("; ".join(found) + ". Change those inputs, or withdraw or move "
                       "someone first.") if found else (
                    "check the edited inputs against sessions before today, or raise --effort"
                )
                raise InfeasibleError(
                    f"the re-plan found no plan that keeps the started cohorts "
                    f"({solver.status_name(status)}): {why}"
                )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = _read_schedule(inst, v, _hint_solution(model, solver))
            if current is None or _better(inst, level, found, current):
                current = found
            else:  # the search did not beat its start: keep the start
                model.clear_hints()
                add_schedule_hint(model, v, inst, current)
        # else: no solution within the budget; keep the plan we have
        values[level.name] = level_value(inst, level, current)
        optimal[level.name] = status == cp_model.OPTIMAL or values[level.name] == best_possible
        say(f"{level.name} = {values[level.name]}{' (optimal)' if optimal[level.name] else ''}")
        if level.maximize:
            model.add(expr >= values[level.name])
        else:
            model.add(expr <= values[level.name])
    assert current is not None
    schedule = current
    placed = {m for c in schedule for m in c.members}
    reasons = unplaced_reasons(inst, placed, len(schedule), _loads(schedule))
    return Schedule(
        cohorts=tuple(schedule),
        unplaced=tuple(reasons.items()),
        objective=values,
        optimal=optimal,
        runtime=time.monotonic() - started,
    )


POLISH = {"avoid_hits": swap_off_avoid, "irregular_sessions": regularize}
"""Local improvements tried before a level's search: each keeps the levels before."""


def _loads(cohorts: Sequence[ScheduledCohort]) -> dict[str, int]:
    """Cohorts per facilitator id."""
    loads: dict[str, int] = {}
    for c in cohorts:
        loads[c.facilitator] = loads.get(c.facilitator, 0) + 1
    return loads


def _better(
    inst: Instance, level: Level, found: list[ScheduledCohort], start: list[ScheduledCohort]
) -> bool:
    """Whether ``found`` beats ``start`` on ``level``, or ties there and is no worse
    on the first levels taken together (:func:`plan_key`)."""
    new, old = level_value(inst, level, found), level_value(inst, level, start)
    if new != old:
        return new > old if level.maximize else new < old
    return plan_key(inst, found) >= plan_key(inst, start)


def plan_key(
    inst: Instance, cohorts: Sequence[ScheduledCohort], every_level: bool = False
) -> tuple[int, ...]:
    """(placed, -avoid hits, -irregular sessions): the first objective levels as one
    key, higher is better; compares plans of ``inst`` made in different ways.
    ``every_level`` adds the last level (balance) too."""
    levels = objective_levels(inst) if every_level else objective_levels(inst)[:-1]
    return tuple(
        level_value(inst, lvl, list(cohorts)) * (1 if lvl.maximize else -1) for lvl in levels
    )


def best_start(inst: Instance, say: Progress) -> list[ScheduledCohort]:
    """The best of the greedy construction and the first-fit constructions
    (:func:`.firstfit.constructions`) by :func:`plan_key`; ties go to the greedy."""
    built = greedy(inst)
    best = greedy_schedule(inst, built)
    best_key, name = plan_key(inst, best), "greedy"
    for made in constructions(inst):
        key = plan_key(inst, made.cohorts)
        if key > best_key:
            best, best_key, name = list(made.cohorts), key, f"first-fit ({made.name})"
    say(f"start: {best_key[0]} placed by the {name} construction")
    return best


def _patient_solve(
    model: cp_model.CpModel,
    expr: Any,
    level: Level,
    options: SolveOptions,
    now: int,
    patience: float,
    effort: float,
    budget: float,
) -> tuple[cp_model.CpSolver, Any]:
    """Search ``patience`` first; go on to the full ``effort`` only when that found
    a better level value than ``now`` without proving it optimal."""
    solver = _parameters(options, patience, budget)
    status = solver.solve(model)
    if status != cp_model.FEASIBLE:
        return solver, status
    value = solver.value(expr)
    if (value > now) if level.maximize else (value < now):
        _hint_solution(model, solver)
        solver = _parameters(options, effort - patience, budget)
        status = solver.solve(model)
    return solver, status


def _hint_solution(model: cp_model.CpModel, solver: cp_model.CpSolver) -> list[int]:
    """Replace the model's hints with ``solver``'s last solution; returns it."""
    solution = [
        solver.value(model.get_int_var_from_proto_index(i))
        for i in range(len(model.proto.variables))
    ]
    model.clear_hints()
    for index, value in enumerate(solution):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    return solution


def _level_expr(model: cp_model.CpModel, v: Variables, inst: Instance, level: Level) -> object:
    """The level's weighted sum of terms; a plain 0 when every term is constant."""
    parts = [(weight, term(model, v, inst)) for weight, term in level.terms]
    parts = [(w, e) for w, e in parts if not (isinstance(e, int) and e == 0)]
    return sum(w * e for w, e in parts) if parts else 0


def _read_schedule(inst: Instance, v: Variables, solution: list[int]) -> list[ScheduledCohort]:
    def val(var: cp_model.IntVar) -> int:
        return solution[var.index]

    cal = inst.calendar
    result = []
    for k in range(len(v.open)):
        if not val(v.open[k]):
            continue
        members = tuple(
            person.id for p, person in enumerate(inst.participants) if val(v.member[p, k])
        )
        fac = next(f.id for f_i, f in enumerate(inst.facilitators) if val(v.lead[k, f_i]))
        venue = next(
            (r.id for r_i, r in enumerate(inst.program.venues) if val(v.venue[k, r_i])), None
        )
        slots = tuple(
            Slot(
                inst.program.start + timedelta(days=val(v.calendar_day[k][i])),
                cal.slot_minutes[val(v.slot[k][i])],
            )
            for i in range(len(members) + 1 + inst.extra(k))
        )
        keep: dict[int, str] = {}
        orphans: frozenset[int] = frozenset()
        if k < len(inst.earlier):
            owners = inst.earlier[k].case_owners
            keep = {i: o for i, o in enumerate(owners) if o in members and i < len(slots)}
            orphans = inst.earlier[k].orphans
        owners_now = assign_case_owners(inst, members, slots, keep, orphans)
        result.append(ScheduledCohort(fac, venue, members, slots, owners_now, slot=k))
    result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return result


def add_greedy_hint(
    model: cp_model.CpModel, v: Variables, inst: Instance, built: list[Built]
) -> None:
    """Hint CP-SAT with the greedy plan (see :func:`add_schedule_hint`)."""
    add_schedule_hint(model, v, inst, greedy_schedule(inst, built))


def add_schedule_hint(
    model: cp_model.CpModel, v: Variables, inst: Instance, cohorts: list[ScheduledCohort]
) -> None:
    """Hint CP-SAT with a plan of ``inst``, its cohorts on cohort slots in kick-off
    order (as symmetry breaking wants); unused sessions at their earliest time."""
    g = inst.n_slots
    rules = inst.program.sessions
    day_start = rules.day_start.hour * 60 + rules.day_start.minute
    minutes = inst.calendar.slot_minutes
    facs = {f.id: n for n, f in enumerate(inst.facilitators)}
    rooms = {r.id: n for n, r in enumerate(inst.program.venues)}
    order = sorted(cohorts, key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator))
    for k in range(len(v.open)):
        c = order[k] if k < len(order) else None
        members = {inst.participant_index[m] for m in c.members} if c else set()
        model.add_hint(v.open[k], c is not None)
        model.add_hint(v.size[k], len(members))
        for p in range(len(inst.participants)):
            model.add_hint(v.member[p, k], p in members)
        for f in range(len(inst.facilitators)):
            model.add_hint(v.lead[k, f], c is not None and facs[c.facilitator] == f)
        for r in range(len(inst.program.venues)):
            model.add_hint(v.venue[k, r], c is not None and rooms.get(c.venue or "") == r)
        for i in range(inst.n_sessions):
            on = c is not None and i <= len(members)
            if i > inst.smallest(k):
                model.add_hint(v.active[k][i], on)
            when = v.when[k][i]
            if on:
                assert c is not None
                day, slot = (c.slots[i].day - inst.program.start).days, minutes.index(
                    c.slots[i].minute
                )
            else:
                day, slot = divmod(int(when.proto.domain[0]), g)
            model.add_hint(v.calendar_day[k][i], day)
            model.add_hint(v.slot[k][i], slot)
            model.add_hint(when, day * g + slot)
            model.add_hint(v.minute[k][i], day * 1440 + day_start + slot * rules.grid_minutes)


def level_value(inst: Instance, level: Level, cohorts: list[ScheduledCohort]) -> int:
    """A level's value counted on ``cohorts`` (see :mod:`.score`)."""
    return sum(weight * score.TERMS[term.__name__](inst, cohorts) for weight, term in level.terms)


def greedy_schedule(inst: Instance, built: list[Built]) -> list[ScheduledCohort]:
    """The greedy construction as a schedule (cohorts in kick-off order)."""
    result = []
    for b in built:
        members = tuple(inst.participants[p].id for p in sorted(b.members))
        slots = tuple(
            Slot(
                inst.program.start + timedelta(days=day),
                inst.calendar.slot_minutes[b.chain.slot],
            )
            for day in b.chain.days[: len(members) + 1]
        )
        venue = inst.program.venues[b.venue].id if b.venue is not None else None
        result.append(
            ScheduledCohort(
                inst.facilitators[b.facilitator].id, venue, members, slots,
                assign_case_owners(inst, members, slots),
            )
        )
    result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return result


def add_earlier_hint(model: cp_model.CpModel, v: Variables, inst: Instance) -> None:
    """Hint CP-SAT with the earlier plan, newcomers seated where a cohort can grow
    (:func:`grow_earlier`); new slots closed."""
    grown = grow_earlier(inst)
    g = inst.n_slots
    rules = inst.program.sessions
    day_start = rules.day_start.hour * 60 + rules.day_start.minute
    facs = [f.id for f in inst.facilitators]
    venues = [r.id for r in inst.program.venues]
    for k in range(len(v.open)):
        e = grown[k] if k < len(grown) else None
        members = {inst.participant_index[m] for m in e.members if m in inst.participant_index} \
            if e else set()
        model.add_hint(v.open[k], bool(members))
        for p in range(len(inst.participants)):
            model.add_hint(v.member[p, k], p in members)
        for f, fid in enumerate(facs):
            model.add_hint(v.lead[k, f], bool(members) and e is not None and e.facilitator == fid)
        for r, rid in enumerate(venues):
            model.add_hint(v.venue[k, r], bool(members) and e is not None and e.venue == rid)
        if e is None or not members:
            continue
        for i, slot in enumerate(e.slots[: len(members) + 1 + inst.extra(k)]):
            if slot.minute not in inst.calendar.slot_minutes:
                continue
            day = (slot.day - inst.program.start).days
            s_i = inst.calendar.slot_minutes.index(slot.minute)
            model.add_hint(v.calendar_day[k][i], day)
            model.add_hint(v.slot[k][i], s_i)
            model.add_hint(v.when[k][i], day * g + s_i)
            model.add_hint(v.minute[k][i], day * 1440 + day_start + s_i * rules.grid_minutes)


def _solve_group(
    program: Program, venue_busy: tuple[tuple[int, ...], ...], options: SolveOptions
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
    options: SolveOptions,
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


def _solve_split(
    inst: Instance, options: SolveOptions, say: Progress, started: float, ceiling: int
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
            # a first-fit plan of the whole program can beat the merged groups
            if plan_key(inst, made.cohorts) > plan_key(inst, cohorts):
                say(f"the first-fit construction ({made.name}) beats the groups")
                cohorts = list(made.cohorts)
    placed = {m for c in cohorts for m in c.members}
    if len(placed) < ceiling:
        say(f"groups placed {len(placed)} of {len(program.participants)}; repairing")
        search = options.search_pieces(len(program.participants))
        cohorts = improve(
            inst, cohorts, partial(_solve_piece, options=options, search=search),
            options.processes, say,
            seed=options.seed, passes=options.repair_passes(len(program.participants)),
        )
    cohorts.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    levels = objective_levels(inst)
    values = {level.name: level_value(inst, level, cohorts) for level in levels}
    placed = {m for c in cohorts for m in c.members}
    # group optima need not add up to a global one: only placing all one can is proven
    optimal = {name: False for name in values}
    optimal["placed"] = len(placed) >= ceiling
    why = unplaced_reasons(inst, placed, len(cohorts), _loads(cohorts))
    say(f"{len(placed)} of {len(program.participants)} placed in {len(cohorts)} cohorts")
    return Schedule(
        cohorts=tuple(cohorts),
        unplaced=tuple(why.items()),
        objective=values,
        optimal=optimal,
        runtime=time.monotonic() - started,
    )
