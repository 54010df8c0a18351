"""Repeat programs (SPEC §7): nobody meets the same peers twice, and who waited comes first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from backstage_sched import (
    InputError,
    SolveOptions,
    load_program,
    plan_program,
    verify,
    write_plan_dir,
    write_templates,
)
from backstage_sched.domain import MetBefore, Participant
from backstage_sched.rules import MET_BEFORE

NEWCOMERS = "".join(
    f"n{i:02d};Ny Chef {i};ny{i}@nykomling{i}.example;Nykomling {i} AB;new;;;;\r\n"
    for i in range(1, 9)
)


def _year_one(tmp_path: Path) -> tuple[Path, Path]:
    """The init templates planned and written to year1/plan (8 people, 2 cohorts)."""
    toml, csv = write_templates(tmp_path / "year1", year=2027)
    program = load_program(toml, csv)
    plan = plan_program(program, SolveOptions(effort=2))
    assert len(plan.cohorts) == 2 and plan.placed == 8
    write_plan_dir(program, plan, tmp_path / "year1" / "plan")
    return toml, csv


def _year_two(tmp_path: Path, extra: str = "", previous: str = "../year1/plan") -> Path:
    """Next year's program: the same eight (e-mails in capitals), eight newcomers."""
    toml, csv = write_templates(tmp_path / "year2", year=2028)
    text = toml.read_text(encoding="utf-8").replace(
        "[program]\n", f'[program]\nprevious_plans = ["{previous}"]\n', 1)
    toml.write_text(text.replace('id = "backstage', 'id = "backstage28-', 1),
                    encoding="utf-8")
    rows = csv.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    upper = [rows[0]] + [r.replace(r.split(";")[2], r.split(";")[2].upper()) for r in rows[1:]]
    csv.write_text("".join(upper) + NEWCOMERS + extra, encoding="utf-8-sig", newline="")
    return toml


@pytest.mark.rule("kept", "met before")
def test_nobody_meets_the_same_peers_again(tmp_path: Path) -> None:
    _year_one(tmp_path)
    toml = _year_two(tmp_path)
    program = load_program(toml, toml.parent / "participants.csv")
    assert len(program.met_before) == 2 and all(len(m.people) == 4 for m in program.met_before)
    plan = plan_program(program, SolveOptions(effort=2))
    assert verify(program, plan) == []
    for cohort in plan.cohorts:
        for earlier in program.met_before:
            assert len(set(cohort.members) & set(earlier.people)) <= 1
    assert plan.placed >= 12


@pytest.mark.rule("broken", "met before")
def test_the_checker_names_the_earlier_cohort(tmp_path: Path) -> None:
    _year_one(tmp_path)
    toml = _year_two(tmp_path)
    program = load_program(toml, toml.parent / "participants.csv")
    plan = plan_program(program.replace(met_before=()), SolveOptions(effort=2))
    broken = [v for v in verify(program, plan) if v.rule == MET_BEFORE.code]
    if not broken:  # the plan happened to keep them apart: put two together by hand
        a, b = program.met_before[0].people[:2]
        program = program.replace(met_before=(MetBefore("old", "c07", (a, b)),),
                                  participants=program.participants)
        cohort = plan.cohort_of(a)
        assert cohort is not None
        program = program.replace(met_before=(MetBefore("old", "c07", (a, cohort.members[-1])),))
        broken = [v for v in verify(program, plan) if v.rule == MET_BEFORE.code]
    assert broken and "met before in cohort" in broken[0].message


@pytest.mark.rule("broken", "met before")
def test_the_model_keeps_them_apart_even_when_nobody_can_then_be_placed(
    tmp_path: Path,
) -> None:
    _year_one(tmp_path)
    toml, csv = write_templates(tmp_path / "again", year=2028)
    text = toml.read_text(encoding="utf-8").replace(
        "[program]\n", '[program]\nprevious_plans = ["../year1/plan/plan.json"]\n', 1)
    toml.write_text(text, encoding="utf-8")
    program = load_program(toml, csv)
    plan = plan_program(program, SolveOptions(effort=2))
    # the same eight again: a cohort of at least 4 needs two who met before
    assert plan.placed == 0 and verify(program, plan) == []


def test_people_who_waited_are_placed_first(tmp_path: Path) -> None:
    _year_one(tmp_path)
    toml = _year_two(tmp_path)
    program = load_program(toml, toml.parent / "participants.csv")
    waiting = program.participants[-1].id
    # one facilitator, one cohort of at most 4: who waited before gets a seat
    lead = replace(program.facilitators[0], max_cohorts=1)
    small = program.replace(facilitators=(lead,), waited_before=(waiting,),
                            groups=replace(program.groups, size=4, max_size=4))
    plan = plan_program(small, SolveOptions(effort=2))
    assert plan.placed == 4 and plan.cohort_of(waiting) is not None
    assert plan.objective.value("waited_placed") == 1


def test_a_missing_earlier_plan_is_named(tmp_path: Path) -> None:
    toml = _year_two(tmp_path, previous="../nowhere/plan")
    with pytest.raises(InputError) as caught:
        load_program(toml, toml.parent / "participants.csv")
    assert "previous_plans[1]" in str(caught.value) and "not found" in str(caught.value)


def test_the_snapshot_keeps_who_met(tmp_path: Path) -> None:
    from backstage_sched import read_plan_dir

    _year_one(tmp_path)
    toml = _year_two(tmp_path)
    program = load_program(toml, toml.parent / "participants.csv")
    plan = plan_program(program, SolveOptions(effort=2))
    write_plan_dir(program, plan, tmp_path / "year2" / "plan")
    again, _ = read_plan_dir(tmp_path / "year2" / "plan")
    assert again.met_before == program.met_before and again.previous_plans == ("../year1/plan",)
    assert isinstance(again.participants[0], Participant)


def test_explain_names_the_earlier_cohort_and_the_peer() -> None:
    from datetime import date

    from backstage_sched import explain_program
    from backstage_sched.domain import Facilitator, GroupRules, Program

    people = tuple(Participant(f"p{i}", f"Chef {i}", f"p{i}@x.example", f"Bruk {i} AB")
                   for i in range(1, 6))
    program = Program(
        "t", "Backstage", date(2027, 1, 11), date(2027, 6, 30), language="en",
        groups=GroupRules(size=5, min_size=4, max_size=6),
        facilitators=(Facilitator("f1", "Greta", "f1@x.example", max_cohorts=1),),
        participants=people, met_before=(MetBefore("ht2026", "c03", ("p1", "p2")),),
    )
    explanation = explain_program(program, SolveOptions(effort=2), time_limit=10)
    assert explanation.plan.placed == 4
    (finding,) = [f for f in explanation.findings if f.rule == MET_BEFORE.code]
    assert "cohort c03 of ht2026" in finding.message and "Chef 1" in finding.message
