"""Who could take whose seat: people a plan treats as interchangeable.

When a plan leaves someone out, often another person could have had the seat
instead: the same organisation's colleague, or either side of a ``not_with``
pair. :func:`interchangeable` finds, for every person left out, the members
whose seat they could take with every hard rule still kept (their
availability covers the cohort's sessions, the organisation rule and
``not_with`` hold once the member has left), and groups them, so that an
explanation can say "any 1 of these 3 can be placed; this plan leaves out …"
(:meth:`Interchange.note`, in the program's language).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...domain import Program
from ...wording import Words
from ..model.instance import Instance
from ..schedule import ScheduledCohort


@dataclass(frozen=True)
class Interchange:
    """People of whom ``placeable`` can be placed together, as this plan places them.

    ``swaps`` maps each person left out to the members whose seat they could take.
    ``complete``: every one left out could take every member's seat, and those seats
    are in different cohorts, so *any* ``placeable`` of ``people`` can be placed.
    """

    people: tuple[str, ...]
    placeable: int
    left_out: tuple[str, ...]
    swaps: dict[str, tuple[str, ...]]
    complete: bool

    def to_dict(self) -> dict[str, object]:
        """For ``explain --json``."""
        return {
            "people": list(self.people),
            "placeable": self.placeable,
            "left_out": list(self.left_out),
            "could_take_the_seat_of": {k: list(v) for k, v in self.swaps.items()},
            "any": self.complete,
        }

    def note(self, program: Program) -> str:
        """``interchangeable: any 1 of these 3 can be placed (…); this plan leaves out …``,
        or who could take whose seat, in ``program``'s language."""
        w = Words.of(program)
        known = {p.id: p for p in program.participants}

        def who(pid: str) -> str:
            return w.who(known[pid]) if pid in known else pid

        if self.complete:
            return w.n_(
                "interchangeable: any {count} of these {people} can be placed ({everyone}); "
                "this plan leaves out {left}",
                "interchangeable: any {count} of these {people} can be placed ({everyone}); "
                "this plan leaves out {left}",
                self.placeable, people=len(self.people),
                everyone=", ".join(who(p) for p in self.people),
                left=w.all_of(who(p) for p in self.left_out))
        seats = "; ".join(
            w._("{who} could take the seat of {members}", who=who(out),
                members=w.one_of(who(m) for m in members))
            for out, members in self.swaps.items()
        )
        return w._("interchangeable: {seats}", seats=seats)


def can_take_seat(inst: Instance, person: int, cohort: ScheduledCohort, leaving: str) -> bool:
    """Whether participant ``person`` (index) could replace member ``leaving`` of
    ``cohort`` with every hard rule kept (dates, facilitator and room stay)."""
    program = inst.program
    people = inst.participants
    me = people[person]
    stay = [people[inst.participant_index[m]] for m in cohort.members if m != leaving]
    allowed = inst.participant_open[person]
    if allowed is not None:
        g = inst.n_slots
        minutes = inst.calendar.slot_minutes
        for s in cohort.slots:
            day = (s.day - program.start).days
            if s.minute not in minutes or day * g + minutes.index(s.minute) not in allowed:
                return False
    if program.mode == "company":
        if any(p.organization != me.organization for p in stay):
            return False
    elif sum(p.organization == me.organization for p in stay) >= (
        program.groups.max_per_organization
    ):
        return False
    index = inst.participant_index
    return not any((min(person, index[p.id]), max(person, index[p.id])) in inst.apart
                   for p in stay)


def clashing_dates(inst: Instance, cohorts: Sequence[ScheduledCohort], person: int) -> list[str]:
    """ISO dates of the sessions of cohorts with a free seat that participant ``person``
    (index) cannot attend: why their availability keeps them out of this plan."""
    allowed = inst.participant_open[person]
    if allowed is None:
        return []
    g = inst.n_slots
    minutes = inst.calendar.slot_minutes
    found = set()
    for c in cohorts:
        if len(c.members) >= inst.largest_cohort:
            continue
        for s in c.slots:
            day = (s.day - inst.program.start).days
            if s.minute not in minutes or day * g + minutes.index(s.minute) not in allowed:
                found.add(s.day.isoformat())
    return sorted(found)


def interchangeable(inst: Instance, cohorts: Sequence[ScheduledCohort]) -> list[Interchange]:
    """Groups of people left out and the members whose seats they could take."""
    placed = {m for c in cohorts for m in c.members}
    swaps: dict[str, tuple[str, ...]] = {}
    for n, person in enumerate(inst.participants):
        if person.id in placed:
            continue
        seats = tuple(
            m for c in cohorts for m in c.members if can_take_seat(inst, n, c, m)
        )
        if seats:
            swaps[person.id] = seats
    # groups: connected by "could take the seat of"
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for out, seats in swaps.items():
        for m in seats:
            parent[root(out)] = root(m)
    order = {p.id: n for n, p in enumerate(inst.participants)}
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(root(x), []).append(x)
    result = []
    for members in groups.values():
        members.sort(key=order.__getitem__)
        left = tuple(m for m in members if m not in placed)
        seated = [m for m in members if m in placed]
        # any ``len(seated)`` of them: every one left out fits every seat, and the
        # seats lie in different cohorts (two newcomers never meet in one)
        cohort_of = {m: n for n, c in enumerate(cohorts) for m in c.members}
        complete = all(set(seated) <= set(swaps[u]) for u in left) and len(
            {cohort_of[m] for m in seated}) == len(seated)
        result.append(Interchange(
            tuple(members), len(seated), left, {u: swaps[u] for u in left}, complete,
        ))
    result.sort(key=lambda g: order[g.people[0]])
    return result
