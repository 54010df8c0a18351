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
from dataclasses import dataclass
from datetime import date
from itertools import islice
from zoneinfo import ZoneInfo

from ..check.local import localize
from ..check.times import check_availability
from ..check.verify import verify
from ..domain import Participant, Program
from ..plan import Cohort, Plan
from ..solver.join import Join, Openings, joined, neighbourhood, open_cohorts, proposals
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

    The checker judges the cohort with the facilitator's and the room's other
    cohorts (:func:`~backstage_sched.solver.join.neighbourhood`): every rule
    between cohorts is about those.
    """
    for join in islice(proposals(program, plan, cohort, person, today, openings), TRIES):
        after = joined(program, plan, join)
        if _unavailable(program, after, join.cohort):
            continue  # the checker would say the same, after checking much more
        if not verify(program, neighbourhood(program, after, cohort.id)):
            return join
    return None


def _unavailable(program: Program, plan: Plan, cohort_id: str) -> bool:
    """Whether a member or the leader of a session of ``cohort_id`` cannot come.

    :func:`~backstage_sched.check.verify.verify` makes this very check on each
    of these sessions (the same members, leader and held sessions), so a plan
    that fails here fails there; most proposals fail on the facilitator's days,
    and this looks at one cohort instead of the neighbourhood.
    """
    tz = ZoneInfo(program.timezone)
    cohort = plan.cohort(cohort_id)
    participants = {p.id: p for p in program.participants}
    facilitators = {f.id: f for f in program.facilitators}
    members = [participants[m] for m in cohort.members if m in participants]
    held_before = plan.history.held_before
    judged = [
        (x, facilitators.get(cohort.leader(x.session)))
        for x in (localize(cohort, s, tz) for s in cohort.sessions)
        if held_before is None or x.start.date() >= held_before
    ]
    # the leader first: one person, and the usual reason
    return any(check_availability(x, [], leader, tz) for x, leader in judged) or any(
        check_availability(x, members, None, tz) for x, _ in judged)


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
