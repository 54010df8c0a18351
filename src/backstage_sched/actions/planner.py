"""The public planning flow: validated program -> CP-SAT schedule -> verified plan."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..check.verify import verify
from ..domain import Program
from ..errors import InputError, VerificationError
from ..inputs.workdays import Slot, WorkCalendar
from ..plan import Cohort, History, Objective, Plan, Session, Unplaced, uid_for
from ..publish.changes import carry_over, describe, outbox
from ..publish.folder import update_stamp
from ..rules import PARTICIPANT_AVAILABILITY, PLACEMENT
from ..said import option, said
from ..solver import Schedule, SolveOptions, solve
from ..solver.explain.diagnose import diagnose
from ..solver.explain.finding import Finding
from ..solver.explain.interchange import Interchange, clashing_dates, interchangeable
from ..solver.model.instance import EarlierCohort, Instance
from ..solver.options import Progress
from ..solver.schedule import cohort_ids
from .change import Change
from .edits import cancelled_reason
from .substitute import first_unled


def plan_program(
    program: Program, options: SolveOptions | None = None, progress: Progress | None = None
) -> Plan:
    """Plan ``program`` and verify the result; raises VerificationError on a broken rule."""
    options = options or SolveOptions()
    schedule = solve(program, options, progress)
    plan = schedule_to_plan(program, schedule, options)
    check_or_raise(program, plan)
    return plan


@dataclass(frozen=True)
class Explanation:
    """Why a plan leaves people out: the plan, one finding per cause, the groups of
    interchangeable people, and the proven bound on who can be placed."""

    plan: Plan
    findings: tuple[Finding, ...]
    interchangeable: tuple[Interchange, ...]
    placed_bound: int

    def to_dict(self, program: Program) -> dict[str, object]:
        """``explain --json``: one entry per person left out, then the groups."""
        rows = []
        for u in self.plan.unplaced:
            found = [f for f in self.findings if u.participant in f.people]
            # the plan's own reason when the diagnosis found none of its own
            for f in found or [Finding(u.code or PLACEMENT.code, (u.participant,), u.reason,
                                       "")]:
                rows.append({
                    "participant": u.participant,
                    "rule": f.rule,
                    "people": list(f.people),
                    "dates": list(f.dates),
                    "reason": f.message,
                    "fix": f.fix,
                })
        return {
            "program": program.id,
            "placed": self.plan.placed,
            "registered": len(program.participants),
            "placed_bound": self.placed_bound,
            "unplaced": rows,
            "interchangeable": [g.to_dict() for g in self.interchangeable],
        }


def explain_program(
    program: Program,
    options: SolveOptions | None = None,
    time_limit: float = 20.0,
    progress: Progress | None = None,
    work: float | None = None,
) -> Explanation:
    """Plan ``program`` exactly as :func:`plan_program` does with ``options``, then
    explain the people that plan leaves out (``time_limit``: seconds for the
    diagnosis; ``work``: a deterministic budget instead, see :func:`diagnose`). The
    same input and seed give the same plan, so ``explain`` speaks of exactly the
    people ``plan`` leaves out."""
    options = options or SolveOptions()
    schedule = solve(program, options, progress)
    plan = schedule_to_plan(program, schedule, options)
    check_or_raise(program, plan)
    inst = Instance.of(program)
    findings = [
        replace(f, dates=tuple(clashing_dates(
            inst, schedule.cohorts, inst.participant_index[f.people[0]])))
        if f.rule == PARTICIPANT_AVAILABILITY.code and len(f.people) == 1 else f
        for f in diagnose(program, time_limit=time_limit, cohorts=schedule.cohorts, work=work)
    ]
    groups = interchangeable(inst, schedule.cohorts)
    bound = plan.objective.placed_bound
    return Explanation(
        plan, tuple(findings), tuple(groups),
        bound if isinstance(bound, int) else len(program.participants),
    )


def check_or_raise(program: Program, plan: Plan, today: date | None = None) -> None:
    """Run the independent verifier, as of ``today`` for a re-plan (no session on or
    after it counts as held); a violation is a bug, never an output."""
    violations = verify(program, plan, today)
    if violations:
        raise VerificationError(violations)


def replan_program(
    program: Program,
    previous_program: Program,
    previous: Plan,
    today: date,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    stamp: datetime | None = None,
    reopen: tuple[str, ...] = (),
) -> Change:
    """Re-plan after edited inputs (SPEC §5): sessions before ``today`` stay; the rest
    move as little as possible. Returns the checked change: the plan (UIDs kept,
    SEQUENCE raised where changed), the messages to send and a readable diff;
    ``stamp`` (DTSTAMP) defaults to midnight UTC of ``today``.

    Cancelled stays cancelled (SPEC §8): the members of a cancelled cohort
    who still wait are kept out of the solve, unplaced with the cancellation's
    reason, unless ``reopen`` names that cohort (the cancellation is then
    marked reopened on ``today`` and they may be planned again, in a cohort
    with a new id). The notes say who waits and how to reopen."""
    if previous.program != program.id:
        raise InputError(
            None, "previous plan",
            said("that plan is for program '{previous}', not '{program}'",
                 previous=previous.program, program=program.id),
        )
    options = options or SolveOptions()
    tz = ZoneInfo(program.timezone)
    history = _reopened(previous.history, reopen, today)
    held_back, notes = _held_back(program, previous, history)
    unled = first_unled(program, previous, today)
    earlier = tuple(
        _earlier(c, tz, today, history, unled.get(c.id)) for c in previous.cohorts
    )
    solved = program.replace(participants=tuple(
        replace(p, not_with=tuple(x for x in p.not_with if x not in held_back))
        for p in program.participants if p.id not in held_back
    )) if held_back else program
    schedule = solve(solved, options, progress, earlier, today)
    ids = [c.id for c in previous.cohorts]
    retired = list(history.retired_cohorts)
    fresh = _fresh_ids(ids + retired, len(schedule.cohorts))
    names = {}
    for sc in schedule.cohorts:
        names[id(sc)] = ids[sc.slot] if 0 <= sc.slot < len(ids) else next(fresh)
    plan = _keep_leaders(schedule_to_plan(program, schedule, options, names), earlier)
    if held_back:
        waiting = tuple(Unplaced(p.id, held_back[p.id]) for p in program.participants
                        if p.id in held_back)
        plan = replace(plan, unplaced=plan.unplaced + waiting)
    for cid in dict.fromkeys(reopen):
        members = next(r.members for r in history.cancelled if r.cohort == cid)
        placed = [m for m in members if plan.cohort_of(m) is not None]
        notes.append(said("cohort {cohort} reopened: {placed} of its {count} member(s) placed "
                          "({who}); {cohort} stays cancelled", cohort=cid, placed=len(placed),
                          count=len(members), who=", ".join(placed) or said("none")))
    kept = {c.id for c in plan.cohorts}
    # their UIDs were published: a new cohort must never reuse the id
    gone = sorted(set(retired) | {cid for cid in ids if cid not in kept})
    plan = replace(plan, history=replace(
        history, held_before=today, retired_cohorts=tuple(gone)))
    plan = carry_over(previous, plan, today)
    check_or_raise(program, plan, today)
    if stamp is None:
        stamp = update_stamp(program, today)
    elif stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    sending = outbox(previous_program, previous, program, plan, today, stamp)
    diff = describe(previous_program, previous, program, plan, today)
    notes += _handover_notes(program, previous, plan, unled)
    return Change(program, plan, sending, diff, tuple(notes), stamp)


def _reopened(history: History, reopen: tuple[str, ...], today: date) -> History:
    """``history`` with the cancellations of the cohorts in ``reopen`` marked reopened
    ``today``; InputError naming the cancelled cohorts when one is not among them."""
    cancelled = {r.cohort for r in history.cancelled}
    for cid in reopen:
        if cid not in cancelled:
            known = ", ".join(sorted(cancelled)) or said("none")
            raise InputError(
                None, "cohort to reopen",
                said("{id!r} is not a cancelled cohort of the previous plan (cancelled: "
                     "{known})", id=cid, known=known),
            )
    if not reopen:
        return history
    return replace(history, cancelled=tuple(
        replace(r, reopened=today) if r.cohort in reopen and r.reopened is None else r
        for r in history.cancelled
    ))


def _held_back(
    program: Program, previous: Plan, history: History
) -> tuple[dict[str, str], list[str]]:
    """Who waits because their cohort was cancelled (still unplaced in ``previous``,
    still registered, not reopened), each with the reason; and the notes saying so."""
    waiting = {u.participant for u in previous.unplaced}
    registered = {p.id for p in program.participants}
    records = history.waiting_since_cancelled()
    held = {pid: cancelled_reason(program, r) for pid, r in records.items()
            if pid in waiting and pid in registered}
    notes: list[str] = []
    for r in history.cancelled:
        who = [pid for pid in r.members if records.get(pid) is r and pid in held]
        if who:
            notes.append(said(
                "cohort {cohort} was cancelled on {day} ({reason}): {who} stay on the waiting "
                "list; a re-plan with {reopen} {cohort} plans them again, fill offers them "
                "free seats", cohort=r.cohort, day=r.on.isoformat(), reason=r.reason,
                who=", ".join(who), reopen=option("reopen"),
            ))
    return held, notes


def _earlier(
    c: Cohort, tz: ZoneInfo, today: date, history: History, unled: int | None = None
) -> EarlierCohort:
    """The solver's view of a cohort of the previous plan. Sessions keep their own
    facilitator (``leaders``) when held, when the plan names one (a substitution), and
    before ``unled``: the first session to come its facilitator can no longer lead,
    from which the re-plan weighs another facilitator against moving dates."""
    slots = []
    for s in c.sessions:
        local = s.start.astimezone(tz)
        slots.append(Slot(local.date(), local.hour * 60 + local.minute))
    held = sum(1 for slot in slots if slot.day < today)
    def kept(i: int, own: str | None) -> bool:
        if i < held:
            return True  # history: whoever led it
        return i < unled if unled is not None else own is not None

    leaders = tuple(c.leader(s) if kept(i, s.facilitator) else None
                    for i, s in enumerate(c.sessions))
    return EarlierCohort(
        facilitator=c.facilitator,
        venue=c.venue,
        members=c.members,
        slots=tuple(slots),
        case_owners=tuple(s.case_owner for s in c.sessions),
        held=held,
        orphans=history.orphaned(c.id),
        shrunk=c.id in history.shrunk(),
        id=c.id,
        leaders=leaders,
    )


def _keep_leaders(plan: Plan, earlier: tuple[EarlierCohort, ...]) -> Plan:
    """``plan`` with each session of an earlier cohort led by the facilitator the
    re-plan kept on it (``EarlierCohort.leaders``), named where not the cohort's."""
    by_id = {e.id: e for e in earlier}
    cohorts = []
    for c in plan.cohorts:
        e = by_id.get(c.id)
        if e is None:
            cohorts.append(c)
            continue
        sessions = []
        for s in c.sessions:
            kept = e.leaders[s.index] if s.index < len(e.leaders) else None
            own = None if kept in (None, c.facilitator) else kept
            sessions.append(replace(s, facilitator=own))
        cohorts.append(replace(c, sessions=tuple(sessions)))
    return replace(plan, cohorts=tuple(cohorts))


