"""``waitlist.csv`` (SPEC §7): the people not placed, in rank order, and where they fit.

Rank follows the ``registered`` column when the participants file has it
(those without a date after those with one), else the file's row order. For
each person the reason they were not placed, and ``fits``: the cohorts they
could join now, each proposal (:mod:`backstage_sched.solver.join`) confirmed
by the independent checker on the plan as it would be. The field names are
SPEC §4/§7's in every language (a machine file); the overview shows the same
list in the program's language.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice

from ..check.verify import verify, verify_cohort
from ..domain import Participant, Program
from ..plan import Cohort, Plan
from ..solver.join import (
    Join,
    Openings,
    joined,
    neighbourhood,
    open_cohorts,
    proposals,
    seated,
)
from .costs import csv_cell

HEADER = ("rank", "participant", "name", "organization", "email", "reason", "fits")


@dataclass(frozen=True)
class Waiting:
    """One person on the waiting list: rank (1 first), why they wait, where they fit."""

    rank: int
    participant: str
    reason: str
    fits: tuple[Join, ...]


def waiting_list(program: Program, plan: Plan, today: date) -> list[Waiting]:
    """The unplaced in rank order, each with the confirmed seats they could take on ``today``."""
    order = {p.id: n for n, p in enumerate(program.participants)}
    people = {p.id: p for p in program.participants}
    reasons = {u.participant: u.reason for u in plan.unplaced}
    waiting = sorted(
        (pid for pid in reasons if pid in people),
        key=lambda pid: (people[pid].registered is None, people[pid].registered or 0,
                         order[pid]),
    )
    cohorts = open_cohorts(program, plan, today)
    openings = Openings(program, plan, today)
    out = []
    for rank, pid in enumerate(waiting, start=1):
        seats = []
        for cohort in cohorts:
            seat = confirmed_seat(program, plan, cohort, people[pid], today, openings)
            if seat is not None:
                seats.append(seat)
        out.append(Waiting(rank, pid, reasons[pid], tuple(seats)))
    return out


TRIES = 12
"""Proposals checked per person and cohort before the cohort is counted out."""


def confirmed_seat(
    program: Program, plan: Plan, cohort: Cohort, person: Participant, today: date,
    openings: Openings | None = None,
) -> Join | None:
    """The best proposal for ``person`` in ``cohort`` that the checker accepts, or None.

    The checker judges the cohort with the person on its own
    (:func:`~backstage_sched.check.verify.verify_cohort`), then with the
    facilitator's and the room's other cohorts
    (:func:`~backstage_sched.solver.join.neighbourhood`): every rule between cohorts
    is about those. That second verdict sees the added session, not who sits in
    the cohort, so it is reached once per cohort and start (``openings.verdicts``)
    and holds for everyone the first check lets in at that start.
    """
    openings = openings or Openings(program, plan, today)
    for join in islice(proposals(program, plan, cohort, person, today, openings), TRIES):
        alone = replace(plan, cohorts=(seated(program, plan, join),))
        if verify_cohort(program, alone, cohort.id):
            continue
        key = (cohort.id, join.start)
        if key not in openings.verdicts:
            after = neighbourhood(program, joined(program, plan, join), cohort.id)
            openings.verdicts[key] = not verify(program, after)
        if openings.verdicts[key]:
            return join
    return None


def waitlist_csv(program: Program, waiting: list[Waiting]) -> str:
    """The waiting list (:func:`waiting_list`) as CSV text: ``,``-separated, CRLF, ``fits``
    ``;``-separated."""
    people = {p.id: p for p in program.participants}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    for w in waiting:
        person = people[w.participant]
        writer.writerow([
            w.rank, csv_cell(w.participant), csv_cell(person.name),
            csv_cell(person.organization), csv_cell(person.email), csv_cell(w.reason),
            ";".join(j.cohort for j in w.fits),
        ])
    return buf.getvalue()
