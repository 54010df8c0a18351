"""Independent re-verification of a plan against every hard rule (SPEC §2).

This module deliberately shares no code with the solver or with the
working-day computation the solver uses: holidays, time rules and gaps are
evaluated here from scratch, so that a bug there cannot hide itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Set as AbstractSet
from contextlib import suppress
from datetime import date
from itertools import pairwise
from zoneinfo import ZoneInfo

from ..domain import Facilitator, Participant, Program
from ..plan import Cohort, Objective, Plan
from ..rules import (
    CASE_OWNER,
    COMPANY_MODE,
    GROUP_SIZE,
    MET_BEFORE,
    NOT_WITH,
    ONE_PERSON,
    ORGANISATION_MIX,
    PLACEMENT,
    SESSION_COUNT,
    UID,
    checks,
)
from ..said import joined, said
from .local import Local, Violation, as_aware, localize, utc
from .resources import check_cohort_venue, check_facilitators, check_venue, check_venue_overlaps
from .times import check_availability, check_gaps, check_session_time, public_holidays

__all__ = ["Violation", "verify"]


def verify(program: Program, plan: Plan, today: date | None = None) -> list[Violation]:
    """Every hard-rule violation of ``plan`` under ``program``, in a fixed order.

    The plan's history excuses only what it accounts for (:func:`_excused`):
    sessions before ``plan.history.held_before`` were already held, so
    availability entered later is not held against them, though no session
    on or after ``today`` (when given) can have been held; a withdrawal
    lets a cohort fall below ``min_size`` (the organiser may cancel it) only
    when the person who withdrew is no longer a member, and leaves a session
    without a case owner (one session more) only when that session of the
    cohort was held before the day they left.
    """
    tz = ZoneInfo(program.timezone)
    held_before, shrunk, orphaned = _excused(plan, tz, today)
    out: list[Violation] = []
    participants = {p.id: p for p in program.participants}
    facilitators = {f.id: f for f in program.facilitators}
    locals_by_cohort = {id(c): [localize(c, s, tz) for s in c.sessions] for c in plan.cohorts}
    years = {x.start.year for ls in locals_by_cohort.values() for x in ls}
    years |= {x.end.year for ls in locals_by_cohort.values() for x in ls}
    closed = public_holidays(program, years)

    out += _check_placement(program, plan, participants, facilitators)
    out += _check_one_person(plan, participants)
    out += _check_counts(program, plan)
    out += _check_uids(plan)
    for c in plan.cohorts:
        out += _check_cohort(program, c, locals_by_cohort[id(c)], participants, facilitators,
                             closed, (held_before, c.id in shrunk, orphaned.get(c.id, frozenset())))
    all_locals = [x for c in plan.cohorts for x in locals_by_cohort[id(c)]]
    out += check_facilitators(program, plan, all_locals, facilitators)
    out += check_venue_overlaps(program, all_locals)
    return out


def verify_cohort(
    program: Program, plan: Plan, cohort_id: str, today: date | None = None
) -> list[Violation]:
    """What :func:`verify` finds in ``plan``'s cohort ``cohort_id`` on its own: the rules
    about its members, sessions, case owners, room and gaps, excused as the plan's
    history excuses them. Not the rules between cohorts (a facilitator's or room's
    sessions, cohorts led) or over the whole plan (placement, one person, UIDs)."""
    tz = ZoneInfo(program.timezone)
    held_before, shrunk, orphaned = _excused(plan, tz, today)
    c = plan.cohort(cohort_id)
    participants: dict[str, Participant] = {}
    for m in c.members:
        with suppress(KeyError):  # an unknown id: the placement rule's, not this cohort's
            participants[m] = program.participant(m)
    facilitators = {f.id: f for f in program.facilitators}
    local = [localize(c, s, tz) for s in c.sessions]
    closed = public_holidays(program, {y for x in local for y in (x.start.year, x.end.year)})
    return _check_cohort(program, c, local, participants, facilitators, closed,
                         (held_before, c.id in shrunk, orphaned.get(c.id, frozenset())))


def _check_cohort(
    program: Program, c: Cohort, local: list[Local], participants: dict[str, Participant],
    facilitators: dict[str, Facilitator], closed: dict[date, str],
    excused: tuple[date | None, bool, frozenset[int]],
) -> list[Violation]:
    """The rules about cohort ``c`` on its own (``local``: its sessions, localised),
    with what the history excuses: the day before which sessions were held, whether
    it lost a member, and its held sessions whose case owner withdrew."""
    held_before, shrunk, orphaned = excused
    tz = ZoneInfo(program.timezone)
    out: list[Violation] = []
    members = [participants[m] for m in c.members if m in participants]
    out += _check_group(program, c, members, shrunk)
    out += _check_met_before(program, c)
    out += _check_session_order(c, orphaned)
    out += _check_case_owner(c, orphaned)
    out += check_cohort_venue(program, c)
    for x in local:
        out += check_session_time(program, x, closed)
        if held_before is None or x.start.date() >= held_before:
            leader = facilitators.get(c.leader(x.session))
            out += check_availability(x, members, leader, tz)
        out += check_venue(program, x)
    out += check_gaps(program, local)
    return out


def _excused(
    plan: Plan, tz: ZoneInfo, today: date | None
) -> tuple[date | None, set[str], dict[str, frozenset[int]]]:
    """What the plan's own history excuses, no more than it accounts for: the day
    before which sessions were held (never after ``today``), the cohorts that lost
    a member, and per cohort the held sessions whose case owner withdrew.

    A record that names a cohort its person is still a member of, a kick-off, a
    session the cohort does not have, or one on or after the day they left
    excuses nothing: a forged or stale history is judged like no history.
    """
    held_before = plan.history.held_before
    if held_before is not None and today is not None:
        held_before = min(held_before, today)
    cohorts = {c.id: c for c in plan.cohorts}
    shrunk: set[str] = set()
    orphaned: dict[str, set[int]] = defaultdict(set)
    for w in plan.history.withdrawals:
        c = cohorts.get(w.cohort) if w.cohort is not None else None
        if c is None or w.participant in c.members:
            continue
        shrunk.add(c.id)
        held = next((s for s in c.sessions if s.index == w.held_session), None)
        if held is not None and held.index > 0 and (
            as_aware(held.start, tz).astimezone(tz).date() < w.on
        ):
            orphaned[c.id].add(held.index)
    return held_before, shrunk, {cid: frozenset(ix) for cid, ix in orphaned.items()}


@checks(COMPANY_MODE, GROUP_SIZE, NOT_WITH, ORGANISATION_MIX)
def _check_group(
    program: Program, c: Cohort, members: list[Participant], shrunk: bool = False
) -> list[Violation]:
    g = program.groups
    out: list[Violation] = []
    n = len(c.members)
    low = 1 if shrunk else g.min_size
    if not low <= n <= g.max_size:
        out.append(
            Violation(GROUP_SIZE.code, said("has {count} members, allowed {least}–{most}",
                                            count=n, least=g.min_size, most=g.max_size), c.id)
        )
    orgs = Counter(p.organization for p in members)
    if program.mode == "mixed":
        for org, count in orgs.items():
            if count > g.max_per_organization:
                ids = ", ".join(p.id for p in members if p.organization == org)
                out.append(
                    Violation(
                        ORGANISATION_MIX.code,
                        said("{count} members from {organization!r} ({ids}), at most {most}",
                             count=count, organization=org, ids=ids,
                             most=g.max_per_organization),
                        c.id,
                    )
                )
    elif program.mode == "company" and len(orgs) > 1:
        out.append(
            Violation(
                COMPANY_MODE.code,
                said("members come from {count} organisations ({names}), a company run "
                     "allows one", count=len(orgs), names=", ".join(sorted(orgs))),
                c.id,
            )
        )
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if b.id in a.not_with or a.id in b.not_with:
                out.append(
                    Violation(NOT_WITH.code, said("{one} and {other} must not share a cohort",
                                                  one=a.id, other=b.id), c.id)
                )
    return out


@checks(MET_BEFORE)
def _check_met_before(program: Program, c: Cohort) -> list[Violation]:
    """No two members shared a cohort in an earlier plan (``program.met_before``)."""
    out: list[Violation] = []
    for earlier in program.met_before:
        again = [m for m in c.members if m in earlier.people]
        if len(again) >= 2:
            out.append(Violation(
                MET_BEFORE.code,
                said("{ids} met before in cohort {cohort} of {plan}", ids=", ".join(again),
                     cohort=earlier.cohort, plan=earlier.plan),
                c.id,
            ))
    return out


@checks(SESSION_COUNT)
def _check_session_order(c: Cohort, orphaned: AbstractSet[int] = frozenset()) -> list[Violation]:
    out: list[Violation] = []
    n = len(c.members)
    need = n + 1 + len(orphaned)
    if len(c.sessions) != need:
        out.append(
            Violation(
                SESSION_COUNT.code,
                said("has {count} sessions, a cohort of {members} needs {need}{held}",
                     count=len(c.sessions), members=n, need=need,
                     held=said(" ({count} held for members since withdrawn)",
                               count=len(orphaned)) if orphaned else ""),
                c.id,
            )
        )
    indexes = [s.index for s in c.sessions]
    if indexes != list(range(len(c.sessions))):
        out.append(
            Violation(
                SESSION_COUNT.code,
                said("session indexes are {indexes}, expected 0..{last} in order",
                     indexes=indexes, last=len(c.sessions) - 1),
                c.id,
            )
        )
    for prev, cur in pairwise(c.sessions):
        if utc(cur.start) <= utc(prev.start):
            out.append(
                Violation(
                    SESSION_COUNT.code,
                    said("starts {start}, not after session {number} ({before})",
                         start=cur.start.isoformat(), number=prev.index + 1,
                         before=prev.start.isoformat()),
                    c.id,
                    cur.index,
                )
            )
    return out


@checks(CASE_OWNER)
def _check_case_owner(c: Cohort, orphaned: AbstractSet[int] = frozenset()) -> list[Violation]:
    out: list[Violation] = []
    owned: dict[str, list[int]] = defaultdict(list)
    for s in c.sessions:
        if s.index == 0:
            if s.case_owner is not None:
                out.append(
                    Violation(
                        CASE_OWNER.code, said("the kick-off has case owner {id}",
                                              id=s.case_owner), c.id, 0
                    )
                )
            continue
        if s.case_owner is None:
            if s.index not in orphaned:
                out.append(Violation(CASE_OWNER.code, said("has no case owner"), c.id, s.index))
            continue
        if s.case_owner not in c.members:
            out.append(
                Violation(
                    CASE_OWNER.code, said("case owner {id} is not a member", id=s.case_owner),
                    c.id, s.index
                )
            )
            continue
        owned[s.case_owner].append(s.index)
    for m in c.members:
        times = owned.get(m, [])
        if not times:
            out.append(Violation(CASE_OWNER.code, said("{id} is never case owner", id=m), c.id))
        elif len(times) > 1:
            out.append(
                Violation(
                    CASE_OWNER.code,
                    said("{id} is case owner {count} times (sessions {numbers})", id=m,
                         count=len(times), numbers=", ".join(map(str, times))),
                    c.id,
                    times[1],
                )
            )
    return out


@checks(PLACEMENT)
def _check_placement(
    program: Program,
    plan: Plan,
    participants: dict[str, Participant],
    facilitators: dict[str, Facilitator],
) -> list[Violation]:
    out: list[Violation] = []
    if plan.program != program.id:
        out.append(
            Violation(
                PLACEMENT.code, said("the plan is for program {plan!r}, not {program!r}",
                                     plan=plan.program, program=program.id)
            )
        )
    seen_cohorts: set[str] = set()
    where: dict[str, list[str | None]] = defaultdict(list)  # cohort ids; None: unplaced
    for c in plan.cohorts:
        if c.id in seen_cohorts:
            out.append(Violation(PLACEMENT.code, "duplicate cohort id", c.id))
        seen_cohorts.add(c.id)
        if c.facilitator not in facilitators:
            out.append(Violation(PLACEMENT.code, said("unknown facilitator {id!r}",
                                                      id=c.facilitator), c.id))
        for s in c.sessions:
            if s.facilitator is not None and s.facilitator not in facilitators:
                out.append(Violation(
                    PLACEMENT.code, said("unknown facilitator {id!r}", id=s.facilitator), c.id,
                    s.index
                ))
        for m in c.members:
            if m not in participants:
                out.append(Violation(PLACEMENT.code, said("unknown participant {id!r}", id=m),
                                     c.id))
            where[m].append(c.id)
    for u in plan.unplaced:
        if u.participant not in participants:
            out.append(Violation(
                PLACEMENT.code, said("unknown participant {id!r} in unplaced",
                                     id=u.participant)
            ))
        where[u.participant].append(None)
    for pid, found in where.items():
        if len(found) > 1:  # said only here: a check makes a million of these places
            places = [said("unplaced") if x is None else said("cohort {id}", id=x)
                      for x in found]
            out.append(
                Violation(
                    PLACEMENT.code, said("{id} appears {count} times ({places})", id=pid,
                                         count=len(places), places=joined(places, ", "))
                )
            )
    for p in program.participants:
        if p.id not in where:
            out.append(Violation(PLACEMENT.code, said("{id} is neither in a cohort nor unplaced",
                                                      id=p.id)))
    return out


@checks(ONE_PERSON)
def _check_one_person(plan: Plan, participants: dict[str, Participant]) -> list[Violation]:
    """No e-mail address is seated twice, and nobody is billed twice: a person who
    withdrew with the fee due is not also seated, nor recorded so twice."""
    out: list[Violation] = []
    seated: dict[str, str] = {}
    for c in plan.cohorts:
        for m in c.members:
            if m not in participants:
                continue
            address = participants[m].email.casefold()
            if address in seated:
                out.append(Violation(
                    ONE_PERSON.code,
                    said("{id} and {other} share the e-mail address {email}: one person "
                         "placed twice", id=m, other=seated[address],
                         email=participants[m].email),
                    c.id,
                ))
            else:
                seated[address] = f"{m} ({c.id})"
    members = {m for c in plan.cohorts for m in c.members}
    charged: set[str] = set()
    for w in plan.history.withdrawals:
        if not w.fee_due:
            continue
        if w.participant in members or w.participant in charged:
            out.append(Violation(
                ONE_PERSON.code,
                said("{id} is billed twice: charged the fee for withdrawing on {day} and seated"
                     if w.participant in members else
                     "{id} is billed twice: charged the fee for withdrawing on {day} and charged "
                     "again", id=w.participant, day=w.on.isoformat()),
                w.cohort,
            ))
        charged.add(w.participant)
    return out


@checks(PLACEMENT)
def _check_counts(program: Program, plan: Plan) -> list[Violation]:
    """``objective`` tells the truth (SPEC §8): ``placed`` is the number seated,
    ``registered`` the program's participants, and ``placed <= placed_bound <=
    registered`` when a bound is given. A plan stating no objective claims nothing."""
    o = plan.objective
    if o == Objective():
        return []
    out: list[Violation] = []
    seated = sum(len(c.members) for c in plan.cohorts)
    people = len(program.participants)
    if o.placed != seated:
        out.append(Violation(
            PLACEMENT.code, said("objective.placed is {placed}, but {seated} are in cohorts",
                                 placed=o.placed, seated=seated)))
    if o.registered != people:
        out.append(Violation(
            PLACEMENT.code,
            said("objective.registered is {registered}, but the program has {people} "
                 "participants", registered=o.registered, people=people)))
    bound = o.placed_bound
    if bound is not None and not seated <= bound <= people:
        out.append(Violation(
            PLACEMENT.code,
            said("objective.placed_bound is {bound}: it must lie between the {seated} placed "
                 "and the {people} registered", bound=bound, seated=seated, people=people)))
    return out


@checks(UID)
def _check_uids(plan: Plan) -> list[Violation]:
    out: list[Violation] = []
    first: dict[str, str] = {}
    for c in plan.cohorts:
        for s in c.sessions:
            here = said("{cohort} session {number}", cohort=c.id, number=s.index + 1)
            if not s.uid or not s.uid.strip():
                out.append(Violation(UID.code, said("empty UID"), c.id, s.index))
            elif s.uid in first:
                out.append(
                    Violation(
                        UID.code, said("UID {uid!r} is also used by {other}", uid=s.uid,
                                       other=first[s.uid]), c.id, s.index
                    )
                )
            else:
                first[s.uid] = here
    return out
