"""A deliberately simple planner, the yardstick of the benchmark.

Cohorts first-fit (participants in file order, each into the first cohort
with room that keeps the organisation and not_with rules), then dates
first-fit (each cohort takes the first facilitator, kick-off day and start
time from which a 4-to-5-week series fits every member and the
facilitator, and, when rooms are listed, the first room that seats the
cohort and its facilitator and is free at every session). No optimisation;
the real solver must never place fewer.
"""

from __future__ import annotations

from backstage_sched.domain import Program
from backstage_sched.solver.model.chains import chain_days
from backstage_sched.solver.model.instance import Instance


def simple_greedy(program: Program) -> dict[str, int]:
    """Plan ``program`` first-fit; returns placed, cohorts, avoid-time hits and
    irregular cohorts (a session off the kick-off's weekday; the start time is one)."""
    inst = Instance.of(program)
    groups = program.groups
    people = inst.participants
    index = {p.id: n for n, p in enumerate(people)}
    banned = {(index[p.id], index[q]) for p in people for q in p.not_with if q in index}
    cohorts: list[list[int]] = []
    for p, person in enumerate(people):
        for members in cohorts:
            if len(members) >= groups.size:
                continue
            orgs = [people[q].organization for q in members]
            if program.mode == "company" and orgs[0] != person.organization:
                continue
            if program.mode == "mixed" and orgs.count(person.organization) >= (
                groups.max_per_organization
            ):
                continue
            if any((p, q) in banned or (q, p) in banned for q in members):
                continue
            members.append(p)
            break
        else:
            cohorts.append([p])
    g = inst.n_slots
    minutes = inst.calendar.slot_minutes
    duration = program.sessions.duration_minutes
    every = frozenset(
        c * g + s for c in inst.calendar.calendar_number for s in range(g)
    )
    load = [0] * len(inst.facilitators)
    # per facilitator and per room: calendar day -> session start minutes
    busy: list[dict[int, list[int]]] = [{} for _ in inst.facilitators]
    rooms: list[dict[int, list[int]]] = [{} for _ in program.venues]
    placed = hits = formed = irregular = 0
    for members in cohorts:
        if len(members) < groups.min_size:
            continue
        common = every
        for q in members:
            if inst.participant_open[q] is not None:
                common = common & inst.participant_open[q]
        found = _dates(inst, members, common, load, busy, rooms, minutes, duration)
        if found is None:
            continue
        f, room, days, slot = found
        load[f] += 1
        for c in days:
            start = c * 1440 + minutes[slot]
            busy[f].setdefault(c, []).append(start)
            if room is not None:
                rooms[room].setdefault(c, []).append(start)
        placed += len(members)
        formed += 1
        irregular += any((c - days[0]) % 7 for c in days)
        for q in members:
            bad = inst.participant_avoid[q]
            hits += sum(1 for c in days if c * g + slot in bad)
    return {"placed": placed, "cohorts": formed, "avoid_hits": hits,
            "irregular_cohorts": irregular}


def _dates(inst, members, common, load, busy, rooms, minutes, duration):
    """First (facilitator, room, series days, slot) that fits, or None."""
    program = inst.program
    g = inst.n_slots
    need = len(members) + 1
    for f, fac in enumerate(inst.facilitators):
        if load[f] >= inst.facilitator_limit(fac):
            continue
        theirs = inst.facilitator_open[f]
        allowed = common if theirs is None else common & theirs
        buffer = program.buffer(fac)
        for first in inst.calendar.calendar_number:
            for slot in range(g):
                if first * g + slot not in allowed:
                    continue
                days = chain_days(inst, first, slot, allowed)[:need]
                if len(days) < need:
                    continue
                clash = False
                for c in days:
                    start = c * 1440 + minutes[slot]
                    held = busy[f].get(c, ())
                    if len(held) >= program.sessions_per_day(fac) or any(
                        start < s + duration + buffer and s < start + duration + buffer
                        for s in held
                    ):
                        clash = True
                        break
                if clash:
                    continue
                if not program.venues:
                    return f, None, days, slot
                for r, venue in enumerate(program.venues):
                    if venue.capacity >= need and not any(
                        abs(c * 1440 + minutes[slot] - t) < duration
                        for c in days for t in rooms[r].get(c, ())
                    ):
                        return f, r, days, slot
    return None