def _handover_notes(
    program: Program, previous: Plan, plan: Plan, unled: dict[str, int]
) -> tuple[str, ...]:
    """What a coordinator should know of a facilitator who can no longer lead a session
    to come: who took the sessions over from it, or that dates moved instead."""

    def name(fid: str) -> str:
        known = [f.name for f in program.facilitators if f.id == fid]
        return f"{known[0]} ({fid})" if known else fid

    notes = []
    for cid, index in sorted(unled.items()):
        try:
            before, after = previous.cohort(cid), plan.cohort(cid)
        except KeyError:
            continue
        session = before.sessions[index]
        was = before.leader(session)
        why = said("{cohort}: {name} can no longer lead session {number} ({day})", cohort=cid,
                   name=name(was), number=session.number,
                   day=previous.day_of(session).isoformat())
        if index < len(after.sessions) and after.leader(after.sessions[index]) != was:
            notes.append(said("{why}; {name} leads the sessions from {number} on, on their "
                              "dates", why=why, name=name(after.leader(after.sessions[index])),
                              number=session.number))
        else:
            notes.append(said("{why}; the dates move instead (see the changes)", why=why))
    return tuple(notes)


def _fresh_ids(taken: list[str], count: int) -> Iterator[str]:
    n = 0
    width = max(2, len(str(len(taken) + count)))
    while True:
        n += 1
        cid = f"c{n:0{width}d}"
        if cid not in taken:
            yield cid


