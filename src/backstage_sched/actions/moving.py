"""Moving one session of a cohort: where it may go, and which later sessions must follow.

:class:`Mover` holds the cohort's sessions while they move and checks a
time against every hard rule a move can break (time grid, day window,
program window, closed days, availability, the gap rule, the facilitator's
other cohorts, venues), naming the rule that fails. Other cohorts never move.
Used by :func:`backstage_sched.actions.edits.move`.

A move takes the least ripple (SPEC §8): among the allowed dates, the one
that moves the fewest other sessions of the cohort, then shifts the cohort's
end least, then lies nearest the session's date, then keeps its weekday and
start time. The sessions that must follow are placed together
(:meth:`Mover.chain`): a forced session goes where the fewest later ones
must move too, not merely to the nearest day. :func:`ripple` says what a
move did, and whether the coordinator must confirm it (a session across a
blackout, or the end moved by more than :data:`LARGE_END_SHIFT` days).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain import Facilitator, Program
from ..errors import InputError
from ..inputs.workdays import Slot, WorkCalendar
from ..plan import Cohort, Plan, Session
from ..said import moment, said

LARGE_END_SHIFT = 14  # days the cohort's end may move without the coordinator's yes

# how good a placement of the sessions that follow is: fewer moved, fewer off their
# weekday or start time, fewer days shifted in all
_Cost = tuple[int, int, int]
_Steps = tuple[tuple[int, Slot, str | None], ...]


@dataclass(frozen=True)
class Chain:
    """Where the sessions after a moved one go: ``steps`` (index, slot, venue) for each
    that must move, the cohort's last day after it, and how good it is."""

    steps: _Steps
    end: date
    cost: _Cost


