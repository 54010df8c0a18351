"""Whether any series of sessions fits some open days: the gap rule on a calendar.

The one question asked by the bound (who can be placed at all), the split into
groups and the explanations alike, answered exactly and without a solver; and
:func:`further_cohort`, whether people left out share a series for one more cohort.
"""

from __future__ import annotations

from collections import Counter

from .instance import Instance


def series_fits(inst: Instance, open_when: frozenset[int] | None, sessions: int) -> bool:
    """True when some series of ``sessions`` dates obeying the gap rule fits ``open_when``.

    ``open_when`` holds allowed ``when`` values (see Instance; None: all).
    """
    g = inst.n_slots
    index = inst.calendar_index
    if open_when is None:
        days = list(range(inst.n_days))
    else:
        days = sorted(index[w // g] for w in {w // g * g for w in open_when})
    if not days:
        return False
    rules = inst.program.sessions
    cal_no = inst.calendar.calendar_number
    eff_no = inst.calendar.effective_number
    # longest[n]: most sessions of a series ending on days[n]; the days that may
    # come just before days[n] form a window [lo, hi) that only moves forward
    longest: list[int] = []
    lo = hi = 0
    for n, d in enumerate(days):
        while hi < n and cal_no[d] - cal_no[days[hi]] >= rules.min_gap_days:
            hi += 1
        while lo < hi and eff_no[d] - eff_no[days[lo]] > rules.max_gap_days:
            lo += 1
        longest.append(1 + max(longest[lo:hi], default=0))
        if longest[-1] >= sessions:
            return True
    return False


def intersect(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
    """The ``when`` values both allow (None: all)."""
    if a is None:
        return b
    if b is None:
        return a
    return a & b


FURTHER_LOOK = 400
"""How many people :func:`further_cohort` looks at in all before it gives up."""


def further_cohort(
    inst: Instance, n: int, placed: set[str], spare: list[int]
) -> tuple[str, tuple[str, ...]] | None:
    """A facilitator (id) with a cohort to spare and ``min_size - 1`` other people left
    out (ids) who, with participant ``n``, keep the organisation rule and
    ``not_with`` and share some series of dates with that facilitator (any start
    times); None when none is found (found greedily: people in input order).

    ``spare``: indexes of facilitators who lead fewer cohorts than they may.
    """
    program = inst.program
    groups = program.groups
    me = inst.participants[n]
    sessions = groups.min_size + 1
    looked = 0
    for f in spare:
        both = intersect(inst.participant_open[n], inst.facilitator_open[f])
        if not series_fits(inst, both, sessions):
            continue
        chosen: list[int] = []
        orgs = Counter([me.organization])
        for q, other in enumerate(inst.participants):
            if q == n or other.id in placed:
                continue
            looked += 1
            if looked > FURTHER_LOOK:
                return None
            if program.mode == "company" and other.organization != me.organization:
                continue
            if program.mode == "mixed" and orgs[other.organization] >= (
                groups.max_per_organization
            ):
                continue
            if any((min(q, t), max(q, t)) in inst.apart for t in (n, *chosen)):
                continue  # not_with, or met before
            narrower = intersect(both, inst.participant_open[q])
            if not series_fits(inst, narrower, sessions):
                continue
            both = narrower
            chosen.append(q)
            orgs[other.organization] += 1
            if len(chosen) + 1 >= groups.min_size:
                ids = tuple(inst.participants[c].id for c in chosen)
                return inst.facilitators[f].id, ids
    return None
