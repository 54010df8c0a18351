"""Swap members between cohorts off their avoid times (SPEC §2, objective 2).

Two members of different cohorts trade places when both can take the other's
seat with every hard rule kept (:func:`.interchange.can_take_seat`: their
availability covers the other cohort's sessions, and the organisation rule,
company mode and ``not_with`` hold) and the trade lowers the number of
member-sessions on avoid times. Dates, facilitators, rooms and cohort sizes
stay, so nobody placed is lost and the rhythm does not change; case owners
are assigned again for the two cohorts.
"""

from __future__ import annotations

from dataclasses import replace

from ..explain.interchange import can_take_seat
from ..model.instance import Instance
from ..schedule import ScheduledCohort
from .owners import assign_case_owners


def swap_off_avoid(inst: Instance, cohorts: list[ScheduledCohort]) -> list[ScheduledCohort]:
    """``cohorts`` after every improving swap found, first improvement first, in a
    fixed order (deterministic)."""
    result = list(cohorts)
    if not any(inst.participant_avoid):
        return result
    g = inst.n_slots
    minutes = inst.calendar.slot_minutes
    whens = [
        [(s.day - inst.program.start).days * g + minutes.index(s.minute) for s in c.slots]
        for c in result
    ]

    def hits(p: int, k: int) -> int:
        bad = inst.participant_avoid[p]
        return sum(1 for w in whens[k] if w in bad) if bad else 0

    index = inst.participant_index
    improved = True
    while improved:  # passes until one finds nothing; each swap lowers the hits
        improved = False
        for k1 in range(len(result)):
            for a in result[k1].members:
                if a not in result[k1].members:
                    continue  # swapped out earlier in this pass
                p = index[a]
                here = hits(p, k1)
                for k2 in range(len(result)) if here else ():
                    gain = here - hits(p, k2)
                    if k2 == k1 or gain <= 0:
                        continue
                    c1, c2 = result[k1], result[k2]
                    partner = next(
                        (b for b in c2.members
                         if hits(index[b], k1) - hits(index[b], k2) < gain
                         and can_take_seat(inst, p, c2, b)
                         and can_take_seat(inst, index[b], c1, a)),
                        None,
                    )
                    if partner is not None:
                        result[k1] = _with(inst, c1, a, partner)
                        result[k2] = _with(inst, c2, partner, a)
                        improved = True
                        break
    return result


def _with(inst: Instance, cohort: ScheduledCohort, out: str, into: str) -> ScheduledCohort:
    """``cohort`` with member ``out`` replaced by ``into``, case owners assigned again."""
    order = inst.participant_index
    members = tuple(
        sorted([*(m for m in cohort.members if m != out), into], key=order.__getitem__))
    return replace(cohort, members=members,
                   case_owners=assign_case_owners(inst, members, cohort.slots))
