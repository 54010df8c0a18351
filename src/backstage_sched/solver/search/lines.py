"""Room lines: the construction for programs with rooms, filling each room's calendar.

A room holds a few sessions a day; each of its daily start times is a *line*
of open days. Where rooms bind, a plan is as good as the way it packs cohorts
into those lines, so this construction fills them day by day, as a
coordinator booking rooms would:

- on each open day, each line serves the cohort that waits longest for its next
  session: first one that kicked off on that weekday (a regular rhythm), else
  one whose gap rule allows the day and that cannot meet on its own weekday
  any more (one that can waits, unless the line can start no cohort); a cohort
  that cannot be served within the gap rule ends there;
- a line with no cohort to serve starts one, led by the facilitator free then
  who is open on that weekday most often in the months ahead (else who leads
  the fewest cohorts), while a smallest cohort still fits in the program;
- a cohort ends at as many sessions as its room seats members plus one; but
  while the facilitators can lead more cohorts than the lines hold side by
  side, the first cohorts in the smallest rooms end at a smallest cohort's
  sessions, and a second cohort follows each in its line (two cohorts of four
  and five seat more than one of five, six or seven in a year), as long as the
  lines seat fewer than the people.

Then people take the seats, the longest cohorts first: those who can come to
the most of its sessions, the least available first, one organisation per
seat as the rules allow (company runs: one organisation per cohort). A cohort
keeps as many sessions as it has members plus one, or is dropped below the
smallest size. The neighbourhood search starts from this plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from ...inputs.workdays import Slot
from ..model.diary import Diary
from ..model.instance import Instance
from ..polish.owners import assign_case_owners
from ..schedule import ScheduledCohort


@dataclass
class _Line:
    """A cohort being booked: its facilitator, room, start (slot) and days."""

    facilitator: int
    room: int
    slot: int
    days: list[int] = field(default_factory=list)
    longest: int = 0  # sessions at most: the room's seats plus one


def room_lines(inst: Instance) -> list[ScheduledCohort]:
    """A plan for a fresh program with rooms (none without): see the module docstring."""
    program = inst.program
    if not program.venues or not inst.facilitators or inst.earlier:
        return []
    diary = Diary(inst)
    booked = _book(inst, diary)
    return _seat(inst, diary, booked)


def rooms_bind(inst: Instance) -> bool:
    """Whether the rooms are what the plan is short of: their lines, a cohort of the
    room's size every 4 weeks in each, seat fewer than the people."""
    if not inst.program.venues:
        return False
    rooms, starts, seats, lanes = _lines(inst)
    return lanes * len(starts) * sum(seats[r] for r in rooms) < len(inst.participants)


def _lines(inst: Instance) -> tuple[list[int], list[int], list[int], int]:
    """The rooms that seat a smallest cohort (the largest first), the start slots of
    their lines (:func:`_starts`), every room's seats, and a line's lanes: the days it
    can start a cohort in the first 4 weeks."""
    groups = inst.program.groups
    seats = [min(inst.largest_cohort, v.capacity - 1) for v in inst.program.venues]
    rooms = sorted(range(len(seats)), key=lambda r: (-seats[r], r))
    eff = np.asarray(inst.calendar.effective_number)
    early = eff[0] + inst.program.sessions.min_gap_days if len(eff) else 0
    return ([r for r in rooms if seats[r] >= groups.min_size], _starts(inst), seats,
            int((eff < early).sum()))


def _starts(inst: Instance) -> list[int]:
    """The slots of a room's lines: from the day's start, a session and the pause after
    it apart (one facilitator may then lead two in a row), unless a session apart
    fits more of them in a day."""
    program = inst.program
    minutes = inst.calendar.slot_minutes
    duration = program.sessions.duration_minutes
    pause = min((program.buffer(f) for f in inst.facilitators), default=0)

    def every(step: int) -> list[int]:
        found, t = [], minutes[0] if minutes else -1
        while t in minutes:
            found.append(minutes.index(t))
            t += step
        return found

    close, apart = every(duration), every(duration + pause)
    return apart if len(apart) >= len(close) else close


