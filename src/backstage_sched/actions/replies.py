"""Replies read back (SPEC §11): which calendar answers count, and what they change.

An answer counts only when its UID is a session of the plan, its ATTENDEE is
a member of that session's cohort, the e-mail's From is that attendee's
address (case-insensitive: a decline forged from another address changes
nothing) and its SEQUENCE is not older than the session's. Everything else is
counted by reason and left alone. Of the answers that count:

- ``DECLINED`` for a session still to come (on or after ``today``) is an
  absence, recorded as :func:`~backstage_sched.actions.absence.absent` records
  it (the case turn swaps when it is theirs). When no turn can move, the
  answer is listed for the coordinator with the reason, and nothing changes;
- ``ACCEPTED`` and ``TENTATIVE`` are kept on the session
  (:attr:`~backstage_sched.plan.Session.replies`);
- a ``COUNTER`` (another time proposed) is never applied: it is listed with
  the time proposed, for the coordinator to ``move`` the session or not.

E-mails whose key (Message-ID) was read before are passed over, so reading a
mailbox twice changes nothing. Answers are taken in the order they were made
(DTSTAMP, else the e-mail's Date): a later answer of the same person stands.
Nothing is read or written here; :mod:`.change` checks the result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from ..domain import Program
from ..errors import InfeasibleError
from ..inputs.mail import Mail, Reply
from ..plan import Plan
from ..publish.replies_log import RepliesLog
from ..said import said
from . import absence

Result = tuple[Program, Plan, list[str]]

RECORDED = ("accepted", "tentative", "declined", "unchanged")
"""Outcomes of answers that count: recorded, or already recorded (``unchanged``)."""
LISTED = ("counter", "not_applied")
"""Outcomes listed for the coordinator: a COUNTER, an answer that cannot be applied."""
IGNORED = ("unknown_uid", "not_member", "from_mismatch", "stale_sequence", "malformed", "held")
"""Reasons an answer is ignored: not a session of this plan, the attendee is not a
member of it, From is not the attendee, SEQUENCE older than the session's, not
readable, a decline of a session already held."""
MAILS = ("already_read", "not_a_reply")
"""E-mails passed over whole: read before, or without a REPLY or COUNTER."""
OUTCOMES = (*RECORDED, *LISTED, *IGNORED, *MAILS)
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Listed:
    """An answer for the coordinator: a COUNTER (``proposed_start``/``_end``) or a
    ``decline``/``accept`` that was not applied (``reason``)."""

    kind: str
    message: str
    participant: str
    cohort: str
    session: int  # the number people read (1 = kick-off)
    proposed_start: datetime | None = None
    proposed_end: datetime | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """As ``replies.json`` lists it under ``listed``."""
        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {"kind": self.kind, "message": self.message, "participant": self.participant,
                "cohort": self.cohort, "session": self.session,
                "proposed_start": iso(self.proposed_start),
                "proposed_end": iso(self.proposed_end), "reason": self.reason}


@dataclass(frozen=True)
class Report:
    """What reading a mailbox found: ``counts`` per outcome (:data:`OUTCOMES`), the
    absences recorded, the answers recorded (``(person, cohort, session, PARTSTAT)``),
    what is listed for the coordinator, and the log for the new folder."""

    counts: dict[str, int]
    absences: tuple[tuple[str, str, int], ...] = ()
    recorded: tuple[tuple[str, str, int, str], ...] = ()
    listed: tuple[Listed, ...] = ()
    log: RepliesLog = field(default_factory=RepliesLog)
    new_mails: int = 0


def match(
    program: Program, plan: Plan, mails: Iterable[Mail], today: date, log: RepliesLog
) -> tuple[Result, Report]:
    """Apply the answers of ``mails`` not read before (``log``) to ``plan``."""
    seen = set(log.read)
    fresh: list[str] = []
    counts: Counter[str] = Counter()
    answers: list[tuple[datetime, int, Mail, Reply]] = []
    for mail in mails:
        if mail.key in seen:
            counts["already_read"] += 1
            continue
        seen.add(mail.key)
        fresh.append(mail.key)
        if not mail.replies:
            counts["not_a_reply"] += 1
        for reply in mail.replies:
            when = reply.stamp or mail.sent or _EARLIEST
            answers.append((when, len(answers), mail, reply))
    answers.sort(key=lambda a: (a[0], a[1]))
    state = _State(program, plan, today)
    for _, _, mail, reply in answers:
        counts[state.take(mail, reply)] += 1
    listed = tuple(state.listed)
    report = Report(
        counts={k: counts[k] for k in OUTCOMES if counts[k]},
        absences=tuple(state.absences),
        recorded=tuple(state.recorded),
        listed=listed,
        log=RepliesLog(tuple(sorted(seen)), (*log.listed, *(x.to_dict() for x in listed))),
        new_mails=len(fresh),
    )
    return (state.program, state.plan, state.notes), report


class _State:
    """The plan as the answers change it, one answer at a time."""

    def __init__(self, program: Program, plan: Plan, today: date) -> None:
        self.program, self.plan, self.today = program, plan, today
        self.sessions = {s.uid: (c.id, s.index, s.sequence)
                         for c in plan.cohorts for s in c.sessions}
        self.people = {p.email.strip().lower(): p.id for p in program.participants}
        self.notes: list[str] = []
        self.absences: list[tuple[str, str, int]] = []
        self.recorded: list[tuple[str, str, int, str]] = []
        self.listed: list[Listed] = []

    def take(self, mail: Mail, reply: Reply) -> str:
        """Apply one answer; its outcome (one of :data:`OUTCOMES`)."""
        if reply.problem is not None:
            return "malformed"
        found = self.sessions.get(reply.uid)
        if found is None:
            return "unknown_uid"
        cid, index, sequence = found
        cohort = self.plan.cohort(cid)
        pid = self.people.get(reply.attendee)
        if pid is None or pid not in cohort.members:
            return "not_member"
        if mail.sender != reply.attendee:
            return "from_mismatch"
        if reply.sequence < sequence:
            return "stale_sequence"
        session = cohort.sessions[index]
        number = session.number
        if reply.method == "COUNTER":
            self.listed.append(Listed("counter", mail.key, pid, cid, number,
                                      reply.start, reply.end))
            return "counter"
        if reply.partstat == "DECLINED":
            return self._decline(mail, pid, cid, number)
        if pid in session.absent:
            self.listed.append(Listed(
                "accept", mail.key, pid, cid, number,
                reason=said("recorded absent from this session; an acceptance does not undo "
                            "an absence (re-plan, or ask them)")))
            return "not_applied"
        if dict(session.replies).get(pid) == reply.partstat:
            return "unchanged"
        answers = dict(session.replies)
        answers[pid] = reply.partstat
        self._session(cid, index, replies=tuple(sorted(answers.items())))
        self.recorded.append((pid, cid, number, reply.partstat))
        return reply.partstat.lower()

    def _decline(self, mail: Mail, pid: str, cid: str, number: int) -> str:
        session = self.plan.cohort(cid).sessions[number - 1]
        if self.plan.day_of(session) < self.today:
            return "held"
        if pid in session.absent:
            return "unchanged"
        try:
            self.program, self.plan, notes = absence.absent(
                self.program, self.plan, pid, number, self.today)
        except InfeasibleError as exc:
            why = exc.args[0] if exc.args else str(exc)  # a said sentence stays one
            self.listed.append(Listed("decline", mail.key, pid, cid, number, reason=why))
            return "not_applied"
        self.notes += notes
        self.absences.append((pid, cid, number))
        return "declined"

    def _session(self, cid: str, index: int, **changes: Any) -> None:
        cohort = self.plan.cohort(cid)
        sessions = list(cohort.sessions)
        sessions[index] = replace(sessions[index], **changes)
        new = replace(cohort, sessions=tuple(sessions))
        cohorts = tuple(new if c.id == cid else c for c in self.plan.cohorts)
        self.plan = replace(self.plan, cohorts=cohorts)
