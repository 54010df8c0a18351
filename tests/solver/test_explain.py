"""Explanations for the unplaced: each cause names the rule, the people and a fix.

Small TOML programs with participants inline; every cause is checked through
:func:`diagnose` (CP-SAT assumptions), through the reasons the planner writes
(:func:`unplaced_reasons`) where the plan runs, and through ``explain``. The small
programs are in English unless a test says ``language="sv"``; the template
programs (Örebro) are Swedish, as ``init`` writes them.
"""

from __future__ import annotations

import argparse
import io
import json
import re
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest
from rich.console import Console

from backstage_sched import write_templates
from backstage_sched.actions.planner import Explanation, explain_program, plan_program
from backstage_sched.cli import explain as cli_explain
from backstage_sched.cli.app import main as cli_main
from backstage_sched.domain import Program
from backstage_sched.errors import InputError
from backstage_sched.goals import GOALS
from backstage_sched.inputs.load import load_program
from backstage_sched.inputs.workdays import Slot
from backstage_sched.rules import RULES
from backstage_sched.solver import ScheduledCohort, SolveOptions
from backstage_sched.solver.explain.diagnose import Finding, diagnose
from backstage_sched.solver.explain.interchange import can_take_seat
from backstage_sched.solver.explain.reasons import unplaced_reasons
from backstage_sched.solver.model.instance import Instance

# the diagnosis's budget in CP-SAT's deterministic time: what it finds does not depend
# on how fast or busy the machine is (diagnose(work=...))
WORK = 20.0

