"""Give irregular cohorts a regular rhythm after the search (SPEC §2, objective 3).

A cohort keeps its members, facilitator and room; only its dates move, to a
regular series (the same weekday and start time every 4 or 5 weeks, see
:func:`.chains.chain_days`) that every member and the facilitator have
open, that keeps clear of the facilitator's and the room's other sessions,
and that has no more avoid-time hits. A cohort is moved only when that makes
the plan better in the order of the objectives: fewer avoid-time hits, or as
many and fewer irregular sessions. Nothing else changes, so the levels before
stay as they were.
"""

from __future__ import annotations

from datetime import timedelta

from ...inputs.workdays import Slot
from ..model.chains import chain_days
from ..model.diary import Diary
from ..model.instance import Instance
from ..schedule import ScheduledCohort
from .owners import assign_case_owners


def regularize(inst: Instance, cohorts: list[ScheduledCohort]) -> list[ScheduledCohort]:
    """``cohorts`` with each irregular one re-dated where a better series exists (a plan
    of a fresh program: no held sessions)."""
    result = list(cohorts)
    for n in range(len(result)):
        if _irregular(result[n]):
            better = _better_series(inst, result, n)
            if better is not None:
                result[n] = better
    result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return result


def _irregular(cohort: ScheduledCohort) -> int:
    first = cohort.slots[0]
    return sum(
        1 for s in cohort.slots[1:]
        if s.day.weekday() != first.day.weekday() or s.minute != first.minute
    )


def _avoid_hits(inst: Instance, members: list[int], whens: list[int]) -> int:
    return sum(1 for p in members for w in whens if w in inst.participant_avoid[p])


def _better_series(
    inst: Instance, cohorts: list[ScheduledCohort], n: int
) -> ScheduledCohort | None:
    """A better dated copy of ``cohorts[n]``, or None when there is none."""
    program = inst.program
    g = inst.n_slots
    minutes = inst.calendar.slot_minutes
    cohort = cohorts[n]
    fac = {f.id: i for i, f in enumerate(inst.facilitators)}
    rooms = {r.id: i for i, r in enumerate(program.venues)}
    diary = Diary(inst)
    for m, other in enumerate(cohorts):
        if m != n:
            diary.book(fac[other.facilitator], rooms.get(other.venue or ""), _when(inst, other))
    f = fac[cohort.facilitator]
    room = rooms.get(cohort.venue or "")
    members = [inst.participant_index[m] for m in cohort.members]
    allowed = inst.every_when - diary.fac_blocked[f]
    if room is not None:
        allowed = allowed - diary.room_blocked[room]
    for p in members:
        if (free := inst.participant_open[p]) is not None:
            allowed = allowed & free
    if (free := inst.facilitator_open[f]) is not None:
        allowed = allowed & free
    now = _when(inst, cohort)
    best = (_avoid_hits(inst, members, [c * g + s for c, s in now]), _irregular(cohort))
    first_now = now[0][0]
    choice: tuple[tuple[int, int, int], tuple[int, ...], int] | None = None
    need = len(cohort.slots)
    for first in inst.calendar.calendar_number:
        for slot in range(g):
            if first * g + slot not in allowed:
                continue
            days = chain_days(inst, first, slot, allowed)[:need]
            if len(days) < need:
                continue
            irregular = sum(1 for c in days[1:] if (c - days[0]) % 7)
            hits = _avoid_hits(inst, members, [c * g + slot for c in days])
            rank = (hits, irregular, abs(first - first_now))
            if (hits, irregular) < best and (choice is None or rank < choice[0]):
                choice = (rank, days, slot)
    if choice is None:
        return None
    _, days, slot = choice
    slots = tuple(Slot(program.start + timedelta(days=c), minutes[slot]) for c in days)
    owners = assign_case_owners(inst, cohort.members, slots)
    return ScheduledCohort(cohort.facilitator, cohort.venue, cohort.members, slots, owners)


def _when(inst: Instance, cohort: ScheduledCohort) -> list[tuple[int, int]]:
    """(calendar day number, slot index) of each session of ``cohort``."""
    minutes = inst.calendar.slot_minutes
    return [((s.day - inst.program.start).days, minutes.index(s.minute)) for s in cohort.slots]
