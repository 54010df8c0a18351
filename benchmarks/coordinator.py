"""The coordinator's method as a yardstick: dates first, as an office plans.

The method itself is the planner's own start (``solver/search/coordinator.py``,
described there): every plan starts from it and never places fewer. Here it
runs on its own, and its plan is verified by the independent checker, so
the benchmark can show what a careful coordinator with a spreadsheet would
place beside what ``plan`` places.
"""

from __future__ import annotations

from backstage_sched.actions.planner import schedule_to_plan
from backstage_sched.check.verify import verify
from backstage_sched.domain import Program
from backstage_sched.goals import AVOID_HITS, IRREGULAR_SESSIONS, PLACED
from backstage_sched.plan import Plan, Unplaced
from backstage_sched.solver import score
from backstage_sched.solver.model.instance import Instance
from backstage_sched.solver.schedule import Schedule
from backstage_sched.solver.search.coordinator import coordinator_cohorts


def coordinator_plan(program: Program) -> Plan:
    """The coordinator's method on ``program`` as a plan (not yet verified)."""
    inst = Instance.of(program)
    cohorts = coordinator_cohorts(inst)
    seated = {m for c in cohorts for m in c.members}
    unplaced = tuple(Unplaced(p.id, "the coordinator's method found no place")
                     for p in program.participants if p.id not in seated)
    objective = {goal.code: score.TERMS[goal.code](inst, cohorts)
                 for goal in (PLACED, AVOID_HITS, IRREGULAR_SESSIONS)}
    return schedule_to_plan(program, Schedule(tuple(cohorts), unplaced, objective))


def coordinator(program: Program) -> dict[str, int]:
    """Plan ``program`` by the coordinator's method and verify it; returns placed,
    cohorts, avoid-time hits, irregular sessions and irregular cohorts (a session
    off the kick-off's weekday or start time). A plan breaking a hard rule raises
    AssertionError: the yardstick must be honest."""
    plan = coordinator_plan(program)
    broken = verify(program, plan)
    assert not broken, f"the coordinator's plan breaks {broken[:3]}"
    values = plan.objective.values
    return {
        "placed": plan.placed,
        "cohorts": len(plan.cohorts),
        "avoid_hits": int(values.get("avoid_hits", 0)),
        "irregular_sessions": int(values.get("irregular_sessions", 0)),
        "irregular_cohorts": sum(
            any((s.start.weekday(), s.start.time()) != (c.sessions[0].start.weekday(),
                                                         c.sessions[0].start.time())
                for s in c.sessions)
            for c in plan.cohorts),
    }


if __name__ == "__main__":
    import sys
    import time

    from backstage_sched import load_program

    began = time.monotonic()
    prog = load_program(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    result = coordinator(prog)
    print(result, f"{time.monotonic() - began:.1f} s")