class Mover:
    """Feasibility of one session's time, given every other session of the plan.

    ``sessions`` is the cohort's sessions as they move (by index);
    :meth:`place` changes one, :meth:`move_to` and :meth:`off_date` move one
    and the later ones the gap rule forces.
    """

    def __init__(self, program: Program, plan: Plan, cohort: Cohort) -> None:
        self.program = program
        self.cal = WorkCalendar(program)
        self.tz = ZoneInfo(program.timezone)
        self.cohort = cohort
        self.sessions = list(cohort.sessions)
        self.others = [(c, s) for c in plan.cohorts if c.id != cohort.id for s in c.sessions]
        self.by_day: dict[date, list[tuple[Cohort, Session]]] = {}
        for c, s in self.others:
            self.by_day.setdefault(self.local(s.start).date(), []).append((c, s))
        self.members = [program.participant(m) for m in cohort.members]
        self.facilitators = {f: program.facilitator(f) for f in cohort.leaders()}
        self._blackout = sorted(d.toordinal() for d in self.cal.blackout_days)
        self._best: dict[tuple[int, date], tuple[Slot, str | None] | None] = {}

    def leader(self, j: int) -> Facilitator:
        """The facilitator who leads session ``j`` (after a substitution, not always the
        cohort's)."""
        return self.facilitators[self.cohort.leader(self.sessions[j])]

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def slot_of(self, s: Session) -> Slot:
        start = self.local(s.start)
        return Slot(start.date(), start.hour * 60 + start.minute)

    def _blackout_between(self, a: date, b: date) -> int:
        lo, hi = sorted((a.toordinal(), b.toordinal()))
        return max(0, bisect_left(self._blackout, hi) - bisect_left(self._blackout, lo + 1))

    def gap_problem(self, before: date, after: date) -> str | None:
        rules = self.program.sessions
        gap = (after - before).days
        extra = self._blackout_between(before, after)
        if rules.min_gap_days <= gap <= rules.max_gap_days + extra:
            return None
        return said(
            "gap rule: {gap} days after the previous session on {day} (allowed "
            "{least}–{most}, +{extra} blackout days)", gap=gap, day=before.isoformat(),
            least=rules.min_gap_days, most=rules.max_gap_days, extra=extra,
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
                return said("time grid: not on the {minutes}-minute grid",
                            minutes=p.sessions.grid_minutes), None
            return (
                said("day window: a session must lie within {start}–{end}",
                     start=f"{p.sessions.day_start:%H:%M}", end=f"{p.sessions.day_end:%H:%M}"),
                None,
            )
        if not p.start <= slot.day <= p.end:
            return said("program window: outside {start}..{end}", start=p.start.isoformat(),
                        end=p.end.isoformat()), None
        closed = self.cal.closed_reason(slot.day)
        if closed:
            return said("allowed day: {day} is closed ({why})", day=slot.day.isoformat(),
                        why=closed), None
        leader = self.leader(j)
        if self.cal.blocked(leader.unavailable, (), slot):
            return said("facilitator availability: {id} is unavailable", id=leader.id), None
        busy = [m.id for m in self.members if self.cal.blocked(m.unavailable, m.busy, slot)]
        if busy:
            return said("participant availability: {ids} unavailable",
                        ids=", ".join(busy)), None
        start, end = self.cal.start_datetime(slot), self.cal.end_datetime(slot)
        clash = self._facilitator_clash(j, slot.day, start, end)
        if clash:
            return clash, None
        return self._venue(j, slot.day, start, end)

    def _facilitator_clash(self, j: int, day: date, start: datetime, end: datetime) -> str | None:
        # The cohort's own sessions are weeks apart (gap rule), and later ones may
        # still be about to move: only other cohorts can clash.
        f = self.leader(j)
        same_day = [(c.id, s) for c, s in self.by_day.get(day, ()) if c.leader(s) == f.id]
        limit = self.program.sessions_per_day(f)
        if len(same_day) >= limit:
            return said("facilitator sessions per day: {id} already leads {limit} on {day}",
                        id=f.id, limit=limit, day=day)
        buffer = timedelta(minutes=self.program.buffer(f))
        for cid, s in same_day:
            if s.start < end + buffer and start < s.end + buffer:
                return said(
                    "facilitator no-overlap/buffer: {id} leads {cohort} session {number} "
                    "{start}–{end} (needs {minutes} min between)", id=f.id, cohort=cid,
                    number=s.number, start=f"{self.local(s.start):%H:%M}",
                    end=f"{self.local(s.end):%H:%M}", minutes=self.program.buffer(f),
                )
        return None

    def _venue(
        self, j: int, day: date, start: datetime, end: datetime
    ) -> tuple[str | None, str | None]:
        current = self.sessions[j].venue
        if current is None:
            return None, None
        same_day = self.by_day.get(day, ())

        def taken(vid: str) -> str | None:
            for c, s in same_day:
                if s.venue == vid and s.start < end and start < s.end:
                    return said("{cohort} session {number}", cohort=c.id, number=s.number)
            return None

        who = taken(current)
        if who is None:
            return None, current
        need = len(self.cohort.members) + 1
        for v in sorted(self.program.venues, key=lambda v: (v.capacity, v.id)):
            if v.id != current and v.capacity >= need and taken(v.id) is None:
                return None, v.id
        return said("venue: {venue} is booked by {who} and no other venue is free",
                    venue=current, who=who), None

    def place(self, j: int, slot: Slot, venue: str | None) -> None:
        self.sessions[j] = replace(
            self.sessions[j],
            start=self.cal.start_datetime(slot),
            end=self.cal.end_datetime(slot),
            venue=venue,
        )

    # ---- the sessions that follow -----------------------------------------

    def _gap_days(self, prev: date) -> Iterator[date]:
        """Open days inside the program window that keep the gap rule after ``prev``."""
        rules, program = self.program.sessions, self.program
        top = rules.max_gap_days + len(self._blackout)
        for n in range(rules.min_gap_days, top + 1):
            d = prev + timedelta(days=n)
            if d > program.end:
                return
            if self.cal.is_open(d) and self.gap_problem(prev, d) is None:
                yield d

    def best_on(self, k: int, day: date) -> tuple[Slot, str | None] | None:
        """Session ``k``'s best time on ``day`` (its own start time, else the nearest),
        with its venue; None when no time that day keeps every rule but the gap."""
        key = (k, day)
        if key not in self._best:
            self._best[key] = None
            own = self.slot_of(self.cohort.sessions[k]).minute
            if self.cal.is_open(day) and self.program.start <= day <= self.program.end:
                for m in sorted(self.cal.slot_minutes, key=lambda m: (abs(m - own), m)):
                    problem, venue = self.problem(k, Slot(day, m))
                    if problem is None:
                        self._best[key] = (Slot(day, m), venue)
                        break
        return self._best[key]

    def chain(self, index: int, day: date) -> Chain:
        """The least-ripple places of the sessions after ``index`` when it falls on ``day``.

        A later session stays where the gap rule lets it; one that must move
        may go to any day of the gap the rules allow. Among all ways, the one
        that moves the fewest sessions, then ends nearest the cohort's current
        end, then keeps weekdays and start times, then shifts fewest days (a
        search over days, session by session). Raises InputError naming the
        first session that finds no day.
        """
        old = [self.slot_of(s) for s in self.cohort.sessions]
        states: dict[date, tuple[_Cost, _Steps]] = {day: ((0, 0, 0), ())}
        for k in range(index + 1, len(old)):
            here = old[k]
            found: dict[date, tuple[_Cost, _Steps]] = {}
            for prev, (cost, steps) in states.items():
                if self.gap_problem(prev, here.day) is None:
                    options = [(here.day, cost, steps)]  # it stays: nothing later must move
                else:
                    options = []
                    for d in self._gap_days(prev):
                        best = self.best_on(k, d)
                        if best is None:
                            continue
                        slot, venue = best
                        off = (d.weekday() != here.day.weekday()) + (slot.minute != here.minute)
                        shift = abs((d - here.day).days)
                        more = (cost[0] + 1, cost[1] + off, cost[2] + shift)
                        options.append((d, more, (*steps, (k, slot, venue))))
                for d, c, s in options:
                    if d not in found or c < found[d][0]:
                        found[d] = (c, s)
            if not found:
                after = sorted(states)[0]
                raise InputError(
                    None,
                    said("{cohort} session {number}", cohort=self.cohort.id, number=k + 1),
                    said("must move to keep the gap rule after {day}, but no day in the "
                         "allowed gap is free for the facilitator, the members and a venue",
                         day=after.isoformat()),
                )
            states = found
        end = old[-1].day

        def key(d: date) -> tuple[int, int, int, int]:
            cost = states[d][0]
            return cost[0], abs((d - end).days), cost[1], cost[2]

        last = min(states, key=key)
        return Chain(states[last][1], last, states[last][0])

    def _follow(self, index: int, chain: Chain) -> list[str]:
        """Place ``chain``'s sessions; a note for each."""
        notes: list[str] = []
        for k, slot, venue in chain.steps:
            old = self.sessions[k]
            self.place(k, slot, venue)
            notes.append(said(
                "{cohort} session {number} moves with it (gap rule): {old} → {new}",
                cohort=self.cohort.id, number=k + 1, old=moment(self.local(old.start)),
                new=moment(self.local(self.sessions[k].start)),
            ))
        return notes

    def move_to(self, index: int, slot: Slot, venue: str | None) -> list[str]:
        """Put session ``index`` at ``slot`` (checked by :meth:`feasible`) and the later
        ones where :meth:`chain` says; notes on those that follow."""
        chain = self.chain(index, slot.day)
        self.place(index, slot, venue)
        return self._follow(index, chain)

    def nearest_hint(self, index: int, day: date) -> str:
        """``(session 4 is on …: did you mean session 4?)`` when another session of the
        cohort lies nearer to ``day`` than session ``index``: a number typed one off."""
        dates = [self.local(s.start).date() for s in self.cohort.sessions]
        nearest = min(range(len(dates)), key=lambda i: (abs((dates[i] - day).days), i))
        if nearest == index or abs((dates[nearest] - day).days) >= abs((dates[index] - day).days):
            return ""
        return said(
            " (session {nearest} is on {day}, session {number} on {other}: did you mean "
            "session {nearest}?)", nearest=nearest + 1, day=dates[nearest].isoformat(),
            number=index + 1, other=dates[index].isoformat(),
        )

    def off_date(self, index: int, here: Slot, today: date, where: str) -> list[str]:
        """Move session ``index`` off its day ``here`` to the allowed day of least ripple.

        Days from ``max(today, program start)`` to the program end count when
        the session keeps every rule there and the sessions the gap rule forces
        can follow (:meth:`chain`). The best moves the fewest other sessions,
        then shifts the cohort's end least, then lies nearest ``here``, then
        keeps the weekday and the start time (the later day on a tie). Notes on
        the sessions that follow; InputError when no day will do.
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
        last = index == len(self.sessions) - 1
        end = self.slot_of(self.cohort.sessions[-1]).day
        best: tuple[tuple[int, ...], Slot, str | None, Chain] | None = None
        for d in days:
            distance = abs((d - here.day).days)
            if best is not None and best[0][:3] < (0, distance if last else 0, distance):
                break  # no day further off can beat it
            if not self.cal.is_open(d):
                continue
            for m in minutes:
                slot = Slot(d, m)
                problem, venue = self.feasible(index, slot)
                if problem is None:
                    break
            else:
                continue
            try:
                chain = self.chain(index, d)
            except InputError:
                continue
            key = (
                chain.cost[0], abs((chain.end - end).days), distance,
                d.weekday() != here.day.weekday(), slot.minute != here.minute,
                abs(slot.minute - here.minute), chain.cost[1], chain.cost[2], d < here.day,
            )
            if best is None or key < best[0]:
                best = (key, slot, venue, chain)
        if best is None:
            raise InputError(
                None,
                "current date",
                said("no other feasible day found for {session} (gap rule, availability, "
                     "facilitator and venue checked)", session=where),
            )
        _, slot, venue, chain = best
        self.place(index, slot, venue)
        return self._follow(index, chain)


# ---------------------------------------------------------------------------
# what a move did


@dataclass(frozen=True)
class Shift:
    """One session that moved: its number as people read it, old and new local start."""

    number: int
    before: datetime
    after: datetime


@dataclass(frozen=True)
class Ripple:
    """What a move did to a cohort: every session that moved, those that changed
    sides of a blackout (with its name), and how many days the cohort's end moved."""

    cohort: str
    moved: tuple[Shift, ...]
    crossed: tuple[tuple[Shift, str], ...]
    end_shift: int

    @property
    def needs_yes(self) -> bool:
        """A session across a blackout, or the end moved by more than two weeks."""
        return bool(self.crossed) or abs(self.end_shift) > LARGE_END_SHIFT

    def reasons(self) -> list[str]:
        """Why the coordinator must confirm it, one line each ([] when not)."""
        lines: list[str] = [
            said("{cohort} session {number} moves across the {name} blackout: {old} → {new}",
                 cohort=self.cohort, number=s.number, name=name,
                 old=moment(s.before, "%Y-%m-%d"), new=moment(s.after, "%Y-%m-%d"))
            for s, name in self.crossed
        ]
        if abs(self.end_shift) > LARGE_END_SHIFT:
            lines.append(said(
                "the end of {cohort} moves by {days} days (later; more than {limit} needs "
                "confirming)" if self.end_shift > 0 else
                "the end of {cohort} moves by {days} days (earlier; more than {limit} needs "
                "confirming)", cohort=self.cohort, days=abs(self.end_shift), limit=LARGE_END_SHIFT,
            ))
        return lines


def ripple(program: Program, before: Cohort, after: Cohort) -> Ripple:
    """Compare two versions of one cohort whose sessions kept their number."""
    tz = ZoneInfo(program.timezone)
    moved = tuple(
        Shift(a.number, b.start.astimezone(tz), a.start.astimezone(tz))
        for b, a in zip(before.sessions, after.sessions, strict=False)
        if a.start != b.start
    )
    crossed = []
    for s in moved:
        was, now = s.before.date(), s.after.date()
        for b in program.blackouts:
            if (was < b.start and now > b.end) or (now < b.start and was > b.end):
                crossed.append((s, b.name))
    end = (after.sessions[-1].start.astimezone(tz).date()
           - before.sessions[-1].start.astimezone(tz).date()).days
    return Ripple(after.id, moved, tuple(crossed), end)
