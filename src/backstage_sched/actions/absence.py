"""An absence (SPEC §7): a member will miss one session, and their case turn moves.

Every member owns the case of one session. When the absent member owns the
case of the session they will miss, their turn swaps with the member whose
turn comes next among the sessions still to come; an earlier session (not
yet held) is used only when no later one is left. Nothing is read or written
here; :mod:`.change` checks the result and lists what to send.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..domain import Program
from ..errors import InfeasibleError, InputError
from ..plan import Cohort, Plan, Session
from ..said import said
from .edits import numbered

Result = tuple[Program, Plan, list[str]]


def absent(program: Program, plan: Plan, person: str, session: int, today: date) -> Result:
    """Record that ``person`` will miss session ``session`` (1 = kick-off) of their cohort.

    Raises :class:`InputError` for an unknown person, a person in no cohort, a
    session that does not exist, was held before ``today`` or is already
    recorded; :class:`InfeasibleError` when their case turn cannot move.
    """
    cohort = plan.cohort_of(person)
    if cohort is None:
        waiting = person in {u.participant for u in plan.unplaced}
        why = said("{id} is not placed in a cohort", id=person) if waiting else \
            said("{id} is not a participant of this plan", id=person)
        raise InputError(None, "participant", why)
    missed = numbered(cohort, session)
    j = missed.index
    to_come = [plan.day_of(s) >= today for s in cohort.sessions]
    if not to_come[j]:
        raise InputError(None, "session", said(
            "session {number} of {cohort} was held before {day}", number=session,
            cohort=cohort.id, day=today.isoformat()))
    if person in missed.absent:
        raise InputError(None, "session", said(
            "{id} is already recorded absent from session {number} of {cohort}", id=person,
            number=session, cohort=cohort.id))
    sessions = list(cohort.sessions)
    answered = tuple(r for r in missed.replies if r[0] != person)  # an earlier yes is void
    sessions[j] = replace(missed, absent=(*missed.absent, person), replies=answered)
    notes: list[str] = [said("{id} will miss session {number} of {cohort}", id=person,
                             number=session, cohort=cohort.id)]
    if missed.case_owner == person:
        k = _swap_with(cohort, j, to_come)
        if k is None:
            raise InfeasibleError(said(
                "{id} owns the case of session {number}, the last of {cohort}, and every "
                "other member's turn has been held: the turn cannot move. Keep the session, "
                "or move it (backstage-sched move) to a date they can come", id=person,
                number=session, cohort=cohort.id,
            ))
        other = sessions[k].case_owner
        sessions[j] = replace(sessions[j], case_owner=other)
        sessions[k] = replace(sessions[k], case_owner=person)
        notes.append(said("case turns swapped: {other} now owns session {number}, {id} session "
                          "{turn}", other=other, number=session, id=person, turn=k + 1))
    new = replace(cohort, sessions=tuple(sessions))
    cohorts = tuple(new if c.id == cohort.id else c for c in plan.cohorts)
    return program, replace(plan, cohorts=cohorts), notes


def _swap_with(cohort: Cohort, j: int, to_come: list[bool]) -> int | None:
    """The session whose owner takes turn ``j``: the next one to come after it, else the
    nearest earlier one still to come; never a session its new owner will miss."""
    owner = cohort.sessions[j].case_owner

    def fits(s: Session) -> bool:
        return s.case_owner is not None and owner not in s.absent

    later = [k for k in range(j + 1, len(cohort.sessions)) if to_come[k]]
    earlier = [k for k in range(j - 1, 0, -1) if to_come[k]]
    for k in later + earlier:
        other = cohort.sessions[k].case_owner
        if fits(cohort.sessions[k]) and other not in cohort.sessions[j].absent:
            return k
    return None
