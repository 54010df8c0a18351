"""The bound's linear relaxation (solver/model/lp_bound.py): never below what a plan places,
and below the flow bound where kick-off weekdays, organisations and rooms bind."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from unittest import mock

from hypothesis import given
from test_bound import _distinct, _program
from test_property import SETTINGS, programs

from backstage_sched.actions.planner import plan_program
from backstage_sched.domain import Facilitator, Participant, Program, Venue
from backstage_sched.inputs.timeexpr import parse_rules
from backstage_sched.inputs.workdays import Slot
from backstage_sched.solver import SolveOptions
from backstage_sched.solver.model import lp_bound as lp_module
from backstage_sched.solver.model.bound import cohorts_led, placed_bound
from backstage_sched.solver.model.instance import EarlierCohort, Instance
from backstage_sched.solver.model.lp_bound import fitted_types, lp_bound
from backstage_sched.solver.model.series import intersect, series_fits
from backstage_sched.solver.options import tuned
from backstage_sched.solver.search.levels import solve_instance


def _relaxation(program: Program) -> int | None:
    inst = Instance.of(program)
    return lp_bound(inst, [cohorts_led(inst, f) for f in range(len(inst.facilitators))])


@SETTINGS
@given(programs())
def test_relaxation_is_never_below_the_whole_models_optimum(program: Program) -> None:
    """The whole CP-SAT model, searched without any bound to stop it early, places no
    more than the relaxation allows; where it proves its placement optimal, that is
    the most any plan places."""
    inst = Instance.of(program)
    options = replace(tuned(SolveOptions(effort=2)), deadline=time.time() + 120)
    schedule = solve_instance(inst, options, lambda _msg: None)
    relaxed = _relaxation(program)
    assert relaxed is not None and relaxed >= schedule.objective["placed"]
    assert placed_bound(inst).value >= schedule.objective["placed"]


@SETTINGS
@given(programs())
def test_pooled_facilitators_only_relax_the_program(program: Program) -> None:
    """Pooling the facilitators of the same weekdays (what large programs get) never
    gives less than the exact program, so it is a bound too."""
    exact = _relaxation(program)
    with mock.patch.object(lp_module, "MOST_PAIRS", 0):
        pooled = _relaxation(program)
    assert exact is not None and pooled is not None and pooled >= exact


def test_pooled_facilitators_still_see_kick_off_weekdays() -> None:
    with mock.patch.object(lp_module, "MOST_PAIRS", 0):
        assert _relaxation(_weekday_program()) == 8


def test_past_the_iteration_limit_the_relaxation_gives_no_part() -> None:
    program = _weekday_program()
    with mock.patch.object(lp_module, "MOST_ITERATIONS", 1):
        assert _relaxation(program) is None
        bound = placed_bound(Instance.of(program))
    assert "relaxation" not in bound.parts and bound.value == 10


@SETTINGS
@given(programs())
def test_fitted_types_agree_with_series_fits(program: Program) -> None:
    """A person fits some type of facilitator f exactly when a series of min_size + 1
    sessions fits both (the one-pair search of series.py, with the gap rule and
    blackouts); each type's weekday is a weekday sessions may fall on."""
    inst = Instance.of(program)
    sessions = program.groups.min_size + 1
    fitted = fitted_types(inst)
    for p, theirs in enumerate(inst.participant_open):
        for f, lead in enumerate(inst.facilitator_open):
            together = series_fits(inst, intersect(theirs, lead), sessions)
            assert together == any(g == f for g, _ in fitted[p]), (p, f)
        assert all(w in program.sessions.weekdays for _, w in fitted[p])


def _weekday_program() -> Program:
    """One facilitator on Mondays and Tuesdays, two cohorts: two colleagues who can
    come only on Mondays, eight people of other employers only on Tuesdays."""
    lead = Facilitator("f1", "Processledare", "f1@exempel.example", max_cohorts=2,
                       unavailable=parse_rules("wed; thu; fri"))
    people = tuple(
        Participant(id=f"p{i:02d}", name=f"Chef {i:02d}", email=f"chef{i:02d}@exempel.example",
                    organization=org, unavailable=parse_rules(never))
        for i, (org, never) in enumerate(
            [("Kommunen", "tue")] * 2 + [(o, "mon") for o in _distinct(8)], start=1)
    )
    return _program([], facilitators=(lead,), participants=people)


def test_kick_off_weekdays_and_organisations_bind_below_the_flow() -> None:
    # the flow seats 10 (2 cohorts of 5, at most 2 of Kommunen); but a Monday cohort
    # holds at most one of Kommunen's two and so cannot reach 3 members: only the
    # eight Tuesday people can be placed (LP: 1.6 Tuesday cohorts, 0.4 Kommunen)
    program = _weekday_program()
    bound = placed_bound(Instance.of(program))
    assert bound.parts["flow"] == 10
    assert (bound.value, bound.binding) == (8, "relaxation")
    plan = plan_program(program, SolveOptions(effort=2))
    assert plan.placed == 8 and plan.objective.placed_bound == 8


def test_rooms_with_few_session_times_bind_below_their_seat_count() -> None:
    # one room, Wednesdays only, 11 January to 30 April: 16 Wednesdays, 2 sessions a
    # day. A series of 5 sessions 4-5 weeks apart spans 17 weeks, so every cohort has
    # 3 members and 4 sessions: 32 session times hold 8 cohorts, 24 people. The
    # room's session times alone (room_members, in the flow) allow 26: 6 cohorts of 5
    # members would need only 36 - 6 = 30 of them.
    lead = Facilitator("f1", "Processledare", "f1@exempel.example", max_cohorts=20)
    program = _program(_distinct(30), venues=(Venue("rum", "Rummet", 6),),
                       facilitators=(lead,), end=date(2027, 4, 30))
    program = replace(program, sessions=replace(program.sessions, weekdays=(2,)))
    bound = placed_bound(Instance.of(program))
    assert bound.parts["flow"] == 26
    assert (bound.value, bound.binding) == (24, "relaxation")
    plan = plan_program(program, SolveOptions(effort=2))
    assert plan.placed == 24


def test_a_replan_is_left_to_the_flow() -> None:
    program = _program(_distinct(6))
    earlier = (EarlierCohort("f1", None, ("p01", "p02", "p03"),
                             tuple(Slot(date(2027, 2, 1 + 7 * i), 510) for i in range(4)),
                             (None, "p01", "p02", "p03"), 0),)
    inst = Instance.of(program, earlier, date(2027, 1, 20))
    assert lp_bound(inst, [2]) is None
    assert "relaxation" not in placed_bound(inst).parts
