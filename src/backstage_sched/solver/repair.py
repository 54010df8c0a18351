"""Large-neighbourhood repair of a plan: re-plan a few facilitators at a time.

A split program (see :mod:`.decompose`) is planned group by group, so what
one group cannot use stays unused: a room dealt to another group, a
facilitator with cohorts to spare, a person the group could not seat. The
repair takes a *piece* — a few facilitators, the members of their cohorts and
some of the people nobody seated — and re-plans it exactly with the
monolithic CP-SAT model, hinted with its current plan, while every other
cohort stays where it is (its room bookings become fixed for the piece).

Pieces run two at a time on disjoint facilitators and people. A piece's new
plan is kept only when it is better (more placed, then fewer avoid-time hits,
then fewer irregular sessions) and does not clash in a room with a piece kept
just before it. Passes repeat, with the facilitators grouped differently each
time, while they keep improving. Everything is deterministic: the grouping
follows the seed, pieces are judged in order, and the solver's effort is
deterministic time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..domain import Program
from ..said import said
from .decompose import venue_bookings, who_can_serve
from .instance import Instance

PIECE_FACILITATORS = 3
"""Facilitators re-planned together in one piece."""

PIECE_PARTICIPANTS = 120
"""About how many participants one piece holds (members plus candidates)."""

MIN_CANDIDATES = 12
"""Unseated people offered to a piece even when its cohorts are large."""


@dataclass(frozen=True)
class Piece:
    """One neighbourhood: facilitators and participants (indexes into the program),
    the cohorts it replaces, and the rooms' bookings held by everyone else."""

    facilitators: tuple[int, ...]
    participants: tuple[int, ...]
    cohorts: tuple[Any, ...]  # ScheduledCohort of these facilitators
    venue_busy: tuple[tuple[int, ...], ...]

    def program(self, program: Program) -> Program:
        """The sub-program this piece re-plans."""
        return program.replace(
            facilitators=tuple(program.facilitators[f] for f in self.facilitators),
            participants=tuple(program.participants[p] for p in self.participants),
        )


@dataclass(frozen=True)
class Outcome:
    """A piece re-planned: its new cohorts and the (placed, -avoid, -irregular)
    keys of the old and new plan, higher is better."""

    cohorts: tuple[Any, ...]
    before: tuple[int, ...]
    after: tuple[int, ...]


SolvePiece = Callable[[Program, tuple[tuple[int, ...], ...], tuple[Any, ...]], Outcome]


def facilitator_groups(inst: Instance, seed: int, round_no: int) -> list[tuple[int, ...]]:
    """Facilitators dealt into pieces of :data:`PIECE_FACILITATORS`: in input order
    first, then shuffled by ``seed`` and ``round_no``."""
    facs = list(range(len(inst.facilitators)))
    if round_no:
        random.Random(seed * 7919 + round_no).shuffle(facs)
    size = PIECE_FACILITATORS
    return [tuple(sorted(facs[n:n + size])) for n in range(0, len(facs), size)]


def make_pieces(
    inst: Instance,
    cohorts: Sequence[Any],
    unplaced: Sequence[int],
    serves: list[frozenset[int]],
    offered: dict[int, int],
    groups: list[tuple[int, ...]],
) -> list[Piece]:
    """One piece per facilitator group that some unseated person could join.

    Each unseated person is offered to at most one piece, those offered least
    often first; a piece takes candidates up to :data:`PIECE_PARTICIPANTS`.
    """
    fac_index = {f.id: n for n, f in enumerate(inst.facilitators)}
    taken: set[int] = set()
    order = sorted(unplaced, key=lambda p: (offered.get(p, 0), p))
    pieces = []
    for facs in groups:
        mine = [c for c in cohorts if fac_index[c.facilitator] in facs]
        members = [inst.participant_index[m] for c in mine for m in c.members]
        room = max(MIN_CANDIDATES, PIECE_PARTICIPANTS - len(members))
        candidates = []
        for p in order:
            if len(candidates) >= room:
                break
            if p not in taken and serves[p] & set(facs):
                candidates.append(p)
        if inst.program.mode == "company":
            candidates = _company_fits(inst, members, candidates)
        if not candidates or len(members) >= _seat_bound(inst, facs, members + candidates):
            continue
        taken.update(candidates)
        others = [c for c in cohorts if fac_index[c.facilitator] not in facs]
        pieces.append(
            Piece(
                facilitators=facs,
                participants=tuple(sorted(members + candidates)),
                cohorts=tuple(mine),
                venue_busy=venue_bookings(inst.program, others),
            )
        )
    return pieces


