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

from ..domain import Participant, Program
from ..plan import Plan
from ..publish.waitlist import confirmed_seat, waiting_list
from ..said import said
from ..solver.join import Openings, _blocked, _may_meet, joined, open_cohorts

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
            notes.append(said(
                "{name} ({id}, place {rank} in the queue) joins {cohort}; their case session "
                "{number} is added on {start}; the fee is due from them", name=person.name,
                id=person.id, rank=waiting.rank, cohort=cohort.id,
                number=len(cohort.sessions) + 1, start=f"{start:%Y-%m-%d %H:%M}",
            ))
            break
        else:
            notes.append(said("{name} ({id}, place {rank}) fits no free seat now: {why}",
                              name=person.name, id=person.id, rank=waiting.rank,
                              why=why_no_seat(program, plan, person, today, openings)))
    return program, plan, notes


def why_no_seat(program: Program, plan: Plan, person: Participant, today: date,
                openings: Openings) -> str:
    """Why ``person`` fits no free seat on ``today``: no cohort takes newcomers, or per
    cohort that does, the first thing that keeps them out."""
    cohorts = open_cohorts(program, plan, today)
    if not cohorts:
        return said("no cohort has a free seat while at most {count} of its sessions are held",
                    count=program.policy.join_until_session)
    cal = openings.cal
    reasons = []
    for cohort in cohorts:
        ahead = [s.start.astimezone(cal.tz) for s in cohort.sessions]
        slots = openings.slots(cohort)
        if not _may_meet(program, cohort, person):
            why = said("{cohort} is full for them (size, organisation, not_with or met "
                       "before)", cohort=cohort.id)
        elif any(t.date() >= today and _blocked(cal, person, t) for t in ahead):
            why = said("{cohort}: they cannot come to a session still ahead", cohort=cohort.id)
        elif not slots:
            why = said("{cohort}: no free time to add their case session", cohort=cohort.id)
        elif all(_blocked(cal, person, start) for start, _ in slots):
            why = said("{cohort}: they cannot come at any time a session could be added",
                       cohort=cohort.id)
        else:
            why = said("{cohort}: the rules check refuses every seat offered",
                       cohort=cohort.id)
        reasons.append(why)
    told = reasons[0]
    for why in reasons[1:]:
        told = said("{first}; {then}", first=told, then=why)
    return told
