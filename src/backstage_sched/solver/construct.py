"""A fast greedy construction: a first plan that hints CP-SAT (and a yardstick).

Cohorts are built one at a time on *regular chains*: a kick-off day and
start time, then the same weekday and time every 4 or 5 weeks (other
allowed days only where no same-weekday day fits the gap rule). Each new
cohort takes the chain and facilitator that suit the most unplaced people.
"""

from __future__ import annotations

from dataclasses import dataclass

from .instance import Instance


@dataclass(frozen=True)
class Chain:
    """Up to ``max_size + 1`` session times: calendar day numbers and a slot."""

    days: tuple[int, ...]
    slot: int


@dataclass
class Built:
    """One greedy cohort."""

    chain: Chain
    facilitator: int
    members: list[int]
    venue: int | None = None


def regular_chains(inst: Instance) -> list[Chain]:
    """Every chain starting on an allowed day, preferring 4-week then 5-week steps."""
    rules = inst.program.sessions
    groups = inst.program.groups
    cal_no = inst.calendar.calendar_number
    eff_no = inst.calendar.effective_number
    allowed = {c: n for n, c in enumerate(cal_no)}
    span = (inst.program.end - inst.program.start).days
    chains = []
    for start_idx, first in enumerate(cal_no):
        if first > span - groups.min_size * rules.min_gap_days:
            break
        days = [first]
        idx = start_idx
        while len(days) < inst.n_sessions:
            prev_c, prev_e = cal_no[idx], eff_no[idx]
            options = [
                c for c in range(prev_c + rules.min_gap_days, span + 1)
                if c in allowed and eff_no[allowed[c]] - prev_e <= rules.max_gap_days
            ]
            if not options:
                break
            same = [c for c in options if (c - prev_c) % 7 == 0]
            nxt = same[0] if same else options[0]
            days.append(nxt)
            idx = allowed[nxt]
        if len(days) < groups.min_size + 1:
            continue
        for slot in range(inst.n_slots):
            chains.append(Chain(tuple(days), slot))
    return chains


def _prefix(open_when: frozenset[int] | None, chain: Chain, g: int) -> int:
    if open_when is None:
        return len(chain.days)
    n = 0
    for c in chain.days:
        if c * g + chain.slot not in open_when:
            break
        n += 1
    return n


def greedy(inst: Instance) -> list[Built]:
    """Build cohorts first-fit on regular chains; deterministic."""
    program = inst.program
    groups = program.groups
    g = inst.n_slots
    duration = program.sessions.duration_minutes
    day_start = program.sessions.day_start.hour * 60 + program.sessions.day_start.minute
    chains = regular_chains(inst)
    # facilitator-feasible chains, keeping only the first n sessions they can attend
    people = range(len(inst.participants))
    reach = {
        (c_i): [_prefix(inst.participant_open[p], ch, g) for p in people]
        for c_i, ch in enumerate(chains)
    }
    flexibility = [
        sum(1 for c_i in reach if reach[c_i][p] >= groups.size + 1) for p in people
    ]
    busy: dict[int, list[tuple[int, int]]] = {f: [] for f in range(len(inst.facilitators))}
    day_count: dict[tuple[int, int], int] = {}
    venue_busy: dict[int, list[tuple[int, int]]] = {r: [] for r in range(len(program.venues))}
    load = [0] * len(inst.facilitators)
    placed: set[int] = set()
    built: list[Built] = []
    not_with = _not_with_pairs(inst)

    def fac_free(f: int, chain: Chain, n: int) -> bool:
        fac = inst.facilitators[f]
        if load[f] >= inst.facilitator_limit(fac):
            return False
        if _prefix(inst.facilitator_open[f], chain, g) < n:
            return False
        buffer = program.buffer(fac)
        for c in chain.days[:n]:
            start = c * 1440 + day_start + chain.slot * program.sessions.grid_minutes
            if day_count.get((f, c), 0) >= program.sessions_per_day(fac):
                return False
            for s, e in busy[f]:
                if start < e + buffer and s < start + duration + buffer:
                    return False
        return True

    def venue_for(chain: Chain, n: int, size: int) -> int | None:
        for r, venue in enumerate(program.venues):
            if venue.capacity < size + 1:
                continue
            ok = True
            for c in chain.days[:n]:
                start = c * 1440 + day_start + chain.slot * program.sessions.grid_minutes
                if any(start < e and s < start + duration for s, e in venue_busy[r]):
                    ok = False
                    break
            if ok:
                return r
        return None

    def pick(c_i: int, target: int) -> list[int]:
        chosen: list[int] = []
        orgs: dict[str, int] = {}
        company_org: str | None = None
        candidates = sorted(
            (p for p in people if p not in placed and reach[c_i][p] >= groups.min_size + 1),
            key=lambda p: (flexibility[p], p),
        )
        for p in candidates:
            if len(chosen) >= target:
                break
            person = inst.participants[p]
            if program.mode == "company":
                if company_org is not None and person.organization != company_org:
                    continue
            elif orgs.get(person.organization, 0) >= groups.max_per_organization:
                continue
            if any((min(p, q), max(p, q)) in not_with for q in chosen):
                continue
            if min(reach[c_i][q] for q in [*chosen, p]) < len(chosen) + 2:
                continue
            chosen.append(p)
            orgs[person.organization] = orgs.get(person.organization, 0) + 1
            company_org = company_org or person.organization
        return chosen

    while True:
        best = None
        for c_i, chain in enumerate(chains):
            members = pick(c_i, groups.size)
            if len(members) < groups.min_size:
                continue
            n = len(members) + 1
            for f in range(len(inst.facilitators)):
                if not fac_free(f, chain, n):
                    continue
                venue = venue_for(chain, n, len(members))
                if program.venues and venue is None:
                    continue
                score = (len(members), -load[f], -c_i)
                if best is None or score > best[0]:
                    best = (score, c_i, f, members, venue)
                break
            if best is not None and best[0][0] >= groups.size and c_i > best[1] + 200:
                break
        if best is None:
            break
        _, c_i, f, members, venue = best
        chain = chains[c_i]
        n = len(members) + 1
        for c in chain.days[:n]:
            start = c * 1440 + day_start + chain.slot * program.sessions.grid_minutes
            busy[f].append((start, start + duration))
            day_count[f, c] = day_count.get((f, c), 0) + 1
            if venue is not None:
                venue_busy[venue].append((start, start + duration))
        load[f] += 1
        placed.update(members)
        built.append(Built(chain, f, members, venue))
    return built


def _not_with_pairs(inst: Instance) -> set[tuple[int, int]]:
    index = {p.id: n for n, p in enumerate(inst.participants)}
    pairs = set()
    for p, person in enumerate(inst.participants):
        for other in person.not_with:
            if other in index:
                q = index[other]
                pairs.add((min(p, q), max(p, q)))
    return pairs
