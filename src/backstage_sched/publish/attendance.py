"""``attendance.csv`` (SPEC §7, §11): per placed person, their sessions, absences, case
turn and their answer to each session's invitation.

A machine file: English field names, ``,``-separated, UTF-8, one row per
member in cohort order. Session numbers are the ones people read (1 is the
kick-off). After :data:`HEADER` come ``rsvp_1`` … ``rsvp_N`` (N: the most
sessions of any cohort): ``ACCEPTED``, ``TENTATIVE`` or ``DECLINED`` (an
absence) as read back by ``replies`` or recorded by ``absent``, empty when the
person has not answered or their cohort has no such session.
"""

from __future__ import annotations

import csv
import io

from ..domain import Program
from ..plan import Plan
from .costs import csv_cell

HEADER = ("participant", "name", "organization", "cohort", "sessions", "absent_sessions",
          "case_session")


def attendance_csv(program: Program, plan: Plan) -> str:
    """One row per member: sessions planned, the ones they will miss, their case session."""
    people = {p.id: p for p in program.participants}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    most = max((len(c.sessions) for c in plan.cohorts), default=0)
    writer.writerow((*HEADER, *rsvp_columns(most)))
    for cohort in plan.cohorts:
        for pid in cohort.members:
            person = people.get(pid)
            missed = [s.number for s in cohort.sessions if pid in s.absent]
            owns = next((s.number for s in cohort.sessions if s.case_owner == pid), "")
            writer.writerow([
                csv_cell(pid),
                csv_cell(person.name if person else ""),
                csv_cell(person.organization if person else ""),
                cohort.id,
                len(cohort.sessions) - len(missed),
                ";".join(str(n) for n in missed),
                owns,
                *(s.answer(pid) or "" for s in cohort.sessions),
                *([""] * (most - len(cohort.sessions))),
            ])
    return buf.getvalue()


def rsvp_columns(sessions: int) -> tuple[str, ...]:
    """``rsvp_1`` … ``rsvp_<sessions>``: one answer column per session number."""
    return tuple(f"rsvp_{n}" for n in range(1, sessions + 1))
