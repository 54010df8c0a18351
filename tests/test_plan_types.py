"""A plan's history and objective are typed fields that plan.json keeps (SPEC §4)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from backstage_sched.plan import Cohort, History, Objective, Plan, Session, Withdrawal


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
