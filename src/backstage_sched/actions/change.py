"""Every change to a published plan as one library call returning a :class:`Change`.

Each function applies one edit (:mod:`.edits`), continues the UIDs and
SEQUENCE numbers of the old plan, has the independent checker pass the result
and lists the calendar messages that must go out (SPEC §5). Nothing is read
or written; hand the result to
:func:`~backstage_sched.publish.folder.write_plan_dir` to publish it::

    change = withdraw(program, plan, "p007", on=date(2027, 2, 1))
    write_plan_dir(change.program, change.plan, "ht2027/plan-2",
                   change.stamp, sending=change.outbox, changes=change.diff)

A change that would break a hard rule raises
:class:`~backstage_sched.errors.VerificationError`; one that does not fit the
plan (an unknown person, a session that cannot move there) raises
:class:`~backstage_sched.errors.InputError` with the reason. A move whose
ripple is large (SPEC §8) raises :class:`NeedsConfirmation`, carrying the
checked change, unless ``confirm=True``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..domain import Program
from ..errors import BackstageError
from ..inputs.mail import Mail
from ..plan import Plan
from ..publish.changes import Outbox
from ..publish.folder import update_stamp
from ..publish.replies_log import RepliesLog
from . import absence, edits, moving
from . import fill as filling
from . import replies as answers
from . import substitute as substitution


@dataclass(frozen=True)
class Change:
    """A checked change: the new program and plan, what to send, and what changed."""

    program: Program
    plan: Plan
    outbox: Outbox
    diff: str  # the text of changes.txt
    notes: tuple[str, ...]  # what the coordinator should know (e.g. the fee is due)
    stamp: datetime  # DTSTAMP of the calendar files


class NeedsConfirmation(BackstageError):
    """A move that pushes a session across a blackout, or the cohort's end by more
    than 14 days: it is not made until the coordinator says yes (``confirm=True``,
    ``--yes``). ``change`` is the checked change it would be; ``ripple`` what moves."""

    def __init__(self, change: Change, ripple: moving.Ripple) -> None:
        self.change = change
        self.ripple = ripple
        lines = "\n".join(f"  - {line}" for line in ripple.reasons())
        super().__init__(f"the move needs confirmation (confirm=True):\n{lines}")


def _finish(
    old_program: Program, old_plan: Plan, result: edits.Result, today: date,
    stamp: datetime | None,
) -> Change:
    new_program, new_plan, notes = result
    if stamp is None:
        stamp = update_stamp(new_program, today)
    elif stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    final, box, diff = edits.apply(old_program, old_plan, new_program, new_plan, today, stamp)
    return Change(new_program, final, box, diff, tuple(notes), stamp)


def transfer(
    program: Program, plan: Plan, leaving: str, new_id: str, name: str, email: str,
    today: date, *, organization: str | None = None, stamp: datetime | None = None,
) -> Change:
    """Hand ``leaving``'s place to a new colleague of the same organisation from ``today``."""
    result = edits.transfer(
        program, plan, leaving, new_id, name, email, today, organization=organization
    )
    return _finish(program, plan, result, today, stamp)


def withdraw(
    program: Program, plan: Plan, person: str, on: date, *, stamp: datetime | None = None
) -> Change:
    """Withdraw ``person`` on ``on``; the notes say whether the fee is still due."""
    return _finish(program, plan, edits.withdraw(program, plan, person, on), on, stamp)


def move(
    program: Program, plan: Plan, cohort: str, session: int, today: date, *,
    to: datetime | None = None, not_on: date | None = None, stamp: datetime | None = None,
    confirm: bool = False,
) -> Change:
    """Move session ``session`` (the number people read: 1 is the kick-off) of ``cohort``.

    Give ``to`` (a new local start) or ``not_on`` (its current date, no longer
    possible: any other day may do, and the one that moves the fewest other
    sessions is taken); later sessions follow where the gap rule says, as few
    as can. A move that pushes a session across a blackout, or the cohort's
    end by more than 14 days, raises :class:`NeedsConfirmation` (with the
    change it would be) unless ``confirm``.
    """
    result = edits.move(program, plan, cohort, session, to, not_on, today)
    change = _finish(program, plan, result, today, stamp)
    ripple = moving.ripple(program, plan.cohort(cohort), change.plan.cohort(cohort))
    if ripple.needs_yes and not confirm:
        raise NeedsConfirmation(change, ripple)
    return change


def absent(
    program: Program, plan: Plan, person: str, session: int, today: date, *,
    stamp: datetime | None = None,
) -> Change:
    """Record that ``person`` will miss ``session`` (1 = kick-off); their case turn moves
    when it is theirs (SPEC §7). Raises InfeasibleError when it cannot."""
    result = absence.absent(program, plan, person, session, today)
    return _finish(program, plan, result, today, stamp)


def fill(
    program: Program, plan: Plan, today: date, *, stamp: datetime | None = None
) -> Change:
    """Give free seats to the waiting list in rank order (SPEC §7); the notes say who
    joins where, and who fits no seat now. Nobody seated: a change with no messages."""
    return _finish(program, plan, filling.fill(program, plan, today), today, stamp)


def cancel_cohort(
    program: Program, plan: Plan, cohort: str, today: date, *,
    reason: str | None = None, stamp: datetime | None = None,
) -> Change:
    """Cancel ``cohort`` from ``today``; its members become unplaced with ``reason``."""
    result = edits.cancel_cohort(program, plan, cohort, today, reason)
    return _finish(program, plan, result, today, stamp)


def substitute(
    program: Program, plan: Plan, cohort: str, facilitator: str, today: date, *,
    from_session: int | None = None, stamp: datetime | None = None,
) -> Change:
    """Hand ``cohort``'s sessions from ``from_session`` on (the number people read, 1 =
    kick-off; default: the first not held before ``today``) to ``facilitator``, on the
    same dates (SPEC §8). Raises InfeasibleError, naming the session and the rule, when
    the new facilitator cannot take them."""
    result = substitution.substitute(program, plan, cohort, facilitator, from_session, today)
    return _finish(program, plan, result, today, stamp)


@dataclass(frozen=True)
class RepliesRead:
    """What :func:`replies` did: the checked change (absences recorded, answers kept; the
    same plan when nothing counted) and the report (counts per outcome and reason, the
    absences, what is listed for the coordinator, the log for ``replies.json``)."""

    change: Change
    report: answers.Report


def replies(
    program: Program, plan: Plan, mails: Iterable[Mail], today: date, *,
    log: RepliesLog | None = None, stamp: datetime | None = None,
) -> RepliesRead:
    """Read calendar answers back (SPEC §11): ``mails`` from
    :func:`~backstage_sched.inputs.mail.read_mailbox`, ``log`` the source folder's
    ``replies.json`` (e-mails read before change nothing). A decline of a session to
    come is an absence, as :func:`absent` records it; an acceptance is kept; a COUNTER
    is listed, never applied. Hand ``change`` and ``report.log`` to
    :func:`~backstage_sched.publish.folder.write_plan_dir` (``replies=``)."""
    result, report = answers.match(program, plan, mails, today, log or RepliesLog())
    return RepliesRead(_finish(program, plan, result, today, stamp), report)
