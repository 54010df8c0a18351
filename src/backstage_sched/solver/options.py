"""Solver settings (:class:`SolveOptions`) and the progress callback every stage shares."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, fields

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SolveOptions:
    """The user's solver settings. The same program, options and seed give the same plan.

    ``effort`` is CP-SAT deterministic time (about 1–3 s of one core) for
    the first objective level; each later level gets half of it, the last a
    quarter. With ``workers == 1`` (the default) the search is fully
    reproducible; more workers search in parallel, faster but not
    reproducible. ``time_limit`` is a wall-clock cap on the whole solve, shared
    by every stage and process (:attr:`Tuning.deadline`); when it is up the
    best plan found so far is returned (``Schedule.stopped_early``); a plan
    stopped by the clock is the one case where the same seed may give another
    plan.
    """

    seed: int = 0
    workers: int = 1
    effort: float = 6.0
    time_limit: float = 600.0


@dataclass(frozen=True)
class Tuning(SolveOptions):
    """The user's settings plus how the search runs inside; not a user setting.

    The solver turns every :class:`SolveOptions` into one (:func:`tuned`);
    tests and benchmarks set these fields to reach one path.
    """

    processes: int = 2  # searches side by side (the plan is the same with one)
    last_level: bool = True  # optimise size, balance and mix in the whole model
    deadline: float | None = None  # time.time() at which the whole solve must end


RESERVE = 1.0
"""Seconds before the deadline at which a search stops starting new work (the plan
still has to be polished and explained); a solve that ends inside it was cut short."""


def time_left(options: Tuning) -> float:
    """Seconds until ``options.deadline`` (the end of ``time_limit`` for the whole solve,
    shared by every process of it); infinite without one."""
    if options.deadline is None:
        return float("inf")
    return max(0.0, options.deadline - time.time())


def tuned(options: SolveOptions | None) -> Tuning:
    """``options`` with the default tuning (itself when it is a :class:`Tuning`)."""
    if isinstance(options, Tuning):
        return options
    options = options or SolveOptions()
    return Tuning(**{f.name: getattr(options, f.name) for f in fields(SolveOptions)})
