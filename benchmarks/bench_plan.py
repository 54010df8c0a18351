"""Benchmark the whole planning flow on generated programs of growing size.

For each size ``N x F`` (participants x facilitators) a fresh child process
generates a program (benchmarks/generate.py, seed 0), then times load ->
plan_program -> write_plan_dir and reports peak memory, plan quality, the
greedy yardstick and an upper bound on placeable people. Results are printed
as a table and written to ``benchmarks/results/latest.json``.

Exit status is 1 when any plan breaks a rule (verify() non-empty or
VerificationError) or places fewer people than the greedy yardstick.

    python benchmarks/bench_plan.py [--sizes 36x2,60x3,120x5] [--effort 6]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import platform
import resource
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

DEFAULT_SIZES = "36x2,120x5,360x12,1200x36"
RESULTS = HERE / "results" / "latest.json"


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"36x2,120x5"`` -> ``[(36, 2), (120, 5)]``."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        n, _, f = part.partition("x")
        if not n.isdigit() or not f.isdigit() or int(n) < 1 or int(f) < 1:
            raise argparse.ArgumentTypeError(f"bad size {part!r}; expected e.g. 60x3")
        sizes.append((int(n), int(f)))
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def _peak_rss_mb() -> float:
    """Peak resident memory of this process or of any process it ran (split groups)."""
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    # Linux reports KiB, macOS bytes
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def placeable_upper_bound(program: Any) -> dict[str, int]:
    """People who could be placed at all, independent of the solver's search.

    A person counts when some series of ``min_size + 1`` session dates obeying
    the gap rule fits their own availability; the total is capped by what the
    facilitators may lead (sum of ``max_cohorts * max_size``) and, in a mixed
    run, by the organisation rule (an organisation fills at most
    ``max_per_organization`` places in each of at most ``sum(max_cohorts)``
    cohorts).
    """
    from backstage_sched.solver.explain import series_fits
    from backstage_sched.solver.instance import Instance

    inst = Instance.of(program)
    groups = program.groups
    fit_orgs = [
        person.organization
        for p, person in enumerate(inst.participants)
        if series_fits(inst, inst.participant_open[p], groups.min_size + 1)
    ]
    fits = len(fit_orgs)
    capacity = sum(inst.facilitator_limit(f) * groups.max_size for f in inst.facilitators)
    bound = min(fits, capacity)
    org_cap = bound
    if program.mode == "mixed":
        # each cohort seats at most max_per_organization people of one organisation
        cohorts = min(sum(inst.facilitator_limit(f) for f in inst.facilitators),
                      fits // groups.min_size)
        per_org: dict[str, int] = {}
        for org in fit_orgs:
            per_org[org] = per_org.get(org, 0) + 1
        org_cap = sum(min(c, cohorts * groups.max_per_organization) for c in per_org.values())
        if len(per_org) * groups.max_per_organization < groups.min_size:
            org_cap = 0
    return {"series_fit": fits, "capacity": capacity, "org_mix": org_cap,
            "bound": min(bound, org_cap)}


def recount_soft(program: Any, plan: Any) -> dict[str, int]:
    """Avoid hits and irregular sessions counted from the plan itself.

    The solver's objective values are sums of penalty literals; when a level
    is not proved optimal they may overstate what the plan really does.
    """
    from backstage_sched.workdays import Slot, WorkCalendar

    cal = WorkCalendar(program)
    avoid = irregular = 0
    for cohort in plan.cohorts:
        first = cohort.sessions[0].start
        for session in cohort.sessions:
            start = session.start
            slot = Slot(start.date(), start.hour * 60 + start.minute)
            for pid in cohort.members:
                person = program.participant(pid)
                if person.avoid and cal.blocked(person.avoid, (), slot):
                    avoid += 1
            if session.index > 0 and (
                start.weekday() != first.weekday() or start.time() != first.time()
            ):
                irregular += 1
    return {"avoid_hits": avoid, "irregular_sessions": irregular}


def _phases(events: list[tuple[float, str]], plan_start: float, plan_end: float) -> dict:
    """Turn progress messages into phase durations (seconds)."""
    phases: dict[str, float] = {}
    if not events:
        phases["solve_and_verify"] = plan_end - plan_start
        return phases
    first_t = events[0][0]
    phases["model_and_greedy"] = first_t - plan_start
    current: str | None = None
    since = first_t
    for t, msg in events:
        if msg.startswith("optimising "):
            current = msg.removeprefix("optimising ").removesuffix(" ...").strip()
            since = t
        elif current is not None and msg.startswith(f"{current} ="):
            phases[f"level:{current}"] = t - since
            current = None
            since = t
        else:
            since = t
    last_t = events[-1][0]
    phases["read_and_verify"] = plan_end - last_t
    return phases


def run_size(n: int, f: int, effort: float, seed: int) -> dict[str, Any]:
    """Generate, plan and check one size; runs inside a fresh child process."""
    from yardstick import simple_greedy

    from backstage_sched.errors import VerificationError
    from backstage_sched.load import load_program
    from backstage_sched.output import write_plan_dir
    from backstage_sched.planner import plan_program
    from backstage_sched.solver import SolveOptions
    from backstage_sched.verify import verify

    result: dict[str, Any] = {"size": f"{n}x{f}", "participants": n, "facilitators": f}
    with tempfile.TemporaryDirectory(prefix=f"bench-{n}x{f}-") as tmp:
        tmp_path = Path(tmp)
        program_toml, participants_csv = generate(tmp_path / "input", n, f, seed)
        events: list[tuple[float, str]] = []

        def progress(msg: str) -> None:
            events.append((time.perf_counter(), msg))

        options = SolveOptions(seed=seed, effort=effort, workers=1)
        t0 = time.perf_counter()
        program = load_program(program_toml, participants_csv)
        t1 = time.perf_counter()
        try:
            plan = plan_program(program, options, progress=progress)
        except VerificationError as exc:
            result["error"] = f"VerificationError: {exc}"
            result["violations"] = [str(v) for v in getattr(exc, "violations", [])]
            result["wall_s"] = time.perf_counter() - t0
            result["peak_rss_mb"] = _peak_rss_mb()
            return result
        t2 = time.perf_counter()
        write_plan_dir(program, plan, tmp_path / "out")
        t3 = time.perf_counter()
        result["peak_rss_mb"] = _peak_rss_mb()
        result["wall_s"] = t3 - t0
        result["load_s"] = t1 - t0
        result["plan_s"] = t2 - t1
        result["write_s"] = t3 - t2
        result["phases_s"] = _phases(events, t1, t2)
        result["progress"] = [[round(t - t1, 3), msg] for t, msg in events]

        violations = verify(program, plan)
        result["violations"] = [str(v) for v in violations]
        objective = plan.objective
        proved = objective.get("proved_optimal", {})
        result["placed"] = plan.placed
        result["total"] = len(program.participants)
        result["unplaced"] = len(plan.unplaced)
        result["cohorts"] = len(plan.cohorts)
        result["solver_avoid_hits"] = objective.get("avoid_hits")
        result["solver_irregular_sessions"] = objective.get("irregular_sessions")
        result.update(recount_soft(program, plan))
        result["balance"] = objective.get("balance")
        result["proved_optimal"] = proved
        result["unplaced_reasons"] = sorted({u.reason for u in plan.unplaced})

        g0 = time.perf_counter()
        yard = simple_greedy(program)
        result["greedy_s"] = time.perf_counter() - g0
        result["greedy_placed"] = yard["placed"]
        result["greedy_cohorts"] = yard["cohorts"]
        result["greedy_avoid_hits"] = yard["avoid_hits"]
        result["upper_bound"] = placeable_upper_bound(program)
    return result


def _child(n: int, f: int, effort: float, seed: int, queue: Any) -> None:
    try:
        queue.put(run_size(n, f, effort, seed))
    except BaseException as exc:  # report, never hang the parent
        queue.put({
            "size": f"{n}x{f}", "participants": n, "facilitators": f,
            "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(),
            "peak_rss_mb": _peak_rss_mb(),
        })


def run_isolated(n: int, f: int, effort: float, seed: int) -> dict[str, Any]:
    """Run one size in a fresh (spawned) process so peak memory is per size."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(n, f, effort, seed, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if proc.exitcode not in (0, None) and "error" not in result:
        result["error"] = f"child exited with {proc.exitcode}"
    return result


