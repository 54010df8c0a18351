"""Plans read back as :class:`.ScheduledCohort` lists, and the objective levels
counted on them.

CP-SAT's values (:func:`read_schedule`) and the greedy construction's cohorts
(:func:`greedy_schedule`) become schedules here; :func:`level_value` and
:func:`plan_key` score any schedule of an instance the same way, however it
was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from ortools.sat.python import cp_model

from ..goals import Level
from ..inputs.workdays import Slot
from . import score
from .model.instance import Instance
from .model.objective import objective_levels
from .model.variables import Variables
from .polish.owners import assign_case_owners
from .schedule import ScheduledCohort
from .search.construct import Built


def read_schedule(inst: Instance, v: Variables, solution: list[int]) -> list[ScheduledCohort]:
    """The cohorts of a CP-SAT ``solution`` (values by variable index), in kick-off order;
    case owners an earlier plan gave are kept where they still can be."""
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


def level_value(inst: Instance, level: Level, cohorts: list[ScheduledCohort]) -> int:
    """A level's value counted on ``cohorts`` (see :mod:`.score`)."""
    return sum(goal.weight * score.TERMS[goal.code](inst, cohorts) for goal in level.goals)


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


def loads(cohorts: Sequence[ScheduledCohort]) -> dict[str, int]:
    """Cohorts per facilitator id."""
    loads: dict[str, int] = {}
    for c in cohorts:
        loads[c.facilitator] = loads.get(c.facilitator, 0) + 1
    return loads
