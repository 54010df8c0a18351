"""What changed between two plans, and the calendar messages that must go out.

A session is identified by its cohort id and index. When a plan replaces an
earlier one, a surviving session keeps its UID; its SEQUENCE rises by one
when its time, venue, facilitator, members or case owner changed. The
*outbox* lists every message to send: a REQUEST (the full invitation) for
new and changed sessions, a CANCEL with STATUS:CANCELLED and every former
attendee for a session that disappears, and a CANCEL naming only the
leaving people for members who leave a session (RFC 5546 §3.2.5).
Sessions before ``today`` are history: never re-sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..domain import Program
from ..plan import Cohort, Plan, Session
from .ical import cancel

OUTBOX = "outbox.json"
CHANGES = "changes.txt"


@dataclass(frozen=True)
class Recipient:
    """Who gets one message."""

    id: str
    name: str
    email: str


@dataclass(frozen=True)
class Message:
    """One calendar message to send: a file of the plan folder and its recipients."""

    file: str
    method: str  # REQUEST or CANCEL
    uid: str
    sequence: int
    cohort: str
    session: int
    change: str  # new, changed, cancelled, removed
    detail: str
    recipients: tuple[Recipient, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``outbox.json``)."""
        return {
            "file": self.file,
            "method": self.method,
            "uid": self.uid,
            "sequence": self.sequence,
            "cohort": self.cohort,
            "session": self.session,
            "change": self.change,
            "detail": self.detail,
            "recipients": [
                {"id": r.id, "name": r.name, "email": r.email} for r in self.recipients
            ],
        }


