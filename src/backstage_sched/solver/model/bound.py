"""An upper bound on the people any plan can place, proved from the input alone.

Every number here is a relaxation of the hard rules of SPEC §2: a plan that
placed more people would break one of them. Nothing is searched; the parts
are, for a program ``P`` with participants ``N``:

``series``
    People with at least one facilitator with whom some series of
    ``min_size + 1`` sessions obeying the gap rule, the program window, the
    calendar and both their availabilities exists (any start times).
``flow``
    A maximum flow: each such person sends one unit to a facilitator they fit;
    facilitator ``f`` leads at most ``K_f`` cohorts of at most ``S`` members,
    and (mixed run) at most ``max_per_organization * K_f`` of one
    organisation. ``K_f`` is ``max_cohorts``, and never more than the
    facilitator's open days times sessions a day over ``min_size + 1``.
    ``S`` is ``max_size``, or fewer when no room seats that many and the
    facilitator. With rooms, all cohorts together hold no more members than
    what the rooms have session times for: a cohort of ``s`` members keeps
    one room for ``s + 1`` sessions (:func:`room_members`).
``company``
    (company run) each cohort is one organisation's, of at least
    ``min_size``: the most members ``sum K_f`` cohorts can hold when each
    organisation has only the people who fit a series, and one with room for
    a single cohort only those of them who may all sit together.
``relaxation``
    (not on a re-plan) the linear relaxation of :mod:`.lp_bound`: cohorts
    typed by facilitator and kick-off weekday, organisations per cohort,
    each facilitator's session days, and with rooms the cohorts' series of
    dates through them week by week.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from ortools.graph.python import max_flow

from ...plan import PlacedBound
from .instance import Instance
from .lp_bound import fitted_types, lp_bound


class _Fit:
    """Which facilitators each person can share some series with.

    ``fitted``: per person the ``(facilitator, kick-off weekday)`` types of
    :func:`.lp_bound.fitted_types`; a person shares a series of ``min_size + 1``
    sessions with ``f`` (:func:`.series.series_fits` of both their open times)
    exactly when they fit some type of ``f``."""

    def __init__(self, inst: Instance, fitted: list[set[tuple[int, int]]]) -> None:
        self.inst = inst
        self.with_whom = [{f for f, _ in mine} for mine in fitted]

    def fits(self, p: int, f: int) -> bool:
        return f in self.with_whom[p]

    @cached_property
    def facilitators_of(self) -> list[tuple[int, ...]]:
        """Per participant, the facilitators (indexes) who may lead them.

        On a re-plan, members of a cohort with sessions already held may stay
        with its facilitator whatever their availability says now (history is
        not judged again), or pass with their cohort to any other facilitator
        who leads (a handover, SPEC §8: only its sessions to come must suit them)."""
        inst = self.inst
        able = [f for f in range(len(inst.facilitators)) if cohorts_led(inst, f) > 0]
        kept: dict[int, set[int]] = defaultdict(set)
        fac_index = {fac.id: f for f, fac in enumerate(inst.facilitators)}
        for earlier in inst.earlier:
            if earlier.held and earlier.facilitator in fac_index:
                for m in earlier.members:
                    if m in inst.participant_index:
                        kept[inst.participant_index[m]].update(
                            {fac_index[earlier.facilitator], *able})
        return [
            tuple(f for f in range(len(inst.facilitators))
                  if f in kept[p] or (f in able and self.fits(p, f)))
            for p in range(len(inst.participants))
        ]


def cohorts_led(inst: Instance, f: int) -> int:
    """Most cohorts facilitator ``f`` can lead: ``max_cohorts``, and no more than
    their sessions a day times their open days over ``min_size + 1`` sessions."""
    limit = inst.facilitator_limit(inst.facilitators[f])
    return min(limit, inst.sessions_led(f) // (inst.program.groups.min_size + 1))


def room_members(inst: Instance, cohorts: int) -> int | None:
    """Most members ``cohorts`` cohorts can have in the rooms (None: no rooms).

    A cohort keeps one room, and a room of ``c`` seats holds cohorts of at
    most ``m = c - 1`` members. The room has ``T = open days * sessions a
    day`` session times (sessions a day: how many fit the day window back to
    back), and a cohort of ``s`` members needs ``s + 1`` of them. So ``k``
    cohorts in one room hold at most ``g(k) = min(k * m, T - k)`` members.
    Each ``g`` is concave in ``k``, so handing the ``cohorts`` out one at a
    time to the room that gains most is optimal.
    """
    program = inst.program
    if not program.venues:
        return None
    rules = program.sessions
    times = rules.window_minutes // rules.duration_minutes * inst.n_days
    least = program.groups.min_size
    rooms = [
        min(program.groups.max_size, r.capacity - 1)
        for r in program.venues
        if r.capacity - 1 >= least
    ]

    def held(m: int, k: int) -> int:
        return min(k * m, times - k) if k * (least + 1) <= times else -1

    taken = [0] * len(rooms)
    total = 0
    for _ in range(cohorts):
        gains = [held(m, taken[r] + 1) - held(m, taken[r]) for r, m in enumerate(rooms)]
        best = max(range(len(rooms)), key=lambda r: gains[r], default=None)
        if best is None or gains[best] <= 0 or held(rooms[best], taken[best] + 1) < 0:
            break
        taken[best] += 1
        total += gains[best]
    return total


def placed_bound(inst: Instance) -> PlacedBound:
    """The least of the valid bounds of the module docstring."""
    fitted = fitted_types(inst)
    fit = _Fit(inst, fitted)
    n = len(inst.participants)
    parts: dict[str, int] = {"everyone": n}
    leads = [cohorts_led(inst, f) for f in range(len(inst.facilitators))]
    for earlier in inst.earlier:  # a re-plan keeps cohorts whatever the calendar says
        for f, fac in enumerate(inst.facilitators):
            if fac.id == earlier.facilitator:
                leads[f] = max(leads[f], inst.facilitator_limit(fac))
    reachable = [p for p in range(n) if fit.facilitators_of[p]]
    parts["series"] = len(reachable)
    parts["flow"] = _flow(inst, fit, leads, reachable)
    if inst.program.mode == "company" and not inst.earlier:  # shrunk cohorts may be small
        parts["company"] = _company(inst, reachable, sum(leads))
    relaxed = lp_bound(inst, leads, fitted)
    if relaxed is not None:
        parts["relaxation"] = relaxed
    binding = min(parts, key=lambda k: (parts[k], k != "everyone"))
    return PlacedBound(parts[binding], parts, binding)


def _flow(inst: Instance, fit: _Fit, leads: list[int], reachable: list[int]) -> int:
    """Max flow people -> (organisation, facilitator) -> facilitator -> rooms."""
    program = inst.program
    size = inst.largest_cohort
    mixed = program.mode == "mixed"
    cap = program.groups.max_per_organization
    graph = max_flow.SimpleMaxFlow()
    source, sink, rooms = 0, 1, 2
    nodes: dict[object, int] = {}

    def node(key: object) -> int:
        if key not in nodes:
            nodes[key] = len(nodes) + 3
        return nodes[key]

    pairs: dict[tuple[str, int], int] = defaultdict(int)
    for p in reachable:
        org = inst.participants[p].organization
        graph.add_arc_with_capacity(source, node(("p", p)), 1)
        for f in fit.facilitators_of[p]:
            graph.add_arc_with_capacity(node(("p", p)), node(("of", org, f)), 1)
            pairs[org, f] += 1
    for (org, f), people in pairs.items():
        limit = min(people, cap * leads[f]) if mixed else people
        graph.add_arc_with_capacity(node(("of", org, f)), node(("f", f)), limit)
    for f, k in enumerate(leads):
        if k > 0:
            graph.add_arc_with_capacity(node(("f", f)), rooms, k * size)
    seats = room_members(inst, sum(leads))
    graph.add_arc_with_capacity(rooms, sink, len(reachable) if seats is None else seats)
    if graph.solve(source, sink) != graph.OPTIMAL:
        raise RuntimeError("the bound's max flow did not solve")  # cannot happen: finite
    flow: int = graph.optimal_flow()  # ortools.graph has no types
    return flow


def _company(inst: Instance, reachable: list[int], cohorts: int) -> int:
    """Company run: the most members ``cohorts`` one-organisation cohorts can hold.

    Each further cohort of an organisation adds up to ``S`` members while it
    has people left; an organisation has at most ``people // min_size``
    cohorts. One that can have only one cohort seats together only people
    no pair of whom is kept apart (:func:`_together`). The gains per
    organisation never grow, so taking the best next cohort ``cohorts`` times
    is optimal.
    """
    groups = inst.program.groups
    size = inst.largest_cohort
    people: dict[str, list[int]] = defaultdict(list)
    for p in reachable:
        people[inst.participants[p].organization].append(p)
    gains = []
    for members in people.values():
        count = len(members)
        if count // groups.min_size == 1:
            count = _together(inst, members)
        left = count
        for _ in range(count // groups.min_size):
            gains.append(min(size, left))
            left -= min(size, left)
    gains.sort(reverse=True)
    return sum(gains[:cohorts])


def _together(inst: Instance, people: list[int]) -> int:
    """Most of ``people`` who may all sit in one cohort: no pair of them kept apart
    (``not_with``, met before). Exact by trying every group, for the few people of an
    organisation with room for one cohort; for more, all but one of each pair of a
    greedy matching (never fewer than the exact number)."""
    apart = inst.apart
    pairs = [(i, j) for i, p in enumerate(people) for j, q in enumerate(people)
             if i < j and (min(p, q), max(p, q)) in apart]
    if not pairs:
        return len(people)
    if len(people) > TOGETHER_EXACT:
        matched: set[int] = set()
        for i, j in pairs:
            if i not in matched and j not in matched:
                matched |= {i, j}
        return len(people) - len(matched) // 2
    best = 0
    for chosen in range(1 << len(people)):
        if all(not (chosen >> i & 1 and chosen >> j & 1) for i, j in pairs):
            best = max(best, chosen.bit_count())
    return best


TOGETHER_EXACT = 16
"""Most people :func:`_together` tries every group of (2 ** 16 groups)."""