def failures(result: dict[str, Any]) -> list[str]:
    """Why this result fails the benchmark (empty when it passes)."""
    problems = []
    if "error" in result:
        problems.append(result["error"])
        return problems
    if result["violations"]:
        problems.append(f"{len(result['violations'])} verifier violation(s)")
    if result["placed"] < result["greedy_placed"]:
        problems.append(f"placed {result['placed']} < greedy {result['greedy_placed']}")
    if result["placed"] > result["upper_bound"]["bound"]:
        problems.append(f"placed {result['placed']} > upper bound (bound is wrong)")
    return problems


def _soft(r: dict[str, Any], key: str) -> str:
    """Recounted value, with the solver's own figure in brackets when it differs."""
    solver = r.get(f"solver_{key}")
    actual = r[key]
    return str(actual) if solver in (None, actual) else f"{actual} ({solver})"


def _fmt_optimal(proved: dict[str, bool]) -> str:
    short = {"placed": "P", "avoid_hits": "A", "irregular_sessions": "R", "balance": "B"}
    return "".join(short.get(k, k[:1].upper()) if v else "·" for k, v in proved.items()) or "-"


def print_table(results: list[dict[str, Any]], effort: float) -> None:
    headers = [
        "size", "wall s", "solve s", "peak MB", "placed", "unpl.", "greedy", "bound",
        "avoid", "irreg.", "cohorts", "optimal", "status",
    ]
    rows = []
    for r in results:
        problems = failures(r)
        if "error" in r:
            rows.append([r["size"], f"{r.get('wall_s', math.nan):.1f}", "-",
                         f"{r.get('peak_rss_mb', math.nan):.0f}"] + ["-"] * 8 + ["FAIL"])
            continue
        rows.append([
            r["size"],
            f"{r['wall_s']:.1f}",
            f"{r['plan_s']:.1f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['placed']}/{r['total']}",
            str(r["unplaced"]),
            str(r["greedy_placed"]),
            str(r["upper_bound"]["bound"]),
            _soft(r, "avoid_hits"),
            _soft(r, "irregular_sessions"),
            str(r["cohorts"]),
            _fmt_optimal(r["proved_optimal"]),
            "ok" if not problems else "FAIL",
        ])
    title = f"backstage_sched benchmark (seed 0, effort {effort:g}, workers 1)"
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # plain fallback
        print(title)
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
        print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
        for row in rows:
            print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    else:
        table = Table(title=title)
        for h in headers:
            table.add_column(h, justify="left" if h == "size" else "right")
        for row in rows:
            table.add_row(*row)
        Console(width=max(120, os.get_terminal_size(0).columns if sys.stdin.isatty() else 120)
                ).print(table)
    print("optimal: P placed, A avoid_hits, R irregular_sessions, B balance proved; · = not."
          " avoid/irreg.: recounted from the plan, (solver objective) when it differs")
    for r in results:
        phases = r.get("phases_s")
        if phases:
            parts = ", ".join(f"{k} {v:.1f}" for k, v in phases.items())
            print(f"{r['size']}: load {r['load_s']:.2f}, {parts}, write {r['write_s']:.2f} s")
        for problem in failures(r):
            print(f"{r['size']}: FAIL {problem}")
            for v in r.get("violations", [])[:10]:
                print(f"    {v}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES),
                        help=f"comma-separated NxF sizes (default {DEFAULT_SIZES})")
    parser.add_argument("--effort", type=float, default=6.0,
                        help="CP-SAT deterministic time, first level; later ones half")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    args = parser.parse_args(argv)

    results = []
    for n, f in args.sizes:
        print(f"running {n}x{f} ...", flush=True)
        result = run_isolated(n, f, args.effort, args.seed)
        results.append(result)
        status = "FAIL" if failures(result) else "ok"
        print(f"  {n}x{f}: {result.get('wall_s', math.nan):.1f} s, {status}", flush=True)

    print_table(results, args.effort)
    from importlib.metadata import version

    payload = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "protocol": {"seed": args.seed, "effort": args.effort, "workers": 1},
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "ortools": version("ortools"),
            "backstage_sched": version("backstage_sched"),
        },
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if any(failures(r) for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
