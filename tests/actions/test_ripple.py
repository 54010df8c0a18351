"""Preview and least ripple (SPEC §8): every change has --dry-run, a move takes the
allowed date that moves the fewest other sessions and asks before a large ripple, and
a session added by fill keeps the cohort's weekday and start time."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backstage_sched import (
    NeedsConfirmation,
    Participant,
    fill,
    move,
    parse_rules,
    read_plan_dir,
    verify,
    write_plan_dir,
)
from backstage_sched.actions.moving import LARGE_END_SHIFT, Ripple, ripple
from backstage_sched.cli.app import EXIT_INPUT, EXIT_OK, EXIT_RULES, main
from backstage_sched.plan import Unplaced

ROOT = Path(__file__).resolve().parents[2]
OREBRO = ROOT / "examples" / "orebro-2027"
TZ = ZoneInfo("Europe/Stockholm")
SUMMER = (date(2027, 6, 21), date(2027, 8, 13))  # the example's blackout
TODAY = "2027-04-01"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*argv: str | Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def orebro(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Örebro example, planned; one more person registered late and waits."""
    folder = tmp_path_factory.mktemp("orebro") / "plan"
    planned = run("plan", OREBRO / "program.toml", OREBRO / "participants.xlsx",
                  "--out", folder, "-q")
    assert planned.code == EXIT_OK, planned.err
    return folder


