"""Trust in changes (SPEC §8): cancelled stays cancelled, and every file tells the
same truth after every change.

One small program (the company example with room for one cohort of seven, so
five wait) goes through every change command in turn; after each step the
checker runs and plan.json, input.json and the overview must agree.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from backstage_sched.actions import change
from backstage_sched.actions.planner import replan_program
from backstage_sched.check.verify import verify
from backstage_sched.cli.app import main, placement_text
from backstage_sched.cli.words import Speech
from backstage_sched.plan import Cancellation, History, Objective, Plan
from backstage_sched.publish.folder import read_plan_dir, write_plan_dir

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company-2027" / "program.toml"
TODAY = date(2027, 1, 20)  # before the kick-off (2 Feb 2027): nothing held yet


def _objective(folder: Path) -> dict:
    return json.loads((folder / "plan.json").read_text(encoding="utf-8"))["objective"]


def _members(folder: Path) -> dict[str, list[str]]:
    data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    return {c["id"]: c["members"] for c in data["cohorts"]}


def _figures(folder: Path) -> dict[str, str]:
    """The overview's key figures by their (Swedish) label, in the plural form
    (each label agrees with its number: "1 anmäld", "8 anmälda")."""
    page = (folder / "overview.html").read_text(encoding="utf-8")
    singular = {"anmäld": "anmälda", "placerad": "placerade"}
    return {singular.get(label, label): value
            for value, label in re.findall(r"<li><b>([^<]*)</b>([^<]*)</li>", page)}


def _waitlist(folder: Path) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO((folder / "waitlist.csv").read_text(encoding="utf-8")))
    return {r["participant"]: r["reason"] for r in rows}


def _tells_one_truth(folder: Path) -> dict:
    """The checker passes; plan.json counts what the cohorts and input.json hold, the
    bound lies between them, and the overview shows the same numbers."""
    assert main(["check", str(folder)]) == 0, folder.name
    objective = _objective(folder)
    seated = sum(len(m) for m in _members(folder).values())
    people = json.loads((folder / "input.json").read_text(encoding="utf-8"))["participants"]
    assert objective["placed"] == seated
    assert objective["registered"] == len(people)
    bound = objective.get("placed_bound")
    assert bound is None or seated <= bound <= len(people)
    figures = _figures(folder)
    assert figures["anmälda"] == str(len(people)) and figures["placerade"] == str(seated)
    assert figures.get("kan placeras som mest") == (None if bound is None else str(bound))
    return objective


def _nothing_claimed_proven(folder: Path) -> None:
    """A plan a change made claims no proof; the overview says "proven" only when
    the placement meets a valid bound."""
    objective = _objective(folder)
    assert objective["optimal"] is None and objective["proved_optimal"] == {}
    page = (folder / "overview.html").read_text(encoding="utf-8")
    summary = page[page.index('<section id="summary">'):page.index('<section id="timeline"')]
    met = objective.get("placed_bound") == objective["placed"]
    proven = "fler går inte att placera" in summary or (
        re.search(r"Alla [\d\s]+ anmälda har fått plats", summary) is not None)
    assert proven == met
    assert "Fler går inte att placera med de här anmälningarna" not in summary


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """plan → transfer → withdraw → fill → absent → move → cancel-cohort → re-plan → fill."""
    root = tmp_path_factory.mktemp("truth")
    text = COMPANY.read_text(encoding="utf-8").replace("max_cohorts = 2", "max_cohorts = 1")
    (root / "program.toml").write_text(text, encoding="utf-8")
    day = ["--today", TODAY.isoformat()]
    steps = {
        "plan": ["plan", str(root / "program.toml"), "-q"],
        "transfer": ["transfer", "{prev}", "--from", "n04", "--to", "n99", "--name",
                     "Nina Nyberg", "--email", "nina.nyberg@nordvik.example", *day],
        "withdraw": ["withdraw", "{prev}", "n02", "--on", TODAY.isoformat()],
        "fill": ["fill", "{prev}", *day],
        "absent": ["absent", "{prev}", "n03", "--session", "2", *day],
        "move": ["move", "{prev}", "c01", "3", "--not-on", "2027-03-30", *day],
        "cancel-cohort": ["cancel-cohort", "{prev}", "c01", *day],
    }
    folders: dict[str, Path] = {}
    prev = None
    for name, argv in steps.items():
        out = root / name
        argv = [str(prev) if a == "{prev}" else a for a in argv]
        assert main([*argv, "--out", str(out)]) == 0, name
        folders[name] = prev = out
    program, plan = read_plan_dir(prev)
    replanned = replan_program(program, program, plan, date(2027, 1, 21))
    folders["re-plan"] = write_plan_dir(
        replanned.program, replanned.plan, root / "re-plan", replanned.stamp,
        replanned.outbox, replanned.diff,
    )
    out = root / "fill-again"
    assert main(["fill", str(folders["re-plan"]), "--today", "2027-01-21", "--out", str(out)]) == 0
    folders["fill-again"] = out
    return folders


def test_the_first_plan_is_proven_by_its_bound(chain: dict[str, Path]) -> None:
    objective = _tells_one_truth(chain["plan"])
    assert objective["placed"] == objective["placed_bound"] == 7 and objective["optimal"] is True


@pytest.mark.parametrize("step", ["transfer", "withdraw", "fill", "absent", "move",
                                  "cancel-cohort", "fill-again"])
def test_every_change_recounts_and_claims_no_search_proof(
    chain: dict[str, Path], step: str
) -> None:
    _tells_one_truth(chain[step])
    _nothing_claimed_proven(chain[step])


def test_the_counts_follow_each_change(chain: dict[str, Path]) -> None:
    counts = {step: (o["placed"], o["registered"], o.get("placed_bound"))
              for step, folder in chain.items() for o in [_objective(folder)]}
    assert counts == {
        "plan": (7, 12, 7),
        "transfer": (7, 12, 7),  # the newcomer has no more freedom than the leaver had
        "withdraw": (6, 11, 7),  # a withdrawn person is no longer registered
        "fill": (7, 11, 7),  # the seat freed by the withdrawal goes to the first in line
        "absent": (7, 11, 7),
        "move": (7, 11, 7),
        "cancel-cohort": (0, 11, 7),
        "re-plan": (4, 11, 4),  # the cancelled cohort's seven wait; the other four form c02
        "fill-again": (5, 11, None),  # more than the re-plan's bound: it no longer bounds
    }


def test_the_re_plan_is_searched_again_and_says_who_waits(chain: dict[str, Path]) -> None:
    objective = _tells_one_truth(chain["re-plan"])
    assert objective["optimal"] is True and objective["proved_optimal"]["placed"] is True
    program, plan = read_plan_dir(chain["re-plan"])
    assert "7 wait for a cancelled cohort" in placement_text(program, plan)
    page = (chain["re-plan"] / "overview.html").read_text(encoding="utf-8")
    assert "7 personer väntar eftersom deras grupp ställdes in" in page


def test_a_change_prints_the_counts_it_wrote(
    chain: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "withdrawn"
    argv = ["withdraw", str(chain["plan"]), "n02", "--on", TODAY.isoformat(), "--out", str(out)]
    assert main(argv) == 0
    # the company example is Swedish: so is the placement line the command prints
    assert "placerade 6 av högst 7 (11 anmälda)\n" in capsys.readouterr().out


def test_a_transfer_to_someone_freer_than_the_leaver_widens_the_bound(
    chain: dict[str, Path],
) -> None:
    program, plan = read_plan_dir(chain["plan"])
    # n09 may not meet n01: the newcomer in n01's place has no such limit
    moved = change.transfer(program, plan, "n01", "n98", "Nils Ny", "nils@nordvik.example",
                            TODAY)
    assert moved.plan.objective.placed_bound == 8 and verify(moved.program, moved.plan) == []


def test_a_withdrawal_never_leaves_the_bound_above_the_registrations() -> None:
    objective = Objective(placed=36, registered=36, optimal=True,
                          proved_optimal={"placed": True}, placed_bound=36,
                          placed_bound_parts={"value": 36, "binding": "everyone"})
    after = objective.restated(35, 35, 36)
    assert (after.placed, after.registered, after.placed_bound) == (35, 35, 35)
    assert after.placed_bound_parts["binding"] == "registered"
    assert after.optimal is None and after.proved_optimal == {}
    assert objective.restated(37, 40, 36).placed_bound is None


# ---------------------------------------------------------------------------
# the checker


@pytest.mark.rule("broken", "placement")
def test_the_checker_catches_counts_that_disagree(chain: dict[str, Path]) -> None:
    program, plan = read_plan_dir(chain["fill"])
    o = plan.objective
    for wrong, words in (
        (replace(o, placed=o.placed - 1), "objective.placed is 6, but 7 are in cohorts"),
        (replace(o, registered=12), "objective.registered is 12, but the program has 11"),
        (replace(o, placed_bound=12), "objective.placed_bound is 12"),
        (replace(o, placed_bound=6), "objective.placed_bound is 6"),
    ):
        found = verify(program, replace(plan, objective=wrong))
        assert [v.rule for v in found] == ["placement"] and words in found[0].message


@pytest.mark.rule("kept", "placement")
def test_a_plan_that_states_no_objective_claims_nothing(chain: dict[str, Path]) -> None:
    program, plan = read_plan_dir(chain["fill"])
    assert verify(program, replace(plan, objective=Objective())) == []


# ---------------------------------------------------------------------------
# cancelled stays cancelled


@pytest.fixture(scope="module")
def cancelled(tmp_path_factory: pytest.TempPathFactory):
    """The company example (two cohorts of six), c02 cancelled before it starts."""
    out = tmp_path_factory.mktemp("cancel") / "plan"
    assert main(["plan", str(COMPANY), "--out", str(out), "-q"]) == 0
    program, plan = read_plan_dir(out)
    cut = change.cancel_cohort(program, plan, "c02", TODAY)
    return cut.program, cut.plan


C02 = ["n07", "n08", "n09", "n10", "n11", "n12"]
REASON = "grupp c02 ställdes in (för få deltagare) 20 jan. 2027"


def test_a_cancellation_is_recorded_who_when_and_why(cancelled) -> None:
    _program, plan = cancelled
    (record,) = plan.history.cancelled
    assert record == Cancellation("c02", TODAY, "för få deltagare", tuple(C02), "f-lena")
    assert Plan.from_dict(json.loads(plan.to_json())).history == plan.history


def test_a_re_plan_leaves_the_cancelled_cohorts_members_waiting(
    cancelled, tmp_path: Path
) -> None:
    program, plan = cancelled
    again = replan_program(program, program, plan, date(2027, 1, 21))
    assert all(not set(C02) & set(c.members) for c in again.plan.cohorts)
    assert {u.participant: u.reason for u in again.plan.unplaced} == dict.fromkeys(C02, REASON)
    assert not again.outbox.messages and not again.outbox.feeds
    # the library names its parameter; the command line says its option (--reopen c02)
    assert any("with reopen c02" in n for n in again.notes)
    assert any("with --reopen c02" in Speech("en").say(n) for n in again.notes)
    folder = write_plan_dir(program, again.plan, tmp_path / "v3", again.stamp, again.outbox,
                            again.diff)
    assert _waitlist(folder) == dict.fromkeys(C02, REASON)
    # the record and the waiting survive a second re-plan
    _program, kept = read_plan_dir(folder)
    second = replan_program(program, program, kept, date(2027, 1, 22))
    assert second.plan.history.cancelled == plan.history.cancelled
    assert {u.participant for u in second.plan.unplaced} == set(C02)
    assert "c02" in second.plan.history.retired_cohorts


def test_reopen_plans_them_again_in_a_new_cohort(cancelled) -> None:
    program, plan = cancelled
    again = replan_program(program, program, plan, date(2027, 1, 21), reopen=("c02",))
    assert {c.id for c in again.plan.cohorts} == {"c01", "c03"}
    assert set(again.plan.cohort("c03").members) == set(C02) and not again.plan.unplaced
    (record,) = again.plan.history.cancelled
    assert record.reopened == date(2027, 1, 21) and "c02" in again.plan.history.retired_cohorts
    assert verify(program, again.plan) == []
    later = replan_program(program, program, again.plan, date(2027, 1, 22))
    assert later.plan.history.cancelled == again.plan.history.cancelled
    assert set(later.plan.cohort("c03").members) == set(C02)


def test_a_transferred_waiting_place_stays_on_hold(cancelled) -> None:
    program, plan = cancelled
    moved = change.transfer(program, plan, "n07", "n97", "Nora Ny", "nora@nordvik.example",
                            TODAY)
    assert "n97" in moved.plan.history.cancelled[0].members
    again = replan_program(moved.program, moved.program, moved.plan, date(2027, 1, 21))
    assert moved.plan.cohort_of("n97") is None and again.plan.cohort_of("n97") is None


def test_the_latest_cancellation_decides_who_waits() -> None:
    first = Cancellation("c02", date(2027, 1, 5), "x", ("a", "b"), reopened=date(2027, 1, 9))
    second = Cancellation("c05", date(2027, 2, 1), "y", ("b", "c"))
    history = History(cancelled=(second, first))
    assert history.waiting_since_cancelled() == {"b": second, "c": second}


def test_reopen_needs_a_previous_plan_and_a_cancelled_cohort(
    cancelled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(COMPANY), "--reopen", "c02", "--out", str(tmp_path / "a")]) == 2
    assert "--previous" in capsys.readouterr().err
    program, plan = cancelled
    folder = write_plan_dir(program, plan, tmp_path / "v2")
    argv = ["plan", str(COMPANY), "--previous", str(folder / "plan.json"), "--today",
            "2027-01-21", "--reopen", "c01", "--out", str(tmp_path / "b"), "-q"]
    assert main(argv) == 2
    assert "är ingen inställd grupp" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()

