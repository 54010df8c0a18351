"""One function per hard rule of SPEC §2, named as the verifier names the rule.

Every function takes an optional :data:`Switch`: the diagnosis (:mod:`.diagnose`)
builds this same model with the rules it may relax behind named literals, so
an explanation speaks of exactly the rules the plan obeys.

Each function adds its rule to ``model`` for every cohort slot. Rules 1, 2
and 4 (ALLOWED_DAY.code, TIME_GRID.code, DAY_WINDOW.code, PROGRAM_WINDOW.code) are
built into the variable domains: a session's day can only take the numbers
of allowed days in the program window and its start only grid times that
end inside the day window, so they cannot be broken.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from ...rules import (
    COMPANY_MODE,
    FACILITATOR_AVAILABILITY,
    FACILITATOR_BUFFER,
    FACILITATOR_CAPACITY,
    FACILITATOR_NO_OVERLAP,
    FACILITATOR_SESSIONS_PER_DAY,
    GAP,
    GROUP_SIZE,
    MET_BEFORE,
    NOT_WITH,
    ORGANISATION_MIX,
    PARTICIPANT_AVAILABILITY,
    PLACEMENT,
    SESSION_COUNT,
    VENUE,
    enforces,
)
from .instance import Instance
from .variables import Variables

Switch = Callable[[tuple[str, ...]], cp_model.IntVar] | None
"""Turns rules off for a diagnosis: maps a rule instance's key (the verifier's rule
name, then who it is about, e.g. ``("organisation mix", "Region Syd")``) to a literal
that enforces it; None (the plan's model) enforces every rule always."""


Present = dict[tuple[int, int, int], cp_model.IntVar]
"""The literals :func:`_present` made, by cohort slot, session and the literal's index."""


def _on(switch: Switch, *key: str) -> list[cp_model.IntVar]:
    """The enforcement literals of one rule instance: none unless ``switch`` is set."""
    return [] if switch is None else [switch(key)]


def _domain(values: frozenset[int]) -> cp_model.Domain:
    return cp_model.Domain.from_values(sorted(values))


def _lowest(var: cp_model.IntVar) -> int:
    return int(var.proto.domain[0])


def _present(model: cp_model.CpModel, v: Variables, k: int, i: int, lit: cp_model.IntVar,
             cache: Present) -> cp_model.IntVar:
    """A literal for "session ``i`` of ``k`` takes place and ``lit`` holds"."""
    if v.active[k][i] is v.open[k]:
        return lit
    key = (k, i, lit.index)
    if key not in cache:
        both = model.new_bool_var(f"present[{k},{i},{lit.name}]")
        model.add_bool_and([v.active[k][i], lit]).only_enforce_if(both)
        model.add_bool_or([v.active[k][i].Not(), lit.Not()]).only_enforce_if(both.Not())
        cache[key] = both
    return cache[key]


def _session_intervals(
    model: cp_model.CpModel,
    v: Variables,
    inst: Instance,
    literal: Callable[[int], cp_model.IntVar],
    starts: list[list[cp_model.IntVar]],
    size: int,
    cache: Present,
) -> list[cp_model.IntervalVar]:
    """Optional intervals ``[starts[k][i], + size)`` present when session ``i`` of
    ``k`` takes place and ``literal(k)`` holds (one per cohort slot and session)."""
    return [
        model.new_optional_fixed_size_interval_var(
            starts[k][i], size, _present(model, v, k, i, literal(k), cache), ""
        )
        for k in range(len(v.open))
        for i in range(inst.n_sessions)
    ]


@enforces(SESSION_COUNT)
def add_session_count(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Session count: a cohort of n members has sessions 0..n, the rest are off
    (plus, on a re-plan, held sessions whose case owner has since withdrawn).

    An unused session is pinned to its earliest possible time, which removes
    symmetric solutions without constraining anything real.
    """
    for k, open_ in enumerate(v.open):
        model.add(v.size[k] == sum(lit for _, lit in v.members_of(k)))
        extra = inst.extra(k)
        for i in range(inst.smallest(k) + extra + 1, inst.n_sessions):
            model.add(v.size[k] + extra >= i).only_enforce_if(v.active[k][i])
            model.add(v.size[k] + extra <= i - 1).only_enforce_if(v.active[k][i].Not())
            model.add_implication(v.active[k][i], v.active[k][i - 1])
            model.add(v.when[k][i] == _lowest(v.when[k][i])).only_enforce_if(
                v.active[k][i].Not()
            )
        for i in range(inst.n_sessions):
            model.add(v.when[k][i] == _lowest(v.when[k][i])).only_enforce_if(open_.Not())


@enforces(GROUP_SIZE)
def add_group_size(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Group size: an open cohort has ``min_size``..``max_size`` members, a closed one
    none; a started cohort that lost members to withdrawals may stay below ``min_size``."""
    groups = inst.program.groups
    smallest = _on(switch, GROUP_SIZE.code)
    for k, open_ in enumerate(v.open):
        model.add(v.size[k] >= inst.smallest(k)).only_enforce_if([open_, *smallest])
        model.add(v.size[k] <= groups.max_size).only_enforce_if(open_)
        model.add(v.size[k] == 0).only_enforce_if(open_.Not())


@enforces(PLACEMENT)
def add_placement(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Placement: every participant is in at most one cohort."""
    for p in range(len(inst.participants)):
        model.add_at_most_one(v.member[p, k] for k in range(len(v.open)))


@enforces(ORGANISATION_MIX)
def add_organisation_mix(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Organisation mix (mixed run): at most ``max_per_organization`` per organisation."""
    if inst.program.mode != "mixed":
        return
    cap = inst.program.groups.max_per_organization
    by_org: dict[str, list[int]] = {}
    for p, person in enumerate(inst.participants):
        by_org.setdefault(person.organization, []).append(p)
    for org, people in by_org.items():
        if len(people) <= cap:
            continue
        on = _on(switch, ORGANISATION_MIX.code, org)
        for k in range(len(v.open)):
            model.add(sum(v.member[p, k] for p in people) <= cap).only_enforce_if(on)


@enforces(COMPANY_MODE)
def add_company_mode(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Company mode: all members of a cohort share one organisation."""
    if inst.program.mode != "company":
        return
    orgs = inst.organizations
    for k, open_ in enumerate(v.open):
        chosen = [model.new_bool_var(f"org[{k},{o}]") for o in range(len(orgs))]
        model.add(sum(chosen) == open_)
        for p, person in enumerate(inst.participants):
            model.add_implication(v.member[p, k], chosen[orgs.index(person.organization)])


@enforces(NOT_WITH)
def add_not_with(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """not_with: the two people of a listed pair are never in one cohort."""
    _keep_apart(model, v, inst, inst.not_with_pairs, NOT_WITH.code, switch)


@enforces(MET_BEFORE)
def add_met_before(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Met before (SPEC §7): two people who shared a cohort in an earlier plan never
    share one again."""
    _keep_apart(model, v, inst, inst.met_before_pairs - inst.not_with_pairs,
                MET_BEFORE.code, switch)


def _keep_apart(
    model: cp_model.CpModel, v: Variables, inst: Instance,
    pairs: frozenset[tuple[int, int]], code: str, switch: Switch,
) -> None:
    people = inst.participants
    for a, b in sorted(pairs):
        off = [lit.Not() for lit in _on(switch, code, people[a].id, people[b].id)]
        for k in range(len(v.open)):
            model.add_bool_or([v.member[a, k].Not(), v.member[b, k].Not(), *off])


@enforces(PLACEMENT)
def add_membership_opens_cohort(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """A member implies an open cohort (links members to ``open``)."""
    for (_, k), lit in v.member.items():
        model.add_implication(lit, v.open[k])


@enforces(GAP)
def add_gap_rule(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Gap rule: consecutive sessions are ``min_gap``..``max_gap`` days apart.

    The maximum grows by the blackout days strictly between the two dates;
    on the blackout-free day numbering that is a plain upper bound.
    """
    rules = inst.program.sessions
    for k in range(len(v.open)):
        for i in range(1, inst.n_sessions):
            on = v.active[k][i]
            model.add(
                v.calendar_day[k][i] - v.calendar_day[k][i - 1] >= rules.min_gap_days
            ).only_enforce_if(on)
            model.add(
                v.effective_day[k][i] - v.effective_day[k][i - 1] <= rules.max_gap_days
            ).only_enforce_if(on)


@enforces(PARTICIPANT_AVAILABILITY)
def add_participant_availability(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Participant availability: no session over a member's unavailable or busy time."""
    ids = [p.id for p in inst.participants]
    _keep_sessions_in(
        model, v, inst, inst.participant_open, lambda p, k: v.member[p, k],
        lambda p: _on(switch, PARTICIPANT_AVAILABILITY.code, ids[p]),
    )


def _led(model: cp_model.CpModel, v: Variables, inst: Instance, f: int, k: int, i: int,
         cache: Present) -> cp_model.IntVar | None:
    """A literal for "session ``i`` of ``k`` takes place and facilitator ``f`` leads it",
    or None when ``f`` never leads it: a held session is history (whoever led it,
    never re-judged, and before every session to come), and a session a re-plan
    keeps with its own facilitator (``inst.pinned_leader``) is theirs whoever leads
    the cohort (SPEC §8)."""
    if inst.held_when(k, i) is not None:
        return None
    pinned = inst.pinned_leader(k, i)
    if pinned is None:
        return _present(model, v, k, i, v.lead[k, f], cache)
    return v.active[k][i] if pinned == inst.facilitators[f].id else None


def _led_intervals(
    model: cp_model.CpModel, v: Variables, inst: Instance, f: int,
    starts: list[list[cp_model.IntVar]], size: int, cache: Present,
) -> list[cp_model.IntervalVar]:
    """Optional intervals ``[starts[k][i], + size)`` of the sessions ``f`` leads (:func:`_led`)."""
    found = []
    for k in range(len(v.open)):
        for i in range(inst.n_sessions):
            lit = _led(model, v, inst, f, k, i, cache)
            if lit is not None:
                found.append(
                    model.new_optional_fixed_size_interval_var(starts[k][i], size, lit, "")
                )
    return found


def _keep_sessions_in(
    model: cp_model.CpModel, v: Variables, inst: Instance,
    allowed_sets: Sequence[frozenset[int] | None],
    literal: Callable[[int, int], cp_model.IntVar],
    on: Callable[[int], list[cp_model.IntVar]],
) -> None:
    """Sessions of ``k`` lie in ``allowed_sets[x]`` whenever ``literal(x, k)`` and the
    literals ``on(x)`` hold."""
    cache: Present = {}
    for x, allowed in enumerate(allowed_sets):
        if allowed is None:
            continue
        dom = _domain(allowed)
        enabled = on(x)
        for k in range(len(v.open)):
            for i in range(inst.n_sessions):
                if inst.held_when(k, i) is not None:
                    continue  # history: held before today, not re-judged
                lit = _present(model, v, k, i, literal(x, k), cache)
                model.add_linear_expression_in_domain(v.when[k][i], dom).only_enforce_if(
                    [lit, *enabled]
                )


@enforces(PLACEMENT)
def add_one_facilitator(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Every open cohort has exactly one facilitator; a closed one none."""
    for k, open_ in enumerate(v.open):
        model.add(sum(v.lead[k, f] for f in range(len(inst.facilitators))) == open_)


@enforces(FACILITATOR_AVAILABILITY)
def add_facilitator_availability(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Facilitator availability: no session over the unavailable times of the
    facilitator who leads it (:func:`_led`; held sessions are history)."""
    cache: Present = {}
    for f, allowed in enumerate(inst.facilitator_open):
        if allowed is None:
            continue
        dom = _domain(allowed)
        enabled = _on(switch, FACILITATOR_AVAILABILITY.code, inst.facilitators[f].id)
        for k in range(len(v.open)):
            for i in range(inst.n_sessions):
                lit = _led(model, v, inst, f, k, i, cache)
                if lit is not None:
                    model.add_linear_expression_in_domain(v.when[k][i], dom).only_enforce_if(
                        [lit, *enabled]
                    )


@enforces(FACILITATOR_CAPACITY)
def add_facilitator_capacity(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Facilitator capacity: at most ``max_cohorts`` cohorts per facilitator."""
    for f, fac in enumerate(inst.facilitators):
        limit = inst.facilitator_limit(fac)
        if limit < len(v.open):
            model.add(sum(v.lead[k, f] for k in range(len(v.open))) <= limit).only_enforce_if(
                _on(switch, FACILITATOR_CAPACITY.code, fac.id)
            )


@enforces(FACILITATOR_NO_OVERLAP, FACILITATOR_BUFFER)
def add_facilitator_no_overlap(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Facilitator no-overlap and buffer: a facilitator's sessions never overlap and
    two on one day are at least ``buffer_minutes`` apart.

    Each session occupies its duration plus the buffer after it, so
    non-overlap of these intervals is exactly both rules. Sessions count for the
    facilitator who leads them (:func:`_led`).
    """
    duration = inst.program.sessions.duration_minutes
    cache: Present = {}
    for f, fac in enumerate(inst.facilitators):
        length = duration + inst.program.buffer(fac)
        model.add_no_overlap(_led_intervals(model, v, inst, f, v.minute, length, cache))


@enforces(FACILITATOR_SESSIONS_PER_DAY)
def add_facilitator_sessions_per_day(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Facilitator sessions per day: at most ``max_sessions_per_day`` on one date.

    Skipped where the day window and buffer already allow no more.
    """
    rules = inst.program.sessions
    window = rules.window_minutes
    cache: Present = {}
    for f, fac in enumerate(inst.facilitators):
        limit = inst.program.sessions_per_day(fac)
        buffer = inst.program.buffer(fac)
        fits = (window + buffer) // (rules.duration_minutes + buffer)
        if limit >= fits:
            continue
        if limit <= 0:
            for k in range(len(v.open)):
                model.add(v.lead[k, f] == 0)
            continue
        days = _led_intervals(model, v, inst, f, v.calendar_day, 1, cache)
        model.add_cumulative(days, [1] * len(days), limit)


@enforces(VENUE)
def add_venue(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Venue: with venues listed, every open cohort has one with room for the
    cohort and its facilitator, and a venue never hosts overlapping sessions."""
    venues = inst.program.venues
    if not venues:
        return
    duration = inst.program.sessions.duration_minutes
    cache: Present = {}
    for k, open_ in enumerate(v.open):
        model.add(sum(v.venue[k, r] for r in range(len(venues))) == open_)
        for r, venue in enumerate(venues):
            model.add(v.size[k] + 1 <= venue.capacity).only_enforce_if(v.venue[k, r])
    for r in range(len(venues)):
        def hosts(k: int, r: int = r) -> cp_model.IntVar:
            return v.venue[k, r]
        model.add_no_overlap(_session_intervals(model, v, inst, hosts, v.minute, duration, cache))


def add_history(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Re-plan history: sessions held before today stay exactly where they were, a
    cohort that has started keeps its members and takes no one new, and every
    other session lies on or after today."""
    if inst.today is not None:
        first = (inst.today - inst.program.start).days
        for k in range(len(v.open)):
            for i in range(inst.n_sessions):
                if inst.held_when(k, i) is None:
                    model.add(v.calendar_day[k][i] >= first).only_enforce_if(v.active[k][i])
    for k, earlier in enumerate(inst.earlier):
        if earlier.held == 0:
            continue
        model.add(v.open[k] == 1)
        for i in range(earlier.held):
            when = inst.held_when(k, i)
            if when is not None and cp_model.Domain.from_flat_intervals(
                list(v.when[k][i].proto.domain)
            ).contains(when):
                model.add(v.when[k][i] == when).only_enforce_if(v.active[k][i])
        kept = {inst.participant_index[m] for m in earlier.members if m in inst.participant_index}
        for p in range(len(inst.participants)):
            model.add(v.member[p, k] == (1 if p in kept else 0))


def add_symmetry_breaking(
    model: cp_model.CpModel, v: Variables, inst: Instance, switch: Switch = None
) -> None:
    """Cohort slots are interchangeable (all but those standing for an earlier plan's
    cohorts): open them in order, by kick-off time."""
    for k in range(len(inst.earlier) + 1, len(v.open)):
        model.add_implication(v.open[k], v.open[k - 1])
        model.add(v.when[k - 1][0] <= v.when[k][0]).only_enforce_if(v.open[k])


HARD_RULES = (
    add_session_count,
    add_group_size,
    add_placement,
    add_membership_opens_cohort,
    add_organisation_mix,
    add_company_mode,
    add_not_with,
    add_met_before,
    add_gap_rule,
    add_participant_availability,
    add_one_facilitator,
    add_facilitator_availability,
    add_facilitator_capacity,
    add_facilitator_no_overlap,
    add_facilitator_sessions_per_day,
    add_venue,
    add_history,
    add_symmetry_breaking,
)
"""Every hard-rule family, in the order the model adds them."""
