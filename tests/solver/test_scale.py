"""Large programs: planned by the neighbourhood search over series, and the constructions
it starts from."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise, permutations
from pathlib import Path

import numpy as np
import pytest

from backstage_sched.actions.planner import plan_program, schedule_to_plan
from backstage_sched.check.verify import verify
from backstage_sched.domain import Venue
from backstage_sched.inputs.load import load_program
from backstage_sched.inputs.timeexpr import parse_rules
from backstage_sched.solver.model.chains import chain_days
from backstage_sched.solver.model.instance import Instance
from backstage_sched.solver.model.pool import SeriesPool
from backstage_sched.solver.options import Tuning
from backstage_sched.solver.readback import greedy_schedule, plan_key
from backstage_sched.solver.schedule import Schedule
from backstage_sched.solver.search import construct, neighbourhood
from backstage_sched.solver.search.construct import greedy
from backstage_sched.solver.search.neighbourhood import perfect_key, search_series
from backstage_sched.solver.solve import solve

ROOT = Path(__file__).resolve().parents[2]
solve_module = importlib.import_module("backstage_sched.solver.solve")
MIXED = ROOT / "examples" / "mixed-2027"


@pytest.fixture()
def program():
    return load_program(MIXED / "program.toml", MIXED / "participants.csv")


@pytest.fixture()
def by_series(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plan the 36-person example as a large program: by the series search."""
    monkeypatch.setattr(solve_module, "WHOLE_UP_TO", 20)


@pytest.mark.parametrize("processes", [1, 2])
def test_series_plan_verifies_and_accounts_for_everyone(
    program, by_series: None, processes: int
) -> None:
    said: list[str] = []
    plan = plan_program(program, Tuning(processes=processes), said.append)
    assert any("construction" in line for line in said)
    assert verify(program, plan) == []
    members = [m for c in plan.cohorts for m in c.members]
    unplaced = [u.participant for u in plan.unplaced]
    assert sorted(members + unplaced) == sorted(p.id for p in program.participants)
    assert len(members) >= 34
    assert {c.facilitator for c in plan.cohorts} == {"f-karin", "f-mats"}


def test_series_plan_is_the_same_with_one_or_two_processes(program, by_series: None) -> None:
    one = plan_program(program, Tuning(processes=1))
    two = plan_program(program, Tuning(processes=2))
    assert one.to_json() == two.to_json()


def _without(cohorts: list, person: str) -> list:
    """``cohorts`` with ``person`` taken out of theirs (and its last session)."""
    out = []
    for c in cohorts:
        if person in c.members:
            members = tuple(m for m in c.members if m != person)
            slots = c.slots[: len(members) + 1]
            c = replace(c, members=members, slots=slots,
                        case_owners=tuple(m for m in c.case_owners if m != person)[:len(members)])
        out.append(c)
    return out


def test_series_search_seats_someone_the_start_left_out(program) -> None:
    inst = Instance.of(program)
    whole = list(solve(program, Tuning(last_level=False)).cohorts)
    big = max(whole, key=lambda c: len(c.members))
    assert len(big.members) > program.groups.min_size
    victim = big.members[-1]
    start = _without(whole, victim)
    said: list[str] = []
    found = search_series(inst, start, Tuning(), said.append, len(program.participants))
    homes = [c for c in found if victim in c.members]
    assert len(homes) == 1, "seated exactly once, by the search"
    assert len(homes[0].slots) == len(homes[0].members) + 1
    assert any("series search, round" in line for line in said)
    plan = schedule_to_plan(program, Schedule(tuple(found), ()))
    assert verify(program, plan) == []
    assert plan_key(inst, found) > plan_key(inst, start)


def test_series_search_changes_nothing_when_the_plan_cannot_be_better(program) -> None:
    inst = Instance.of(program)
    whole = list(solve(program, Tuning(last_level=False)).cohorts)
    assert plan_key(inst, whole) == perfect_key(inst, len(program.participants))
    found = search_series(inst, whole, Tuning(), print, len(program.participants))
    assert found == sorted(
        whole, key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members))


