"""Whether any series of sessions fits some open days: the gap rule on a calendar.

The one question asked by the bound (who can be placed at all), the split into
groups and the explanations alike, answered exactly and without a solver.
"""

from __future__ import annotations

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
