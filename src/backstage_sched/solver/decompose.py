"""Large programs: split into independent groups, solve each exactly, repair leftovers.

Cohorts interact only through shared facilitators and rooms; organisation
caps and ``not_with`` act inside one cohort. So a program can be split into
groups, each a few facilitators (and rooms) with the participants they are
to serve, and each group planned exactly by the monolithic CP-SAT model.
Participants are dealt to groups whose facilitators can serve their dates,
hardest first, balancing load and organisations. People a group cannot seat
are then left to :mod:`.repair`, which re-plans a few facilitators at a time
with them and everything else fixed: no one is dropped silently.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..domain import Program
from ..said import said
from .instance import Instance
from .series import series_fits

GROUP_PARTICIPANTS = 130
"""Aim for about this many participants per group (a size one group solves fast)."""


@dataclass(frozen=True)
class Group:
    """One independent sub-program: indexes into the program's tuples."""

    facilitators: tuple[int, ...]
    venues: tuple[int, ...]
    participants: tuple[int, ...]

    def program(self, program: Program) -> Program:
        """The sub-program this group stands for."""
        return program.replace(
            facilitators=tuple(program.facilitators[f] for f in self.facilitators),
            venues=tuple(program.venues[r] for r in self.venues),
            participants=tuple(program.participants[p] for p in self.participants),
        )


def group_count(program: Program) -> int:
    """How many groups to split ``program`` into (1: solve it whole)."""
    wanted = math.ceil(len(program.participants) / GROUP_PARTICIPANTS)
    return max(1, min(wanted, len(program.facilitators)))


def split(inst: Instance, groups: int, wave: int = 1) -> list[Group]:
    """Deal facilitators, rooms and participants into ``groups`` groups.

    Groups are planned ``wave`` at a time (see :func:`solve_split`): the rooms
    are dealt so that the groups of one wave share none, and a later wave's
    group gets the same rooms as the group ``wave`` places before it.
    """
    program = inst.program
    size = program.groups.size
    # facilitators: by capacity, dealt round-robin so each group gets a mix
    facs = sorted(
        range(len(inst.facilitators)),
        key=lambda f: (-min(inst.facilitator_limit(inst.facilitators[f]), 10**3), f),
    )
    fac_groups: list[list[int]] = [[] for _ in range(groups)]
    for n, f in enumerate(facs):
        fac_groups[n % groups].append(f)
    rooms = sorted(range(len(program.venues)), key=lambda r: (-program.venues[r].capacity, r))
    lanes = max(1, min(wave, groups, len(rooms)))
    room_groups: list[list[int]] = [
        [r for n, r in enumerate(rooms) if n % lanes == g % lanes] for g in range(groups)
    ]
    capacity = [
        sum(min(inst.facilitator_limit(inst.facilitators[f]), 10**3) for f in fs) * size
        for fs in fac_groups
    ]
    serves = who_can_serve(inst)
    options = [
        [g for g, fs in enumerate(fac_groups) if serves[p] & set(fs)]
        for p in range(len(inst.participants))
    ]
    members: list[list[int]] = [[] for _ in range(groups)]
    orgs: list[dict[str, int]] = [{} for _ in range(groups)]
    if program.mode == "company":
        by_org: dict[str, list[int]] = {}
        for p, person in enumerate(inst.participants):
            by_org.setdefault(person.organization, []).append(p)
        for org in sorted(by_org, key=lambda o: (-len(by_org[o]), o)):
            people = by_org[org]
            fit = [g for g in range(groups) if all(g in options[p] for p in people)]
            pool = fit or list(range(groups))
            g = min(pool, key=lambda g: (len(members[g]) / max(1, capacity[g]), g))
            members[g].extend(people)
    else:
        order = sorted(range(len(inst.participants)), key=lambda p: (len(options[p]), p))
        for p in order:
            org = inst.participants[p].organization
            pool = options[p] or list(range(groups))
            g = min(
                pool,
                key=lambda g: (
                    orgs[g].get(org, 0) / max(1, capacity[g]),
                    len(members[g]) / max(1, capacity[g]),
                    g,
                ),
            )
            members[g].append(p)
            orgs[g][org] = orgs[g].get(org, 0) + 1
    return [
        Group(tuple(fac_groups[g]), tuple(room_groups[g]), tuple(sorted(members[g])))
        for g in range(groups)
    ]


def who_can_serve(inst: Instance) -> list[frozenset[int]]:
    """Per participant, the facilitators with whom some series of ``min_size + 1``
    sessions fits both calendars (computed once per availability pattern)."""
    need = inst.program.groups.min_size + 1
    served: dict[frozenset[int] | None, frozenset[int]] = {}
    result = []
    for own in inst.participant_open:
        if own not in served:
            served[own] = frozenset(
                f for f, theirs in enumerate(inst.facilitator_open)
                if series_fits(
                    inst, own if theirs is None else (theirs if own is None else own & theirs),
                    need,
                )
            )
        result.append(served[own])
    return result


def venue_bookings(program: Program, cohorts: Sequence[Any]) -> tuple[tuple[int, ...], ...]:
    """Per venue of ``program``, the start minutes (``day * 1440 + minute``) of the
    sessions ``cohorts`` hold there."""
    index = {r.id: n for n, r in enumerate(program.venues)}
    busy: list[list[int]] = [[] for _ in program.venues]
    for c in cohorts:
        if c.venue is not None:
            busy[index[c.venue]].extend(
                (s.day - program.start).days * 1440 + s.minute for s in c.slots
            )
    return tuple(tuple(sorted(b)) for b in busy)


SolveGroup = Callable[[Program, tuple[tuple[int, ...], ...]], Any]


def solve_split(
    inst: Instance, solve_one: SolveGroup, workers: int, say: Callable[[str], None]
) -> list[Any]:
    """Plan the program of ``inst`` group by group; whoever a group leaves out is
    for :mod:`.repair` to seat.

    ``solve_one(sub_program, venue_busy)`` plans one group. Without rooms all
    groups run side by side. With rooms they run in waves of ``workers`` (no
    more than there are rooms) that
    share no room, each wave seeing the rooms' bookings of the waves before it,
    so every group has rooms and no two groups book the same room at once.
    """
    program = inst.program
    # groups of one wave need rooms of their own: no wider than there are rooms
    rooms = len(program.venues)
    wave = max(1, min(workers, rooms)) if rooms else max(1, len(program.facilitators))
    groups = split(inst, group_count(program), wave)
    say(said("split into {groups} groups of about {size} participants", groups=len(groups),
             size=GROUP_PARTICIPANTS))
    results: list[Any] = []
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and len(groups) > 1 else None
    try:
        for start in range(0, len(groups), wave):
            busy = venue_bookings(program, [c for r in results for c in r.cohorts])
            jobs = [
                (g.program(program), tuple(busy[r] for r in g.venues))
                for g in groups[start:start + wave]
            ]
            if pool is None or len(jobs) == 1:
                results.extend(solve_one(*job) for job in jobs)
            else:
                results.extend(pool.map(solve_one, *zip(*jobs, strict=True)))
            if len(results) < len(groups):
                seated = sum(len(c.members) for r in results for c in r.cohorts)
                say(said("planned {done} of {groups} groups ({seated} seated)", done=len(results),
                          groups=len(groups), seated=seated))
    finally:
        if pool is not None:
            pool.shutdown()
    return results
