"""The model's form of each soft goal (:mod:`backstage_sched.goals`): one function per
goal, marked ``@models(<GOAL>)``, returning a linear expression.

The solver optimises the goals' levels lexicographically in the order of
:func:`objective_levels`: a later level never trades away an earlier one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from ortools.sat.python import cp_model

from ...goals import (
    AVOID_HITS,
    CHANGED_MEMBERSHIPS,
    EXPERIENCE_MONOTONY,
    FACILITATOR_IMBALANCE,
    GOALS,
    IRREGULAR_SESSIONS,
    LEVELS,
    MOVED_SESSIONS,
    PLACED,
    SIZE_OFF_TARGET,
    WAITED_PLACED,
    Level,
    models,
)
from ...rules import tagged
from .instance import Instance
from .variables import Variables

Expr = cp_model.LinearExprT
Term = Callable[[cp_model.CpModel, Variables, Instance], Expr]


@models(PLACED)
def placed_participants(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Objective 1 (maximise): participants placed in a cohort."""
    return sum(v.member.values())


@models(WAITED_PLACED)
def waited_placed(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Objective 1, second (maximise): placed people from an earlier waiting list (SPEC §7)."""
    index = inst.participant_index
    waited = [index[p] for p in inst.program.waited_before if p in index]
    return sum(v.member[p, k] for p in waited for k in range(len(v.open)))


@models(AVOID_HITS)
def avoid_time_hits(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Objective 2 (minimise): member-sessions that fall on the member's avoid times."""
    hits = []
    reified: dict[tuple[int, int, frozenset[int]], cp_model.IntVar] = {}
    for p, bad in enumerate(inst.participant_avoid):
        if not bad:
            continue
        dom = cp_model.Domain.from_values(sorted(bad))
        for k in range(len(v.open)):
            for i in range(inst.n_sessions):
                key = (k, i, bad)
                if key not in reified:
                    inside = model.new_bool_var(f"in_avoid[{k},{i},{p}]")
                    model.add_linear_expression_in_domain(v.when[k][i], dom).only_enforce_if(
                        inside
                    )
                    model.add_linear_expression_in_domain(
                        v.when[k][i], dom.complement()
                    ).only_enforce_if(inside.Not())
                    reified[key] = inside
                hit = model.new_bool_var(f"avoid_hit[{p},{k},{i}]")
                model.add_bool_or(
                    [v.member[p, k].Not(), v.active[k][i].Not(), reified[key].Not(), hit]
                )
                hits.append(hit)
    return sum(hits)


@models(IRREGULAR_SESSIONS)
def irregular_sessions(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Objective 3 (minimise): sessions not on the kick-off's weekday and start time."""
    span = (inst.program.end - inst.program.start).days
    off = []
    for k in range(len(v.open)):
        for i in range(1, inst.n_sessions):
            dev = model.new_bool_var(f"irregular[{k},{i}]")
            regular = [dev.Not(), v.active[k][i]]
            weeks = model.new_int_var(0, span // 7, f"weeks[{k},{i}]")
            model.add(
                v.calendar_day[k][i] - v.calendar_day[k][0] == 7 * weeks
            ).only_enforce_if(regular)
            model.add(v.slot[k][i] == v.slot[k][0]).only_enforce_if(regular)
            model.add_implication(dev, v.active[k][i])
            off.append(dev)
    return sum(off)


@models(SIZE_OFF_TARGET)
def size_off_target(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Objective 4a (minimise): members above or below the target size, over open cohorts."""
    target = inst.program.groups.size
    terms = []
    for k, open_ in enumerate(v.open):
        dev = model.new_int_var(0, inst.program.groups.max_size, f"size_dev[{k}]")
        model.add(dev >= v.size[k] - target).only_enforce_if(open_)
        model.add(dev >= target - v.size[k]).only_enforce_if(open_)
        terms.append(dev)
    return sum(terms)


@models(FACILITATOR_IMBALANCE)
def facilitator_imbalance(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Objective 4b (minimise): most cohorts on one facilitator minus fewest."""
    cohorts = len(v.open)
    if cohorts == 0 or len(inst.facilitators) < 2:
        return 0
    most = model.new_int_var(0, cohorts, "load_max")
    least = model.new_int_var(0, cohorts, "load_min")
    for f, fac in enumerate(inst.facilitators):
        load = sum(v.lead[k, f] for k in range(cohorts))
        model.add(most >= load)
        if inst.facilitator_limit(fac) > 0:
            model.add(least <= load)
    return most - least


@models(EXPERIENCE_MONOTONY)
def experience_monotony(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Objective 4c (minimise): open cohorts with a single experience level."""
    levels = inst.experience_levels
    if len(levels) < 2:
        return 0
    terms = []
    for k, open_ in enumerate(v.open):
        has = []
        for level in levels:
            lit = model.new_bool_var(f"has[{k},{level}]")
            people = [
                v.member[p, k]
                for p, person in enumerate(inst.participants)
                if person.experience == level
            ]
            model.add(sum(people) >= lit)
            has.append(lit)
        mono = model.new_bool_var(f"monotone[{k}]")
        model.add(sum(has) + mono >= 2).only_enforce_if(open_)
        terms.append(mono)
    return sum(terms)


@models(MOVED_SESSIONS)
def moved_sessions(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Re-plan (minimise): future sessions of earlier cohorts that move or vanish, and
    once more each when the cohort changes facilitator (those that follow the cohort's
    facilitator, not one a session keeps: ``inst.pinned_leader``) or room."""
    terms: list[cp_model.LinearExpr | int] = []
    for k, earlier in enumerate(inst.earlier):
        g = inst.n_slots
        future = 0
        following = 0  # future sessions led by whoever leads the cohort
        for i in range(earlier.held, len(earlier.slots)):
            slot = earlier.slots[i]
            if slot.minute not in inst.calendar.slot_minutes:
                terms.append(1)  # off the current grid: it must move
                continue
            was = (slot.day - inst.program.start).days * g + inst.calendar.slot_minutes.index(
                slot.minute
            )
            moved = model.new_bool_var(f"moved[{k},{i}]")
            model.add(v.when[k][i] == was).only_enforce_if([moved.Not()])
            model.add_implication(moved.Not(), v.active[k][i])
            terms.append(moved)
            future += 1
            following += inst.pinned_leader(k, i) is None
        ids = [f.id for f in inst.facilitators]
        if following and earlier.facilitator in ids:
            same = v.lead[k, ids.index(earlier.facilitator)]
            terms.append(following * (1 - same))
        rooms = [r.id for r in inst.program.venues]
        if future and earlier.venue in rooms:
            terms.append(future * (1 - v.venue[k, rooms.index(earlier.venue)]))
    return sum(terms)


@models(CHANGED_MEMBERSHIPS)
def changed_memberships(model: cp_model.CpModel, v: Variables, inst: Instance) -> Expr:
    """Re-plan (minimise): earlier members who are no longer in their cohort."""
    terms = []
    for k, earlier in enumerate(inst.earlier):
        for m in earlier.members:
            if m in inst.participant_index:
                terms.append(1 - v.member[inst.participant_index[m], k])
    return sum(terms)


TERMS: dict[str, Term] = {
    code: cast(Term, fns[0]) for code, fns in tagged(list(globals().values()), "models").items()
}
"""The model's term of each goal, by the goal's code."""

def objective_levels(inst: Instance) -> tuple[Level, ...]:
    """The levels for ``inst``, in the order of :data:`~backstage_sched.goals.LEVELS`:
    SPEC §2's, with SPEC §7's priority for earlier waiting lists (when anyone waited)
    and SPEC §5's least movement on a re-plan, both right after placement."""
    skip = set() if inst.program.waited_before else {WAITED_PLACED.code}
    if not inst.earlier:
        skip |= {MOVED_SESSIONS.code, CHANGED_MEMBERSHIPS.code}
    return tuple(level for level in LEVELS.values() if level.code not in skip)


def balance_floor(inst: Instance, placed: int) -> int:
    """A lower bound on the "balance" level of any plan of a fresh program that places
    ``placed`` people: over every number of cohorts C that could hold them, the
    weight of sizes off target times ``|placed - C * size|`` (they add up at least to
    that) plus the weight of the facilitators' imbalance when C cohorts cannot be
    shared evenly among the facilitators who may lead."""
    if placed == 0:
        return 0
    groups = inst.program.groups
    eligible = [f for f in inst.facilitators if inst.facilitator_limit(f) > 0]
    capacity = sum(min(inst.facilitator_limit(f), placed) for f in eligible)
    best = None
    for cohorts in range(1, min(capacity, placed // max(1, groups.min_size)) + 1):
        if not cohorts * groups.min_size <= placed <= cohorts * groups.max_size:
            continue
        uneven = len(inst.facilitators) >= 2 and (
            cohorts < len(eligible) or cohorts % len(eligible) != 0)
        floor = (SIZE_OFF_TARGET.weight * abs(placed - cohorts * groups.size)
                 + FACILITATOR_IMBALANCE.weight * uneven)
        best = floor if best is None else min(best, floor)
    return best or 0


TERM_BOUNDS: dict[str, Callable[[Instance], int]] = {
    PLACED.code: lambda inst: len(inst.participants),
    AVOID_HITS.code: lambda inst: sum(1 for p in inst.participants if p.avoid) * (
        inst.program.groups.max_size + 1),
    IRREGULAR_SESSIONS.code: lambda inst: inst.cohort_slots * inst.program.groups.max_size,
    SIZE_OFF_TARGET.code: lambda inst: inst.cohort_slots * inst.program.groups.max_size,
    FACILITATOR_IMBALANCE.code: lambda inst: inst.cohort_slots,
    EXPERIENCE_MONOTONY.code: lambda inst: inst.cohort_slots,
    MOVED_SESSIONS.code: lambda inst: sum(
        3 * (len(e.slots) - e.held) for e in inst.earlier),
    CHANGED_MEMBERSHIPS.code: lambda inst: sum(len(e.members) for e in inst.earlier),
    WAITED_PLACED.code: lambda inst: len(inst.program.waited_before),
}
"""An upper bound on each goal's term, by the goal's code."""


def term_bound(code: str, inst: Instance) -> int:
    """An upper bound on the term of goal ``code``, for tie-break weights."""
    return TERM_BOUNDS[GOALS[code].code](inst)


def level_bound(level: Level, inst: Instance) -> int:
    """An upper bound on a level's (weighted) value."""
    return sum(goal.weight * term_bound(goal.code, inst) for goal in level.goals)