HEAD = """\
[program]
id = "t27"
name = "Explain test"
language = "{language}"
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
    language: str = "en",
) -> Path:
    path = tmp_path / "program.toml"
    head = HEAD.format(
        start=start, end=end, sessions=sessions, max_size=max_size, facilitator=facilitator,
        language=language,
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
    assert "not confirmed" not in findings[0].message  # the solver confirmed it within WORK
    return findings[0]


def test_no_available_weekday(tmp_path: Path) -> None:
    karin = _person("p99", "Karin Ölund", "Region Syd", 'unavailable = ["mon", "tue", "wed", '
                    '"thu", "fri"]')
    program = load_program(_write(tmp_path, _others(4) + karin))
    f = _only(diagnose(program, work=WORK), "participant availability")
    assert f.people == ("p99",)
    assert "Karin Ölund (p99) is unavailable on every weekday between 11 Jan 2027 and " \
        "30 Jun 2027 (unavailable: every Monday, every Tuesday, every Wednesday, every " \
        "Thursday and every Friday)" in f.message
    assert "narrow Karin Ölund's unavailable times" in f.fix
    reasons = unplaced_reasons(Instance.of(program), {f"p0{i}" for i in range(1, 5)}, 1)
    assert set(reasons) == {"p99"} and "Karin Ölund (p99)" in reasons["p99"]
    assert reasons["p99"] == f"participant availability: {f.message}. Fix: {f.fix}."


def test_no_available_weekday_in_swedish(tmp_path: Path) -> None:
    karin = _person("p99", "Karin Ölund", "Region Syd", 'unavailable = ["mon", "tue", "wed", '
                    '"thu", "fri 08:00-17:00"]')
    program = load_program(_write(tmp_path, _others(4) + karin, language="sv"))
    f = _only(diagnose(program, work=WORK), "participant availability")  # the rule stays its code
    assert f.message == (
        "Karin Ölund (p99) är inte tillgänglig någon vardag mellan 11 jan. 2027 och 30 juni "
        "2027 (inte tillgänglig: varje måndag, varje tisdag, varje onsdag, varje torsdag och "
        "varje fredag kl. 08:00–17:00)")
    assert f.fix == ("minska de tider då Karin Ölund inte kan, eller erbjud Karin Ölund ett "
                     "senare program")
    reasons = unplaced_reasons(Instance.of(program), {f"p0{i}" for i in range(1, 5)}, 1)
    assert reasons["p99"] == f"deltagarens tillgänglighet: {f.message}. Åtgärd: {f.fix}."


def test_organisation_cap(tmp_path: Path) -> None:
    syd = "".join(_person(f"s{i}", f"Syd Person {i}", "Region Syd") for i in range(1, 6))
    program = load_program(_write(tmp_path, syd + _others(6)))
    findings = diagnose(program, work=WORK)
    f = _only(findings, "organisation mix")
    assert len(f.people) == 3 and all(p.startswith("s") for p in f.people)
    assert (
        "Region Syd has 5 registrants and a mixed run allows 1 per cohort; at most 2 "
        "cohorts can form, so at least 3 of them must wait" in f.message
    )
    assert "max_per_organization = 2" in f.fix
    code, text = _explain(_write(tmp_path, syd + _others(6)))
    assert code == 1 and "[organisation mix]" in text and "Region Syd" in text
    assert ". Fix: allow 2 per cohort" in text


def test_organisation_cap_in_swedish(tmp_path: Path) -> None:
    syd = "".join(_person(f"s{i}", f"Syd Person {i}", "Region Syd") for i in range(1, 6))
    path = _write(tmp_path, syd + _others(6), language="sv")
    f = _only(diagnose(load_program(path), work=WORK), "organisation mix")
    assert f.message == (
        "Region Syd har 5 anmälda och ett blandat program tillåter 1 per grupp; högst 2 "
        "grupper kan bildas, så minst 3 av dem måste vänta")
    code, text = _explain(path)
    assert code == 1
    assert "[blandade organisationer] " in text and ". Åtgärd: tillåt 2 per grupp " \
        "(max_per_organization = 2)" in text


def test_facilitator_capacity(tmp_path: Path) -> None:
    program = load_program(_write(tmp_path, _others(10), max_size=6, facilitator="max_cohorts = 1"))
    f = _only(diagnose(program, work=WORK), "facilitator capacity")
    assert len(f.people) == 4
    assert "the facilitators may lead 1 cohort in all (Greta Ahlqvist (f1): 1)" in f.message
    # every number is a bound all plans obey, or this plan's own
    assert "at most 6 of the 10 registrants can be placed, so at least 4 must wait" in f.message
    assert "; this plan forms that cohort and leaves 4 people without a seat" in f.message
    assert f.fix == "raise max_cohorts or add a facilitator"


def test_facilitator_capacity_in_swedish(tmp_path: Path) -> None:
    path = _write(tmp_path, _others(10), max_size=6, facilitator="max_cohorts = 1", language="sv")
    f = _only(diagnose(load_program(path), work=WORK), "facilitator capacity")
    assert f.message == (
        "samtalsledarna får leda 1 grupp sammanlagt (Greta Ahlqvist (f1): 1), med högst 6 "
        "deltagare: högst 6 av de 10 anmälda kan placeras, så minst 4 måste vänta; "
        "planen bildar den gruppen, och 4 personer står utan plats")
    assert f.fix == "höj max_cohorts eller lägg till en samtalsledare"


def test_not_with_conflict(tmp_path: Path) -> None:
    boss = _person("p01", "Anna Chef", "Alfa AB", 'not_with = ["p02"]')
    report = _person("p02", "Bo Rapport", "Beta AB")
    program = load_program(_write(tmp_path, boss + report + _others(3, first=3)))
    f = _only(diagnose(program, work=WORK), "not_with")
    assert f.people in (("p01",), ("p02",))
    assert "Anna Chef (p01)" in f.message and "Bo Rapport (p02)" in f.message
    assert "not_with" in f.message and "drop the not_with pair" in f.fix


def test_window_too_short(tmp_path: Path) -> None:
    path = _write(tmp_path, _others(5), start="2027-09-01", end="2027-12-17")
    f = _only(diagnose(load_program(path), work=WORK), "program window")
    assert f.people == tuple(f"p0{i}" for i in range(1, 6))
    assert (
        "the program window 1 Sept\u2009–\u200917 Dec 2027 is too short for 5 sessions "
        "28–35 days apart (needs at least 112 days" in f.message
    )
    assert "move the end to 22 Dec 2027 or later" in f.fix
    code, text = _explain(path)
    assert code == 1 and "too short for 5 sessions" in text
    sv = _write(tmp_path, _others(5), start="2027-09-01", end="2027-12-17", language="sv")
    f = _only(diagnose(load_program(sv), work=WORK), "program window")
    assert f.message.startswith(
        "programperioden 1 sep.–17 dec. 2027 är för kort för 5 träffar med 28–35 dagars "
        "mellanrum (det behövs minst 112 dagar")
    assert f.fix.startswith("flytta slutdatumet (end) till 22 dec. 2027 eller senare")


def test_day_window_shorter_than_session(tmp_path: Path) -> None:
    path = _write(tmp_path, _others(4), sessions='day_start = "08:30"\nday_end = "11:00"')
    with pytest.raises(InputError, match="longer than the day window"):
        load_program(path)  # the loader refuses it; diagnose explains it for built programs
    ok = load_program(_write(tmp_path, _others(4)))
    program: Program = ok.replace(
        sessions=replace(ok.sessions, day_start=time(8, 30), day_end=time(11, 0))
    )
    f = _only(diagnose(program, work=WORK), "day window")
    assert "the day window 08:30–11:00 (150 minutes) is shorter than a session (180 " \
        "minutes)" in f.message
    assert "set day_end to 11:30 or later" in f.fix
    assert len(f.people) == 4


def test_everybody_placed(tmp_path: Path) -> None:
    path = _write(tmp_path, _others(5))
    assert diagnose(load_program(path), work=WORK) == []
    code, text = _explain(path)
    assert code == 0 and "all 5 participants can be placed" in text


# ---------------------------------------------- explanations agree with the plan


@pytest.fixture(scope="module")
def orebro(tmp_path_factory: pytest.TempPathFactory) -> Program:
    """The init template with p002's and p003's organisation set to p001's."""
    folder = tmp_path_factory.mktemp("orebro")
    program_path, csv_path = write_templates(folder, year=2027)
    text = csv_path.read_text(encoding="utf-8-sig")
    text = text.replace(";Mälarbanken AB;", ";Örebro stad;").replace(
        ";Region Västra;", ";Örebro stad;")
    csv_path.write_text(text, encoding="utf-8-sig")
    return load_program(program_path, csv_path)


