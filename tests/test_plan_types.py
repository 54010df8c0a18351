"""A plan's history and objective are typed fields that plan.json keeps (SPEC §4)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from backstage_sched.actions.planner import plan_program
from backstage_sched.domain import Facilitator, GroupRules, Participant, Program
from backstage_sched.goals import GOALS, LEVELS
from backstage_sched.plan import (
    Cohort,
    History,
    LevelStatus,
    Objective,
    PlacedBound,
    Plan,
    Session,
    Unplaced,
    Withdrawal,
)
from backstage_sched.rules import RULES
from backstage_sched.solver import SolveOptions


def _plan() -> Plan:
    start = datetime(2027, 2, 1, 8, 30, tzinfo=UTC)
    session = Session(0, start, start.replace(hour=11), None, None, "u-0@x", 1)
    cohort = Cohort("c01", "f1", None, ("p1", "p2"), date(2027, 1, 22), (session,))
    left = Withdrawal("p3", "Åsa Öberg", "Örebro stad", date(2027, 2, 10), "c01",
                      date(2027, 1, 22), True, 2)
    return Plan(
        "ht27", (cohort,),
        objective=Objective(2, 3, True, {"avoid_hits": 0, "moved_sessions": 1},
                            {"placed": True}, 3, {"value": 3, "flow": 3}, 7),
        history=History(date(2027, 2, 5), (left,), ("c09",)),
    )


def test_plan_json_keeps_the_typed_fields() -> None:
    plan = _plan()
    again = Plan.from_dict(json.loads(plan.to_json()))
    assert again == plan
    assert again.history.withdrawals[0].fee_due is True
    assert again.history.orphaned("c01") == {2} and again.history.shrunk() == {"c01"}
    assert again.objective.value("moved_sessions") == 1 and again.objective.value("placed") == 2


def test_plan_json_field_names_are_the_contract() -> None:
    data = json.loads(_plan().to_json())["objective"]
    assert list(data) == [
        "placed", "registered", "optimal", "avoid_hits", "moved_sessions", "proved_optimal",
        "placed_bound", "placed_bound_parts", "seed", "history_before", "retired_cohorts",
        "withdrawals",
    ]
    assert data["withdrawals"][0] == {
        "participant": "p3", "name": "Åsa Öberg", "organization": "Örebro stad",
        "on": "2027-02-10", "cohort": "c01", "cancellation_deadline": "2027-01-22",
        "fee_due": True, "held_session": 2,
    }
    assert data["history_before"] == "2027-02-05" and data["retired_cohorts"] == ["c09"]


def test_a_hand_made_plan_claims_nothing_about_optimality() -> None:
    plan = Plan("ht27", ())
    assert plan.objective.optimal is None and plan.history == History()


# ---- the solver's typed results, and what plan.json keeps of them ----------------


def _solved() -> Plan:
    people = tuple(Participant(f"p{i}", f"Person {i}", f"p{i}@x.example", f"Org {i}")
                   for i in range(1, 6))
    program = Program("t", "Test", date(2027, 1, 11), date(2027, 6, 30),
                      facilitators=(Facilitator("f1", "Eva Holm", "f1@x.example"),),
                      participants=people,
                      groups=GroupRules(size=2, min_size=2, max_size=2))
    return plan_program(program, SolveOptions(effort=1))


def test_plan_json_of_a_solved_plan_keeps_its_field_names() -> None:
    plan = _solved()
    data = json.loads(plan.to_json())
    assert list(data) == ["format", "program", "timezone", "cohorts", "unplaced", "objective"]
    assert [list(u) for u in data["unplaced"]] == [["participant", "reason"]]
    objective = data["objective"]
    assert list(objective) == [
        "placed", "registered", "optimal", "avoid_hits", "irregular_sessions", "balance",
        "proved_optimal", "placed_bound", "placed_bound_parts", "seed",
    ]
    assert list(objective["proved_optimal"]) == ["placed", "avoid_hits", "irregular_sessions",
                                                 "balance"]
    assert set(objective["proved_optimal"]) <= set(LEVELS)
    assert list(objective["placed_bound_parts"])[:2] == ["value", "binding"]


def test_the_solver_says_how_it_settled_each_level() -> None:
    plan = _solved()
    o = plan.objective
    assert set(o.status) == set(o.proved_optimal) and o.runtime is not None and o.runtime > 0
    assert all(isinstance(s, LevelStatus) for s in o.status.values())
    assert {k: s.proved for k, s in o.status.items()} == o.proved_optimal
    # four of five fit two cohorts of two: the search proves no plan places five
    assert o.placed == 4 and o.status["placed"].proved
    assert isinstance(o.bound, PlacedBound) and o.bound.value == o.placed_bound == 5
    assert o.bound.to_dict() == o.placed_bound_parts
    assert o.status["avoid_hits"] is LevelStatus.BOUND_REACHED  # nobody avoids anything
    (left,) = plan.unplaced
    assert left.code in RULES or left.code in GOALS
    again = Plan.from_dict(json.loads(plan.to_json()))
    assert again == plan  # status, runtime and the codes are not part of a plan's identity
    assert again.objective.runtime is None and again.unplaced[0].code is None
    assert again.objective.status["placed"] is LevelStatus.OPTIMAL  # proved, as plan.json says


def test_level_status_and_what_plan_json_keeps_of_it() -> None:
    proved = {s: s.proved for s in LevelStatus}
    assert proved == {LevelStatus.OPTIMAL: True, LevelStatus.BOUND_REACHED: True,
                      LevelStatus.FEASIBLE: False, LevelStatus.STOPPED_EARLY: False}
    stopped = Objective(1, 1, False, {}, {"placed": False}, stopped_early=True)
    assert stopped.status == {"placed": LevelStatus.STOPPED_EARLY}
    assert Objective(1, 1, True, {}, {"placed": False}).status == {
        "placed": LevelStatus.FEASIBLE}
    with pytest.raises(ValueError, match="disagree"):
        Objective(1, 1, True, {}, {"placed": False}, status={"placed": LevelStatus.OPTIMAL})


def test_unplaced_carries_only_a_rule_or_goal_code() -> None:
    assert Unplaced("p1", "group size: …", "group size").code == "group size"
    assert Unplaced("p1", "x", "placed") == Unplaced("p1", "x")
    with pytest.raises(ValueError, match="neither a rule's nor a goal's code"):
        Unplaced("p1", "x", "cohorts full")
