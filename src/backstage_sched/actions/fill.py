"""Fill free seats from the waiting list (SPEC §7), first come first served.

People on the waiting list are taken in rank order (:func:`waiting_list`);
each joins the first cohort, in cohort order, where a seat proposed by
:mod:`backstage_sched.solver.join` passes the independent checker on the
plan as it would be. Every join changes the plan the next person is tried
against. Nothing is read or written here; :mod:`.change` checks the result
once more and lists what to send.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from ..check.verify import verify
from ..domain import Program
from ..inputs.workdays import WorkCalendar
from ..plan import Plan
from ..publish.waitlist import waiting_list
from ..solver.join import joined, open_cohorts, proposals

Result = tuple[Program, Plan, list[str]]


def fill(program: Program, plan: Plan, today: date) -> Result:
    """Seat whoever can be seated, in rank order; the notes say who got which seat."""
    people = {p.id: p for p in program.participants}
    tz = ZoneInfo(program.timezone)
    cal = WorkCalendar(program)
    notes: list[str] = []
    for waiting in waiting_list(program, plan, today):
        person = people[waiting.participant]
        for cohort in open_cohorts(program, plan, today):
            seat = next(
                (j for j in proposals(program, plan, cohort, person, today, cal)
                 if not verify(program, joined(program, plan, j))),
                None,
            )
            if seat is None:
                continue
            plan = joined(program, plan, seat)
            start = seat.start.astimezone(tz)
            notes.append(
                f"{person.name} ({person.id}, place {waiting.rank} in the queue) joins "
                f"{cohort.id}; their case session {len(cohort.sessions) + 1} is added on "
                f"{start:%Y-%m-%d %H:%M}; the fee is due from them"
            )
            break
        else:
            notes.append(f"{person.name} ({person.id}, place {waiting.rank}) fits no free "
                         "seat now")
    return program, plan, notes
