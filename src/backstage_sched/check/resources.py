"""Rooms and facilitators: venues that exist, seat the cohort and are never
double-booked; facilitators' capacity, sessions a day, buffer and no-overlap."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from ..domain import Facilitator, Program
from ..plan import Cohort, Plan
from ..rules import (
    FACILITATOR_BUFFER,
    FACILITATOR_CAPACITY,
    FACILITATOR_NO_OVERLAP,
    FACILITATOR_SESSIONS_PER_DAY,
    VENUE,
    checks,
)
from ..said import joined, said
from .local import Local, Violation, label, minutes, ordered, overlapping_pairs


@checks(VENUE)
def check_cohort_venue(program: Program, c: Cohort) -> list[Violation]:
    if c.venue is None:
        return []
    if not program.venues:
        return [Violation(
            VENUE.code, said("cohort venue is {venue!r}, but no venues are listed",
                             venue=c.venue), c.id
        )]
    if c.venue not in {v.id for v in program.venues}:
        return [Violation(VENUE.code, said("cohort venue {venue!r} is not a listed venue",
                                           venue=c.venue), c.id)]
    return []


@checks(VENUE)
def check_venue(program: Program, x: Local) -> list[Violation]:
    cid, idx, venue = x.cohort.id, x.session.index, x.session.venue
    if not program.venues:
        if venue is not None:
            return [Violation(
                VENUE.code, said("venue is {venue!r}, but no venues are listed", venue=venue),
                cid, idx
            )]
        return []
    if venue is None:
        return [Violation(VENUE.code, said("has no venue"), cid, idx)]
    known = {v.id: v for v in program.venues}
    if venue not in known:
        return [Violation(VENUE.code, said("venue {venue!r} is not a listed venue", venue=venue),
                          cid, idx)]
    need = len(x.cohort.members) + 1
    if known[venue].capacity < need:
        return [
            Violation(
                VENUE.code,
                said("venue {venue} holds {capacity}, but {need} people meet (members + "
                     "facilitator)", venue=venue, capacity=known[venue].capacity, need=need),
                cid,
                idx,
            )
        ]
    return []


@checks(VENUE)
def check_venue_overlaps(program: Program, xs: list[Local]) -> list[Violation]:
    if not program.venues:
        return []
    out: list[Violation] = []
    by_venue: dict[str, list[Local]] = defaultdict(list)
    for x in xs:
        if x.session.venue is not None:
            by_venue[x.session.venue].append(x)
    for venue, group in by_venue.items():
        for a, b in overlapping_pairs(group):
            out.append(
                Violation(
                    VENUE.code,
                    said("venue {venue} is double-booked: overlaps {other} ({start}–{end})",
                         venue=venue, other=label(a), start=a.start.strftime("%Y-%m-%d %H:%M"),
                         end=a.end.strftime("%H:%M")),
                    b.cohort.id,
                    b.session.index,
                )
            )
    return out


@checks(
    FACILITATOR_BUFFER, FACILITATOR_CAPACITY, FACILITATOR_NO_OVERLAP, FACILITATOR_SESSIONS_PER_DAY
)
def check_facilitators(
    program: Program,
    plan: Plan,
    xs: list[Local],
    facilitators: dict[str, Facilitator],
) -> list[Violation]:
    """Each session is judged with the facilitator who leads it (``Cohort.leader``); a
    cohort counts in the ``max_cohorts`` of the facilitator who leads its sessions to
    come (``Cohort.facilitator``), not of one who handed it over (SPEC §8)."""
    out: list[Violation] = []
    for f in program.facilitators:
        cohorts = [c.id for c in plan.cohorts if c.facilitator == f.id]
        if f.max_cohorts is not None and len(cohorts) > f.max_cohorts:
            out.append(
                Violation(
                    FACILITATOR_CAPACITY.code,
                    said("facilitator {id} leads {count} cohorts ({cohorts}), at most {most} "
                         "allowed", id=f.id, count=len(cohorts), cohorts=", ".join(cohorts),
                         most=f.max_cohorts),
                )
            )
        mine = ordered([x for x in xs if x.cohort.leader(x.session) == f.id])
        limit = program.sessions_per_day(f)
        by_day: dict[date, list[Local]] = defaultdict(list)
        for x in mine:
            by_day[x.start.date()].append(x)
        for day, group in by_day.items():
            if len(group) > limit:
                first_excess = group[limit]
                out.append(
                    Violation(
                        FACILITATOR_SESSIONS_PER_DAY.code,
                        said("facilitator {id} leads {count} sessions on {day} ({sessions}), at "
                             "most {limit} a day", id=f.id, count=len(group),
                             day=day.isoformat(), sessions=joined([label(x) for x in group], ", "),
                             limit=limit),
                        first_excess.cohort.id,
                        first_excess.session.index,
                    )
                )
        buffer = timedelta(minutes=program.buffer(f))
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                if a.ustart < b.uend and b.ustart < a.uend:
                    out.append(
                        Violation(
                            FACILITATOR_NO_OVERLAP.code,
                            said("facilitator {id} is also in {other} ({start}–{end})", id=f.id,
                                 other=label(a), start=a.start.strftime("%Y-%m-%d %H:%M"),
                                 end=a.end.strftime("%H:%M")),
                            b.cohort.id,
                            b.session.index,
                        )
                    )
                elif a.start.date() == b.start.date() and b.ustart - a.uend < buffer:
                    out.append(
                        Violation(
                            FACILITATOR_BUFFER.code,
                            said("facilitator {id} has {minutes} min after {other}, needs "
                                 "{needs}", id=f.id, minutes=minutes(b.ustart - a.uend),
                                 other=label(a), needs=program.buffer(f)),
                            b.cohort.id,
                            b.session.index,
                        )
                    )
    return out