@pytest.fixture(scope="module")
def orebro_explained(orebro: Program) -> Explanation:
    return explain_program(orebro, SolveOptions(effort=2), work=WORK)


def test_explain_speaks_of_exactly_the_people_plan_leaves_out(
    orebro: Program, orebro_explained: Explanation
) -> None:
    plan = plan_program(orebro, SolveOptions(effort=2))
    left_out = {u.participant for u in plan.unplaced}
    assert left_out == {u.participant for u in orebro_explained.plan.unplaced}
    assert left_out == {p for f in orebro_explained.findings for p in f.people}
    # one cohort forms: one of the three Örebro colleagues, one of the not_with pair
    assert len(left_out & {"p001", "p002", "p003"}) == 2
    assert len(left_out & {"p004", "p005"}) == 1 and len(left_out) == 3


def test_interchangeable_people_are_named_as_such(
    orebro: Program, orebro_explained: Explanation
) -> None:
    groups = {g.people: g for g in orebro_explained.interchangeable}
    left_out = {u.participant for u in orebro_explained.plan.unplaced}
    orebro_group = groups["p001", "p002", "p003"]
    assert orebro_group.complete and orebro_group.placeable == 1
    assert set(orebro_group.left_out) == left_out & {"p001", "p002", "p003"}
    pair = groups["p004", "p005"]  # the not_with pair: one of them can be placed
    assert pair.complete and pair.placeable == 1
    assert set(pair.left_out) == left_out & {"p004", "p005"}
    (out,) = pair.left_out
    names = {"p004": "Göran Åkesson (p004)", "p005": "Linnéa Sjödin (p005)"}
    both = "Göran Åkesson (p004), Linnéa Sjödin (p005)"
    assert pair.note(orebro) == (  # in the program's language: Swedish
        f"utbytbara: 1 av dessa 2 kan placeras, vem som helst av dem ({both}); i den här "
        f"planen står {names[out]} utan plats")
    assert pair.note(orebro.replace(language="en")) == (
        f"interchangeable: any 1 of these 2 can be placed ({both}); this plan leaves out "
        f"{names[out]}")


