"""Explanations for the unplaced: each cause names the rule, the people and a fix.

Small TOML programs with participants inline; every cause is checked through
:func:`diagnose` (CP-SAT assumptions), through the reasons the planner writes
(:func:`unplaced_reasons`) where the plan runs, and through ``explain``.
"""

from __future__ import annotations

import argparse
import io
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest
from rich.console import Console

from backstage_sched import cli_explain
from backstage_sched.domain import Program
from backstage_sched.errors import InputError
from backstage_sched.load import load_program
from backstage_sched.solver.diagnose import Finding, diagnose
from backstage_sched.solver.explain import unplaced_reasons
from backstage_sched.solver.instance import Instance

HEAD = """\
[program]
id = "t27"
name = "Explain test"
start = {start}
end = {end}

[sessions]
{sessions}

[groups]
min_size = 4
max_size = {max_size}
size = 4

[[facilitators]]
id = "f1"
name = "Greta Ahlqvist"
email = "greta@leda.example"
{facilitator}
"""


def _person(pid: str, name: str, org: str, extra: str = "") -> str:
    return (
        f'[[participants]]\nid = "{pid}"\nname = "{name}"\nemail = "{pid}@x.example"\n'
        f'organization = "{org}"\n{extra}\n'
    )


def _others(n: int, first: int = 1) -> str:
    return "".join(
        _person(f"p{i:02d}", f"Person {i:02d}", f"Bruk {i:02d} AB") for i in range(first, first + n)
    )


def _write(
    tmp_path: Path,
    people: str,
    *,
    start: str = "2027-01-11",
    end: str = "2027-06-30",
    sessions: str = "",
    max_size: int = 7,
    facilitator: str = "",
) -> Path:
    path = tmp_path / "program.toml"
    head = HEAD.format(
        start=start, end=end, sessions=sessions, max_size=max_size, facilitator=facilitator
    )
    path.write_text(head + "\n" + people, encoding="utf-8")
    return path


def _explain(path: Path) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    cli_explain.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["explain", str(path), "--plain", "--time-limit", "10"])
    buf = io.StringIO()
    out = Console(file=buf, width=200, highlight=False)
    err = Console(file=io.StringIO(), width=200)
    return cli_explain.run(args, out, err), buf.getvalue()


def _only(findings: list[Finding], rule: str) -> Finding:
    assert [f.rule for f in findings] == [rule], findings
    assert "not confirmed" not in findings[0].message  # the solver confirmed it in time
    return findings[0]


def test_no_available_weekday(tmp_path: Path) -> None:
    karin = _person("p99", "Karin Ölund", "Region Syd", 'unavailable = ["mon", "tue", "wed", '
                    '"thu", "fri"]')
    program = load_program(_write(tmp_path, _others(4) + karin))
    f = _only(diagnose(program), "availability")
    assert f.people == ("p99",)
    assert "Karin Ölund (p99) is unavailable on every weekday between 2027-01-11 and " \
        "2027-06-30" in f.message
    assert "narrow Karin Ölund's unavailable times" in f.fix
    reasons = unplaced_reasons(Instance.of(program), {f"p0{i}" for i in range(1, 5)}, 1)
    assert set(reasons) == {"p99"} and "Karin Ölund (p99)" in reasons["p99"]


def test_organisation_cap(tmp_path: Path) -> None:
    syd = "".join(_person(f"s{i}", f"Syd Person {i}", "Region Syd") for i in range(1, 6))
    program = load_program(_write(tmp_path, syd + _others(6)))
    findings = diagnose(program)
    f = _only(findings, "organisation mix")
    assert len(f.people) == 3 and all(p.startswith("s") for p in f.people)
    assert (
        "Region Syd has 5 registrants but a mixed run allows 1 per cohort and only 2 "
        "cohort(s) can form: 3 must wait" in f.message
    )
    assert "Syd Person" in f.message
    assert "max_per_organization = 2" in f.fix
    code, text = _explain(_write(tmp_path, syd + _others(6)))
    assert code == 1 and "[organisation mix]" in text and "Region Syd" in text


def test_facilitator_capacity(tmp_path: Path) -> None:
    program = load_program(_write(tmp_path, _others(10), max_size=6, facilitator="max_cohorts = 1"))
    f = _only(diagnose(program), "facilitator capacity")
    assert len(f.people) == 4
    assert "facilitators can lead 1 cohort(s) in total (Greta Ahlqvist (f1) 1)" in f.message
    assert "2 are needed" in f.message and "Person" in f.message
    assert f.fix == "raise max_cohorts or add a facilitator"


def test_not_with_conflict(tmp_path: Path) -> None:
    boss = _person("p01", "Anna Chef", "Alfa AB", 'not_with = ["p02"]')
    report = _person("p02", "Bo Rapport", "Beta AB")
    program = load_program(_write(tmp_path, boss + report + _others(3, first=3)))
    f = _only(diagnose(program), "not_with")
    assert f.people in (("p01",), ("p02",))
    assert "Anna Chef (p01)" in f.message and "Bo Rapport (p02)" in f.message
    assert "not_with" in f.message and "drop the not_with pair" in f.fix


def test_window_too_short(tmp_path: Path) -> None:
    path = _write(tmp_path, _others(5), start="2027-09-01", end="2027-12-17")
    f = _only(diagnose(load_program(path)), "program window")
    assert f.people == tuple(f"p0{i}" for i in range(1, 6))
    assert (
        "the program window 2027-09-01..2027-12-17 is too short for 5 sessions 28–35 days "
        "apart (needs at least 112 days" in f.message
    )
    assert "move the end to 2027-12-22 or later" in f.fix
    code, text = _explain(path)
    assert code == 1 and "too short for 5 sessions" in text


def test_day_window_shorter_than_session(tmp_path: Path) -> None:
    path = _write(tmp_path, _others(4), sessions='day_start = "08:30"\nday_end = "11:00"')
    with pytest.raises(InputError, match="longer than the day window"):
        load_program(path)  # the loader refuses it; diagnose explains it for built programs
    ok = load_program(_write(tmp_path, _others(4)))
    program: Program = ok.replace(
        sessions=replace(ok.sessions, day_start=time(8, 30), day_end=time(11, 0))
    )
    f = _only(diagnose(program), "day window")
    assert "the day window 08:30–11:00 (150 minutes) is shorter than a session (180 " \
        "minutes)" in f.message
    assert "set day_end to 11:30 or later" in f.fix
    assert len(f.people) == 4


def test_everybody_placed(tmp_path: Path) -> None:
    path = _write(tmp_path, _others(5))
    assert diagnose(load_program(path)) == []
    code, text = _explain(path)
    assert code == 0 and "all 5 participants can be placed" in text
