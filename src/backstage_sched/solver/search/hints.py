"""Where CP-SAT starts: the best construction as a first plan, and plans as hints.

:func:`best_start` picks the better of the greedy construction and the
coordinator's method (:mod:`.coordinator`, dates first);
the ``add_*_hint`` functions hand a plan (a schedule, the greedy cohorts or an
earlier plan grown by its newcomers) to the model as a solution hint, and
:func:`hint_solution` makes a search's last solution the next one's hint.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ...said import said
from ..model.instance import Instance
from ..model.variables import Variables
from ..options import Progress
from ..readback import greedy_schedule, plan_key
from ..schedule import ScheduledCohort
from .construct import Built, greedy
from .coordinator import constructions
from .earlier import grow_earlier


def best_start(inst: Instance, say: Progress) -> list[ScheduledCohort]:
    """The better of the greedy construction and the coordinator's method
    (:func:`.coordinator.constructions`) by :func:`plan_key`; ties go to the greedy."""
    built = greedy(inst)
    best = greedy_schedule(inst, built)
    best_key, name = plan_key(inst, best), "greedy"
    for made in constructions(inst):
        key = plan_key(inst, made.cohorts)
        if key > best_key:
            best, best_key, name = list(made.cohorts), key, made.name
    say(said("start: {placed} placed by the {name} construction", placed=best_key[0],
              name=said(name)))
    return best


def hint_solution(model: cp_model.CpModel, solver: cp_model.CpSolver) -> list[int]:
    """Replace the model's hints with ``solver``'s last solution; returns it."""
    solution = [
        solver.value(model.get_int_var_from_proto_index(i))
        for i in range(len(model.proto.variables))
    ]
    model.clear_hints()
    for index, value in enumerate(solution):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    return solution


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


def add_earlier_hint(model: cp_model.CpModel, v: Variables, inst: Instance) -> None:
    """Hint CP-SAT with the earlier plan, newcomers seated where a cohort can grow
    (:func:`.earlier.grow_earlier`); new slots closed."""
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