def schedule_to_plan(
    program: Program,
    schedule: Schedule,
    options: SolveOptions | None = None,
    names: dict[int, str] | None = None,
) -> Plan:
    """Turn slots into aware sessions; cohorts are named ``c01``… in kick-off order
    unless ``names`` (by ``id()`` of the scheduled cohort) says otherwise."""
    cal = WorkCalendar(program)
    default = cohort_ids(len(schedule.cohorts))
    cohorts = []
    for n, sc in enumerate(schedule.cohorts, start=1):
        cid = (names or {}).get(id(sc), default[n - 1])
        sessions = tuple(
            Session(
                index=i,
                start=cal.start_datetime(slot),
                end=cal.end_datetime(slot),
                case_owner=None if i == 0 else sc.case_owners[i - 1],
                venue=sc.venue,
                uid=uid_for(program.id, cid, i),
                sequence=0,
            )
            for i, slot in enumerate(sc.slots)
        )
        deadline = sc.slots[0].day - timedelta(days=program.policy.cancellation_days)
        cohorts.append(Cohort(cid, sc.facilitator, sc.venue, sc.members, deadline, sessions))
    placed = sum(len(c.members) for c in cohorts)
    objective = Objective.searched(
        placed, len(program.participants), schedule.objective, schedule.status,
        schedule.bound, None if options is None else options.seed, schedule.stopped_early,
        schedule.runtime,
    )
    return Plan(
        program=program.id,
        cohorts=tuple(cohorts),
        unplaced=schedule.unplaced,
        objective=objective,
        timezone=program.timezone,
    )