# how each language says "ORG has N registrants", "N must wait" and a person's availability
FACTS = {
    "en": (" has ", r"(\d+) (?:of them )?must wait",
           ("{name}'s availability", "{name}'s unavailable times")),
    "sv": (" har ", r"(\d+) (?:av dem )?måste vänta",
           ("tider {name} kan", "tider då {name} inte kan")),
}


@pytest.fixture(scope="module", params=sorted(FACTS))
def explained(
    request: pytest.FixtureRequest, orebro: Program, orebro_explained: Explanation
) -> tuple[str, Program, Explanation]:
    """The Örebro explanation in each language: the same plan, other words."""
    if request.param == orebro.lang:
        return request.param, orebro, orebro_explained
    program = orebro.replace(language=request.param)
    return request.param, program, explain_program(program, SolveOptions(effort=2), work=WORK)


def test_every_fact_in_an_explanation_holds(explained: tuple[str, Program, Explanation]) -> None:
    language, program, explanation = explained
    has, must_wait, availability = FACTS[language]
    people = {p.id: p for p in program.participants}
    unplaced = len(explanation.plan.unplaced)
    orgs_checked = 0
    for f in explanation.findings:
        if f.rule == "organisation mix" and has in f.message.split(";")[0]:
            org = f.message.split(has)[0]
            assert all(people[p].organization == org for p in f.people), f
            count = int(f.message.split(has)[1].split()[0])
            assert count == sum(p.organization == org for p in program.participants)
            orgs_checked += 1
        for n in re.findall(must_wait, f.message):
            assert int(n) <= unplaced, f
        for pid in f.people:
            if not (people[pid].unavailable or people[pid].busy):  # never "widen" them
                name = people[pid].name
                assert not any(a.format(name=name) in f.fix for a in availability), f
    assert orgs_checked == 1  # Örebro stad's three registrants, said in this language


def test_explain_json_for_tools(orebro: Program, tmp_path: Path) -> None:
    program_path, csv_path = write_templates(tmp_path, year=2027)
    text = csv_path.read_text(encoding="utf-8-sig")
    text = text.replace(";Mälarbanken AB;", ";Örebro stad;").replace(
        ";Region Västra;", ";Örebro stad;")
    csv_path.write_text(text, encoding="utf-8-sig")
    parser = argparse.ArgumentParser()
    cli_explain.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["explain", str(program_path), str(csv_path), "--json", "--effort", "2"])
    buf = io.StringIO()
    code = cli_explain.run(args, Console(file=buf, width=200), Console(file=io.StringIO()))
    data = json.loads(buf.getvalue())
    assert code == 1
    assert set(data) >= {"unplaced", "interchangeable", "placed_bound"}
    plan = plan_program(orebro, SolveOptions(effort=2))
    left_out = sorted(u.participant for u in plan.unplaced)
    assert sorted({r["participant"] for r in data["unplaced"]}) == left_out
    for row in data["unplaced"]:
        assert set(row) >= {"participant", "rule", "people", "dates", "reason", "fix"}
    assert data["placed_bound"] >= data["placed"] == 5
    (seated,) = {"p001", "p002", "p003"} - set(left_out)
    waiting = sorted({"p001", "p002", "p003"} - {seated})
    assert {"people": ["p001", "p002", "p003"], "placeable": 1, "left_out": waiting,
            "could_take_the_seat_of": {p: [seated] for p in waiting},
            "any": True} in data["interchangeable"]
    # a Swedish program: the reasons in Swedish, the rules and field names machine values
    codes = set(RULES) | set(GOALS)  # a rule's or a goal's code, never a made-up one
    assert all(row["rule"] in codes for row in data["unplaced"])
    assert all(" grupp" in row["reason"] for row in data["unplaced"])


