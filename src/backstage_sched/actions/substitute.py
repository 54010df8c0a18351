"""Substitute a facilitator (SPEC §8): another facilitator takes a cohort's sessions
from one session on, on the same dates.

The plan records who led which session: the cohort's ``facilitator`` becomes the
new one (who leads the sessions to come and counts the cohort in their
``max_cohorts``), and each session before the handover names the facilitator
who led it (:attr:`~backstage_sched.plan.Session.facilitator`).

A handover is judged by the independent checker, the same way for the
``substitute`` command and for a re-plan: :func:`handover_problems` lists what
it breaks that the plan did not break before. :func:`first_unled` finds, for a
re-plan, the first session to come that a cohort's facilitator can no longer
lead at its date; the re-plan then weighs handing the sessions from there on to
another facilitator against moving dates (:func:`.planner.replan_program`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..check.verify import Violation, verify
from ..domain import Program
from ..errors import InfeasibleError, InputError
from ..plan import Cohort, Plan
from ..rules import FACILITATOR_AVAILABILITY
from ..said import joined, said
from .edits import Result, _cohort, _with_cohort, numbered


def hand_over(cohort: Cohort, facilitator: str, index: int) -> Cohort:
    """``cohort`` with ``facilitator`` leading the sessions from ``index`` on; each
    earlier session keeps the facilitator who leads it (named only when not the new one)."""
    sessions = tuple(
        replace(s, facilitator=None)
        if s.index >= index or cohort.leader(s) == facilitator
        else replace(s, facilitator=cohort.leader(s))
        for s in cohort.sessions
    )
    return replace(cohort, facilitator=facilitator, sessions=sessions)


def handover_problems(
    program: Program, before: Plan, after: Plan, today: date | None = None
) -> list[Violation]:
    """The hard rules ``after`` (a plan with a handover) breaks that ``before`` did not:
    the new facilitator's availability, ``max_cohorts``, sessions per day, buffer and
    no overlap with their other sessions, as the checker words them as of ``today``."""
    known = set(verify(program, before, today))
    return [v for v in verify(program, after, today) if v not in known]


def substitute(
    program: Program, plan: Plan, cohort: str, facilitator: str, from_session: int | None,
    today: date,
) -> Result:
    """Hand the sessions of ``cohort`` from session ``from_session`` on (the number people
    read, 1 = kick-off; None: the first not yet held, on or after ``today``) to
    ``facilitator``; dates, members and case owners stay.

    Raises InputError for an unknown cohort or facilitator, a session already held,
    or a facilitator who already leads those sessions; InfeasibleError, naming each
    session and rule that fails, when the new facilitator cannot take them.
    """
    group = _cohort(plan, cohort)
    try:
        new = program.facilitator(facilitator)
    except KeyError:
        known = ", ".join(f.id for f in program.facilitators) or said("none")
        raise InputError(None, "facilitator", said(
            "unknown facilitator {id!r} (facilitators: {known})", id=facilitator, known=known,
        )) from None
    if from_session is None:
        to_come = [s for s in group.sessions if plan.day_of(s) >= today]
        if not to_come:
            raise InputError(
                None, "today",
                said("cohort {cohort} held all its sessions before {day}", cohort=cohort,
                     day=today.isoformat()),
            )
        from_session = to_come[0].number
    first = numbered(group, from_session)
    index = first.index
    if plan.day_of(first) < today:
        raise InputError(
            None, "session",
            said("{cohort} session {number} was held on {day} (today is {today}): a held "
                 "session keeps its facilitator", cohort=cohort, number=first.number,
                 day=plan.day_of(first).isoformat(), today=today.isoformat()),
        )
    taken = [s for s in group.sessions if s.index >= index]
    if all(group.leader(s) == facilitator for s in taken):
        raise InputError(
            None, "facilitator",
            said("{name} ({id}) already leads {cohort} from session {number}", name=new.name,
                 id=facilitator, cohort=cohort, number=first.number),
        )
    new_plan = _with_cohort(plan, hand_over(group, facilitator, index))
    problems = handover_problems(program, plan, new_plan, today)
    if problems:
        raise InfeasibleError(said(
            "{name} ({id}) cannot take over {cohort} from session {number}: {problems}",
            name=new.name, id=facilitator, cohort=cohort, number=first.number,
            problems=joined(v.told() for v in problems),
        ))
    before = sorted({group.leader(s) for s in taken} - {facilitator})
    names = ", ".join(f"{program.facilitator(f).name} ({f})" for f in before)
    last = taken[-1].number
    span = said("session {number}", number=first.number) if last == first.number else \
        said("sessions {first}–{last}", first=first.number, last=last)
    notes: list[str] = [said(
        "{cohort}: {name} ({id}) leads {span} instead of {names}; dates, members and case "
        "owners are unchanged", cohort=cohort, name=new.name, id=facilitator, span=span,
        names=names,
    )]
    if index > 0:
        notes.append(
            said("{cohort}: the plan keeps who led sessions 1–{count} (plan.json names them "
                 "on those sessions)", cohort=cohort, count=index)
            if index > 1 else said("{cohort}: the plan keeps who led session 1",
                                   cohort=cohort)
        )
    return program, new_plan, notes


def first_unled(program: Program, plan: Plan, today: date) -> dict[str, int]:
    """Per cohort, the index of its first session on or after ``today`` whose
    facilitator is unavailable at its date under ``program`` (edited inputs, e.g. a
    sick leave), as the checker finds it; cohorts without one are left out."""
    judged = replace(plan, history=replace(plan.history, held_before=today))
    found: dict[str, int] = {}
    for v in verify(program, judged):
        if v.rule != FACILITATOR_AVAILABILITY.code or v.cohort is None or v.session is None:
            continue
        found[v.cohort] = min(found.get(v.cohort, v.session), v.session)
    return found