@dataclass(frozen=True)
class Outbox:
    """Messages plus the cancellation files they refer to (path -> bytes)."""

    messages: tuple[Message, ...]
    files: dict[str, bytes]

    def to_json(self, program_id: str) -> str:
        """``outbox.json`` text."""
        data = {"program": program_id, "messages": [m.to_dict() for m in self.messages]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _key(cohort: Cohort, session: Session) -> tuple[str, int]:
    return cohort.id, session.index


def _sessions(plan: Plan) -> dict[tuple[str, int], tuple[Cohort, Session]]:
    return {_key(c, s): (c, s) for c in plan.cohorts for s in c.sessions}


def session_changes(old: tuple[Cohort, Session], new: tuple[Cohort, Session]) -> list[str]:
    """What differs between two versions of one session, in words ([] = same)."""
    (oc, os_), (nc, ns) = old, new
    what = []
    if os_.start != ns.start or os_.end != ns.end:
        what.append(f"time {os_.start:%Y-%m-%d %H:%M} → {ns.start:%Y-%m-%d %H:%M}")
    if os_.venue != ns.venue:
        what.append(f"venue {os_.venue or '-'} → {ns.venue or '-'}")
    if oc.facilitator != nc.facilitator:
        what.append(f"facilitator {oc.facilitator} → {nc.facilitator}")
    if set(oc.members) != set(nc.members):
        gone = sorted(set(oc.members) - set(nc.members))
        came = sorted(set(nc.members) - set(oc.members))
        parts = ([f"leaving {', '.join(gone)}"] if gone else []) + (
            [f"joining {', '.join(came)}"] if came else []
        )
        what.append("members: " + "; ".join(parts))
    if os_.case_owner != ns.case_owner:
        what.append(f"case owner {os_.case_owner or '-'} → {ns.case_owner or '-'}")
    if set(os_.absent) != set(ns.absent):
        what.append(f"absent {', '.join(ns.absent) or '-'}")
    return what


def _local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def carry_over(old: Plan, new: Plan, today: date) -> Plan:
    """``new`` with UIDs and SEQUENCE continued from ``old``.

    A session that existed keeps its UID; SEQUENCE rises by one when it
    changed, except for sessions before ``today``, which are history.
    """
    before = _sessions(old)
    cohorts = []
    for c in new.cohorts:
        sessions = []
        for s in c.sessions:
            prev = before.get(_key(c, s))
            if prev is None:
                sessions.append(s)
                continue
            # an absence stays recorded while the session and the member do
            absent = s.absent or tuple(a for a in prev[1].absent if a in c.members)
            s = replace(s, absent=absent)
            changed = bool(session_changes(prev, (c, s)))
            past = _local_date(s.start, new.timezone) < today
            seq = prev[1].sequence + (1 if changed and not past else 0)
            sessions.append(replace(s, uid=prev[1].uid, sequence=seq))
        cohorts.append(replace(c, sessions=tuple(sessions)))
    return replace(new, cohorts=tuple(cohorts))


def _recipients(program: Program, ids: list[str]) -> tuple[Recipient, ...]:
    people = {p.id: p for p in program.participants}
    return tuple(
        Recipient(pid, people[pid].name, people[pid].email)
        for pid in sorted(ids, key=lambda i: (people[i].name, i))
    )


def _invite_message(
    program: Program, cohort: Cohort, session: Session, change: str, detail: str
) -> Message:
    return Message(
        file=f"invites/{cohort.id}/{session.index}.ics",
        method="REQUEST",
        uid=session.uid,
        sequence=session.sequence,
        cohort=cohort.id,
        session=session.index,
        change=change,
        detail=detail,
        recipients=_recipients(program, list(cohort.members)),
    )


def first_outbox(program: Program, plan: Plan) -> Outbox:
    """Every invitation of a brand-new plan."""
    messages = tuple(
        _invite_message(program, c, s, "new", "new session")
        for c in plan.cohorts
        for s in c.sessions
    )
    return Outbox(messages, {})


def outbox(
    old_program: Program,
    old_plan: Plan,
    program: Program,
    plan: Plan,
    today: date,
    stamp: datetime,
) -> Outbox:
    """The messages that bring calendars from ``old_plan`` to ``plan`` (after carry_over).

    Only sessions on or after ``today`` are considered.
    """
    before = _sessions(old_plan)
    after = _sessions(plan)
    messages: list[Message] = []
    files: dict[str, bytes] = {}
    tz = plan.timezone
    for key in sorted(set(before) | set(after)):
        old = before.get(key)
        new = after.get(key)
        when = (new or old)[1].start  # type: ignore[index]
        if _local_date(when, tz) < today:
            continue
        if new is None:
            oc, os_ = old  # type: ignore[misc]
            gone = replace(os_, sequence=os_.sequence + 1)
            path = f"cancellations/{oc.id}/{os_.index}.ics"
            files[path] = cancel(old_program, old_plan, oc, gone, stamp)
            messages.append(
                Message(path, "CANCEL", gone.uid, gone.sequence, oc.id, os_.index, "cancelled",
                        "session cancelled", _recipients(old_program, list(oc.members)))
            )
            continue
        nc, ns = new
        if old is None:
            messages.append(_invite_message(program, nc, ns, "new", "new session"))
            continue
        what = session_changes(old, new)
        if not what:
            continue
        oc = old[0]
        leaving = sorted(set(oc.members) - set(nc.members))
        if leaving:
            path = f"cancellations/{nc.id}/{ns.index}-removed.ics"
            # the old version of the session (its owner and members may be gone now)
            was = replace(old[1], sequence=ns.sequence)
            files[path] = cancel(old_program, old_plan, oc, was, stamp, attendees=leaving)
            messages.append(
                Message(path, "CANCEL", ns.uid, ns.sequence, nc.id, ns.index, "removed",
                        "no longer attending", _recipients(old_program, leaving))
            )
        messages.append(_invite_message(program, nc, ns, "changed", "; ".join(what)))
    return Outbox(tuple(messages), files)


def describe(old_plan: Plan, plan: Plan, today: date) -> str:
    """A readable diff from ``today`` on: moved, new and cancelled sessions (numbered
    as people read them, 1 = kick-off), cohort changes, newly unplaced people.
    Sessions held before ``today`` are history and are not listed."""
    lines: list[str] = []
    before = _sessions(old_plan)
    after = _sessions(plan)
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        held = [pair[1] for pair in (old, new) if pair is not None]
        if all(_local_date(s.start, plan.timezone) < today for s in held):
            continue  # history, unchanged for everyone who was there
        label = f"{key[0]} session {key[1] + 1}"
        if old is None:
            lines.append(f"+ {label}: new, {new[1].start:%a %Y-%m-%d %H:%M}")  # type: ignore[index]
        elif new is None:
            lines.append(f"- {label}: cancelled (was {old[1].start:%a %Y-%m-%d %H:%M})")
        else:
            what = session_changes(old, new)
            if what:
                lines.append(f"~ {label}: " + "; ".join(what))
    old_home = {m: c.id for c in old_plan.cohorts for m in c.members}
    new_home = {m: c.id for c in plan.cohorts for m in c.members}
    for pid in sorted(set(old_home) | set(new_home)):
        a, b = old_home.get(pid), new_home.get(pid)
        if a != b:
            lines.append(f"  {pid}: {a or 'unplaced'} → {b or 'unplaced'}")
    reasons = {u.participant: u.reason for u in plan.unplaced}
    was_unplaced = {u.participant for u in old_plan.unplaced}
    for pid, reason in sorted(reasons.items()):
        if pid not in was_unplaced:
            lines.append(f"! {pid} newly unplaced: {reason}")
    header = f"Changes from the previous plan (sessions before {today.isoformat()} kept):"
    return "\n".join([header, *(lines or ["  none"])]) + "\n"
