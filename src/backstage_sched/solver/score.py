"""Score analysis: every soft goal counted on a finished schedule, without CP-SAT.

One function per goal of :mod:`backstage_sched.goals`, marked ``@counts(<GOAL>)``.
The model's penalty variables are only bounded from below, so the solver's
objective can overstate a level it did not prove optimal; these counts are
what the plan really costs, and they are what the plan reports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from ..goals import (
    AVOID_HITS,
    CHANGED_MEMBERSHIPS,
    EXPERIENCE_MONOTONY,
    FACILITATOR_IMBALANCE,
    IRREGULAR_SESSIONS,
    MOVED_SESSIONS,
    PLACED,
    SIZE_OFF_TARGET,
    WAITED_PLACED,
    counts,
)
from ..rules import tagged
from .model.instance import Instance
from .schedule import ScheduledCohort


@counts(PLACED)
def placed_participants(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """Participants in a cohort."""
    return sum(len(c.members) for c in cohorts)


@counts(AVOID_HITS)
def avoid_time_hits(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """Member-sessions on the member's avoid times."""
    hits = 0
    for c in cohorts:
        for pid in c.members:
            person = inst.program.participant(pid)
            if person.avoid:
                hits += sum(inst.calendar.blocked(person.avoid, (), s) for s in c.slots)
    return hits


@counts(IRREGULAR_SESSIONS)
def irregular_sessions(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """Sessions not on their kick-off's weekday and start time."""
    return sum(
        1
        for c in cohorts
        for s in c.slots[1:]
        if s.day.weekday() != c.slots[0].day.weekday() or s.minute != c.slots[0].minute
    )


@counts(SIZE_OFF_TARGET)
def size_off_target(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """Members above or below the target size, summed over cohorts."""
    return sum(abs(len(c.members) - inst.program.groups.size) for c in cohorts)


@counts(FACILITATOR_IMBALANCE)
def facilitator_imbalance(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """Most cohorts on one facilitator minus fewest (among those who may lead)."""
    if not cohorts or len(inst.facilitators) < 2:
        return 0
    load = {f.id: 0 for f in inst.facilitators}
    for c in cohorts:
        load[c.facilitator] += 1
    eligible = [load[f.id] for f in inst.facilitators if inst.facilitator_limit(f) > 0]
    return max(load.values()) - min(eligible, default=0)


@counts(EXPERIENCE_MONOTONY)
def experience_monotony(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """Cohorts with a single experience level when the program has several."""
    if len(inst.experience_levels) < 2:
        return 0
    levels = {p.id: p.experience for p in inst.participants}
    return sum(1 for c in cohorts if len({levels[m] for m in c.members} - {""}) < 2)


@counts(MOVED_SESSIONS)
def moved_sessions(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """Future sessions of earlier cohorts that moved or vanished, plus, per cohort whose
    facilitator or room changed (or that closed), its future sessions once more each
    (for the facilitator, those not kept by one of their own: ``inst.pinned_leader``)."""
    by_slot = {c.slot: c for c in cohorts}
    fac_ids = {f.id for f in inst.facilitators}
    room_ids = {r.id for r in inst.program.venues}
    moved = 0
    for k, earlier in enumerate(inst.earlier):
        now = by_slot.get(k)
        for i in range(earlier.held, len(earlier.slots)):
            if now is None or i >= len(now.slots) or now.slots[i] != earlier.slots[i]:
                moved += 1
        on_grid = [
            i for i, slot in enumerate(earlier.slots)
            if i >= earlier.held and slot.minute in inst.calendar.slot_minutes
        ]
        future = len(on_grid)
        # led by whoever leads the cohort, not kept by a facilitator of their own
        following = sum(1 for i in on_grid if inst.pinned_leader(k, i) is None)
        kept = now is not None and now.facilitator == earlier.facilitator
        if earlier.facilitator in fac_ids and not kept:
            moved += following
        same_room = now is not None and now.venue == earlier.venue
        if earlier.venue in room_ids and not same_room:
            moved += future
    return moved


@counts(CHANGED_MEMBERSHIPS)
def changed_memberships(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """Earlier members (still registered) no longer in their cohort."""
    by_slot = {c.slot: c for c in cohorts}
    changed = 0
    for k, earlier in enumerate(inst.earlier):
        now = set(by_slot[k].members) if k in by_slot else set()
        changed += sum(
            1 for m in earlier.members if m in inst.participant_index and m not in now
        )
    return changed


@counts(WAITED_PLACED)
def waited_placed(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> int:
    """People from an earlier waiting list who are placed."""
    waited = set(inst.program.waited_before)
    return sum(1 for c in cohorts for m in c.members if m in waited)


Counter = Callable[[Instance, Sequence[ScheduledCohort]], int]

TERMS: dict[str, Counter] = {
    code: cast(Counter, fns[0])
    for code, fns in tagged(list(globals().values()), "counts").items()
}
"""The count of each goal, by the goal's code."""
