"""A re-plan's first guess: the earlier plan's cohorts, grown by the newcomers.

:func:`grow_earlier` seats each person the earlier plan did not place in the
first cohort that can take one more member: one session more, after its last.
The result hints CP-SAT on a re-plan (:func:`.hints.add_earlier_hint`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ...inputs.workdays import Slot
from ..model.instance import EarlierCohort, Instance
from .construct import not_with_pairs


def grow_earlier(inst: Instance) -> tuple[EarlierCohort, ...]:
    """The earlier plan's cohorts with unplaced people seated where a cohort can grow.

    For a re-plan's hint: each newcomer joins the first cohort that has not
    started, has room, keeps the organisation and ``not_with`` rules, suits
    their dates, and can add one session after its last (same weekday and
    time first) that the facilitator, the room and every member can make.
    """
    cohorts = [
        replace(e, members=tuple(m for m in e.members if m in inst.participant_index))
        for e in inst.earlier
    ]
    seated = {m for e in cohorts for m in e.members}
    not_with = not_with_pairs(inst)
    for p, person in enumerate(inst.participants):
        if person.id in seated:
            continue
        for k in range(len(cohorts)):
            grown = _grown(inst, cohorts, k, p, not_with)
            if grown is not None:
                cohorts[k] = grown
                seated.add(person.id)
                break
    return tuple(cohorts)


def _grown(
    inst: Instance,
    cohorts: list[EarlierCohort],
    k: int,
    p: int,
    not_with: set[tuple[int, int]],
) -> EarlierCohort | None:
    """Cohort ``k`` with participant ``p`` added and one session more, or None when
    ``p`` may not join it or no time for that session suits everyone."""
    e = cohorts[k]
    members = [inst.participant_index[m] for m in e.members]
    if not _may_join(inst, e, members, p, not_with):
        return None
    n = len(members) + 1 + len(e.orphans)
    existing = [_when(inst, s) for s in e.slots[:n]]
    if any(w is None or not _fits_everyone(inst, w, [p], None) for w in existing):
        return None
    extra = _next_slot(inst, cohorts, k, [*members, p])
    if extra is None:
        return None
    return replace(
        e,
        members=(*e.members, inst.participants[p].id),
        slots=(*e.slots[:n], extra),
        case_owners=(*e.case_owners[:n], None),
    )


def _may_join(
    inst: Instance,
    e: EarlierCohort,
    members: list[int],
    p: int,
    not_with: set[tuple[int, int]],
) -> bool:
    """Cohort ``e`` (of ``members``) has not started, has a seat and room for one
    more, and its organisation and ``not_with`` rules let ``p`` in."""
    program = inst.program
    groups = program.groups
    people = inst.participants
    person = people[p]
    if e.held or not members or len(members) >= groups.max_size:
        return False
    if program.venues and e.venue is not None:
        room = next(r for r in program.venues if r.id == e.venue)
        if room.capacity < len(members) + 2:
            return False
    orgs = [people[q].organization for q in members]
    if program.mode == "company" and person.organization != orgs[0]:
        return False
    if program.mode == "mixed" and orgs.count(person.organization) >= (
        groups.max_per_organization
    ):
        return False
    return not any((min(p, q), max(p, q)) in not_with for q in members)


def _when(inst: Instance, slot: Slot) -> int | None:
    """``slot`` as a ``when`` value (day * slots a day + slot), None off the grid."""
    minutes = inst.calendar.slot_minutes
    if slot.minute not in minutes:
        return None
    return (slot.day - inst.program.start).days * inst.n_slots + minutes.index(slot.minute)


def _fits_everyone(inst: Instance, w: int, who: list[int], fac: int | None) -> bool:
    """Every participant in ``who`` (and facilitator ``fac``) may meet at ``w``."""
    sets = [inst.participant_open[p] for p in who]
    if fac is not None:
        sets.append(inst.facilitator_open[fac])
    return all(s is None or w in s for s in sets)


def _clashes(
    inst: Instance,
    cohorts: list[EarlierCohort],
    slot: Slot,
    k: int,
    fac_id: str,
    venue: str | None,
) -> bool:
    """A session of cohort ``k`` at ``slot`` would overlap (with buffer) another
    session of facilitator ``fac_id`` or room ``venue``, or exceed the
    facilitator's sessions per day."""
    program = inst.program
    duration = program.sessions.duration_minutes
    fac = program.facilitator(fac_id)
    buffer = program.buffer(fac)
    start = slot.minute
    same_day = 0
    for j, other in enumerate(cohorts):
        if j == k:
            continue
        for s in other.slots[: len(other.members) + 1 + len(other.orphans)]:
            if s.day != slot.day:
                continue
            if other.facilitator == fac_id:
                same_day += 1
                gap = duration + buffer
                if start < s.minute + gap and s.minute < start + gap:
                    return True
            if venue is not None and other.venue == venue and (
                start < s.minute + duration and s.minute < start + duration
            ):
                return True
    return same_day >= program.sessions_per_day(fac)


def _next_slot(
    inst: Instance, cohorts: list[EarlierCohort], k: int, who: list[int]
) -> Slot | None:
    """The first time after cohort ``k``'s last session, within the gap rule and not
    before today, that ``who``, its facilitator and its room can all make: the
    same weekday first, then the same time of day."""
    program = inst.program
    g = inst.n_slots
    minutes = inst.calendar.slot_minutes
    e = cohorts[k]
    n = len(e.members) + 1 + len(e.orphans)
    last = e.slots[n - 1]
    fac_ids = [f.id for f in inst.facilitators]
    fac = fac_ids.index(e.facilitator) if e.facilitator in fac_ids else None
    last_c = (last.day - program.start).days
    if last_c not in inst.calendar_index:
        return None
    base = inst.calendar.effective_number[inst.calendar_index[last_c]]
    today = (inst.today - program.start).days if inst.today else 0
    days = [
        c for c in inst.calendar.calendar_number
        if c - last_c >= program.sessions.min_gap_days and c >= today
        and inst.calendar.effective_number[inst.calendar_index[c]] - base
        <= program.sessions.max_gap_days
    ]
    days.sort(key=lambda c: ((c - last_c) % 7 != 0, c))
    order = sorted(range(g), key=lambda s: (minutes[s] != last.minute, s))
    for c in days:
        for s in order:
            slot = Slot(program.start + timedelta(days=c), minutes[s])
            if _fits_everyone(inst, c * g + s, who, fac) and not _clashes(
                inst, cohorts, slot, k, e.facilitator, e.venue
            ):
                return slot
    return None
