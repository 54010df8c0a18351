"""Why the free seats of a plan do not fit someone it leaves out.

When a plan uses every cohort the facilitators may lead, facilitator capacity
is what keeps people out only if those cohorts are full. Where some still
have a free seat, what keeps a person out is what those cohorts are: the
days they meet, the organisations or people they already hold, or no
session that can be added after their last. :func:`free_seat_finding` says
which, cohort by cohort ("the 5 cohorts with a free seat meet on Wednesdays
and Thursdays; Åsa can come on Mondays and Tuesdays").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ...rules import (
    COMPANY_MODE,
    GAP,
    MET_BEFORE,
    NOT_WITH,
    ORGANISATION_MIX,
    PARTICIPANT_AVAILABILITY,
    explains,
)
from ..model.instance import Instance
from ..schedule import ScheduledCohort, cohort_ids
from .finding import Finding, words


def can_come_on(inst: Instance, n: int) -> list[int]:
    """The weekdays (0 = Monday) participant ``n`` can come on: those on which, at
    some start time, they are free on at least half the program's open days."""
    open_when = inst.participant_open[n]
    g = inst.n_slots
    days = inst.calendar.calendar_number
    weekday0 = inst.program.start.weekday()
    total: dict[int, int] = {}
    free: dict[int, int] = {}
    for c in days:
        w = (weekday0 + c) % 7
        total[w] = total.get(w, 0) + 1
        if open_when is None or any(c * g + s in open_when for s in range(g)):
            free[w] = free.get(w, 0) + 1
    return sorted(w for w in total if 2 * free.get(w, 0) >= total[w])


def _cause(inst: Instance, n: int, cohort: ScheduledCohort) -> tuple[str, str]:
    """(rule code, the first date they cannot come, or "") of why participant ``n``
    cannot take a free seat of ``cohort``."""
    program = inst.program
    person = inst.participants[n]
    index = inst.participant_index
    orgs = [inst.participants[index[m]].organization for m in cohort.members]
    if program.mode == "company" and orgs and orgs[0] != person.organization:
        return COMPANY_MODE.code, ""
    if program.mode == "mixed" and (
        orgs.count(person.organization) >= program.groups.max_per_organization
    ):
        return ORGANISATION_MIX.code, ""
    members = {index[m] for m in cohort.members}
    if any((n, q) in inst.not_with_pairs or (q, n) in inst.not_with_pairs for q in members):
        return NOT_WITH.code, ""
    if any((n, q) in inst.met_before_pairs or (q, n) in inst.met_before_pairs
           for q in members):
        return MET_BEFORE.code, ""
    for slot in cohort.slots:
        if inst.calendar.blocked(person.unavailable, person.busy, slot):
            return PARTICIPANT_AVAILABILITY.code, slot.day.isoformat()
    return GAP.code, ""


@explains(PARTICIPANT_AVAILABILITY, ORGANISATION_MIX, COMPANY_MODE, NOT_WITH, MET_BEFORE, GAP)
def free_seat_finding(
    inst: Instance, n: int, cohorts: Sequence[ScheduledCohort]
) -> Finding | None:
    """Why participant ``n`` takes none of the free seats of a new plan's ``cohorts``
    (in kick-off order, so named ``c01``, … as the plan will name them), or None
    when every cohort is full or the plan is a re-plan (its ids are the earlier
    plan's)."""
    if inst.earlier:
        return None
    groups = inst.program.groups
    free = [(c, name) for c, name in zip(cohorts, cohort_ids(len(cohorts)), strict=True)
            if len(c.members) < groups.max_size]
    if not free:
        return None
    w = words(inst)
    person = inst.participants[n]
    by_cause: dict[str, list[tuple[ScheduledCohort, str, str]]] = {}
    for c, name in free:
        rule, day = _cause(inst, n, c)
        by_cause.setdefault(rule, []).append((c, name, day))
    parts = [_part(inst, n, rule, found) for rule, found in by_cause.items()]
    main = max(by_cause, key=lambda rule: len(by_cause[rule]))
    message = w.n_(
        "every cohort the facilitators may lead is formed, and {count} has a free seat: "
        "{why}",
        "every cohort the facilitators may lead is formed, and {count} have a free seat: "
        "{why}", len(free), why="; ".join(parts))
    return Finding(main, (person.id,), message, w._(
        "free the dates of a cohort with a free seat, move someone between cohorts, or "
        "raise max_cohorts"))



def _part(
    inst: Instance, n: int, rule: str, found: list[tuple[ScheduledCohort, str, str]]
) -> str:
    """What keeps participant ``n`` out of the cohorts ``found`` (all for ``rule``)."""
    w = words(inst)
    person = inst.participants[n]
    who = w.who(person)
    ids = w.all_of(name for _, name, _ in found)
    count = len(found)
    if rule == PARTICIPANT_AVAILABILITY.code:
        mine = can_come_on(inst, n)
        other = [x for x in found if x[0].slots[0].day.weekday() not in mine]
        parts = []
        if other:  # cohorts on days they cannot come at all
            days = sorted({c.slots[0].day.weekday() for c, _, _ in other})
            parts.append(w.n_(
                "{ids} meets on {days}; {who} can come on {mine}",
                "{ids} meet on {days}; {who} can come on {mine}",
                len(other), ids=w.all_of(name for _, name, _ in other),
                days=w.weekdays(days), who=who,
                mine=w.weekdays(mine) if mine else w._("no weekday often enough")))
        same = [x for x in found if x not in other]
        if same:  # cohorts on their days, but on a date they cannot come
            dates = sorted({date.fromisoformat(day) for _, _, day in same})
            shown = [w.day(d) for d in dates[:3]]
            if len(dates) > 3:
                shown.append(w.n_("{count} more day", "{count} more days", len(dates) - 3))
            parts.append(w.n_(
                "{ids} meets on {days}, but {who} cannot come on {dates}",
                "{ids} meet on {days}, but {who} cannot come on {dates}",
                len(same), ids=w.all_of(name for _, name, _ in same),
                days=w.weekdays(sorted({c.slots[0].day.weekday() for c, _, _ in same})),
                who=who, dates=w.all_of(shown)))
        return "; ".join(parts)
    if rule == ORGANISATION_MIX.code:
        return w.n_("{ids} already has as many from {org} as a cohort may",
                    "{ids} already have as many from {org} as a cohort may",
                    count, ids=ids, org=person.organization)
    if rule == COMPANY_MODE.code:
        return w.n_("{ids} is a cohort of another organisation",
                    "{ids} are cohorts of other organisations", count, ids=ids)
    if rule in (NOT_WITH.code, MET_BEFORE.code):
        return w.n_("{ids} holds someone {who} may not share a cohort with",
                    "{ids} hold someone {who} may not share a cohort with",
                    count, ids=ids, who=who)
    return w.n_(
        "{ids} has no room for one more session after its last (the gap rule, the "
        "program window or the facilitator's other sessions)",
        "{ids} have no room for one more session after their last (the gap rule, the "
        "program window or the facilitators' other sessions)", count, ids=ids)
