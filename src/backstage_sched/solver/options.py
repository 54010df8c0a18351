"""Solver settings (:class:`SolveOptions`) and the progress callback every stage shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[str], None]

LARGE = 600
"""Above this many participants a split plan gets one repair pass, of pieces
kept or rebuilt by construction alone (see :class:`SolveOptions`)."""


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings. The same program, options and seed give the same schedule.

    ``effort`` is CP-SAT deterministic time (about 1–3 s of one core) for
    the first objective level; each later level gets half of it, the last a
    quarter. With ``workers == 1`` (the default) the search is fully
    reproducible; more
    workers search in parallel, faster but not reproducible. ``time_limit``
    is a wall-clock cap on the whole solve that only binds on a much slower
    machine. Inside a split program (groups and repair pieces) each level
    gives up after ``patience`` (deterministic time) when it has not beaten
    the start: measured on tight and venue-limited programs, the full effort
    there never placed more than the greedy start.
    """

    seed: int = 0
    workers: int = 1
    effort: float = 6.0
    time_limit: float = 600.0
    processes: int = 2  # large programs: groups solved side by side (still reproducible)
    split: bool = True  # large programs are split into independent groups
    last_level: bool = True  # optimise size, balance and mix (skipped inside split groups)
    repair: int | None = None  # repair passes after a split (None: 3, or 1 above LARGE)
    patience: float = 1.5  # split groups, repair pieces: search per level without a gain
    piece_search: bool | None = None  # CP-SAT in repair pieces (None: up to LARGE people)

    def repair_passes(self, participants: int) -> int:
        """How many repair passes (see :mod:`.repair`) a split plan of this size gets."""
        if self.repair is not None:
            return self.repair
        return 3 if participants <= LARGE else 1

    def search_pieces(self, participants: int) -> bool:
        """Whether repair pieces are searched with CP-SAT after their construction.

        Above :data:`LARGE` people the rooms and facilitators left to a piece are crowded:
        on the generated tight, venue and company programs CP-SAT never improved
        on the better of a piece's current plan and its fresh construction.
        """
        return self.piece_search if self.piece_search is not None else participants <= LARGE