def test_series_plan_with_one_room_gives_every_cohort_the_room(program, by_series: None) -> None:
    one_room = program.replace(venues=(Venue("sal", "Salen", 8),))
    plan = plan_program(one_room, Tuning(processes=2))
    assert verify(one_room, plan) == []
    assert plan.cohorts and {c.venue for c in plan.cohorts} == {"sal"}
    starts = sorted(s.start for c in plan.cohorts for s in c.sessions)
    duration = timedelta(minutes=one_room.sessions.duration_minutes)
    assert all(b - a >= duration for a, b in pairwise(starts))


def test_greedy_books_the_smallest_room_that_seats_the_cohort(program) -> None:
    rooms = (Venue("stor", "Stora salen", 9), Venue("liten", "Lilla rummet", 6))
    state = construct._Greedy(Instance.of(program.replace(venues=rooms)))
    chain = state.chains[0]
    assert state.venue_for(chain, 5, 4) == 1  # 4 members + facilitator fit the small room
    assert state.venue_for(chain, 7, 6) == 0  # 6 members need the large one
    state.book(0, 1, chain, range(5))
    assert state.venue_for(chain, 5, 4) == 0  # the small room is taken at those times


def test_a_re_routed_chain_returns_to_the_kick_off_weekday(program) -> None:
    """Around a blocked week the series detours once, then keeps its weekday."""
    inst = Instance.of(program)
    g = inst.n_slots
    first = inst.calendar.calendar_number[0]
    plain = chain_days(inst, first)
    assert all((c - first) % 7 == 0 for c in plain)
    blocked = {plain[2] + shift for shift in (0, 7)}  # the 4- and 5-week days of session 2
    open_when = frozenset(
        c * g for c in inst.calendar.calendar_number if c not in blocked
    )
    routed = chain_days(inst, first, 0, open_when)
    assert routed[:2] == plain[:2]
    assert routed[2] not in blocked and (routed[2] - first) % 7 != 0
    assert len(routed) == len(plain)
    assert all((c - first) % 7 == 0 for c in routed[3:])


def test_company_greedy_splits_a_company_evenly_so_nobody_is_left_over() -> None:
    company = ROOT / "examples" / "company-2027"
    program = load_program(company / "program.toml")
    lena = program.facilitators[0]
    people = program.participants
    nordvik = [replace(people[n % 12], id=f"n{n}", email=f"n{n}@nordvik.example")
               for n in range(15)]
    other = [replace(people[n], id=f"o{n}", email=f"o{n}@other.example",
                     organization="Other AB") for n in range(12)]
    # 15 at most 7 to a cohort: 7 + 7 leaves one over, 5 + 5 + 5 does not; the
    # other company's 12 make an even split of all 27 no help (6, 6, 6 + 3 over)
    program = program.replace(
        participants=tuple(nordvik + other),
        facilitators=(replace(lena, max_cohorts=5),),
    )
    built = greedy(Instance.of(program))
    assert sorted(len(b.members) for b in built) == [5, 5, 5, 6, 6]
    schedule = greedy_schedule(Instance.of(program), built)
    plan = schedule_to_plan(program, Schedule(tuple(schedule), ()))
    assert verify(program, plan) == []


def test_greedy_swaps_members_off_their_avoid_times(program) -> None:
    state = construct._Greedy(Instance.of(program))
    state.open_cohorts(program.groups.size)
    weekday = {c_i: (program.start + timedelta(days=b.chain.days[0])).weekday()
               for c_i, b in state.built}
    pairs = [
        (c_a, a, c_b, b, p, q)
        for (c_a, a), (c_b, b) in permutations(state.built, 2)
        if weekday[c_a] != weekday[c_b]
        for p in a.members
        for q in b.members
        if state.reach[c_a][q] > len(a.members) and state.reach[c_b][p] > len(b.members)
        and state._may_join(q, [m for m in a.members if m != p])
        and state._may_join(p, [m for m in b.members if m != q])
    ]
    assert pairs, "the example has swappable members on different weekdays"
    c_a, a, c_b, b, p, q = pairs[0]
    # p now avoids a's weekday: the swap with q (free on both days) moves p to b
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday[c_a]]
    people = list(program.participants)
    people[p] = replace(people[p], avoid=parse_rules(day))
    people[q] = replace(people[q], avoid=())
    avoiding = Instance.of(program.replace(participants=tuple(people)))
    state = construct._Greedy(avoiding)
    state.built = [(c_a, construct.Built(a.chain, a.facilitator, list(a.members), a.venue)),
                   (c_b, construct.Built(b.chain, b.facilitator, list(b.members), b.venue))]
    assert state._hits(p, c_a, len(a.members) + 1) > 0
    state.swap_avoid_hits()
    (_, a2), (_, b2) = state.built
    assert p in b2.members and q in a2.members
    assert sorted(a2.members) == sorted([q, *(m for m in a.members if m != p)])
    assert all(state._hits(m, c_a, len(a2.members) + 1) == 0 for m in a2.members)