def _company_fits(inst: Instance, members: list[int], candidates: list[int]) -> list[int]:
    """Company mode: the candidates who could sit in a cohort of this piece, as its
    cohorts mix no organisations: those whose organisation has members here, or
    at least ``min_size`` people among the candidates."""
    def org(p: int) -> str:
        return inst.participants[p].organization

    present = {org(p) for p in members}
    count: dict[str, int] = {}
    for p in candidates:
        count[org(p)] = count.get(org(p), 0) + 1
    need = inst.program.groups.min_size
    return [p for p in candidates if org(p) in present or count[org(p)] >= need]


def _seat_bound(inst: Instance, facs: tuple[int, ...], people: list[int]) -> int:
    """Most of ``people`` that cohorts led by ``facs`` could seat (as
    :attr:`.Instance.placed_bound`, without building the piece's instance)."""
    fillable = len(people) // inst.program.groups.min_size
    slots = min(fillable, sum(min(inst.facilitator_limit(inst.facilitators[f]), fillable)
                              for f in facs))
    return min(len(people), slots * inst.largest_cohort)


def _clash(inst: Instance, ours: Sequence[Any], theirs: Sequence[Any]) -> bool:
    """Two sets of cohorts hold overlapping sessions in one room."""
    duration = inst.program.sessions.duration_minutes
    mine = venue_bookings(inst.program, ours)
    other = venue_bookings(inst.program, theirs)
    return any(
        abs(a - b) < duration for r in range(len(mine)) for a in mine[r] for b in other[r]
    )


def improve(
    inst: Instance,
    cohorts: list[Any],
    solve_piece: SolvePiece,
    workers: int,
    say: Callable[[str], None],
    seed: int = 0,
    passes: int = 3,
    time_left: Callable[[], float] = lambda: float("inf"),
) -> list[Any]:
    """Re-plan pieces of ``cohorts`` while it seats more people; returns the plan.

    Stops when everyone who could join some facilitator is seated, after
    ``passes`` passes, after a pass that kept nothing, or when ``time_left()``
    says the time limit is up (the plan so far is kept).
    """
    serves = who_can_serve(inst)
    offered: dict[int, int] = {}
    cohorts = list(cohorts)
    pool: Executor | None = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        for round_no in range(passes):
            placed = {inst.participant_index[m] for c in cohorts for m in c.members}
            unplaced = [
                p for p in range(len(inst.participants)) if p not in placed and serves[p]
            ]
            if not unplaced:
                break
            kept = 0
            groups = facilitator_groups(inst, seed, round_no)
            say(said("repair pass {number}: {count} unseated; facilitators re-planned {size} at "
                     "a time", number=round_no + 1, count=len(unplaced),
                     size=PIECE_FACILITATORS))
            step = max(1, workers)
            for n in range(0, len(groups), step):
                if time_left() <= 0:
                    say(said("the time limit is up: the repair stops with the plan so far"))
                    break
                placed = {inst.participant_index[m] for c in cohorts for m in c.members}
                unplaced = [
                    p for p in range(len(inst.participants)) if p not in placed and serves[p]
                ]
                pieces = make_pieces(
                    inst, cohorts, unplaced, serves, offered, groups[n:n + step]
                )
                for piece in pieces:
                    for p in piece.participants:
                        if p not in placed:
                            offered[p] = offered.get(p, 0) + 1
                jobs = [
                    (piece.program(inst.program), piece.venue_busy, piece.cohorts)
                    for piece in pieces
                ]
                if pool is None or len(jobs) == 1:
                    outcomes = [solve_piece(*job) for job in jobs]
                else:
                    outcomes = list(pool.map(solve_piece, *zip(*jobs, strict=True)))
                fresh: list[Any] = []
                for piece, out in zip(pieces, outcomes, strict=True):
                    if out.after <= out.before or _clash(inst, out.cohorts, fresh):
                        continue
                    old = {id(c) for c in piece.cohorts}
                    cohorts = [c for c in cohorts if id(c) not in old] + list(out.cohorts)
                    fresh.extend(out.cohorts)
                    kept += 1
                    names = ", ".join(inst.facilitators[f].id for f in piece.facilitators)
                    say(said("repair: {names}: placed {before} -> {after}", names=names,
                              before=out.before[0], after=out.after[0]))
            if not kept or time_left() <= 0:
                break
    finally:
        if pool is not None:
            pool.shutdown()
    return sorted(
        cohorts, key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members)
    )
