"""Moving one session of a cohort: where it may go, and which later sessions must follow.

:class:`Mover` holds the cohort's sessions while they move and checks a
time against every hard rule a move can break (time grid, day window,
program window, closed days, availability, the gap rule, the facilitator's
other cohorts, venues), naming the rule that fails. Other cohorts never move.
Used by :func:`backstage_sched.actions.edits.move`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain import Program
from ..errors import InputError
from ..inputs.workdays import Slot, WorkCalendar
from ..plan import Cohort, Plan, Session


class Mover:
    """Feasibility of one session's time, given every other session of the plan.

    ``sessions`` is the cohort's sessions as they move (by index);
    :meth:`place` changes one, :meth:`follow` the later ones the gap rule forces.
    """

    def __init__(self, program: Program, plan: Plan, cohort: Cohort) -> None:
        self.program = program
        self.cal = WorkCalendar(program)
        self.tz = ZoneInfo(program.timezone)
        self.cohort = cohort
        self.sessions = list(cohort.sessions)
        self.others = [(c, s) for c in plan.cohorts if c.id != cohort.id for s in c.sessions]
        self.members = [program.participant(m) for m in cohort.members]
        self.facilitator = program.facilitator(cohort.facilitator)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def slot_of(self, s: Session) -> Slot:
        start = self.local(s.start)
        return Slot(start.date(), start.hour * 60 + start.minute)

    def gap_problem(self, before: date, after: date) -> str | None:
        rules = self.program.sessions
        gap = (after - before).days
        extra = self.cal.blackout_between(before, after)
        if rules.min_gap_days <= gap <= rules.max_gap_days + extra:
            return None
        return (
            f"gap rule: {gap} days after the previous session on {before.isoformat()} "
            f"(allowed {rules.min_gap_days}–{rules.max_gap_days}, +{extra} blackout days)"
        )

    def feasible(self, j: int, slot: Slot) -> tuple[str | None, str | None]:
        """:meth:`problem`, after the gap rule with the session before ``j`` (as planned)."""
        if j:
            prev = self.local(self.cohort.sessions[j - 1].start).date()
            gap = self.gap_problem(prev, slot.day)
            if gap:
                return gap, None
        return self.problem(j, slot)

    def problem(self, j: int, slot: Slot) -> tuple[str | None, str | None]:
        """``(problem, venue)`` for session ``j`` at ``slot``: which rule fails, else the venue."""
        p = self.program
        if slot.minute not in self.cal.slot_minutes:
            first, last = self.cal.slot_minutes[0], self.cal.slot_minutes[-1]
            if first <= slot.minute <= last:
                return f"time grid: not on the {p.sessions.grid_minutes}-minute grid", None
            return (
                f"day window: a session must lie within {p.sessions.day_start:%H:%M}–"
                f"{p.sessions.day_end:%H:%M}",
                None,
            )
        if not p.start <= slot.day <= p.end:
            return f"program window: outside {p.start.isoformat()}..{p.end.isoformat()}", None
        closed = self.cal.closed_reason(slot.day)
        if closed:
            return f"allowed day: {slot.day.isoformat()} is closed ({closed})", None
        if self.cal.blocked(self.facilitator.unavailable, (), slot):
            return f"facilitator availability: {self.facilitator.id} is unavailable", None
        busy = [m.id for m in self.members if self.cal.blocked(m.unavailable, m.busy, slot)]
        if busy:
            return f"participant availability: {', '.join(busy)} unavailable", None
        start, end = self.cal.start_datetime(slot), self.cal.end_datetime(slot)
        clash = self._facilitator_clash(j, slot.day, start, end)
        if clash:
            return clash, None
        return self._venue(j, start, end)

    def _facilitator_clash(self, j: int, day: date, start: datetime, end: datetime) -> str | None:
        # The cohort's own sessions are weeks apart (gap rule), and later ones may
        # still be about to move: only other cohorts can clash.
        f = self.facilitator
        mine = [(c.id, s) for c, s in self.others if c.facilitator == f.id]
        same_day = [(cid, s) for cid, s in mine if self.local(s.start).date() == day]
        limit = self.program.sessions_per_day(f)
        if len(same_day) >= limit:
            return f"facilitator sessions per day: {f.id} already leads {limit} on {day}"
        buffer = timedelta(minutes=self.program.buffer(f))
        for cid, s in same_day:
            if s.start < end + buffer and start < s.end + buffer:
                return (
                    f"facilitator no-overlap/buffer: {f.id} leads {cid} session {s.number} "
                    f"{self.local(s.start):%H:%M}–{self.local(s.end):%H:%M} "
                    f"(needs {self.program.buffer(f)} min between)"
                )
        return None

    def _venue(self, j: int, start: datetime, end: datetime) -> tuple[str | None, str | None]:
        current = self.sessions[j].venue
        if current is None:
            return None, None

        def taken(vid: str) -> str | None:
            for c, s in self.others:
                if s.venue == vid and s.start < end and start < s.end:
                    return f"{c.id} session {s.number}"
            return None

        who = taken(current)
        if who is None:
            return None, current
        need = len(self.cohort.members) + 1
        for v in sorted(self.program.venues, key=lambda v: (v.capacity, v.id)):
            if v.id != current and v.capacity >= need and taken(v.id) is None:
                return None, v.id
        return f"venue: {current} is booked by {who} and no other venue is free", None

    def place(self, j: int, slot: Slot, venue: str | None) -> None:
        self.sessions[j] = replace(
            self.sessions[j],
            start=self.cal.start_datetime(slot),
            end=self.cal.end_datetime(slot),
            venue=venue,
        )

    def follow(self, j: int) -> list[str]:
        """Move sessions after ``j`` only where the gap rule forces them; notes.

        Each forced session goes to the same weekday and time nearest its
        date inside the allowed gap (another day or time only when none is
        free). Raises InputError when one cannot be placed.
        """
        notes = []
        for k in range(j + 1, len(self.sessions)):
            prev = self.local(self.sessions[k - 1].start).date()
            here = self.slot_of(self.sessions[k])
            if self.gap_problem(prev, here.day) is None:
                break
            found = self._nearest(k, here, self._gap_days(prev))
            if found is None:
                raise InputError(
                    None,
                    f"{self.cohort.id} session {k + 1}",
                    f"must move to keep the gap rule after {prev.isoformat()}, but no day "
                    "in the allowed gap is free for the facilitator, the members and a venue",
                )
            slot, venue = found
            old = self.sessions[k]
            self.place(k, slot, venue)
            notes.append(
                f"{self.cohort.id} session {k + 1} moves with it (gap rule): "
                f"{self.local(old.start):%a %Y-%m-%d %H:%M} → "
                f"{self.local(self.sessions[k].start):%a %Y-%m-%d %H:%M}"
            )
        return notes

    def _gap_days(self, prev: date) -> list[date]:
        rules = self.program.sessions
        top = rules.max_gap_days + len(self.cal.blackout_days)
        days = (prev + timedelta(days=n) for n in range(rules.min_gap_days, top + 1))
        return [d for d in days if self.gap_problem(prev, d) is None]

    def _nearest(self, k: int, here: Slot, days: list[date]) -> tuple[Slot, str | None] | None:
        def key(slot: Slot) -> tuple[int, int, int, int, int]:
            return (
                slot.day.weekday() != here.day.weekday(),
                slot.minute != here.minute,
                abs((slot.day - here.day).days),
                abs(slot.minute - here.minute),
                -slot.day.toordinal(),
            )

        slots = sorted((Slot(d, m) for d in days for m in self.cal.slot_minutes), key=key)
        for slot in slots:
            problem, venue = self.problem(k, slot)
            if problem is None:
                return slot, venue
        return None

    def nearest_hint(self, index: int, day: date) -> str:
        """``(session 4 is on …: did you mean session 4?)`` when another session of the
        cohort lies nearer to ``day`` than session ``index``: a number typed one off."""
        dates = [self.local(s.start).date() for s in self.cohort.sessions]
        nearest = min(range(len(dates)), key=lambda i: (abs((dates[i] - day).days), i))
        if nearest == index or abs((dates[nearest] - day).days) >= abs((dates[index] - day).days):
            return ""
        return (
            f" (session {nearest + 1} is on {dates[nearest].isoformat()}, session "
            f"{index + 1} on {dates[index].isoformat()}: did you mean session {nearest + 1}?)"
        )

    def off_date(self, index: int, here: Slot, today: date, where: str) -> list[str]:
        """Move session ``index`` off its day ``here`` to the nearest feasible day; notes.

        Days from ``max(today, program start)`` to the program end, nearest
        first (the later day on a tie), the same start time preferred; a day
        counts only when the sessions the gap rule forces can follow
        (:meth:`follow`). Raises InputError when no day will do.
        """
        program = self.program
        first = max(today, program.start)
        days = [
            first + timedelta(days=n)
            for n in range((program.end - first).days + 1)
            if first + timedelta(days=n) != here.day
        ]
        days.sort(key=lambda d: (abs((d - here.day).days), d < here.day))
        minutes = sorted(
            self.cal.slot_minutes, key=lambda m: (m != here.minute, abs(m - here.minute))
        )
        original = list(self.sessions)
        for d in days:
            if not self.cal.is_open(d):
                continue
            for m in minutes:
                slot = Slot(d, m)
                problem, venue = self.feasible(index, slot)
                if problem:
                    continue
                self.place(index, slot, venue)
                try:
                    return self.follow(index)
                except InputError:
                    self.sessions = list(original)
        raise InputError(
            None,
            "--not-on",
            f"no other feasible day found for {where} (gap rule, availability, "
            "facilitator and venue checked)",
        )
