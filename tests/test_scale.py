"""Large programs are split into independent groups; the merged plan is still exact."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import partial
from itertools import pairwise, permutations
from pathlib import Path

import pytest

from backstage_sched.actions.planner import plan_program, schedule_to_plan
from backstage_sched.check.verify import verify
from backstage_sched.domain import Venue
from backstage_sched.inputs.load import load_program
from backstage_sched.inputs.timeexpr import parse_rules
from backstage_sched.solver import construct, decompose, repair
from backstage_sched.solver.chains import chain_days
from backstage_sched.solver.construct import greedy
from backstage_sched.solver.instance import Instance
from backstage_sched.solver.levels import solve_instance
from backstage_sched.solver.options import Tuning
from backstage_sched.solver.readback import greedy_schedule
from backstage_sched.solver.schedule import Schedule
from backstage_sched.solver.solve import solve
from backstage_sched.solver.split import _solve_piece

ROOT = Path(__file__).resolve().parent.parent
MIXED = ROOT / "examples" / "mixed-2027"


@pytest.fixture()
def program():
    return load_program(MIXED / "program.toml", MIXED / "participants.csv")


def test_split_deals_everyone_to_exactly_one_group(program) -> None:
    inst = Instance.of(program)
    groups = decompose.split(inst, 2)
    dealt = sorted(p for g in groups for p in g.participants)
    assert dealt == list(range(len(program.participants)))
    assert sorted(f for g in groups for f in g.facilitators) == [0, 1]
    # organisations are spread: no group holds more of one than it has facilitators' room for
    for g in groups:
        orgs = [program.participants[p].organization for p in g.participants]
        assert max(orgs.count(o) for o in set(orgs)) <= 4


@pytest.mark.parametrize("processes", [1, 2])
def test_split_plan_verifies_and_accounts_for_everyone(
    program, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    monkeypatch.setattr(decompose, "GROUP_PARTICIPANTS", 18)  # 36 people: 2 groups
    assert decompose.group_count(program) == 2
    plan = plan_program(program, Tuning(processes=processes))
    assert verify(program, plan) == []
    members = [m for c in plan.cohorts for m in c.members]
    unplaced = [u.participant for u in plan.unplaced]
    assert sorted(members + unplaced) == sorted(p.id for p in program.participants)
    assert len(members) >= 34
    assert {c.facilitator for c in plan.cohorts} == {"f-karin", "f-mats"}


def test_split_plan_is_the_same_with_one_or_two_processes(
    program, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decompose, "GROUP_PARTICIPANTS", 18)
    one = plan_program(program, Tuning(processes=1))
    two = plan_program(program, Tuning(processes=2))
    assert one.to_json() == two.to_json()


@pytest.mark.parametrize("search", [True, False], ids=["cp-sat", "construction-only"])
def test_repair_seats_someone_the_groups_left_out(program, search: bool) -> None:
    victim = program.participants[0].id
    rest = program.replace(participants=program.participants[1:])
    without = solve(rest, Tuning(split=False, last_level=False))
    assert victim not in {m for c in without.cohorts for m in c.members}
    inst = Instance.of(program)
    said: list[str] = []
    cohorts = repair.improve(
        inst, list(without.cohorts),
        partial(_solve_piece, options=Tuning(), search=search), 1, said.append,
    )
    homes = [c for c in cohorts if victim in c.members]
    assert len(homes) == 1, "seated exactly once, by the repair"
    assert len(homes[0].slots) == len(homes[0].members) + 1
    assert sorted(o for o in homes[0].case_owners) == sorted(homes[0].members)
    assert any("repair pass 1" in line for line in said)
    plan = schedule_to_plan(program, Schedule(tuple(cohorts), ()))
    assert verify(program, plan) == []
    assert sum(len(c.members) for c in cohorts) > sum(len(c.members) for c in without.cohorts)


def test_repair_changes_nothing_when_everyone_is_seated(program) -> None:
    whole = solve(program, Tuning(split=False, last_level=False))
    assert {m for c in whole.cohorts for m in c.members} == {p.id for p in program.participants}

    def never(*_args):
        raise AssertionError("no piece to re-plan")

    cohorts = repair.improve(Instance.of(program), list(whole.cohorts), never, 1, print)
    assert cohorts == sorted(
        whole.cohorts, key=lambda c: (c.slots[0].day, c.slots[0].minute, c.facilitator, c.members)
    )


def test_greedy_books_the_smallest_room_that_seats_the_cohort(program) -> None:
    rooms = (Venue("stor", "Stora salen", 9), Venue("liten", "Lilla rummet", 6))
    state = construct._Greedy(Instance.of(program.replace(venues=rooms)))
    chain = state.chains[0]
    assert state.venue_for(chain, 5, 4) == 1  # 4 members + facilitator fit the small room
    assert state.venue_for(chain, 7, 6) == 0  # 6 members need the large one
    state.book(0, 1, chain, range(5))
    assert state.venue_for(chain, 5, 4) == 0  # the small room is taken at those times


def test_rooms_other_cohorts_hold_are_respected(program) -> None:
    """A piece of a large plan sees the rooms' bookings by cohorts outside it."""
    roomy = program.replace(venues=(Venue("sal", "Salen", 8),))
    free = solve(roomy, Tuning(split=False, last_level=False))
    first = free.cohorts[0]
    taken = tuple(
        (s.day - roomy.start).days * 1440 + s.minute for c in free.cohorts for s in c.slots
    )
    inst = Instance.of(roomy, venue_busy=(taken,))
    for built in (greedy_schedule(inst, greedy(inst)),
                  list(solve_instance(inst, Tuning(last_level=False), print).cohorts)):
        assert sum(len(c.members) for c in built) >= len(first.members)
        duration = roomy.sessions.duration_minutes
        for c in built:
            for s in c.slots:
                start = (s.day - roomy.start).days * 1440 + s.minute
                assert all(abs(start - t) >= duration for t in taken), (c, s)


