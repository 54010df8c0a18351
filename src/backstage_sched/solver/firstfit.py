"""First-fit constructions: the plans a plain planner makes, kept as a floor.

A first-fit planner forms cohorts first (people in some order, each into the
first cohort with room that keeps the organisation and ``not_with`` rules),
then dates them (each cohort takes the first facilitator, kick-off day and
start time from which a regular 4-to-5-week series fits every member and the
facilitator, and with rooms the first room that seats it and is free at every
session); a cohort that finds no dates is dropped. :func:`constructions` runs
it in several natural orders and fill targets; the solver starts from the
best of them and never returns a plan that places fewer people (SPEC §2,
objective 1).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from ..workdays import Slot
from .construct import assign_case_owners, chain_days
from .instance import Instance
from .schedule import ScheduledCohort


def _file_order(inst: Instance) -> list[int]:
    return list(range(len(inst.participants)))


def _largest_organisation_first(inst: Instance) -> list[int]:
    size: dict[str, int] = {}
    for person in inst.participants:
        size[person.organization] = size.get(person.organization, 0) + 1
    people = inst.participants
    return sorted(range(len(people)), key=lambda p: (-size[people[p].organization], p))


def _most_constrained_first(inst: Instance) -> list[int]:
    everything = len(inst.calendar.calendar_number) * inst.n_slots

    def room(p: int) -> int:
        allowed = inst.participant_open[p]
        return everything if allowed is None else len(allowed)

    return sorted(range(len(inst.participants)), key=lambda p: (room(p), p))


ORDERS: dict[str, Callable[[Instance], list[int]]] = {
    "file order": _file_order,
    "largest organisation first": _largest_organisation_first,
    "most constrained first": _most_constrained_first,
}
"""The natural orders a first-fit planner takes people in."""


@dataclass(frozen=True)
class Construction:
    """One first-fit plan: how it was made and its cohorts."""

    name: str
    cohorts: tuple[ScheduledCohort, ...]


def constructions(inst: Instance) -> list[Construction]:
    """First-fit plans of ``inst`` in every order of :data:`ORDERS`, filling cohorts
    to the target size and, where some people would wait anyway, to the maximum."""
    groups = inst.program.groups
    fills = [groups.size]
    if groups.max_size > groups.size and inst.placed_bound < len(inst.participants):
        fills.append(groups.max_size)
    found = []
    for name, order in ORDERS.items():
        people = order(inst)
        for fill in fills:
            label = name if fill == groups.size else f"{name}, cohorts of {fill}"
            found.append(Construction(label, tuple(first_fit(inst, people, fill))))
    return found


def form_cohorts(inst: Instance, people: list[int], fill: int) -> list[list[int]]:
    """People in ``people`` order into the first cohort below ``fill`` members that
    keeps the organisation rule (mixed: at most ``max_per_organization``; company:
    one organisation) and every ``not_with`` pair; else a new cohort."""
    program = inst.program
    persons = inst.participants
    index = inst.participant_index
    banned = {
        frozenset((p, index[q]))
        for p, person in enumerate(persons)
        for q in person.not_with
        if q in index
    }
    cap = program.groups.max_per_organization
    cohorts: list[list[int]] = []
    for p in people:
        org = persons[p].organization
        for members in cohorts:
            if len(members) >= fill:
                continue
            orgs = [persons[q].organization for q in members]
            if program.mode == "company" and orgs[0] != org:
                continue
            if program.mode == "mixed" and orgs.count(org) >= cap:
                continue
            if any(frozenset((p, q)) in banned for q in members):
                continue
            members.append(p)
            break
        else:
            cohorts.append([p])
    return cohorts


def first_fit(inst: Instance, people: list[int], fill: int) -> list[ScheduledCohort]:
    """The first-fit plan of ``inst`` taking ``people`` in order, cohorts up to ``fill``."""
    program = inst.program
    diary = Diary(inst)
    result = []
    for members in form_cohorts(inst, people, fill):
        if len(members) < program.groups.min_size:
            continue
        found = diary.first_dates(members)
        if found is None:
            continue
        f, room, days, slot = found
        diary.book(f, room, [(c, slot) for c in days])
        ids = tuple(inst.participants[p].id for p in sorted(members))
        minute = inst.calendar.slot_minutes[slot]
        slots = tuple(Slot(program.start + timedelta(days=c), minute) for c in days)
        venue = program.venues[room].id if room is not None else None
        owners = assign_case_owners(inst, ids, slots)
        result.append(ScheduledCohort(inst.facilitators[f].id, venue, ids, slots, owners))
    result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return result


class Diary:
    """Who leads how many cohorts, and at which starts (``day * n_slots + slot``) each
    facilitator and room can take no further session."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        program = inst.program
        g = self.g = inst.n_slots
        self.every = frozenset(c * g + s for c in inst.calendar.calendar_number for s in range(g))
        self.duration = program.sessions.duration_minutes
        self.load = [0] * len(inst.facilitators)
        self.held: list[dict[int, int]] = [{} for _ in inst.facilitators]  # day -> sessions
        self.fac_blocked: list[set[int]] = [set() for _ in inst.facilitators]
        self.room_blocked: list[set[int]] = [set() for _ in program.venues]
        self._minutes = inst.calendar.slot_minutes
        for r in range(len(program.venues)):
            for start in inst.venue_taken(r):
                day, minute = divmod(start, 1440)
                self._block(self.room_blocked[r], day, minute, self.duration)

    def _block(self, blocked: set[int], day: int, minute: int, reach: int) -> None:
        """Block the starts of ``day`` less than ``reach`` minutes from ``minute``."""
        for s, other in enumerate(self._minutes):
            if abs(other - minute) < reach:
                blocked.add(day * self.g + s)

    def book(self, f: int, room: int | None, sessions: list[tuple[int, int]]) -> None:
        """Record a dated cohort: its facilitator, room and (day, slot) per session."""
        program = self.inst.program
        fac = self.inst.facilitators[f]
        gap = self.duration + program.buffer(fac)
        self.load[f] += 1
        for c, slot in sessions:
            minute = self._minutes[slot]
            self.held[f][c] = self.held[f].get(c, 0) + 1
            if self.held[f][c] >= program.sessions_per_day(fac):
                self.fac_blocked[f].update(c * self.g + s for s in range(self.g))
            self._block(self.fac_blocked[f], c, minute, gap)
            if room is not None:
                self._block(self.room_blocked[room], c, minute, self.duration)

    def first_dates(
        self, members: list[int]
    ) -> tuple[int, int | None, tuple[int, ...], int] | None:
        """The first (facilitator, room, session days, slot) that fits ``members``:
        facilitators in input order, then kick-off days, then start times; the
        series is the regular chain of :func:`.construct.chain_days` over the
        times every member and the facilitator have open."""
        inst = self.inst
        program = inst.program
        g = self.g
        need = len(members) + 1
        min_gap = program.sessions.min_gap_days
        rooms = [r for r, v in enumerate(program.venues) if v.capacity >= need]
        if program.venues and not rooms:
            return None
        common = self.every
        for q in members:
            if inst.participant_open[q] is not None:
                common = common & inst.participant_open[q]
        for f, fac in enumerate(inst.facilitators):
            if self.load[f] >= inst.facilitator_limit(fac):
                continue
            theirs = inst.facilitator_open[f]
            allowed = common if theirs is None else common & theirs
            blocked = self.fac_blocked[f]
            by_slot: list[list[int]] = [[] for _ in range(g)]
            for start in sorted(allowed):
                by_slot[start % g].append(start // g)
            for first in inst.calendar.calendar_number:
                for slot in range(g):
                    start = first * g + slot
                    if start not in allowed or start in blocked:
                        continue
                    # a chain of ``need`` days needs that many open days at this time,
                    # the last at least (need - 1) minimum gaps after the first
                    open_days = by_slot[slot]
                    if (len(open_days) - bisect_left(open_days, first) < need
                            or open_days[-1] < first + (need - 1) * min_gap):
                        continue
                    if rooms and all(start in self.room_blocked[r] for r in rooms):
                        continue
                    days = chain_days(inst, first, slot, allowed)[:need]
                    if len(days) < need or any(c * g + slot in blocked for c in days):
                        continue
                    if not program.venues:
                        return f, None, days, slot
                    for r in rooms:
                        if not any(c * g + slot in self.room_blocked[r] for c in days):
                            return f, r, days, slot
        return None