@pytest.fixture(scope="module")
def waiting(orebro: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Örebro plan written with a late registration on the waiting list."""
    program, plan = read_plan_dir(orebro)
    late = Participant(id="p99", name="Nora Nyström", email="nora.nystrom@ny.example",
                       organization="Ny Org AB")
    program = program.replace(participants=(*program.participants, late))
    plan = replace(plan, unplaced=(*plan.unplaced, Unplaced("p99", "registered late")))
    return write_plan_dir(program, plan, tmp_path_factory.mktemp("waiting") / "plan")


def cohort_days(folder: Path, cohort: str) -> list[datetime]:
    data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    (c,) = [c for c in data["cohorts"] if c["id"] == cohort]
    return [datetime.fromisoformat(s["start"]).astimezone(TZ) for s in c["sessions"]]


def monday_cohort(folder: Path) -> str:
    """The cohort whose session 4 is on Monday 19 April 2027 at 08:30 (issue 22)."""
    data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    for c in sorted(data["cohorts"], key=lambda c: c["id"]):
        start = datetime.fromisoformat(c["sessions"][3]["start"]).astimezone(TZ)
        if start.replace(tzinfo=None) == datetime(2027, 4, 19, 8, 30):
            return c["id"]
    raise AssertionError("no cohort of the Örebro plan has session 4 on 2027-04-19 08:30")


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


# ---------------------------------------------------------------------------
# --dry-run on every change command

DRY_RUNS = {
    "transfer": ["--from", "p01", "--to", "p01b", "--name", "Ny Kollega",
                 "--email", "ny.kollega@orebro.example", "--today", TODAY],
    "withdraw": ["p01", "--on", TODAY],
    "move": ["{monday}", "4", "--not-on", "2027-04-19", "--today", TODAY],
    "absent": ["p01", "--session", "6", "--today", TODAY],
    "fill": ["--today", "2027-01-05"],
    "cancel-cohort": ["c04", "--today", TODAY],
}


@pytest.mark.parametrize("command", list(DRY_RUNS))
def test_dry_run_prints_the_change_and_the_messages_and_writes_nothing(
    waiting: Path, tmp_path: Path, command: str
) -> None:
    before = snapshot(waiting)
    new = tmp_path / "new"
    argv = [a.format(monday=monday_cohort(waiting)) for a in DRY_RUNS[command]]
    result = run(command, waiting, *argv, "--out", new, "--dry-run")
    assert result.code == EXIT_OK, result.err
    assert not new.exists()
    assert snapshot(waiting) == before
    assert "Provkörning: inget har skrivits." in result.out  # a Swedish program
    # the diff (changes.txt, in the program's language) and the outbox it would send
    assert "Ändringar mot förra planen" in result.out
    messages = re.findall(r"^\s+(REQUEST|CANCEL|PUBLISH|SUMMARY|LETTER)\s+(\S+) .*→ .*@",
                          result.out, flags=re.M)
    assert messages, result.out
    count = int(re.search(r"Meddelanden som skulle skickas \((\d+)\)", result.out).group(1))
    assert count == len(messages)


def test_dry_run_needs_no_out_and_without_it_out_is_asked_for(waiting: Path) -> None:
    assert run("withdraw", waiting, "p01", "--on", TODAY, "--dry-run").code == EXIT_OK
    missing = run("withdraw", waiting, "p01", "--on", TODAY)
    assert missing.code == EXIT_INPUT and "--out" in missing.err


# ---------------------------------------------------------------------------
# move: the least ripple


def test_move_takes_the_day_that_moves_the_fewest_sessions(orebro: Path, tmp_path: Path) -> None:
    """Issue 22: session 4 of a Monday cohort cannot be on 19 April. The nearest free
    day with the Monday rhythm pushed session 6 past the summer break and the end by four
    weeks; another day moves only sessions 5 and 6, before the summer, and keeps the end."""
    cohort = monday_cohort(orebro)
    new = tmp_path / "m"
    result = run("move", orebro, cohort, "4", "--not-on", "2027-04-19", "--today", TODAY,
                 "--out", new)
    assert result.code == EXIT_OK, result.err
    before, after = cohort_days(orebro, cohort), cohort_days(new, cohort)
    assert after[3].date() != date(2027, 4, 19)
    moved = [n + 1 for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert moved == [4, 5, 6]
    assert after[-1] == before[-1]  # the cohort ends when it did
    assert all(a.date() < SUMMER[0] for a, b in zip(after, before, strict=True)
               if b.date() < SUMMER[0])
    # the printout lists every session that moves, with its old and new date
    for number in (5, 6):
        line = re.search(rf"^~ .*träff {number}: flyttad från (.*) till (.*)$", result.out,
                         flags=re.M)
        assert line, result.out
        assert str(before[number - 1].day) in line.group(1)
        assert str(after[number - 1].day) in line.group(2)
    assert run("check", new).code == EXIT_OK


def test_a_move_across_the_summer_needs_yes(orebro: Path, tmp_path: Path) -> None:
    """Session 5 a week later forces session 6 past the summer break: shown and refused
    (exit 1, nothing written) until --yes."""
    cohort = monday_cohort(orebro)
    old = cohort_days(orebro, cohort)
    to = datetime.combine(date(2027, 5, 24), old[4].time()).isoformat()
    new = tmp_path / "m"
    refused = run("move", orebro, cohort, "5", "--to", to, "--today", TODAY, "--out", new)
    assert refused.code == EXIT_RULES
    assert not new.exists()
    assert "kräver --yes" in refused.err and "Sommaruppehåll" in refused.err
    assert "Inget har skrivits" in refused.err
    assert re.search(r"^~ .*träff 6: flyttad från .*juni.* till .*augusti", refused.out,
                     flags=re.M), refused.out
    preview = run("move", orebro, cohort, "5", "--to", to, "--today", TODAY, "--dry-run")
    assert preview.code == EXIT_OK and "kräver --yes" in preview.out
    done = run("move", orebro, cohort, "5", "--to", to, "--today", TODAY, "--out", new,
               "--yes")
    assert done.code == EXIT_OK, done.err
    after = cohort_days(new, cohort)
    assert after[4].date() == date(2027, 5, 24)
    assert old[5].date() < SUMMER[0] and after[5].date() > SUMMER[1]
    assert run("check", new).code == EXIT_OK


def test_the_library_asks_too_and_carries_the_change(orebro: Path) -> None:
    program, plan = read_plan_dir(orebro)
    cohort = monday_cohort(orebro)
    to = datetime(2027, 5, 24, 8, 30)
    with pytest.raises(NeedsConfirmation) as asked:
        move(program, plan, cohort, 5, date(2027, 4, 1), to=to)
    assert [s.number for s in asked.value.ripple.moved] == [5, 6, 7]
    assert asked.value.ripple.crossed[0][0].number == 6
    change = move(program, plan, cohort, 5, date(2027, 4, 1), to=to, confirm=True)
    assert change.plan == asked.value.change.plan
    assert verify(change.program, change.plan) == []


def test_an_end_more_than_two_weeks_later_needs_yes(orebro: Path) -> None:
    program, plan = read_plan_dir(orebro)
    c04 = plan.cohort("c04")  # ends in May: no blackout in reach

    def later(days: int) -> Ripple:
        sessions = tuple(replace(s, start=s.start + timedelta(days=days)) for s in c04.sessions)
        return ripple(program, c04, replace(c04, sessions=sessions))

    assert not later(LARGE_END_SHIFT).needs_yes
    far = later(LARGE_END_SHIFT + 1)
    assert far.needs_yes and not far.crossed and far.end_shift == LARGE_END_SHIFT + 1
    assert "moves by 15 days" in far.reasons()[0]


# ---------------------------------------------------------------------------
# fill: the added session keeps the cohort's weekday and start time


def test_the_session_fill_adds_keeps_the_weekday_and_start_time(orebro: Path) -> None:
    """c04 meets on Tuesdays; the newcomer cannot come on the Tuesday four weeks after
    its last session. The session added for them is on the Tuesday a week later (the gap
    rule allows 35 days), not on the Wednesday in between."""
    program, plan = read_plan_dir(orebro)
    c04 = plan.cohort("c04")
    starts = [s.start.astimezone(TZ) for s in c04.sessions]
    assert {s.weekday() for s in starts} == {1} and len({s.time() for s in starts}) == 1
    first_tuesday = starts[-1].date() + timedelta(days=28)
    late = Participant(id="p99", name="Nora Nyström", email="nora.nystrom@ny.example",
                       organization="Ny Org AB",
                       unavailable=parse_rules(first_tuesday.isoformat()))
    program = program.replace(participants=(*program.participants, late))
    plan = replace(plan, unplaced=(*plan.unplaced, Unplaced("p99", "registered late")))
    change = fill(program, plan, date(2027, 1, 5))
    joined = change.plan.cohort("c04")
    assert joined.sessions[-1].case_owner == "p99"
    added = joined.sessions[-1].start.astimezone(TZ)
    assert added.date() == first_tuesday + timedelta(days=7)
    assert added.time() == starts[0].time()
    assert verify(change.program, change.plan) == []
