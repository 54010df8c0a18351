"""Regular chains: the session days of a cohort from its kick-off day.

A chain is a kick-off day and start time, then the same weekday and time every
4 or 5 weeks (other allowed days only where no same-weekday day fits the gap
rule). The greedy construction (:mod:`.construct`) builds cohorts on chains;
:mod:`.regular` moves irregular cohorts onto one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from .instance import Instance


@dataclass(frozen=True)
class Chain:
    """Up to ``max_size + 1`` session times: calendar day numbers and a slot."""

    days: tuple[int, ...]
    slot: int


def chain_days(
    inst: Instance, first: int, slot: int = 0, open_when: frozenset[int] | None = None
) -> tuple[int, ...]:
    """Session days from kick-off day ``first``: each the earliest allowed day that
    keeps the gap rule, on the kick-off's weekday where one exists (else the
    previous session's), and (when given) with
    ``day * n_slots + slot`` in ``open_when``. Stops at ``max_size + 1`` days or
    when no day fits."""
    rules = inst.program.sessions
    cal_no = inst.calendar.calendar_number
    eff_no = inst.calendar.effective_number
    index = inst.calendar_index
    g = inst.n_slots
    days = [first]
    sessions, low, high = inst.n_sessions, rules.min_gap_days, rules.max_gap_days
    while len(days) < sessions:
        prev_c = days[-1]
        prev_e = eff_no[index[prev_c]]
        # the earliest allowed day on the kick-off's weekday, else on the previous
        # session's, else any; calendar days are sorted, so start min_gap_days on
        first_any = same_prev = None
        for n in range(bisect_left(cal_no, prev_c + low), len(cal_no)):
            c = cal_no[n]
            if eff_no[n] - prev_e > high:
                break
            if open_when is not None and c * g + slot not in open_when:
                continue
            if (c - first) % 7 == 0:
                first_any = same_prev = c
                break
            if same_prev is None and (c - prev_c) % 7 == 0:
                same_prev = c
            if first_any is None:
                first_any = c
        if first_any is None:
            break
        days.append(first_any if same_prev is None else same_prev)
    return tuple(days)


def regular_chains(inst: Instance) -> list[Chain]:
    """Every chain starting on an allowed day, preferring 4-week then 5-week steps."""
    rules = inst.program.sessions
    groups = inst.program.groups
    span = (inst.program.end - inst.program.start).days
    chains = []
    for first in inst.calendar.calendar_number:
        if first > span - groups.min_size * rules.min_gap_days:
            break
        days = chain_days(inst, first)
        if len(days) < groups.min_size + 1:
            continue
        for slot in range(inst.n_slots):
            chains.append(Chain(days, slot))
    return chains


def irregular(days: Sequence[int]) -> int:
    """Session ``days`` not on the kick-off's weekday."""
    return sum(1 for c in days if (c - days[0]) % 7)


def open_prefix(open_when: frozenset[int] | None, chain: Chain, g: int) -> int:
    """How many leading sessions of ``chain`` start at times in ``open_when`` (all
    when None); ``g`` is the number of slots a day."""
    if open_when is None:
        return len(chain.days)
    n = 0
    for c in chain.days:
        if c * g + chain.slot not in open_when:
            break
        n += 1
    return n
