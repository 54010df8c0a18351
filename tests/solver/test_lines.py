"""Room paths: the construction for programs where rooms bind (:mod:`.search.lines`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from backstage_sched.actions.planner import schedule_to_plan
from backstage_sched.check.verify import verify
from backstage_sched.domain import Program, Venue
from backstage_sched.goals import PLACED
from backstage_sched.inputs.load import load_program
from backstage_sched.plan import Unplaced
from backstage_sched.solver.model.instance import Instance
from backstage_sched.solver.readback import plan_key
from backstage_sched.solver.schedule import Schedule
from backstage_sched.solver.search.lines import room_lines, rooms_bind

ROOT = Path(__file__).resolve().parents[2]
MIXED = ROOT / "examples" / "mixed-2027"
COMPANY = ROOT / "examples" / "company-2027"


def _plan(program: Program, cohorts: list) -> list:
    """The checker's findings on ``cohorts`` as a plan of ``program``."""
    placed = {m for c in cohorts for m in c.members}
    waiting = tuple(Unplaced(p.id, "", PLACED.code) for p in program.participants
                    if p.id not in placed)
    schedule = Schedule(cohorts=tuple(cohorts), unplaced=waiting, objective={}, status={})
    plan = schedule_to_plan(program, schedule)
    assert {m for c in plan.cohorts for m in c.members} == placed
    return verify(program, plan)


@pytest.mark.parametrize("rooms", [
    (Venue("sal", "Salen", 8),),
    (Venue("a", "Rum A", 8), Venue("b", "Rum B", 6)),
])
def test_room_lines_give_a_plan_the_checker_accepts(rooms: tuple[Venue, ...]) -> None:
    program = load_program(MIXED / "program.toml", MIXED / "participants.csv")
    program = program.replace(venues=rooms)
    cohorts = room_lines(Instance.of(program))
    assert cohorts and _plan(program, cohorts) == []
    assert plan_key(Instance.of(program), cohorts)[0] >= 30
    seats = {v.id: v.capacity - 1 for v in rooms}
    assert all(len(c.members) <= seats[c.venue] for c in cohorts)
    # each cohort keeps its kick-off's weekday and start time
    assert all(len({s.day.weekday() for s in c.slots}) == 1 for c in cohorts)
    assert all(len({s.minute for s in c.slots}) == 1 for c in cohorts)


def test_a_small_room_takes_smaller_cohorts() -> None:
    program = load_program(MIXED / "program.toml", MIXED / "participants.csv")
    program = program.replace(venues=(Venue("liten", "Lilla rummet", 6),))
    cohorts = room_lines(Instance.of(program))
    assert cohorts and _plan(program, cohorts) == []
    assert max(len(c.members) for c in cohorts) == 5  # five members and the facilitator
    assert all(len(c.slots) == len(c.members) + 1 for c in cohorts)


def test_one_room_is_shared_one_session_at_a_time_and_fills_its_lines() -> None:
    """Two facilitators, one room: the room's two daily starts are both used, and no
    two sessions in it overlap (the checker's venue rule)."""
    program = load_program(MIXED / "program.toml", MIXED / "participants.csv")
    program = program.replace(venues=(Venue("sal", "Salen", 8),))
    cohorts = room_lines(Instance.of(program))
    minutes = Counter(c.slots[0].minute for c in cohorts)
    assert len(minutes) == 2  # the morning and the afternoon line
    assert len({c.facilitator for c in cohorts}) == 2


def test_company_room_lines_keep_one_organisation_per_cohort() -> None:
    program = load_program(COMPANY / "program.toml")
    program = program.replace(venues=(Venue("sal", "Salen", 8), Venue("rum", "Rummet", 7)))
    cohorts = room_lines(Instance.of(program))
    assert cohorts and _plan(program, cohorts) == []
    org = {p.id: p.organization for p in program.participants}
    assert all(len({org[m] for m in c.members}) == 1 for c in cohorts)


