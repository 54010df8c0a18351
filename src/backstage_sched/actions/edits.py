"""Changes to a published plan: transfer, withdraw, move one session, cancel a cohort.

Every edit is a pure function of a program and its plan that returns
``(new_program, new_plan, notes)``; nothing here reads or writes files.
:func:`apply` then continues UIDs and SEQUENCE from the old plan, verifies
the result and lists the calendar messages that must go out (SPEC §5).

Withdrawals are recorded in ``plan.history.withdrawals``: the fee may still
be due, and a cohort that lost members may legitimately fall below
``min_size`` or keep a held session whose case owner has left; the verifier
accepts exactly those.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from ..check.verify import Violation, verify
from ..domain import Facilitator, Participant, Program
from ..errors import InputError, VerificationError
from ..inputs.values import checked_id, email_problem, id_key
from ..inputs.workdays import Slot
from ..plan import Cancellation, Cohort, Plan, Session, Unplaced, Withdrawal
from ..publish.changes import Outbox, carry_over, describe, outbox
from ..said import joined, moment, option, said
from ..wording import Words
from .moving import Mover

Result = tuple[Program, Plan, list[str]]


# ---------------------------------------------------------------------------
# shared helpers


def _participant(program: Program, pid: str, where: str) -> Participant:
    try:
        return program.participant(pid)
    except KeyError:
        raise InputError(None, where, said("unknown participant {id!r}", id=pid)) from None


def _cohort(plan: Plan, cid: str) -> Cohort:
    try:
        return plan.cohort(cid)
    except KeyError:
        known = ", ".join(c.id for c in plan.cohorts) or said("none")
        raise InputError(None, "cohort", said("unknown cohort {id!r} (cohorts: {known})",
                                              id=cid, known=known)) from None


def numbered(cohort: Cohort, session: int) -> Session:
    """Session ``session`` of ``cohort``, by the number people read (1 = kick-off);
    InputError naming the session when the cohort has none of that number."""
    if not 1 <= session <= len(cohort.sessions):
        raise InputError(
            None, "session",
            said("{cohort} has sessions 1..{count} (1 is the kick-off), not {number}",
                 cohort=cohort.id, count=len(cohort.sessions), number=session),
        )
    return cohort.sessions[session - 1]


def _with_cohort(plan: Plan, cohort: Cohort) -> Plan:
    return replace(plan, cohorts=tuple(cohort if c.id == cohort.id else c for c in plan.cohorts))


def _without_person(program: Program, pid: str) -> Program:
    """``program`` without participant ``pid`` and without references to it."""
    people = tuple(
        replace(p, not_with=tuple(x for x in p.not_with if x != pid))
        for p in program.participants
        if p.id != pid
    )
    return program.replace(participants=people)


# ---------------------------------------------------------------------------
# transfer


def transfer(
    program: Program,
    plan: Plan,
    leaving: str,
    new_id: str,
    name: str,
    email: str,
    today: date,
    organization: str | None = None,
) -> Result:
    """Hand ``leaving``'s place to a new colleague ``new_id`` of the same organisation.

    The newcomer copies the organisation and experience label, takes the
    place in the cohort (or in the unplaced list) and every case-owner
    session of the leaving person; dates and fees do not change. The
    leaving person is removed from the program. ``organization``, when
    given, must equal the leaving person's (InputError naming both).
    """
    old = _participant(program, leaving, "participant")
    if organization is not None and organization.strip() != old.organization:
        raise InputError(
            None,
            "organization",
            said("a place can only pass to a colleague of the same organisation: {old} is with "
                 "{organization!r}, {new} with {other!r}", old=leaving,
                 organization=old.organization, new=new_id, other=organization.strip()),
        )
    taken = {id_key(p.id) for p in program.participants} | {
        id_key(f.id) for f in program.facilitators}
    if id_key(new_id) in taken:  # the same file name on Windows and macOS is the same id
        raise InputError(None, "new participant", said(
            "id {id!r} is already used in program {program}", id=new_id, program=program.id))
    checked_id(None, "new participant", "id", new_id)
    if not name.strip():
        raise InputError(None, "name", said("the new participant needs a name"))
    problem = email_problem(email)
    if problem:
        raise InputError(None, "e-mail", said("bad e-mail {email!r}: {problem}", email=email,
                                                problem=problem))
    people: tuple[Participant | Facilitator, ...] = (*program.participants,
                                                     *program.facilitators)
    for person in people:
        if person.email.lower() == email.lower() and person.id != leaving:
            raise InputError(None, "e-mail", said("e-mail {email!r} is already used by {id}",
                                                    email=email, id=person.id))

    new = Participant(
        id=new_id, name=name.strip(), email=email, organization=old.organization,
        experience=old.experience, org_number=old.org_number,
        invoice_reference=old.invoice_reference, took_over_from=old.name,
    )
    people = tuple(new if p.id == leaving else p for p in program.participants)
    new_program = _without_person(program.replace(participants=people), leaving)
    notes: list[str] = []
    if _freer(program, old):
        # the newcomer has none of the leaver's limits: one more may be placeable
        bound = plan.objective.placed_bound
        plan = replace(plan, objective=replace(
            plan.objective, placed_bound=None if bound is None else bound + 1))
    cohort = plan.cohort_of(leaving)
    if cohort is None:
        unplaced = tuple(
            replace(u, participant=new_id) if u.participant == leaving else u
            for u in plan.unplaced
        )
        notes.append(said("{old} was not placed; {new} takes the registration (still unplaced)",
                          old=leaving, new=new_id))
        # the registration waits as it did: a cancelled cohort's place stays on hold
        cancelled = tuple(
            replace(r, members=tuple(new_id if m == leaving else m for m in r.members))
            for r in plan.history.cancelled
        )
        history = replace(plan.history, cancelled=cancelled)
        return new_program, replace(plan, unplaced=unplaced, history=history), notes
    sessions = tuple(
        replace(s, case_owner=new_id) if s.case_owner == leaving else s for s in cohort.sessions
    )
    members = tuple(new_id if m == leaving else m for m in cohort.members)
    owned = [s for s in cohort.sessions if s.case_owner == leaving]
    notes.append(said(
        "{old} ({old_id}) hands the place in {cohort} to {new} ({new_id}), {organization}; "
        "dates and fees are unchanged", old=old.name, old_id=leaving, cohort=cohort.id,
        new=new.name, new_id=new_id, organization=old.organization,
    ))
    for s in owned:
        if plan.day_of(s) < today:
            notes.append(said(
                "{old} was case owner of {cohort} session {number}, already held; the plan "
                "now lists {new} as its case owner", old=leaving, cohort=cohort.id,
                number=s.number, new=new_id,
            ))
        else:
            notes.append(said("{id} becomes case owner of {cohort} session {number}",
                              id=new_id, cohort=cohort.id, number=s.number))
    new_cohort = replace(cohort, members=members, sessions=sessions)
    return new_program, _with_cohort(plan, new_cohort), notes


def _freer(program: Program, person: Participant) -> bool:
    """Whether a newcomer without limits is freer under the hard rules than ``person``:
    ``person`` had times they could not come, or someone they may not meet."""
    return bool(
        person.unavailable or person.busy or person.not_with
        or any(person.id in p.not_with for p in program.participants)
        or any(person.id in group.people for group in program.met_before)
    )


# ---------------------------------------------------------------------------
# withdraw


def withdraw(program: Program, plan: Plan, person: str, on: date) -> Result:
    """Withdraw participant ``person`` on date ``on``.

    The person leaves the program. In a cohort, the last session not yet
    held is dropped and its case owner takes over the leaving person's
    session, so every remaining member still owns exactly one. When the
    person's own session was already held, no session is dropped; that
    held session keeps its place without a case owner. The withdrawal is
    recorded in ``plan.history.withdrawals`` with ``fee_due`` (``on`` on or
    after the cohort's cancellation deadline); notes say so and flag a
    cohort that falls below ``min_size``.
    """
    who = _participant(program, person, "participant")
    cohort = plan.cohort_of(person)
    record = Withdrawal(
        person, who.name, who.organization, on, email=who.email,
        org_number=who.org_number, invoice_reference=who.invoice_reference,
    )
    notes: list[str] = []
    new_plan = plan
    if cohort is None:
        new_plan = replace(plan, unplaced=tuple(
            u for u in plan.unplaced if u.participant != person))
        notes.append(said("{name} ({id}) was not placed in a cohort: no fee is due",
                          name=who.name, id=person))
    else:
        new_cohort, more, held = _leave_cohort(program, plan, cohort, person, on)
        notes += more
        fee_due = on >= cohort.cancellation_deadline
        record = replace(
            record, cohort=cohort.id, cancellation_deadline=cohort.cancellation_deadline,
            fee_due=fee_due, held_session=held,
        )
        fee = said("{amount} {currency} excl. VAT", amount=f"{program.policy.fee:g}",
                   currency=program.policy.currency)
        if fee_due:
            notes.append(said(
                "fee due: {name} ({id}, {organization}) withdraws on {day}, on or after the "
                "cancellation deadline {deadline} of {cohort}: {fee} is charged",
                name=who.name, id=person, organization=who.organization,
                day=on.isoformat(), deadline=cohort.cancellation_deadline.isoformat(),
                cohort=cohort.id, fee=fee,
            ))
        else:
            notes.append(said(
                "no fee: {name} ({id}) withdraws on {day}, before the cancellation deadline "
                "{deadline} of {cohort}", name=who.name, id=person, day=on.isoformat(),
                deadline=cohort.cancellation_deadline.isoformat(), cohort=cohort.id,
            ))
        new_plan = _with_cohort(plan, new_cohort)
    history = replace(new_plan.history, withdrawals=(*new_plan.history.withdrawals, record))
    objective = replace(new_plan.objective, placed=new_plan.placed)
    new_plan = replace(new_plan, objective=objective, history=history)
    return _without_person(program, person), new_plan, notes


def _leave_cohort(
    program: Program, plan: Plan, cohort: Cohort, pid: str, on: date
) -> tuple[Cohort, list[str], int | None]:
    """The cohort without ``pid``, notes, and the index of ``pid``'s held session if any."""
    notes: list[str] = []
    held: int | None = None
    future = [s for s in cohort.sessions if plan.day_of(s) >= on]
    if not future:
        raise InputError(None, "withdrawal", said(
            "cohort {cohort} held its last session before {day}", cohort=cohort.id,
            day=on.isoformat()))
    members = tuple(m for m in cohort.members if m != pid)
    sessions = list(cohort.sessions)
    own = next((s for s in sessions if s.case_owner == pid), None)
    if own is not None and plan.day_of(own) < on:
        sessions[own.index] = replace(own, case_owner=None)
        held = own.index
        notes.append(said(
            "{id} was case owner of {cohort} session {number}, already held: that session "
            "stays in the plan (without a case owner); no session is dropped",
            id=pid, cohort=cohort.id, number=own.number,
        ))
    else:
        last = sessions.pop()
        notes.append(said(
            "{cohort} has one session less: session {number} ({start}) is cancelled",
            cohort=cohort.id, number=last.number, start=f"{last.start:%Y-%m-%d %H:%M}",
        ))
        if own is not None and own.index != last.index:
            sessions[own.index] = replace(own, case_owner=last.case_owner)
            notes.append(said(
                "{id} becomes case owner of session {number} ({start}) instead of session "
                "{last}", id=last.case_owner, number=own.number,
                start=f"{own.start:%Y-%m-%d %H:%M}", last=last.number,
            ))
    left = len(members)
    if left < program.groups.min_size:
        notes.append(said(
            "{cohort} now has {count} member(s), below the minimum of {minimum}: the "
            "organiser may cancel it (cancel-cohort)", cohort=cohort.id, count=left,
            minimum=program.groups.min_size,
        ))
    return replace(cohort, members=members, sessions=tuple(sessions)), notes, held


# ---------------------------------------------------------------------------
# cancel a cohort


def cancel_cohort(
    program: Program, plan: Plan, cohort: str, today: date,
    reason: str | None = None,
) -> Result:
    """Remove cohort ``cohort``; its members become unplaced with the reason, in the
    program's language (``None``: too few participants)."""
    group = _cohort(plan, cohort)
    held = [s for s in group.sessions if plan.day_of(s) < today]
    if len(held) == len(group.sessions):
        raise InputError(None, "today", said(
            "cohort {cohort} held all its sessions before {day}", cohort=cohort,
            day=today.isoformat()))
    words = Words.of(program)
    record = Cancellation(
        cohort, today, reason or words._("too few participants"), group.members,
        group.facilitator,
    )
    because = cancelled_reason(program, record)
    unplaced = plan.unplaced + tuple(Unplaced(m, because) for m in group.members)
    why = said("cohort {cohort} cancelled ({reason}) on {day}", cohort=cohort,
               reason=reason or said("too few participants"), day=today.isoformat())
    cohorts = tuple(c for c in plan.cohorts if c.id != cohort)
    objective = replace(plan.objective, placed=sum(len(c.members) for c in cohorts))
    notes: list[str] = [said(
        "{why}: {sessions} session(s) get a cancellation; {count} member(s) wait on the "
        "waiting list ({members}); a re-plan keeps them out until asked: fill, or a "
        "re-plan with {reopen} {cohort}", why=why, reopen=option("reopen"),
        sessions=len(group.sessions) - len(held), count=len(group.members),
        members=", ".join(group.members), cohort=cohort,
    )]
    if held:
        notes.append(said("{count} session(s) of {cohort} were already held", count=len(held),
                          cohort=cohort))
    # its UIDs were published: a later re-plan must never reuse the cohort id
    retired = tuple(sorted({*plan.history.retired_cohorts, cohort}))
    history = replace(plan.history, retired_cohorts=retired,
                      cancelled=(*plan.history.cancelled, record))
    new_plan = replace(
        plan, cohorts=cohorts, unplaced=unplaced, objective=objective, history=history
    )
    return program, new_plan, notes


def cancelled_reason(program: Program, record: Cancellation) -> str:
    """Why the members of a cancelled cohort wait, in the program's language:
    "grupp c03 ställdes in (för få deltagare) 5 jan. 2027"."""
    words = Words.of(program)
    return words._("cohort {id} cancelled ({reason}) on {day}", id=record.cohort,
                   reason=record.reason, day=record.on)


# ---------------------------------------------------------------------------
# move one session


def move(
    program: Program,
    plan: Plan,
    cohort: str,
    session: int,
    to: datetime | None,
    not_on: date | None,
    today: date,
) -> Result:
    """Move session ``session`` (the number people read: 1 is the kick-off) of
    ``cohort`` to ``to``, or off the date ``not_on``.

    ``to`` (naive = program-local wall clock) must be a feasible slot that
    keeps the gap rule with the previous session, else InputError naming the
    rule. With ``not_on``, any other feasible day may be chosen: the one of
    least ripple (:meth:`Mover.off_date`: fewest other sessions moved, then
    the smallest shift of the cohort's end, then the nearest day, then the
    same weekday and start time). Later sessions of the cohort move only
    where the gap rule forces them, where the fewest must; other cohorts
    never move.
    """
    if (to is None) == (not_on is None):
        raise InputError(None, "move", said("give exactly one of to and not_on"))
    group = _cohort(plan, cohort)
    before = numbered(group, session)
    index = before.index
    mover = Mover(program, plan, group)
    here = mover.slot_of(before)
    where = said("{cohort} session {number}", cohort=cohort, number=session)
    if here.day < today:
        raise InputError(None, where, said("was already held on {day}",
                                           day=here.day.isoformat()))
    notes: list[str] = []
    if to is not None:
        notes += _move_to(mover, index, here, to, today, where)
    else:
        assert not_on is not None
        if here.day != not_on:
            raise InputError(None, "current date", said(
                "{session} is on {day}, not {other}", session=where, day=here.day.isoformat(),
                other=not_on.isoformat()))
        notes += mover.off_date(index, here, today, where)
    moved = mover.sessions[index]
    notes.insert(0, said("{session} moves: {old} → {new}", session=where,
                         old=moment(mover.local(before.start)),
                         new=moment(mover.local(moved.start))))
    if moved.venue != before.venue:
        notes.append(said("{session} changes venue: {old} → {new}", session=where,
                          old=before.venue, new=moved.venue))
    if index == 0:
        notes.append(said(
            "the kick-off moved; the cancellation deadline of {cohort} stays {day}",
            cohort=cohort, day=group.cancellation_deadline.isoformat(),
        ))
    new_cohort = replace(group, sessions=tuple(mover.sessions))
    return program, _with_cohort(plan, new_cohort), notes


def _move_to(
    mover: Mover, index: int, here: Slot, to: datetime, today: date, where: str
) -> list[str]:
    """Put session ``index`` (now at ``here``) at ``to``; notes on the later sessions that follow.

    ``to`` is program-local wall clock when naive. The later sessions move
    only where the gap rule forces them, with the least ripple (:meth:`Mover.chain`). Raises
    InputError naming the rule that fails, with a hint when ``to`` lies
    nearer another session of the cohort.
    """
    local = to.replace(tzinfo=mover.tz) if to.tzinfo is None else to.astimezone(mover.tz)
    if local.date() < today:
        raise InputError(None, "new start", said("{moment} is in the past (today is {today})",
                                                 moment=f"{local:%Y-%m-%d %H:%M}", today=today))
    if local.second or local.microsecond:
        raise InputError(None, "new start", said("time grid: give whole minutes"))
    slot = Slot(local.date(), local.hour * 60 + local.minute)
    if slot == here:
        raise InputError(None, "new start", said(
            "{session} is already at {moment}", session=where,
            moment=f"{local:%Y-%m-%d %H:%M}"))
    problem, venue = mover.feasible(index, slot)
    if problem:
        hint = mover.nearest_hint(index, local.date())
        raise InputError(None, "new start", said(
            "{session} cannot move to {moment}: {problem}{hint}", session=where,
            moment=f"{local:%Y-%m-%d %H:%M}", problem=problem, hint=hint))
    return mover.move_to(index, slot, venue)


# ---------------------------------------------------------------------------
# from edit to new plan folder contents


def _dated_before_history(
    program: Program, plan: Plan, today: date, violations: list[Violation]
) -> None:
    """Raise InputError when ``plan``'s history counts sessions before a day after
    ``today`` as held and only that keeps ``violations`` from being excused: the
    change is dated before the plan, not broken by the planner."""
    held = plan.history.held_before
    if held is None or today >= held or verify(program, plan):
        return
    raise InputError(None, None, said(
        "{today} is before {held}, when the plan was re-planned and the sessions before "
        "that day became history; as of {today} some of them are still to come and break "
        "a hard rule: {problems}", today=today.isoformat(), held=held.isoformat(),
        problems=joined(v.told() for v in violations),
    ))


def apply(
    program: Program,
    plan: Plan,
    new_program: Program,
    new_plan: Plan,
    today: date,
    stamp: datetime,
) -> tuple[Plan, Outbox, str]:
    """Continue UIDs/SEQUENCE, count again, verify, and list what to send:
    ``(plan, outbox, diff text)``.

    The objective is restated (:meth:`Plan.restated`): placed and registered
    counted from the new plan and program, the bound kept only while it is
    one, and nothing claimed proven (SPEC §8). Raises VerificationError when
    the edited plan breaks a hard rule (the verifier accepts what recorded
    withdrawals explain, and counts no session on or after ``today`` as held),
    InputError when only ``today`` before the plan's history makes it break one.
    """
    new_plan = new_plan.restated(len(new_program.participants))
    carried = carry_over(plan, new_plan, today)
    violations = verify(new_program, carried, today)
    if violations:
        _dated_before_history(new_program, carried, today, violations)
        raise VerificationError(violations)
    box = outbox(program, plan, new_program, carried, today, stamp)
    return carried, box, describe(program, plan, new_program, carried, today)