def test_can_take_seat_keeps_every_rule(orebro: Program, orebro_explained: Explanation) -> None:
    inst = Instance.of(orebro)
    (cohort,) = orebro_explained.plan.cohorts
    (seated,) = {"p001", "p002", "p003"} & set(cohort.members)
    waiting = next(p for p in ("p001", "p002", "p003") if p != seated)
    scheduled = ScheduledCohort(
        cohort.facilitator, cohort.venue, cohort.members,
        tuple(Slot(s.start.date(), s.start.hour * 60 + s.start.minute) for s in cohort.sessions),
        tuple(s.case_owner for s in cohort.sessions[1:]),
    )
    colleague = inst.participant_index[waiting]
    assert can_take_seat(inst, colleague, scheduled, seated)  # a colleague's seat
    other = next(m for m in cohort.members if m != seated)
    assert not can_take_seat(inst, colleague, scheduled, other)  # one per organisation


def test_plan_prints_one_line_per_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, _others(10), max_size=6, facilitator="max_cohorts = 1")
    assert cli_main(["plan", str(path), "--out", str(tmp_path / "plan"), "--effort", "1"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "not placed" in ln]
    assert len(lines) == 1, lines  # four people, one cause
    assert lines[0].startswith("  not placed (4): ") and "facilitator capacity" in lines[0]


def test_no_cohort_reason_says_only_what_holds(tmp_path: Path) -> None:
    """Asked about a plan that leaves people out although a further cohort fits their
    dates, the reason says so (it never claims "too few share their dates")."""
    lonely = _person("p99", "Karin Ensam", "Bruk 99 AB",
                     'unavailable = ["mon", "tue", "wed", "thu"]')
    others = "".join(_person(f"p{i:02d}", f"Person {i:02d}", f"Bruk {i:02d} AB",
                             'unavailable = ["fri"]') for i in range(1, 6))
    program = load_program(_write(tmp_path, others + lonely))
    inst = Instance.of(program)
    reasons = unplaced_reasons(inst, set(), 0, loads={})
    assert "this plan opens no further one although Person 01 (p01)" in reasons["p01"]
    assert "facilitator f1 (who may lead one more)" in reasons["p01"]
    # Fridays only: nobody else is free then, so no further cohort is found for her
    assert "no further cohort of at least 4 was found" in reasons["p99"]
    assert "too few" not in " ".join(reasons.values())


def test_the_diagnosis_within_a_work_budget_is_the_same_on_every_run(tmp_path: Path) -> None:
    # the not_with pair is shown by the solver (assumptions), not by a rule of thumb
    boss = _person("p01", "Anna Chef", "Alfa AB", 'not_with = ["p02"]')
    report = _person("p02", "Bo Rapport", "Beta AB")
    program = load_program(_write(tmp_path, boss + report + _others(3, first=3)))
    first = diagnose(program, work=WORK)
    assert diagnose(program, work=WORK) == first
    # no work budget at all: the solver confirms nothing, and the finding says so
    (f,) = diagnose(program, work=0.0)
    assert f.message.endswith("(not confirmed by the solver within the time limit)"), f
    assert "not confirmed" not in first[0].message
