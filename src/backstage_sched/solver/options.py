"""Solver settings (:class:`SolveOptions`) and the progress callback every stage shares."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, fields

Progress = Callable[[str], None]

LARGE = 600
"""Above this many participants a split plan gets one repair pass, of pieces
kept or rebuilt by construction alone (see :class:`SolveOptions`)."""


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
    plan. ``repair``: passes of the repair of a split plan (None: 3, or 1
    above :data:`LARGE` people).
    """

    seed: int = 0
    workers: int = 1
    effort: float = 6.0
    time_limit: float = 600.0
    repair: int | None = None

    def repair_passes(self, participants: int) -> int:
        """How many repair passes (see :mod:`.repair`) a split plan of this size gets."""
        if self.repair is not None:
            return self.repair
        return 3 if participants <= LARGE else 1


@dataclass(frozen=True)
class Tuning(SolveOptions):
    """The user's settings plus how the search runs inside; not a user setting.

    The solver turns every :class:`SolveOptions` into one (:func:`tuned`);
    tests and benchmarks set these fields to reach one path. Inside a split
    program (groups and repair pieces) each level gives up after ``patience``
    (deterministic time) when it has not beaten the start: measured on tight
    and venue-limited programs, the full effort there never placed more than
    the greedy start.
    """

    processes: int = 2  # large programs: groups solved side by side (still reproducible)
    split: bool = True  # large programs are split into independent groups
    last_level: bool = True  # optimise size, balance and mix (skipped inside split groups)
    patience: float = 1.5  # split groups, repair pieces: search per level without a gain
    deadline: float | None = None  # time.time() at which the whole solve must end
    piece_search: bool | None = None  # CP-SAT in repair pieces (None: up to LARGE people)

    def search_pieces(self, participants: int) -> bool:
        """Whether repair pieces are searched with CP-SAT after their construction.

        Above :data:`LARGE` people the rooms and facilitators left to a piece are crowded:
        on the generated tight, venue and company programs CP-SAT never improved
        on the better of a piece's current plan and its fresh construction.
        """
        return self.piece_search if self.piece_search is not None else participants <= LARGE


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
