"""The benchmark in CI: 120-person normal and tight programs, and one shaped like real
registrations, through the runner.

The runner (benchmarks/bench_plan.py) plans each program in a spawned child
process, verifies the plan and compares it with two yardsticks -- first-fit in
three orders and the coordinator's method -- and with the bounds; here it runs
as a subprocess with a temporary ``--out``, and fails when a plan places fewer
than either yardstick (or ties one with more avoid hits or irregular cohorts)
or more than a bound.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

from bench_plan import (  # noqa: E402
    RESULTS,
    against_best,
    failures,
    growth_per_doubling,
    load_best_known,
    parse_programs,
    parse_variants,
    pin_key,
)
from generate import VARIANTS, generate  # noqa: E402


def _run(tmp_path_factory: pytest.TempPathFactory, *args: str) -> tuple[int, str, dict]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "bench_plan.py"), *args, "--programs", "none",
         "--effort", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    return proc.returncode, proc.stdout + proc.stderr, json.loads(out.read_text("utf-8"))


@pytest.fixture(scope="module")
def variants_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    return _run(tmp_path_factory, "--sizes", "120x5", "--variants", "normal,tight")


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    return _run(tmp_path_factory, "--sizes", "120x5", "--variants", "real")


def test_normal_and_tight_runs_pass(variants_run: tuple[int, str, dict]) -> None:
    code, output, _ = variants_run
    assert code == 0, output
    assert "FAIL" not in output
    assert "vs first-fit: placed" in output


def test_results_json_fields(variants_run: tuple[int, str, dict]) -> None:
    _, _, payload = variants_run
    assert payload["protocol"]["variants"] == ["normal", "tight"]
    assert {"python", "cpus", "ortools"} <= set(payload["machine"])
    assert "growth_per_doubling" in payload
    results = payload["results"]
    assert [(r["variant"], r["size"]) for r in results] == [
        ("normal", "120x5"), ("tight", "120x5")
    ]
    for r in results:
        assert "error" not in r, r.get("traceback", r.get("error"))
        assert r["violations"] == []
        assert set(r["first_fit"]) == {
            "file order", "largest organisation first", "most constrained first"
        }
        assert r["placed"] >= r["first_fit_placed"] == max(
            y["placed"] for y in r["first_fit"].values()
        )
        assert r["placed"] >= r["coordinator"]["placed"]
        assert {"placed", "cohorts", "avoid_hits", "irregular_sessions",
                "irregular_cohorts", "seconds"} <= set(r["coordinator"])
        assert r["placed"] <= r["bound"] <= r["placed_bound"] <= r["total"]
        assert r["bound"] <= r["upper_bound"]["bound"]
        assert r["placed"] + r["unplaced"] == r["total"]
        for key in ("wall_s", "plan_s", "peak_rss_mb", "cohorts", "avoid_hits",
                    "irregular_sessions", "irregular_cohorts", "greedy_avoid_hits",
                    "gap_to_bound", "solver_status", "proved_optimal", "phases_s"):
            assert key in r, key
        assert set(r["solver_status"].values()) <= {"optimal", "feasible"}
    tight = results[1]
    # the tight program cannot seat everyone: capacity, organisation caps and rooms bind
    assert tight["bound"] < tight["total"]
    assert "rooms" in tight["upper_bound"]
    assert results[0]["bound"] == results[0]["total"]


def test_real_registrations_reach_both_yardsticks(real_run: tuple[int, str, dict]) -> None:
    """Issue 19 §7: a 120-person program shaped like real registrations; placed is
    never below first-fit or the coordinator's method, never above the bound."""
    code, output, payload = real_run
    (r,) = payload["results"]
    assert "error" not in r, r.get("traceback", r.get("error"))
    assert (r["variant"], r["size"]) == ("real", "120x5")
    assert r["violations"] == []
    assert "error" not in r["coordinator"], r["coordinator"]
    assert r["placed"] >= r["first_fit_placed"], output
    assert r["placed"] >= r["coordinator"]["placed"], output
    assert r["placed"] <= r["bound"] <= r["placed_bound"], output
    assert r["bound"] <= r["upper_bound"]["bound"]
    # 2 of the 120 cannot be placed at all (every weekday blocked, a calendar busy every weekday)
    assert r["bound"] <= r["total"] - 2
    assert failures(r) == [], output
    assert code == 0, output
    assert "vs the coordinator's method: placed" in output


def test_tie_with_a_yardstick_needs_no_more_avoid_hits_or_irregular_cohorts() -> None:
    base = {
        "violations": [], "placed": 100, "avoid_hits": 3, "irregular_cohorts": 1,
        "first_fit": {"file order": {"placed": 90, "avoid_hits": 0, "irregular_cohorts": 0}},
        "coordinator": {"placed": 100, "avoid_hits": 5, "irregular_cohorts": 1},
        "upper_bound": {"bound": 110}, "placed_bound": 105,
    }
    assert failures(base) == []
    assert failures({**base, "placed": 99}) == [
        "placed 99 < the coordinator's method 100"]
    (why,) = failures({**base, "avoid_hits": 6})
    assert "avoid hits 6 > 5" in why
    (why,) = failures({**base, "irregular_cohorts": 2})
    assert "irregular cohorts 2 > 1" in why
    # more placed than the yardstick: its soft figures do not matter
    assert failures({**base, "placed": 101, "avoid_hits": 50, "irregular_cohorts": 9}) == []
    assert failures({**base, "placed": 106}) == [
        "placed 106 > placed_bound 105 (the bound is wrong or missing)"]
    (why,) = failures({**base, "coordinator": {"error": "AssertionError: broken"}})
    assert "coordinator's method failed" in why


