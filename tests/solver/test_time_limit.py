"""``--time-limit`` holds for the whole solve (issue 19 §3 "Anytime"): when it is up,
every stage stops and the best plan found so far comes back, checked, and says so."""

from __future__ import annotations

import json
import time
from pathlib import Path

from backstage_sched import SolveOptions, load_program, plan_program, verify
from backstage_sched.cli.app import main
from backstage_sched.solver.model.instance import Instance
from backstage_sched.solver.search.coordinator import coordinator_cohorts

# no plan of it reaches its bound, so every search runs until the time is up
PROGRAM = Path(__file__).resolve().parents[2] / "benchmarks" / "programs" / "company-120"
FILES = (str(PROGRAM / "program.toml"), str(PROGRAM / "participants.csv"))


def test_a_short_time_limit_returns_the_best_plan_so_far_and_says_so(tmp_path: Path) -> None:
    program = load_program(*FILES)
    began = time.monotonic()
    plan = plan_program(program, SolveOptions(time_limit=2.0))
    took = time.monotonic() - began
    assert plan.objective.stopped_early
    assert took < 2.0 + 6.0  # the bound and the construction come first; nothing runs on
    assert verify(program, plan) == []
    # the floor holds even so: never below the coordinator's method the search starts from
    floor = coordinator_cohorts(Instance.of(program))
    assert plan.placed >= sum(len(c.members) for c in floor)
    out = tmp_path / "plan"
    assert main(["plan", *FILES, "--out", str(out), "--time-limit", "2", "-q"]) == 0
    assert json.loads((out / "plan.json").read_text("utf-8"))["objective"]["stopped_early"]


def test_a_plan_that_finishes_in_time_does_not_say_it_stopped() -> None:
    program = load_program(*FILES)
    small = program.replace(participants=program.participants[:14])
    plan = plan_program(small, SolveOptions(effort=1, time_limit=300))
    assert not plan.objective.stopped_early
