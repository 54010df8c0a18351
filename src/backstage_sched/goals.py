"""The soft goals of SPEC §2, §5 and §7, one entry each: the single name of a goal.

The counterpart of :mod:`.rules` for what a plan should do as well as it can.
A goal's :attr:`Goal.code` is what the model's term is registered under, what
the score counts, what a tie-break bound is keyed by and, through its
:class:`Level`, what ``plan.json`` writes under ``objective`` and what the
command line prints. Its weight is written here and nowhere else:

- the CP-SAT model: ``@models(goals.AVOID_HITS)`` on its term function
  (:mod:`backstage_sched.solver.model.objective`);
- the score: ``@counts(goals.AVOID_HITS)`` on the function that counts it on a
  finished plan (:mod:`backstage_sched.solver.score`);
- the level: :data:`LEVELS` groups goals into the levels the solver settles one
  after the other; a level's code is its key in ``plan.json`` (``avoid_hits``,
  ``balance``) and its ``cli`` catalogue entry;
- a finding: :attr:`Finding.rule <backstage_sched.solver.explain.finding.Finding.rule>`
  is a rule's code or a goal's (:data:`PLACED` when the search stopped short).

``tests/solver/test_goals.py`` looks each of these up for every goal.

>>> AVOID_HITS.code, AVOID_HITS.section, LEVELS["balance"].maximize
('avoid_hits', '§2 objective 2', False)
>>> [(g.code, g.weight) for g in BALANCE.goals]
[('size_off_target', 4), ('facilitator_imbalance', 2), ('experience_monotony', 1)]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .rules import F, tag


@dataclass(frozen=True)
class Goal:
    """One soft goal: its code (the one name), a title, its SPEC section, its wording,
    its weight inside its level and whether more is better."""

    code: str
    title: str
    section: str
    wording: str
    weight: int = 1
    maximize: bool = False


@dataclass(frozen=True)
class Level:
    """One priority level: its code (``plan.json``'s key) and its weighted goals, all
    of one sense (more is better, or less)."""

    code: str
    goals: tuple[Goal, ...]

    def __post_init__(self) -> None:
        if len({g.maximize for g in self.goals}) != 1:
            raise ValueError(f"level {self.code!r} mixes goals to maximise and to minimise")

    @property
    def maximize(self) -> bool:
        """Whether more is better on this level."""
        return self.goals[0].maximize


PLACED = Goal(
    "placed", "Place as many as possible", "§2 objective 1",
    "Place as many participants as possible.", maximize=True,
)
WAITED_PLACED = Goal(
    "waited_placed", "Earlier waiting lists first", "§7",
    "Among plans that place as many, prefer those that place people from an earlier "
    "plan's waiting list.", maximize=True,
)
AVOID_HITS = Goal(
    "avoid_hits", "Few sessions on avoid times", "§2 objective 2",
    "As few member-sessions as possible fall on the member's avoid times.",
)
IRREGULAR_SESSIONS = Goal(
    "irregular_sessions", "A regular rhythm", "§2 objective 3",
    "As few sessions as possible leave the kick-off's weekday and start time.",
)
SIZE_OFF_TARGET = Goal(
    "size_off_target", "Cohorts of the target size", "§2 objective 4",
    "As few members as possible above or below the target size, over all cohorts.",
    weight=4,
)
FACILITATOR_IMBALANCE = Goal(
    "facilitator_imbalance", "Facilitators' load balanced", "§2 objective 4",
    "The most cohorts on one facilitator minus the fewest (among those who may lead) "
    "is as small as possible.",
    weight=2,
)
EXPERIENCE_MONOTONY = Goal(
    "experience_monotony", "Experience levels mixed", "§2 objective 4",
    "When participants have several experience levels, as few cohorts as possible "
    "hold a single one.",
)
MOVED_SESSIONS = Goal(
    "moved_sessions", "Few sessions moved", "§5",
    "A re-plan moves as few future sessions of earlier cohorts as possible, and counts "
    "them once more when the cohort changes facilitator or room.",
)
CHANGED_MEMBERSHIPS = Goal(
    "changed_memberships", "Few members moved", "§5",
    "A re-plan leaves as few earlier members as possible out of their cohort.",
)

GOALS: dict[str, Goal] = {
    g.code: g
    for g in (
        PLACED, WAITED_PLACED, AVOID_HITS, IRREGULAR_SESSIONS, SIZE_OFF_TARGET,
        FACILITATOR_IMBALANCE, EXPERIENCE_MONOTONY, MOVED_SESSIONS, CHANGED_MEMBERSHIPS,
    )
}  # fmt: skip
"""Every soft goal by code, in priority order."""

BALANCE = Level("balance", (SIZE_OFF_TARGET, FACILITATOR_IMBALANCE, EXPERIENCE_MONOTONY))
"""SPEC §2 objective 4: sizes, the facilitators' load and the experience mix, weighted."""

LEVELS: dict[str, Level] = {
    lvl.code: lvl
    for lvl in (
        Level(PLACED.code, (PLACED,)),
        Level(WAITED_PLACED.code, (WAITED_PLACED,)),
        Level(MOVED_SESSIONS.code, (MOVED_SESSIONS,)),
        Level(CHANGED_MEMBERSHIPS.code, (CHANGED_MEMBERSHIPS,)),
        Level(AVOID_HITS.code, (AVOID_HITS,)),
        Level(IRREGULAR_SESSIONS.code, (IRREGULAR_SESSIONS,)),
        BALANCE,
    )
}
"""Every level by code, in the order the solver settles them: placement (SPEC §2
objective 1, then §7's waiting lists), on a re-plan SPEC §5's least movement, then
SPEC §2 objectives 2 to 4. A level with one goal has the goal's code."""


def models(goal: Goal) -> Callable[[F], F]:
    """Mark a CP-SAT term function as the model's form of ``goal``."""
    return tag("models", goal)


def counts(goal: Goal) -> Callable[[F], F]:
    """Mark a function as the count of ``goal`` on a finished schedule."""
    return tag("counts", goal)