def test_split_with_fewer_rooms_than_groups_gives_every_cohort_a_room(
    program, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Groups run in waves that share no room; later waves see earlier bookings."""
    monkeypatch.setattr(decompose, "GROUP_PARTICIPANTS", 12)  # 2 groups (one per facilitator)
    one_room = program.replace(venues=(Venue("sal", "Salen", 8),))
    assert decompose.group_count(one_room) == 2
    plan = plan_program(one_room, Tuning(processes=2))
    assert verify(one_room, plan) == []
    assert plan.cohorts and {c.venue for c in plan.cohorts} == {"sal"}
    starts = sorted(s.start for c in plan.cohorts for s in c.sessions)
    duration = timedelta(minutes=one_room.sessions.duration_minutes)
    assert all(b - a >= duration for a, b in pairwise(starts))


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


def test_repair_is_the_same_with_one_or_two_processes(
    program, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces solved side by side are judged in order: the plan does not depend on it."""
    monkeypatch.setattr(repair, "PIECE_FACILITATORS", 1)  # two pieces, one per facilitator
    left_out = {p.id for p in program.participants[:3]}
    rest = program.replace(
        participants=tuple(p for p in program.participants if p.id not in left_out)
    )
    start = list(solve(rest, Tuning(split=False, last_level=False)).cohorts)
    inst = Instance.of(program)
    solve_piece = partial(_solve_piece, options=Tuning())
    one = repair.improve(inst, start, solve_piece, 1, lambda _m: None)
    two = repair.improve(inst, start, solve_piece, 2, lambda _m: None)
    assert one == two
    assert sum(len(c.members) for c in two) > sum(len(c.members) for c in start)
    assert verify(program, schedule_to_plan(program, Schedule(tuple(two), ()))) == []


def test_company_repair_offers_people_only_to_pieces_they_could_join() -> None:
    company = ROOT / "examples" / "company-2027"
    program = load_program(company / "program.toml")
    inst = Instance.of(program)
    by_org: dict[str, list[int]] = {}
    for p, person in enumerate(program.participants):
        by_org.setdefault(person.organization, []).append(p)
    a_people = sorted(by_org.items())[0][1]
    others = [p for p in range(len(program.participants)) if p not in a_people]
    members = a_people[:-1]
    need = program.groups.min_size
    # one of organisation a (it has members here) and fewer than min_size of another
    kept = repair._company_fits(inst, members, [a_people[-1], *others[: need - 1]])
    assert kept == [a_people[-1]]
    # min_size of another organisation could open a cohort of their own
    same_org = [p for p in others if program.participants[p].organization
                == program.participants[others[0]].organization][:need]
    if len(same_org) == need:
        assert repair._company_fits(inst, members, same_org) == same_org


def test_pieces_are_searched_with_cp_sat_only_up_to_600_people() -> None:
    assert Tuning().search_pieces(600) and not Tuning().search_pieces(601)
    assert Tuning(piece_search=True).search_pieces(1200)
    assert not Tuning(piece_search=False).search_pieces(36)


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
