"""``attendance.csv`` (SPEC §7): per placed person, their sessions, absences and case turn.

A machine file: English field names, ``,``-separated, UTF-8, one row per
member in cohort order. Session numbers are the ones people read (1 is the
kick-off).
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
    writer.writerow(HEADER)
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
            ])
    return buf.getvalue()