def test_pinned_best_known_flags_a_lower_result_and_fails_one_above_the_bound() -> None:
    """best_known.json pins a program's best known placed and its bound (as PyJobShop's
    benchmark tests pin objectives): fewer is flagged, more than the bound fails."""
    best = {"weekdays-120-a": {"placed": 118, "bound": 118},
            "real 120x5": {"placed": 117, "bound": 118}}
    base = {
        "program": "weekdays-120-a", "violations": [], "placed": 118, "avoid_hits": 0,
        "irregular_cohorts": 0, "first_fit": {}, "upper_bound": {"bound": 120},
        "coordinator": {"placed": 100, "avoid_hits": 0, "irregular_cohorts": 0},
        "placed_bound": 120,
    }
    assert failures(base, best) == [] and against_best(base, best) == []
    assert failures({**base, "placed": 117}, best) == []
    assert against_best({**base, "placed": 117}, best) == [
        "BELOW BEST placed 117 < best known 118 (best_known.json)"]
    (why,) = failures({**base, "placed": 119}, best)
    assert why.startswith("placed 119 > pinned bound 118 (best_known.json)")
    assert failures({**base, "placed": 119}) == []  # no pins: the plan's own bound only
    generated = {**base, "variant": "real", "size": "120x5"}
    del generated["program"]
    (news,) = against_best(generated, best)
    assert news.startswith("NEW BEST placed 118 > best known 117")
    assert against_best({**generated, "size": "36x2"}, best) == []  # not pinned
    assert against_best({"program": "weekdays-120-a", "error": "boom"}, best) == []


def test_best_known_pins_every_stored_program_and_latest_results_reach_them() -> None:
    best = load_best_known()
    assert set(parse_programs("all")) <= set(best)
    assert all(pin["placed"] <= pin["bound"] for pin in best.values())
    latest = json.loads(RESULTS.read_text("utf-8"))["results"]
    assert sorted(pin_key(r) for r in latest) == sorted(best)
    for r in latest:
        assert failures(r, best) == [], pin_key(r)
        assert against_best(r, best) == [], pin_key(r)  # placed = best known


def test_generator_is_deterministic_per_variant(tmp_path: Path) -> None:
    seen = set()
    for variant in VARIANTS:
        a = generate(tmp_path / f"{variant}-a", 30, 2, 0, variant)
        b = generate(tmp_path / f"{variant}-b", 30, 2, 0, variant)
        texts = tuple(p.read_bytes() for p in a)
        assert texts == tuple(p.read_bytes() for p in b)
        seen.add(texts)
    assert len(seen) == len(VARIANTS)
    program = (tmp_path / "company-a" / "program.toml").read_text("utf-8")
    assert 'mode = "company"' in program
    assert "Jul och nyår" in program
    assert "[[venues]]" in (tmp_path / "venues-a" / "program.toml").read_text("utf-8")


def test_real_variant_shape(tmp_path: Path) -> None:
    program_path, csv_path = generate(tmp_path / "r", 120, 5, 0, "real")
    program = program_path.read_text("utf-8")
    # five facilitators on two fixed weekdays each, 18 cohorts for the 118 placeable
    assert program.count("[[facilitators]]") == 5
    budgets = [int(line.split("=")[1]) for line in program.splitlines()
               if line.startswith("max_cohorts")]
    assert sum(budgets) == 18 and set(budgets) <= {3, 4}
    assert "Höstlov" in program and "max_per_organization = " in program
    rows = csv_path.read_text("utf-8-sig").splitlines()
    assert len(rows) == 121 and "," in rows[0] and "calendar" in rows[0]
    calendars = sorted((tmp_path / "r" / "calendars").glob("*.ics"))
    assert 5 <= len(calendars) <= 25
    texts = [c.read_text("utf-8") for c in calendars]
    assert all("BEGIN:VTIMEZONE" in t for t in texts)
    assert any("RECURRENCE-ID" in t and "EXDATE" in t for t in texts)
    assert any("BYDAY=MO,TU,WE,TH,FR" in t for t in texts)  # busy every weekday
    from backstage_sched.inputs.load import load_program

    loaded = load_program(program_path, csv_path)
    assert len(loaded.participants) == 120


def test_stored_programs_are_listed() -> None:
    names = parse_programs("all")
    assert names == ["company-120", "weekdays-120-a", "weekdays-120-b", "weekdays-360-a",
                     "weekdays-360-b"]
    assert parse_programs("none") == []
    assert parse_programs("weekdays-120-b, company-120") == ["weekdays-120-b", "company-120"]
    with pytest.raises(Exception, match="no program"):
        parse_programs("weekdays-999")
    for name in names:
        assert (BENCH / "programs" / name / "participants.csv").is_file()


def test_variants_and_growth_helpers() -> None:
    assert parse_variants("tight, normal,tight") == ["tight", "normal"]
    assert parse_variants("none") == []
    with pytest.raises(Exception, match="bad variant"):
        parse_variants("huge")
    rows = [
        {"variant": "normal", "size": "100x4", "participants": 100, "wall_s": 2.0},
        {"variant": "normal", "size": "400x16", "participants": 400, "wall_s": 8.0},
    ]
    (g,) = growth_per_doubling(rows)
    assert g["per_doubling"] == pytest.approx(2.0)
