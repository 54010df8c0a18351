"""Large programs are split into independent groups; the merged plan is still exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstage_sched.load import load_program
from backstage_sched.planner import plan_program
from backstage_sched.solver import SolveOptions, decompose
from backstage_sched.solver.instance import Instance
from backstage_sched.solver.solve import solve
from backstage_sched.verify import verify

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
    plan = plan_program(program, SolveOptions(processes=processes))
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
    one = plan_program(program, SolveOptions(processes=1))
    two = plan_program(program, SolveOptions(processes=2))
    assert one.to_json() == two.to_json()


def test_someone_a_group_leaves_out_is_seated_in_another_group(
    program, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decompose, "GROUP_PARTICIPANTS", 18)
    victim = program.participants[0].id

    def solve_without_victim(sub):
        rest = sub.replace(participants=tuple(p for p in sub.participants if p.id != victim))
        return solve(rest, SolveOptions(split=False, last_level=False))

    results = decompose.solve_split(program, solve_without_victim, 1, lambda _m: None)
    homes = [n for n, r in enumerate(results) for c in r.cohorts if victim in c.members]
    assert len(homes) == 1, "seated exactly once, by the repair"
    cohort = next(c for c in results[homes[0]].cohorts if victim in c.members)
    assert len(cohort.slots) == len(cohort.members) + 1
    assert sorted(o for o in cohort.case_owners) == sorted(cohort.members)
