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

from ..domain import Program
from ..plan import Plan
from ..publish.waitlist import confirmed_seat, waiting_list
from ..solver.join import Openings, joined, open_cohorts

Result = tuple[Program, Plan, list[str]]


def fill(program: Program, plan: Plan, today: date) -> Result:
    """Seat whoever can be seated, in rank order; the notes say who got which seat."""
    people = {p.id: p for p in program.participants}
    tz = ZoneInfo(program.timezone)
    openings = Openings(program, plan, today)
    notes: list[str] = []
    for waiting in waiting_list(program, plan, today):
        person = people[waiting.participant]
        for cohort in open_cohorts(program, plan, today):
            seat = confirmed_seat(program, plan, cohort, person, today, openings)
            if seat is None:
                continue
            plan = joined(program, plan, seat)
            openings = Openings(program, plan, today)  # the plan the next person meets
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