def _rhythm(program, step: int | None, kick_off: date) -> list[date]:
    """The session dates of the series from ``kick_off`` at 08:30 that
    :meth:`.Diary.chains` builds with ``step``."""
    inst = Instance.of(program)
    pool = SeriesPool(inst)
    starts, days = pool.diary.chains(pool.diary.grid(None), 8, 0, step)
    day = inst.calendar_index[(kick_off - program.start).days]
    row = next(n for n, (d, slot) in enumerate(starts) if d == day and slot == 0)
    return [program.start + timedelta(days=inst.calendar.calendar_number[int(d)])
            for d in days[row] if d >= 0]


def test_a_five_week_rhythm_keeps_its_weekday_and_its_place_across_the_summer(
    program,
) -> None:
    """Every 35 days on the kick-off's weekday; across the summer blackout the
    rhythm counts only the open days, so series started a week apart stay a week
    apart in the autumn (a room's lanes stay apart) instead of all meeting in the
    first week after the summer, as the 4-week-first series do."""
    wednesday = date(2027, 1, 13)  # no Wednesday of the spring is a holiday
    first = _rhythm(program, 35, wednesday)
    assert len(first) == 8 and all(d.weekday() == 2 for d in first)
    spring = [d for d in first if d < date(2027, 6, 21)]
    assert [(b - a).days for a, b in pairwise(spring)] == [35] * (len(spring) - 1)

    def after_summer(step: int | None, kick_off: date) -> date:
        return next(d for d in _rhythm(program, step, kick_off) if d > date(2027, 8, 13))

    week = timedelta(weeks=1)
    assert after_summer(35, wednesday + week) - after_summer(35, wednesday) == week
    later = date(2027, 2, 10)
    # 4 weeks first: series a week apart meet again in the first week after the summer
    assert after_summer(None, later + week) == after_summer(None, later)
    assert after_summer(28, later + week) - after_summer(28, later) == week


def test_series_of_a_program_with_rooms_include_five_week_rhythms(program) -> None:
    """Rooms are shared by every facilitator: every 5 weeks, 50 cohorts can share a
    room's two starts a day, every 4 weeks only 40; so a program with rooms gets
    both rhythms, one without keeps its smaller pool."""
    def five_weekly(pool: SeriesPool) -> int:
        """Series whose first five sessions are 35 days apart."""
        first = pool.days[:, :5]
        whole = (first >= 0).all(axis=1)
        days = np.array(pool.inst.calendar.calendar_number)[first[whole]]
        return int((np.diff(days, axis=1) == 35).all(axis=1).sum())

    plain = SeriesPool(Instance.of(program))
    rooms = SeriesPool(Instance.of(program.replace(venues=(Venue("sal", "Salen", 8),))))
    assert len(rooms) > len(plain)
    assert five_weekly(rooms) > five_weekly(plain)


def test_the_series_search_offers_a_new_cohort_the_rooms_left_free(program) -> None:
    """A free series is offered in the rooms the kept cohorts leave free for it,
    whichever they are, not in the first rooms of the list."""
    rooms = (Venue("a", "Rum A", 8), Venue("b", "Rum B", 8), Venue("c", "Rum C", 6))
    inst = Instance.of(program.replace(venues=rooms))
    pool = SeriesPool(inst)
    search = neighbourhood._Search(inst, pool, Tuning())
    s = int(np.flatnonzero(pool.fac == 0)[0])
    diary = search.kept_diary([], [])
    assert search._rooms(s, diary) == [0, 1]  # all free: the larger rooms first
    sessions = [(inst.calendar.calendar_number[int(d)], int(pool.slot[s]))
                for d in pool.days[s] if d >= 0]
    for room in (0, 1):  # another cohort holds rooms A and B on those days
        diary.book(1, room, sessions)
    assert search._rooms(s, diary) == [2]
