"""The proven bound on placeable people (objective ``placed_bound``, SPEC §4): each part
binds where it should, and none is ever below what a verified plan places."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from backstage_sched.actions.planner import plan_program
from backstage_sched.domain import (
    Facilitator,
    GroupRules,
    Participant,
    Program,
    SessionRules,
    Venue,
)
from backstage_sched.inputs.timeexpr import parse_rules
from backstage_sched.solver import SolveOptions
from backstage_sched.solver.model.bound import cohorts_led, placed_bound
from backstage_sched.solver.model.instance import Instance


def _people(orgs: list[str], unavailable: dict[int, str] | None = None) -> tuple:
    return tuple(
        Participant(
            id=f"p{i:02d}", name=f"Chef {i:02d}", email=f"chef{i:02d}@exempel.example",
            organization=org, unavailable=parse_rules((unavailable or {}).get(i, "")),
        )
        for i, org in enumerate(orgs, start=1)
    )


def _program(orgs: list[str], **changes) -> Program:
    base = Program(
        id="bound-27", name="Bound", start=date(2027, 1, 11), end=date(2027, 12, 17),
        groups=GroupRules(size=4, min_size=3, max_size=5, max_per_organization=1),
        facilitators=(Facilitator("f1", "Processledare", "f1@exempel.example", max_cohorts=2),),
        participants=_people(orgs),
    )
    return replace(base, **changes)


def _distinct(n: int) -> list[str]:
    return [f"Org {i}" for i in range(n)]


def test_facilitator_capacity_binds() -> None:
    # 2 cohorts of at most 5: 10 of 14 at most
    bound = placed_bound(Instance.of(_program(_distinct(14))))
    assert (bound.value, bound.binding) == (10, "flow")


def test_organisation_cap_binds_per_cohort() -> None:
    # one per organisation in each of 2 cohorts: 6 from one employer give 2, plus 3 others
    bound = placed_bound(Instance.of(_program(["Kommunen"] * 6 + _distinct(3))))
    assert bound.value == 5


def test_people_without_any_series_are_not_counted() -> None:
    program = _program(_distinct(5))
    never = {1: "mon; tue; wed; thu; fri"}
    program = replace(program, participants=_people(_distinct(5), never))
    bound = placed_bound(Instance.of(program))
    assert bound.parts["series"] == 4 and bound.value == 4


def test_a_facilitator_who_can_never_meet_a_person_leads_nobody_of_theirs() -> None:
    lead = Facilitator("f1", "Processledare", "f1@exempel.example", max_cohorts=2,
                       unavailable=parse_rules("mon; tue"))
    program = _program(_distinct(5), facilitators=(lead,))
    program = replace(program, participants=_people(_distinct(5), {2: "wed; thu; fri"}))
    assert placed_bound(Instance.of(program)).value == 4


def test_rooms_limit_cohort_size() -> None:
    program = _program(_distinct(14), venues=(Venue("rum", "Rummet", 4),))
    assert placed_bound(Instance.of(program)).value == 6  # 2 cohorts of 3 (+ facilitator)


def test_a_room_holds_no_more_session_times_than_it_has() -> None:
    # one room, Wednesdays only: T = 2 sessions a day * open Wednesdays; a cohort of
    # s members keeps the room for s + 1 sessions, so k cohorts hold min(4k, T - k)
    lead = Facilitator("f1", "Processledare", "f1@exempel.example", max_cohorts=20)
    program = _program(
        _distinct(60), venues=(Venue("rum", "Rummet", 5),), facilitators=(lead,),
        sessions=SessionRules(weekdays=(2,)), end=date(2027, 6, 30),
    )
    inst = Instance.of(program)
    times = 2 * inst.n_days
    best = max(min(4 * k, times - k) for k in range(times // 4 + 1))
    assert best < 4 * 20  # the facilitator's 20 cohorts alone would say 80
    assert placed_bound(Instance.of(program)).value == best


def test_company_run_needs_min_size_from_one_organisation() -> None:
    program = _program(["Alfa"] * 5 + ["Beta"] * 2 + ["Gamma"] * 7, mode="company")
    bound = placed_bound(Instance.of(program))
    # 2 cohorts: Gamma's 5 and Alfa's 5 (Beta has too few); flow alone would say 10 too
    assert bound.parts["company"] == 10 and bound.value == 10
    three = replace(program, facilitators=(replace(program.facilitators[0], max_cohorts=3),))
    assert placed_bound(Instance.of(three)).value == 12  # Gamma 5 + 2, Alfa 5


def test_company_run_seats_in_an_organisations_only_cohort_those_who_may_sit_together(
) -> None:
    program = _program(["Alfa"] * 5 + ["Gamma"] * 7, mode="company")
    people = list(program.participants)
    people[0] = replace(people[0], not_with=("p02",))  # Alfa has room for one cohort
    paired = replace(program, participants=tuple(people))
    bound = placed_bound(Instance.of(paired))
    assert bound.parts["company"] == 9 and bound.value == 9  # Gamma 5, Alfa 5 - 1
    plan = plan_program(paired, SolveOptions(effort=2))
    assert plan.placed == 9 and plan.objective.optimal
    people[2] = replace(people[2], not_with=("p01", "p02"))  # a triangle: 2 of 3 out
    triangle = replace(program, participants=tuple(people))
    assert placed_bound(Instance.of(triangle)).parts["company"] == 8
    people[0] = replace(people[0], not_with=())
    people[2] = replace(people[2], not_with=())
    people[5] = replace(people[5], not_with=("p07",))  # Gamma's pair: two cohorts part them
    assert placed_bound(Instance.of(replace(program, participants=tuple(people)))).parts[
        "company"] == 10


def test_sessions_a_day_cap_cohorts_of_a_facilitator_who_works_few_days() -> None:
    program = _program(_distinct(12), start=date(2027, 3, 1), end=date(2027, 7, 30))
    lead = replace(program.facilitators[0], max_cohorts=None, max_sessions_per_day=1)
    inst = Instance.of(replace(program, facilitators=(lead,)))
    open_days = inst.n_days
    assert cohorts_led(inst, 0) == open_days // 4


@pytest.mark.parametrize(
    ("orgs", "placed"), [(_distinct(14), 10), (["Kommunen"] * 6 + _distinct(3), 4)]
)
def test_the_plan_never_places_more_than_the_bound(orgs: list[str], placed: int) -> None:
    program = _program(orgs)
    plan = plan_program(program, SolveOptions(effort=2))
    assert plan.placed == placed and plan.objective.optimal
    # the second: a second cohort would need 3 organisations, only Kommunen is left;
    # the bound (5) does not see that, but it is never below what is placed
    assert plan.placed <= plan.objective.placed_bound