def _book(inst: Instance, diary: Diary) -> list[_Line]:
    """Every room line filled day by day (the module docstring's first part)."""
    program = inst.program
    rules, groups = program.sessions, program.groups
    eff = np.asarray(inst.calendar.effective_number)
    cal_no = inst.calendar.calendar_number
    weekday = diary.weekday
    n_days = inst.n_days
    rooms, starts, seats, lanes = _lines(inst)
    lines = [(r, a) for r in rooms for a in starts]
    fac_open = [diary.grid(inst.facilitator_open[f]) for f in range(len(inst.facilitators))]
    limit = [inst.facilitator_limit(f) for f in inst.facilitators]
    smallest = groups.min_size + 1  # sessions of a smallest cohort
    split = _split(inst, rooms, len(starts), seats, lanes, limit)
    second = eff[-1] - (2 * smallest - 1) * rules.min_gap_days  # last start that can split
    shortest = groups.min_size * rules.min_gap_days  # a smallest cohort's span, at least
    active: dict[tuple[int, int], list[_Line]] = {line: [] for line in lines}
    done: list[_Line] = []

    def free(f: int, day: int, a: int) -> bool:
        return bool(fac_open[f][day, a]) and not diary.fac_grid[f][day, a]

    def can_wait(c: _Line, day: int, a: int) -> bool:
        """Whether ``c`` can still meet on its kick-off weekday within the gap rule."""
        own = weekday[c.days[0]]
        return any(weekday[d] == own and fac_open[c.facilitator][d, a]
                   and eff[d] - eff[c.days[-1]] <= rules.max_gap_days
                   for d in range(day + 1, min(n_days, day + 8)))

    def serve(c: _Line, day: int) -> None:
        c.days.append(day)
        diary.book(c.facilitator, c.room, [(cal_no[day], c.slot)], new_cohort=len(c.days) == 1)

    for day in range(n_days):
        for line in lines:
            r, a = line
            if diary.room_grid[r][day, a]:
                continue
            going: list[_Line] = []
            for c in active[line]:
                gap = eff[day] - eff[c.days[-1]]
                (done if gap > rules.max_gap_days or len(c.days) >= c.longest
                 else going).append(c)
            active[line] = going
            ready = [c for c in going if eff[day] - eff[c.days[-1]] >= rules.min_gap_days
                     and free(c.facilitator, day, a)]
            waiting: list[_Line] = []
            if ready and not any(weekday[c.days[0]] == weekday[day] for c in ready):
                # a cohort of another weekday that can still meet on its own waits
                waiting = [c for c in ready if can_wait(c, day, a)]
                ready = [c for c in ready if c not in waiting]
            if ready:
                serve(max(ready, key=lambda c: (weekday[c.days[0]] == weekday[day],
                                                eff[day] - eff[c.days[-1]])), day)
                continue
            leaders = [f for f in range(len(inst.facilitators))
                       if diary.load[f] < limit[f] and free(f, day, a)]
            if eff[-1] - eff[day] < shortest or not leaders:
                if waiting:  # no cohort can start here: serve one that would wait
                    serve(max(waiting, key=lambda c: eff[day] - eff[c.days[-1]]), day)
                continue
            ahead = [d for d in range(day, n_days) if weekday[d] == weekday[day]
                     and eff[d] - eff[day] <= (seats[r] + 1) * rules.max_gap_days]
            f = min(leaders,
                    key=lambda f: (-int(fac_open[f][ahead, a].sum()), diary.load[f], f))
            longest = smallest if r in split and eff[day] <= second else seats[r] + 1
            c = _Line(f, r, a, [], longest)
            active[line].append(c)
            serve(c, day)
    for line in lines:
        done.extend(active[line])
    return [c for c in done if len(c.days) > groups.min_size]


def _split(inst: Instance, rooms: list[int], starts: int, seats: list[int], lanes: int,
           limit: list[int]) -> set[int]:
    """The rooms whose first cohorts are smallest ones, each followed by a second in its
    lane: the smallest first, while the facilitators can lead a cohort more for each of
    their lanes and the lines (a cohort of the room's size a lane) seat fewer than the
    people. Two cohorts of ``min_size`` seat more than one in a room of fewer seats than
    twice that."""
    groups = inst.program.groups
    per_room = lanes * starts
    spare = min(sum(limit), len(inst.facilitators) * inst.n_days) - per_room * len(rooms)
    seated = per_room * sum(seats[r] for r in rooms)
    split: set[int] = set()
    for r in sorted(rooms, key=lambda r: (seats[r], r)):
        more = per_room * (2 * groups.min_size - seats[r])
        if seated < len(inst.participants) and spare >= per_room and more > 0:
            split.add(r)
            spare -= per_room
            seated += more
    return split


def _seat(inst: Instance, diary: Diary, booked: list[_Line]) -> list[ScheduledCohort]:
    """People in the booked cohorts (the module docstring's second part)."""
    program = inst.program
    groups = program.groups
    people = inst.participants
    grids = np.stack([diary.grid(inst.participant_open[p]) for p in range(len(people))])
    flexible = grids.sum(axis=(1, 2))
    placed = np.zeros(len(people), dtype=bool)
    minutes = inst.calendar.slot_minutes
    cal_no = inst.calendar.calendar_number
    result: list[ScheduledCohort] = []
    for c in sorted(booked, key=lambda c: (-len(c.days), c.days[0], c.room, c.slot)):
        open_ = grids[:, c.days, c.slot]
        reach = np.where(open_.all(axis=1), len(c.days), np.argmin(open_, axis=1))
        can = np.flatnonzero((reach > groups.min_size) & ~placed)
        order = can[np.lexsort((can, flexible[can], -reach[can]))]
        members = _members(inst, [int(p) for p in order], len(c.days) - 1)
        members.sort(key=lambda p: -int(reach[p]))
        while members and int(reach[members[-1]]) < len(members) + 1:
            members.pop()
        if len(members) < groups.min_size:
            continue
        placed[members] = True
        ids = tuple(sorted(people[p].id for p in members))
        slots = tuple(Slot(program.start + timedelta(days=cal_no[d]), minutes[c.slot])
                      for d in c.days[: len(members) + 1])
        result.append(ScheduledCohort(
            inst.facilitators[c.facilitator].id, program.venues[c.room].id, ids, slots,
            assign_case_owners(inst, ids, slots)))
    result.sort(key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))
    return result


def _members(inst: Instance, order: list[int], most: int) -> list[int]:
    """Up to ``most`` of ``order`` (best first) who may sit together
    (:meth:`.Instance.may_join`); in a company run, of the organisation with the most
    of them."""
    if inst.program.mode == "company":
        org = [p.organization for p in inst.participants]
        count = Counter(org[p] for p in order)
        first: dict[str, int] = {}
        for i, p in enumerate(order):
            first.setdefault(org[p], i)
        if not first:
            return []
        best = min(first, key=lambda o: (-min(count[o], most), first[o]))
        order = [p for p in order if org[p] == best]
    chosen: list[int] = []
    for p in order:
        if inst.may_join(chosen, p):
            chosen.append(p)
            if len(chosen) >= most:
                break
    return chosen
