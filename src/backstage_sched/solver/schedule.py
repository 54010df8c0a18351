"""The solver's answer: cohorts as decided (ids and slots) and the objective values."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..inputs.workdays import Slot
from ..plan import LevelStatus, PlacedBound, Unplaced


@dataclass(frozen=True)
class ScheduledCohort:
    """A cohort as the solver decided it (ids, not names; slots, not datetimes)."""

    facilitator: str
    venue: str | None
    members: tuple[str, ...]
    slots: tuple[Slot, ...]
    case_owners: tuple[str | None, ...]  # owner of sessions 1.. in order (None: withdrew)
    slot: int = -1  # the model's cohort slot (on a re-plan, < len(earlier): that cohort)


@dataclass(frozen=True)
class Schedule:
    """The solver's answer: cohorts, unplaced people with reasons (each with its rule's
    or goal's code), each objective level's value and :class:`LevelStatus` by the
    level's code (:data:`.goals.LEVELS`), the seconds it took, and the proven bound on
    who can be placed (:mod:`.bound`)."""

    cohorts: tuple[ScheduledCohort, ...]
    unplaced: tuple[Unplaced, ...]
    objective: dict[str, int] = field(default_factory=dict)
    status: dict[str, LevelStatus] = field(default_factory=dict)
    runtime: float = 0.0
    stopped_early: bool = False  # the time limit ended the search: the best plan by then
    bound: PlacedBound | None = None

    def proved(self, level: str) -> bool:
        """Whether level ``level`` (a code) is proved: no plan does better on it."""
        status = self.status.get(level)
        return status is not None and status.proved


def cohort_ids(count: int) -> list[str]:
    """The ids of a new plan's ``count`` cohorts in kick-off order: ``c01``, ``c02``, …
    (three digits from 100 cohorts on)."""
    width = max(2, len(str(count)))
    return [f"c{n:0{width}d}" for n in range(1, count + 1)]
