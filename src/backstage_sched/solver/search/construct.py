"""A fast greedy construction: a first plan that hints CP-SAT (and a yardstick).

Cohorts are built one at a time on *regular chains*: a kick-off day and
start time, then the same weekday and time every 4 or 5 weeks (other
allowed days only where no same-weekday day fits the gap rule). Each new
cohort takes the chain and facilitator that suit the most unplaced people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model.chains import Chain, chain_days, irregular, open_prefix, regular_chains
from ..model.instance import Instance


@dataclass
class Built:
    """One greedy cohort."""

    chain: Chain
    facilitator: int
    members: list[int]
    venue: int | None = None


class _Greedy:
    """State of the construction: who is placed, when each facilitator and room is busy."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        program = inst.program
        self.groups = program.groups
        self.g = inst.n_slots
        self.duration = program.sessions.duration_minutes
        rules = program.sessions
        self.day_start = rules.day_start.hour * 60 + rules.day_start.minute
        self.grid = rules.grid_minutes
        self.chains = regular_chains(inst)
        self.people = range(len(inst.participants))
        span = (program.end - program.start).days + 1
        # open[p, when] / avoid[p, when]: one row per participant over every slot
        self.open = np.ones((len(self.people), span * self.g), dtype=bool)
        self.avoid = np.zeros((len(self.people), span * self.g), dtype=bool)
        for p, allowed in enumerate(inst.participant_open):
            if allowed is not None:
                self.open[p, :] = False
                self.open[p, sorted(allowed)] = True
        for p, bad in enumerate(inst.participant_avoid):
            if bad:
                self.avoid[p, sorted(bad)] = True
        # reach[c][p]: how many leading sessions of chain c participant p can attend
        self.reach: list[list[int]] = []
        self.hits: list[list[int]] = []  # sessions of a chain on p's avoid times
        # the same per chain as arrays, for pick(): reach, can come to more than
        # min_size sessions, some session on an avoid time
        self.reach_np: list[np.ndarray] = []
        self.can_come: list[np.ndarray] = []
        self.hit: list[np.ndarray] = []
        for ch in self.chains:
            self._measure(ch)
        self.regular = len(self.chains)  # chains past this index are re-routed variants
        self.variants: dict[tuple[int, int], int] = {}  # (chain, facilitator) -> chain
        reach = np.array(self.reach, dtype=np.int16).reshape(len(self.chains), len(self.people))
        self.flexibility = (reach >= self.groups.size + 1).sum(axis=0).tolist()
        self.picked: dict[int, list[int]] = {}  # chain -> pick, until someone is placed
        self.ranked: np.ndarray | None = None  # unplaced people, best first, until one is placed
        self.urgency: dict[str, int] | None = None  # pressure() that ranked them
        self.shares: dict[tuple[str, int], int] = {}  # _company_share(), until someone is placed
        self.dead: set[tuple[int, int]] = set()  # (chain, target) that cannot seat min_size
        self.hopeless: set[tuple[int, int, int]] = set()  # (chain, facilitator, target): no route
        self.live: dict[tuple[int, int], tuple[int, Sequence[int]]] = {}  # _live()
        self.day_count: dict[tuple[int, int], int] = {}
        venues = program.venues
        self.rooms_by_size = sorted(range(len(venues)), key=lambda r: (venues[r].capacity, r))
        # for re-routing chains: start times each facilitator and room can no longer take
        self.fac_blocked: list[set[int]] = [set() for _ in inst.facilitators]
        self.room_blocked: list[set[int]] = [set() for _ in program.venues]
        # _detour(): per (chain, facilitator, room) the re-routed chain, valid while
        # neither the facilitator's nor the room's bookings change
        self.version = [0] * len(inst.facilitators)
        self.room_version = [0] * len(program.venues)
        self.detours: dict[tuple[int, int, int | None], tuple[tuple[int, int], int | None]] = {}
        self.free_cache: dict[tuple[int, int | None, int, int], frozenset[int]] = {}
        self.chain_index = {chain: n for n, chain in enumerate(self.chains)}
        self.routed: dict[tuple[int, int, int], tuple[int, list[int], int | None] | None] = {}
        self.load = [0] * len(inst.facilitators)
        self.placed: set[int] = set()
        self.built: list[tuple[int, Built]] = []  # (chain index, cohort)
        self.not_with = not_with_pairs(inst)
        self.partners: list[set[int]] = [set() for _ in self.people]
        for a, b in self.not_with:
            self.partners[a].add(b)
            self.partners[b].add(a)
        self.org = [p.organization for p in inst.participants]

    def _measure(self, chain: Chain) -> None:
        whens = [day * self.g + chain.slot for day in chain.days]
        reach = np.cumprod(self.open[:, whens], axis=1).sum(axis=1).astype(np.int16)
        hits = self.avoid[:, whens].sum(axis=1)
        self.reach.append(reach.tolist())
        self.hits.append(hits.tolist())
        self.reach_np.append(reach)
        self.can_come.append(reach > self.groups.min_size)
        self.hit.append(hits > 0)

    def variant(self, c_i: int, f: int) -> int:
        """Chain ``c_i`` re-routed around facilitator ``f``'s unavailable days."""
        allowed = self.inst.facilitator_open[f]
        if allowed is None:
            return c_i
        key = (c_i, f)
        if key not in self.variants:
            chain = self.chains[c_i]
            days = chain_days(self.inst, chain.days[0], chain.slot, allowed)
            if days == chain.days or chain.days[0] * self.g + chain.slot not in allowed:
                self.variants[key] = c_i
            else:
                self.variants[key] = self._chain(Chain(days, chain.slot))
        return self.variants[key]

    def _start(self, chain: Chain, i: int) -> int:
        return chain.days[i] * 1440 + self.day_start + chain.slot * self.grid

    def fac_free(self, f: int, chain: Chain, sessions: range, new_cohort: bool) -> bool:
        """Facilitator ``f`` can lead ``sessions`` of ``chain`` on top of what they have."""
        inst = self.inst
        if new_cohort and self.load[f] >= inst.facilitator_limit(inst.facilitators[f]):
            return False
        if sessions.stop > len(chain.days):
            return False
        if open_prefix(inst.facilitator_open[f], chain, self.g) < sessions.stop:
            return False
        return self._clear(self.fac_blocked[f], chain, sessions)  # overlap, buffer, per day

    def venue_free(self, r: int, chain: Chain, sessions: range, size: int) -> bool:
        """Room ``r`` holds ``size`` members plus facilitator and is free for ``sessions``."""
        if self.inst.program.venues[r].capacity < size + 1 or sessions.stop > len(chain.days):
            return False
        return self._clear(self.room_blocked[r], chain, sessions)

    def _clear(self, blocked: set[int], chain: Chain, sessions: range) -> bool:
        """No session in ``sessions`` of ``chain`` starts at a ``blocked`` time."""
        return not any(chain.days[i] * self.g + chain.slot in blocked for i in sessions)

    def venue_for(self, chain: Chain, n: int, size: int) -> int | None:
        """The smallest room that seats ``size`` and is free for the first ``n``
        sessions of ``chain`` (best fit: large rooms stay for large cohorts)."""
        for r in self.rooms_by_size:
            if self.venue_free(r, chain, range(n), size):
                return r
        return None

    def fits(self, p: int, c_i: int, members: list[int]) -> bool:
        """``p`` may join ``members`` on chain ``c_i`` (organisation, not_with, dates)."""
        need = len(members) + 2  # sessions once p joins
        return self._may_join(p, members) and all(
            self.reach[c_i][q] >= need for q in [*members, p]
        )

    def pressure(self) -> dict[str, int]:
        """Per organisation, how badly its unplaced people need the cohorts still to
        open: 0 when they fit easily, up to 10 when each remaining cohort must take
        one of them (mixed mode; an organisation fills one place per cohort)."""
        if self.inst.program.mode == "company":
            return {}
        left = [p for p in self.people if p not in self.placed]
        spare = sum(
            max(0, min(self.inst.facilitator_limit(f), len(left)) - self.load[n])
            for n, f in enumerate(self.inst.facilitators)
        )
        cohorts = max(1, min(spare, -(-len(left) // self.groups.size)))
        per_org: dict[str, int] = {}
        for p in left:
            per_org[self.org[p]] = per_org.get(self.org[p], 0) + 1
        cap = self.groups.max_per_organization
        return {o: min(10, 10 * n // (cohorts * cap)) for o, n in per_org.items()}

    def pick(self, c_i: int, target: int) -> list[int]:
        """Unplaced people for a new cohort on chain ``c_i``: those without avoid-time
        hits on it first, then those of organisations under pressure
        (:meth:`pressure`), then the least flexible (same rules as :meth:`fits`)."""
        if self.ranked is None:  # once per placement: who goes first on any chain
            urgency = self.urgency = self.pressure()
            self.ranked = np.array(sorted(
                (p for p in self.people if p not in self.placed),
                key=lambda p: (-urgency.get(self.org[p], 0), self.flexibility[p], p),
            ), dtype=np.int64)
        # only those who can come to more than min_size sessions, hit-free ones first
        ranked = self.ranked[self.can_come[c_i][self.ranked]]
        hit = self.hit[c_i][ranked]
        order = np.concatenate((ranked[~hit], ranked[hit]))
        reach = self.reach_np[c_i][order]
        company = self.inst.program.mode == "company"
        cap = self.groups.max_per_organization
        chosen: list[int] = []
        orgs: dict[str, int] = {}
        shortest = 10**6  # fewest sessions any chosen member can attend
        limit = target
        start = 0  # order[:start] is decided
        while len(chosen) < limit:
            need = len(chosen) + 2  # sessions once one more joins
            if shortest < need:
                break
            for j in (start + np.flatnonzero(reach[start:] >= need)).tolist():
                p = int(order[j])
                org = self.org[p]
                if company:
                    if chosen and org != self.org[chosen[0]]:
                        continue
                    if not chosen:
                        limit = self._company_share(org, target)
                elif orgs.get(org, 0) >= cap:
                    continue
                if self.partners[p] and any(q in self.partners[p] for q in chosen):
                    continue
                chosen.append(p)
                orgs[org] = orgs.get(org, 0) + 1
                shortest = min(shortest, int(reach[j]))
                start = j + 1
                break
            else:
                break
        return chosen

    def _company_share(self, org: str, target: int) -> int:
        """Members for the next cohort of ``org`` (company mode): its unplaced
        people split evenly over about ``left / target`` cohorts, never more
        than the largest cohort allows, so 37 people at 6 or 7 become 7, 6, 6,
        6, 6, 6 rather than five of 7 with two left over."""
        if (org, target) in self.shares:
            return self.shares[org, target]
        left = sum(1 for p in self.people if self.org[p] == org and p not in self.placed)
        top = max(1, self.inst.largest_cohort)
        cohorts = max(1, -(-left // top), (2 * left + target) // (2 * target))
        share = min(top, -(-left // cohorts))
        if left // cohorts < self.groups.min_size:
            share = target
        self.shares[org, target] = share
        return share

    def wanted(self, members: list[int], target: int) -> int:
        """How many members a new cohort of ``members``' kind should get."""
        if self.inst.program.mode == "company" and members:
            return self._company_share(self.org[members[0]], target)
        return target

    def book(self, f: int, venue: int | None, chain: Chain, sessions: range) -> None:
        """Mark facilitator ``f`` (and room ``venue``) busy for ``sessions``."""
        self.version[f] += 1
        if venue is not None:
            self.room_version[venue] += 1
        for i in sessions:
            start = self._start(chain, i)
            self.day_count[f, chain.days[i]] = self.day_count.get((f, chain.days[i]), 0) + 1
            self._block(f, venue, chain.days[i], start)

    def open_cohorts(self, target: int) -> None:
        """Open cohorts of up to ``target`` members, one at a time.

        First fit: the least-loaded facilitator takes the earliest chain that
        seats ``target`` people with no avoid-time hits; when none does, the
        chain and facilitator that seat the most (fewest hits) win.
        """
        target = min(target, self.inst.largest_cohort)  # none outgrows the largest room
        self.picked.clear()
        while True:
            chosen = self._first_fit(target) or self._best(target)
            if chosen is None:
                return
            c_i, f, members, venue = chosen
            self.book(f, venue, self.chains[c_i], range(len(members) + 1))
            self.load[f] += 1
            self.placed.update(members)
            self._forget(members)
            self.built.append((c_i, Built(self.chains[c_i], f, members, venue)))

    def _forget(self, seated: list[int]) -> None:
        """Drop the picks that depend on ``seated``, just seated in a new cohort.

        A pick without any of them stands when the others keep their order (the
        same :meth:`pressure`, mixed mode): :meth:`pick` only skipped the people
        who left, and skipping them decided nothing."""
        self.ranked = None
        self.shares.clear()
        if self.inst.program.mode == "company" or self.pressure() != self.urgency:
            self.picked.clear()
            return
        gone = set(seated)
        self.picked = {c: m for c, m in self.picked.items() if gone.isdisjoint(m)}

    def _candidate(
        self, base: int, f: int, target: int, need: int
    ) -> tuple[int, list[int], int | None] | None:
        """(chain, members, venue) for facilitator ``f`` on chain ``base``, if any;
        re-routed (:meth:`_route`) when the facilitator or every room is taken on
        some of its days and the chain would otherwise seat at least ``need``."""
        if (base, f, target) in self.hopeless:
            return None
        c_i = self.variant(base, f)
        if (c_i, target) in self.dead:
            self.hopeless.add((base, f, target))
            return None
        if c_i not in self.picked:
            self.picked[c_i] = self.pick(c_i, target)
        members = self.picked[c_i]
        if len(members) < self.groups.min_size:
            self.dead.add((c_i, target))  # candidates only shrink as people are placed
            self.hopeless.add((base, f, target))
            return None
        n = len(members) + 1
        if self.fac_free(f, self.chains[c_i], range(n), new_cohort=True):
            venue = self.venue_for(self.chains[c_i], n, len(members))
            if not self.inst.program.venues or venue is not None:
                return c_i, members, venue
        if len(members) < need or self.load[f] >= self.inst.facilitator_limit(
            self.inst.facilitators[f]
        ):
            return None
        found = self._route(c_i, f, target)
        if found is None:  # bookings only grow and candidates only shrink: for good
            self.hopeless.add((base, f, target))
        return found

    def _route(self, c_i: int, f: int, target: int) -> tuple[int, list[int], int | None] | None:
        """Chain ``c_i`` re-routed around the sessions facilitator ``f`` and a room
        already hold (other days within the gap rule), with the people it then seats."""
        key = (c_i, f, len(self.built))
        if key in self.routed:
            return self.routed[key]
        venues = self.inst.program.venues
        rooms: list[int | None] = [
            r for r in range(len(venues)) if venues[r].capacity > self.groups.min_size
        ] if venues else [None]
        found: tuple[int, list[int], int | None, int] | None = None
        for r in rooms:
            c_j = self._detour(c_i, f, r)
            if c_j is None:
                continue
            days = self.chains[c_j].days
            if c_j not in self.picked:
                self.picked[c_j] = self.pick(c_j, target)
            members = self.picked[c_j]
            if r is not None:
                members = members[: venues[r].capacity - 1]
            n = len(members) + 1
            if len(members) < self.groups.min_size or not self.fac_free(
                f, self.chains[c_j], range(n), new_cohort=True
            ):
                continue
            if r is not None and not self.venue_free(r, self.chains[c_j], range(n), len(members)):
                continue
            odd = irregular(days[: len(members) + 1])
            if found is None or (len(members), -odd) > (len(found[1]), -found[3]):
                found = (c_j, members, r, odd)
            if len(members) >= self.wanted(members, target) and not odd:
                break
        self.routed[key] = found[:3] if found else None
        return self.routed[key]

    def _detour(self, c_i: int, f: int, r: int | None) -> int | None:
        """Chain ``c_i`` moved off the times facilitator ``f`` and room ``r`` can no
        longer take (None when too short); kept until either is booked again."""
        version = (self.version[f], -1 if r is None else self.room_version[r])
        cached = self.detours.get((c_i, f, r))
        if cached is not None and cached[0] == version:
            return cached[1]
        chain = self.chains[c_i]
        free = self._free_whens(f, r)
        days = chain_days(self.inst, chain.days[0], chain.slot, free)
        c_j = None
        if len(days) > self.groups.min_size and chain.days[0] * self.g + chain.slot in free:
            c_j = self._chain(Chain(days, chain.slot))
        self.detours[c_i, f, r] = (version, c_j)
        return c_j

    def _chain(self, chain: Chain) -> int:
        """Index of ``chain`` among the known chains, measuring it when new."""
        if chain not in self.chain_index:
            self.chains.append(chain)
            self._measure(chain)
            self.chain_index[chain] = len(self.chains) - 1
        return self.chain_index[chain]

    def _free_whens(self, f: int, r: int | None) -> frozenset[int]:
        """``when`` values at which facilitator ``f`` (and room ``r``) can take one
        more session, for their bookings so far."""
        key = (f, r, self.version[f], -1 if r is None else self.room_version[r])
        if key not in self.free_cache:
            allowed = self.inst.facilitator_open[f]
            free = (self.inst.every_when if allowed is None else allowed) - self.fac_blocked[f]
            if r is not None:
                free = free - self.room_blocked[r]
            self.free_cache[key] = free
        return self.free_cache[key]

    def _block(self, f: int, venue: int | None, day: int, start: int) -> None:
        """Record a session at ``start`` on ``day``: the start times it rules out
        for facilitator ``f`` (overlap, buffer, sessions per day) and room ``venue``."""
        program = self.inst.program
        fac = self.inst.facilitators[f]
        buffer = program.buffer(fac)
        base = day * 1440 + self.day_start
        whens = [day * self.g + s for s in range(self.g)]
        if self.day_count.get((f, day), 0) >= program.sessions_per_day(fac):
            self.fac_blocked[f].update(whens)
        for s, when in enumerate(whens):
            other = base + s * self.grid
            if other < start + self.duration + buffer and start < other + self.duration + buffer:
                self.fac_blocked[f].add(when)
        if venue is not None:
            self._block_room(venue, day, start)

    def _block_room(self, r: int, day: int, start: int) -> None:
        """Record a session at ``start`` on ``day`` in room ``r``: the start times
        that would overlap it."""
        base = day * 1440 + self.day_start
        self.room_blocked[r].update(
            day * self.g + s for s in range(self.g)
            if abs(base + s * self.grid - start) < self.duration
        )

    def _first_fit(self, target: int) -> tuple[int, int, list[int], int | None] | None:
        """The earliest chain that seats ``target`` people without avoid-time hits,
        with the least-loaded facilitator free for it."""
        facilitators = [
            f for f in sorted(range(len(self.inst.facilitators)), key=lambda f: (self.load[f], f))
            if self.load[f] < self.inst.facilitator_limit(self.inst.facilitators[f])
        ]
        for f in facilitators:
            for base in self._live(f, target):
                found = self._candidate(base, f, target, target)
                if found is None:
                    continue
                c_i, members, venue = found
                if (
                    len(members) >= self.wanted(members, target)
                    and not any(self.hits[c_i][p] for p in members)
                    and not irregular(self.chains[c_i].days[: len(members) + 1])
                ):
                    return c_i, f, members, venue
        return None

    def _best(self, target: int) -> tuple[int, int, list[int], int | None] | None:
        best = None
        for f in range(len(self.inst.facilitators)):
            if self.load[f] >= self.inst.facilitator_limit(self.inst.facilitators[f]):
                continue
            for base in self._live(f, target):
                need = self.groups.min_size if best is None else best[0][0]
                found = self._candidate(base, f, target, need)
                if found is None:
                    continue
                c_i, members, venue = found
                hits = sum(self.hits[c_i][p] for p in members)
                odd = irregular(self.chains[c_i].days[: len(members) + 1])
                score = (len(members), -hits, -odd, -self.load[f], -base)
                if best is None or score > best[0]:
                    best = (score, c_i, f, members, venue)
        if best is None:
            return None
        _, c_i, f, members, venue = best
        return c_i, f, members, venue

    def _live(self, f: int, target: int) -> Sequence[int]:
        """Regular chains not yet found hopeless for facilitator ``f`` at ``target``."""
        stamp, bases = self.live.get((f, target), (-1, range(self.regular)))
        if stamp != len(self.hopeless):
            bases = [b for b in bases if (b, f, target) not in self.hopeless]
            self.live[f, target] = (len(self.hopeless), bases)
        return bases  # rebuilt, never changed in place: safe to loop over

    def insert_leftovers(self) -> None:
        """Seat unplaced people in existing cohorts that can grow by one session."""
        for p in sorted(
            (p for p in self.people if p not in self.placed),
            key=lambda p: (self.flexibility[p], p),
        ):
            for c_i, b in self.built:
                if self.try_insert(p, c_i, b):
                    break

    def swap_avoid_hits(self) -> None:
        """Swap members between cohorts while that lowers avoid-time hits.

        Sizes, days, facilitators and rooms stay as they are, so only the
        members' own rules (dates, organisation, not_with) need checking.
        """
        hits = self.hits
        improved = True
        while improved:
            improved = False
            for a, (c_a, built_a) in enumerate(self.built):
                for p in list(built_a.members):
                    if not hits[c_a][p]:
                        continue
                    for c_b, built_b in self.built[:a] + self.built[a + 1:]:
                        q = self._swap_partner(p, c_a, built_a, c_b, built_b)
                        if q is not None:
                            built_a.members[built_a.members.index(p)] = q
                            built_b.members[built_b.members.index(q)] = p
                            improved = True
                            break

    def _swap_partner(
        self, p: int, c_a: int, built_a: Built, c_b: int, built_b: Built
    ) -> int | None:
        """A member of ``built_b`` to trade for ``p`` of ``built_a`` with fewer hits."""
        n_a, n_b = len(built_a.members) + 1, len(built_b.members) + 1  # sessions
        if self.reach[c_b][p] < n_b:
            return None
        before_p, after_p = self._hits(p, c_a, n_a), self._hits(p, c_b, n_b)
        if after_p >= before_p:
            return None
        for q in built_b.members:
            if self.reach[c_a][q] < n_a:
                continue
            if after_p + self._hits(q, c_a, n_a) >= before_p + self._hits(q, c_b, n_b):
                continue
            rest_a = [m for m in built_a.members if m != p]
            rest_b = [m for m in built_b.members if m != q]
            if self._may_join(q, rest_a) and self._may_join(p, rest_b):
                return q
        return None

    def _hits(self, p: int, c_i: int, n: int) -> int:
        """Avoid-time hits of ``p`` in the first ``n`` sessions of chain ``c_i``."""
        if not self.hits[c_i][p]:
            return 0
        chain = self.chains[c_i]
        return int(sum(self.avoid[p, day * self.g + chain.slot] for day in chain.days[:n]))

    def _may_join(self, p: int, members: list[int]) -> bool:
        """Organisation and not_with rules let ``p`` join ``members`` (dates aside)."""
        if self.inst.program.mode == "company":
            if members and self.org[members[0]] != self.org[p]:
                return False
        elif sum(1 for q in members if self.org[q] == self.org[p]) >= (
            self.groups.max_per_organization
        ):
            return False
        return not any(q in self.partners[p] for q in members)

    def try_insert(self, p: int, c_i: int, b: Built) -> bool:
        """Add ``p`` to cohort ``b`` (one more session) when every rule allows it."""
        n = len(b.members)
        if n >= self.groups.max_size or not self.fits(p, c_i, b.members):
            return False
        extra = range(n + 1, n + 2)
        if not self.fac_free(b.facilitator, b.chain, extra, new_cohort=False):
            return False
        if b.venue is not None and not self.venue_free(b.venue, b.chain, extra, n + 1):
            return False
        self.book(b.facilitator, b.venue, b.chain, extra)
        b.members.append(p)
        self.placed.add(p)
        self.ranked = None
        self.shares.clear()
        return True


def greedy(inst: Instance) -> list[Built]:
    """Open cohorts first-fit on regular chains, then seat leftovers; deterministic.

    Tries cohorts of the target size and, when that leaves people out, of the
    maximum size (tight facilitator capacity; tried first when the facilitators
    cannot lead enough cohorts of the target size) and of an even split (small
    programs); keeps whichever seats more, stopping once no plan could seat more.
    """
    groups = inst.program.groups
    people = len(inst.participants)
    # also try cohorts split evenly (8 people, size 6: two of 4 rather than one of 6)
    even = max(groups.min_size, -(-people // max(1, -(-people // groups.size))))
    targets = [groups.size, groups.max_size, min(even, groups.max_size)]
    if inst.cohort_slots * groups.size < people:  # too few cohorts at the target size
        targets[:2] = targets[1::-1]
    if inst.program.mode == "company" and groups.size > groups.min_size:
        # more, smaller cohorts per company leave fewer people over (_company_share)
        targets.append(groups.size - 1)
    best: list[Built] = []
    ceiling = groups.max_size + 1  # targets from here on repeat a run (mixed mode)
    for target in dict.fromkeys(targets):
        if target >= ceiling:
            continue
        state = _Greedy(inst)
        state.open_cohorts(target)
        if inst.program.mode != "company" and all(len(b.members) < target for _, b in state.built):
            # no cohort reached the target, so a larger one changes no choice
            ceiling = target
        state.insert_leftovers()
        state.swap_avoid_hits()
        built = [b for _, b in state.built]
        if sum(len(b.members) for b in built) > sum(len(b.members) for b in best):
            best = built
        if len(state.placed) >= inst.placed_bound:
            break
    return best


def not_with_pairs(inst: Instance) -> set[tuple[int, int]]:
    """Participant index pairs (lower first) kept apart: ``not_with`` and "met before"."""
    return set(inst.apart)