def test_without_rooms_there_are_no_room_lines() -> None:
    program = load_program(MIXED / "program.toml", MIXED / "participants.csv")
    assert room_lines(Instance.of(program.replace(venues=()))) == []
    assert not rooms_bind(Instance.of(program.replace(venues=())))


def test_a_room_with_seats_to_spare_does_not_bind() -> None:
    """36 people, one room: its two lines seat 7 a lane, 280 a year; the series search
    then starts from the greedy construction, not the rooms' lines."""
    program = load_program(MIXED / "program.toml", MIXED / "participants.csv")
    assert not rooms_bind(Instance.of(program.replace(venues=(Venue("sal", "Salen", 8),))))


def _generated(tmp_path: Path, people: int, facilitators: int, variant: str) -> Program:
    """A program made by benchmarks/generate.py (seed 0)."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    return load_program(*generate(tmp_path, people, facilitators, 0, variant))


def _one_room(tmp_path: Path, people: int, facilitators: int, room: Venue) -> Program:
    """A generated program (benchmarks/generate.py) in one room, facilitators unlimited."""
    program = _generated(tmp_path, people, facilitators, "normal")
    return program.replace(
        venues=(room,),
        facilitators=tuple(replace(f, max_cohorts=None) for f in program.facilitators))


def test_a_small_room_seats_more_as_two_cohorts_a_lane(tmp_path: Path) -> None:
    """One room of five seats, two starts a day: a lane every 4 weeks seats five in a
    year as one cohort, nine as a cohort of four and one after it. With more people
    than the lanes seat and facilitators to spare, the paths seat more than one
    cohort a lane could (40 lanes of five)."""
    program = _one_room(tmp_path, 300, 8, Venue("liten", "Lilla rummet", 6))
    assert rooms_bind(Instance.of(program))
    cohorts = room_lines(Instance.of(program))
    assert _plan(program, cohorts) == []
    assert sum(len(c.members) for c in cohorts) > 200
    # a second cohort follows a first in its lane: the same start time, kicking off
    # 4 to 5 weeks after the first one's last session
    assert any(a.slots[0].minute == b.slots[0].minute
               and 28 <= (b.slots[0].day - a.slots[-1].day).days <= 35
               for a in cohorts for b in cohorts)


def test_a_full_room_takes_cohorts_that_meet_every_5_weeks(tmp_path: Path) -> None:
    """One room of seven seats, two starts a day, 400 people: cohorts that meet every 4
    weeks fit 40 side by side in a year (280 seats; the day-by-day lines placed 274),
    every 5 weeks more. A cohort changes weekday only across the summer break, which is
    not a whole number of weeks."""
    program = _one_room(tmp_path, 400, 8, Venue("sal", "Salen", 8))
    inst = Instance.of(program)
    assert rooms_bind(inst)
    cohorts = room_lines(inst)
    assert _plan(program, cohorts) == []
    assert sum(len(c.members) for c in cohorts) > 300
    blackout = program.blackouts[0]
    for c in cohorts:
        for a, b in zip(c.slots, c.slots[1:], strict=False):
            assert a.day.weekday() == b.day.weekday() or a.day < blackout.start < b.day
    assert any((b.day - a.day).days == 35 for c in cohorts
               for a, b in zip(c.slots, c.slots[1:], strict=False))


def test_rooms_are_booked_for_facilitators_who_work_two_weekdays(tmp_path: Path) -> None:
    """Registrations shaped like real ones (benchmarks/real.py): every facilitator
    works two weekdays and is away some weeks, people come on two or three. In one
    room of seven seats the first round's paths include some no facilitator can lead
    (256 seated); the next rounds book the room again around them (the day-by-day
    lines seated 267)."""
    program = _generated(tmp_path, 360, 15, "real").replace(
        venues=(Venue("sal", "Salen", 8),))
    inst = Instance.of(program)
    assert rooms_bind(inst)
    cohorts = room_lines(inst)
    assert _plan(program, cohorts) == []
    assert sum(len(c.members) for c in cohorts) > 275
