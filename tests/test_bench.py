"""The benchmark in CI: a tiny normal and a 120-person tight program through the runner.

The runner (benchmarks/bench_plan.py) plans each program in a spawned child
process, verifies the plan and compares it with the first-fit yardstick in
three orders and with the bounds; here it runs as a subprocess with a
temporary ``--out``, and fails when a plan places fewer than first-fit or
more than a bound.
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

from bench_plan import growth_per_doubling, parse_variants  # noqa: E402
from generate import VARIANTS, generate  # noqa: E402


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "bench_plan.py"), "--sizes", "24x1,120x5",
         "--variants", "normal,tight", "--effort", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    return proc.returncode, proc.stdout + proc.stderr, json.loads(out.read_text("utf-8"))


def test_tiny_runs_pass(tiny_run: tuple[int, str, dict]) -> None:
    code, output, _ = tiny_run
    assert code == 0, output
    assert "FAIL" not in output
    assert "vs first-fit: placed" in output


def test_results_json_fields(tiny_run: tuple[int, str, dict]) -> None:
    _, _, payload = tiny_run
    assert payload["protocol"]["variants"] == ["normal", "tight"]
    assert {"python", "cpus", "ortools"} <= set(payload["machine"])
    assert "growth_per_doubling" in payload
    results = payload["results"]
    assert [(r["variant"], r["size"]) for r in results] == [
        ("normal", "24x1"), ("normal", "120x5"), ("tight", "24x1"), ("tight", "120x5")
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
        assert r["placed"] <= r["bound"] <= r["placed_bound"] <= r["total"]
        assert r["bound"] <= r["upper_bound"]["bound"]
        assert r["placed"] + r["unplaced"] == r["total"]
        for key in ("wall_s", "plan_s", "peak_rss_mb", "cohorts", "avoid_hits",
                    "irregular_sessions", "irregular_cohorts", "greedy_avoid_hits",
                    "gap_to_bound", "solver_status", "proved_optimal", "phases_s"):
            assert key in r, key
        assert set(r["solver_status"].values()) <= {"optimal", "feasible"}
    tight = results[3]
    # the tight program cannot seat everyone: capacity, organisation caps and rooms bind
    assert tight["bound"] < tight["total"]
    assert "rooms" in tight["upper_bound"]
    assert results[1]["bound"] == results[1]["total"]


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


def test_variants_and_growth_helpers() -> None:
    assert parse_variants("tight, normal,tight") == ["tight", "normal"]
    with pytest.raises(Exception, match="bad variant"):
        parse_variants("huge")
    rows = [
        {"variant": "normal", "size": "100x4", "participants": 100, "wall_s": 2.0},
        {"variant": "normal", "size": "400x16", "participants": 400, "wall_s": 8.0},
    ]
    (g,) = growth_per_doubling(rows)
    assert g["per_doubling"] == pytest.approx(2.0)
