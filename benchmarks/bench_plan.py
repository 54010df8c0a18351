"""Benchmark the whole planning flow on generated programs and on the stored ones.

For each variant and size ``N x F`` (participants x facilitators) a fresh
child process generates a program (benchmarks/generate.py, seed 0); each
folder of benchmarks/programs/ named by ``--programs`` is planned as it is.
The child times load -> plan_program -> write_plan_dir and reports peak
memory, plan quality, two yardsticks (first-fit, yardstick.py, and the
coordinator's method, coordinator.py) and an upper bound on placeable
people. Results are printed as a table, with how wall time grows per
doubling of size, and written to ``benchmarks/results/latest.json``.

Exit status is 1 when any plan breaks a rule (verify() non-empty or
VerificationError), places fewer people than either yardstick, ties one in
placed people with more avoid-time hits or more irregular cohorts, or places
more than a bound, or more than the bound pinned for it in
benchmarks/best_known.json. A result placing fewer than the best known
(best_known.json, pinned as PyJobShop's benchmark tests pin their objectives)
is flagged BELOW BEST under the table; one placing more is a new best known.

    python benchmarks/bench_plan.py [--sizes 36x2,120x5] [--variants real,tight]
        [--programs all|none|NAME,NAME] [--effort 6]
"""

from __future__ import annotations

import argparse
import itertools
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

from generate import VARIANTS, generate  # noqa: E402

DEFAULT_SIZES = "36x2,120x5,360x15"
DEFAULT_VARIANTS = "real"
DEFAULT_PROGRAMS = "all"
PROGRAMS = HERE / "programs"
RESULTS = HERE / "results" / "latest.json"
BEST_KNOWN = HERE / "best_known.json"


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


def parse_variants(text: str) -> list[str]:
    """``"normal,tight"`` -> ``["normal", "tight"]`` (order kept, duplicates dropped);
    ``"none"`` -> ``[]`` (only stored programs)."""
    if text.strip().lower() == "none":
        return []
    variants: list[str] = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part not in VARIANTS:
            raise argparse.ArgumentTypeError(
                f"bad variant {part!r}; choose from {', '.join(VARIANTS)}")
        if part not in variants:
            variants.append(part)
    if not variants:
        raise argparse.ArgumentTypeError("no variants given")
    return variants


def stored_programs() -> list[str]:
    """Folders of benchmarks/programs/ that hold a program.toml, sorted."""
    if not PROGRAMS.is_dir():
        return []
    return sorted(p.parent.name for p in PROGRAMS.glob("*/program.toml"))


def parse_programs(text: str) -> list[str]:
    """``"all"`` -> every stored program, ``"none"`` -> ``[]``, else the names given."""
    text = text.strip()
    if text.lower() == "none":
        return []
    known = stored_programs()
    if text.lower() == "all":
        return known
    names: list[str] = []
    for part in text.split(","):
        part = part.strip().rstrip("/")
        if not part:
            continue
        if part not in known:
            raise argparse.ArgumentTypeError(
                f"no program {part!r} in {PROGRAMS.name}/; choose from {', '.join(known)}")
        if part not in names:
            names.append(part)
    return names


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
    cohorts; in a company run an organisation with fewer than ``min_size``
    such people forms no cohort). With rooms listed it is also capped by the
    rooms: a cohort never has more members than its room seats minus the
    facilitator, and a cohort of ``s`` members takes ``s + 1`` room sessions,
    of which a room holds ``open days x sessions per day`` (3-h sessions that
    fit between ``day_start`` and ``day_end``), so a room of ``m`` seats for
    members hosts at most ``sessions x m / (m + 1)`` people.
    """
    from backstage_sched.solver.model.instance import Instance
    from backstage_sched.solver.model.series import series_fits

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
    per_org: dict[str, int] = {}
    for org in fit_orgs:
        per_org[org] = per_org.get(org, 0) + 1
    if program.mode == "mixed":
        # each cohort seats at most max_per_organization people of one organisation
        cohorts = min(sum(inst.facilitator_limit(f) for f in inst.facilitators),
                      fits // groups.min_size)
        org_cap = sum(min(c, cohorts * groups.max_per_organization) for c in per_org.values())
        if len(per_org) * groups.max_per_organization < groups.min_size:
            org_cap = 0
    elif program.mode == "company":
        org_cap = sum(c for c in per_org.values() if c >= groups.min_size)
    result = {"series_fit": fits, "capacity": capacity, "org_mix": org_cap}
    bound = min(bound, org_cap)
    if program.venues:
        seats = [min(groups.max_size, v.capacity - 1) for v in program.venues]
        seats = [m for m in seats if m >= groups.min_size]
        day = program.sessions.day_end.hour * 60 + program.sessions.day_end.minute - (
            program.sessions.day_start.hour * 60 + program.sessions.day_start.minute)
        per_room = len(inst.calendar.calendar_number) * (day // program.sessions.duration_minutes)
        rooms = sum(per_room * m // (m + 1) for m in seats)
        per_cohort = max(seats, default=0)
        rooms = min(rooms, sum(inst.facilitator_limit(f) for f in inst.facilitators) * per_cohort)
        result["rooms"] = rooms
        bound = min(bound, rooms)
    result["bound"] = bound
    return result


def recount_soft(program: Any, plan: Any) -> dict[str, int]:
    """Avoid hits, irregular sessions and cohorts with a regular rhythm (every
    session on the kick-off's weekday and start time), counted from the plan.

    The solver's objective values are sums of penalty literals; when a level
    is not proved optimal they may overstate what the plan really does.
    """
    from backstage_sched.inputs.workdays import Slot, WorkCalendar

    cal = WorkCalendar(program)
    avoid = irregular = regular_cohorts = 0
    for cohort in plan.cohorts:
        first = cohort.sessions[0].start
        regular_cohorts += all(
            s.start.weekday() == first.weekday() and s.start.time() == first.time()
            for s in cohort.sessions
        )
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
    return {"avoid_hits": avoid, "irregular_sessions": irregular,
            "regular_cohorts": regular_cohorts}


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


def run_size(n: int, f: int, effort: float, seed: int, variant: str,
             scratch: Path) -> dict[str, Any]:
    """Generate, plan and check one size in a new folder below ``scratch`` (left there);
    runs inside a fresh child process."""
    result: dict[str, Any] = {"variant": variant, "size": f"{n}x{f}", "participants": n,
                              "facilitators": f}
    tmp = Path(tempfile.mkdtemp(prefix=f"{variant}-{n}x{f}-", dir=scratch))
    program_toml, participants_csv = generate(tmp / "input", n, f, seed, variant)
    return run_files(program_toml, participants_csv, tmp / "out", effort, seed, result)


def run_stored(name: str, effort: float, seed: int, scratch: Path) -> dict[str, Any]:
    """Plan and check the stored program ``benchmarks/programs/<name>`` as it is, its
    plan folder in a new folder below ``scratch`` (left there)."""
    folder = PROGRAMS / name
    csv_path = folder / "participants.csv"
    result: dict[str, Any] = {"program": name}
    tmp = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=scratch))
    return run_files(folder / "program.toml", csv_path if csv_path.exists() else None,
                     tmp / "out", effort, seed, result)


def run_files(program_toml: Path, participants_csv: Path | None, out: Path, effort: float,
              seed: int, result: dict[str, Any]) -> dict[str, Any]:
    """Load, plan, write and check one program; fill in and return ``result``."""
    from backstage_sched.actions.planner import plan_program
    from backstage_sched.check.verify import verify
    from backstage_sched.errors import VerificationError
    from backstage_sched.inputs.load import load_program
    from backstage_sched.publish.folder import write_plan_dir
    from backstage_sched.solver import SolveOptions

    events: list[tuple[float, str]] = []

    def progress(msg: str) -> None:
        events.append((time.perf_counter(), msg))

    options = SolveOptions(seed=seed, effort=effort, workers=1)
    t0 = time.perf_counter()
    program = load_program(program_toml, participants_csv)
    t1 = time.perf_counter()
    if "size" not in result:  # a stored program: its size is what it holds
        result.update(size=f"{len(program.participants)}x{len(program.facilitators)}",
                      participants=len(program.participants),
                      facilitators=len(program.facilitators))
    try:
        plan = plan_program(program, options, progress=progress)
    except VerificationError as exc:
        result["error"] = f"VerificationError: {exc}"
        result["violations"] = [str(v) for v in getattr(exc, "violations", [])]
        result["wall_s"] = time.perf_counter() - t0
        result["peak_rss_mb"] = _peak_rss_mb()
        return result
    t2 = time.perf_counter()
    write_plan_dir(program, plan, out)
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
    proved = objective.proved_optimal
    result["placed"] = plan.placed
    result["total"] = len(program.participants)
    result["unplaced"] = len(plan.unplaced)
    result["cohorts"] = len(plan.cohorts)
    result["solver_avoid_hits"] = objective.value("avoid_hits")
    result["solver_irregular_sessions"] = objective.value("irregular_sessions")
    result.update(recount_soft(program, plan))
    result["balance"] = objective.value("balance")
    result["proved_optimal"] = proved
    result["unplaced_reasons"] = sorted({u.reason for u in plan.unplaced})
    result["irregular_cohorts"] = len(plan.cohorts) - result["regular_cohorts"]
    result.update(yardsticks(program))
    result["upper_bound"] = placeable_upper_bound(program)
    result["placed_bound"] = objective.placed_bound
    result["placed_bound_parts"] = objective.placed_bound_parts
    # both bounds are valid, so the smaller is too; the runner's own is a cross-check
    bound = min(result["upper_bound"]["bound"], result["placed_bound"] or math.inf)
    result["bound"] = bound
    result["gap_to_bound"] = (bound - plan.placed) / bound if bound else 0.0
    result["solver_status"] = {
        level: "optimal" if ok else "feasible" for level, ok in proved.items()
    }
    yard = result["first_fit"]["file order"]
    result["vs_greedy"] = {
        "placed_diff": plan.placed - yard["placed"],
        "placed_ratio": plan.placed / yard["placed"] if yard["placed"] else None,
        "avoid_ratio": (result["avoid_hits"] / yard["avoid_hits"]
                        if yard["avoid_hits"] else None),
    }
    coord = result["coordinator"]
    if "error" not in coord:
        result["vs_coordinator"] = {
            "placed_diff": plan.placed - coord["placed"],
            "avoid_diff": result["avoid_hits"] - coord["avoid_hits"],
            "irregular_cohorts_diff": result["irregular_cohorts"] - coord["irregular_cohorts"],
        }
    return result


def yardsticks(program: Any) -> dict[str, Any]:
    """Both yardsticks on ``program``: first-fit in three orders and the coordinator's
    method (its plan verified; a broken plan or a crash is recorded as its error)."""
    from coordinator import coordinator
    from yardstick import simple_greedy

    out: dict[str, Any] = {}
    g0 = time.perf_counter()
    orders = first_fit_orders(program)
    out["first_fit"] = {name: simple_greedy(ordered) for name, ordered in orders.items()}
    yard = out["first_fit"]["file order"]
    best = max(out["first_fit"].values(), key=lambda y: y["placed"])
    out["greedy_s"] = time.perf_counter() - g0
    out["greedy_placed"] = yard["placed"]
    out["greedy_cohorts"] = yard["cohorts"]
    out["greedy_avoid_hits"] = yard["avoid_hits"]
    out["first_fit_placed"] = best["placed"]
    c0 = time.perf_counter()
    try:
        out["coordinator"] = coordinator(program)
    except Exception as exc:  # reported as a failure of the run
        out["coordinator"] = {"error": f"{type(exc).__name__}: {exc}"}
    out["coordinator"]["seconds"] = time.perf_counter() - c0
    return out


def first_fit_orders(program: Any) -> dict[str, Any]:
    """The program with its participants in each natural order a first-fit planner
    may take them in: file order, largest organisation first, most constrained
    first (fewest open start times; ties in file order)."""
    from backstage_sched.solver.model.instance import Instance

    people = list(program.participants)
    size: dict[str, int] = {}
    for p in people:
        size[p.organization] = size.get(p.organization, 0) + 1
    inst = Instance.of(program)
    everything = len(inst.calendar.calendar_number) * inst.n_slots
    room = [everything if o is None else len(o) for o in inst.participant_open]
    by_org = sorted(range(len(people)), key=lambda i: (-size[people[i].organization], i))
    by_room = sorted(range(len(people)), key=lambda i: (room[i], i))
    return {
        "file order": program,
        "largest organisation first": program.replace(
            participants=tuple(people[i] for i in by_org)),
        "most constrained first": program.replace(
            participants=tuple(people[i] for i in by_room)),
    }


def label(result: dict[str, Any]) -> str:
    """The generator variant, or the stored program's folder name."""
    return result.get("program") or result.get("variant", "normal")


def _child(job: tuple[Any, ...], effort: float, seed: int, scratch: Path,
           queue: Any) -> None:
    try:
        if job[0] == "program":
            queue.put(run_stored(job[1], effort, seed, scratch))
        else:
            _, n, f, variant = job
            queue.put(run_size(n, f, effort, seed, variant, scratch))
    except BaseException as exc:  # report, never hang the parent
        result = ({"program": job[1]} if job[0] == "program" else
                  {"variant": job[3], "size": f"{job[1]}x{job[2]}", "participants": job[1],
                   "facilitators": job[2]})
        queue.put({**result, "error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc(), "peak_rss_mb": _peak_rss_mb()})


def _isolated(job: tuple[Any, ...], effort: float, seed: int,
              scratch: Path) -> dict[str, Any]:
    """Run one job in a fresh (spawned) process so peak memory is per run."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(job, effort, seed, scratch, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if proc.exitcode not in (0, None) and "error" not in result:
        result["error"] = f"child exited with {proc.exitcode}"
    return result


def _versus(result: dict[str, Any], name: str, yard: dict[str, Any]) -> list[str]:
    """Why the plan loses to one yardstick: fewer placed, or on a tie in placed
    people more avoid-time hits or more irregular cohorts."""
    placed = result["placed"]
    if placed < yard["placed"]:
        return [f"placed {placed} < {name} {yard['placed']}"]
    if placed > yard["placed"]:
        return []
    problems = []
    if result["avoid_hits"] > yard["avoid_hits"]:
        problems.append(f"placed {placed} = {name}, but avoid hits {result['avoid_hits']}"
                        f" > {yard['avoid_hits']}")
    if result["irregular_cohorts"] > yard["irregular_cohorts"]:
        problems.append(f"placed {placed} = {name}, but irregular cohorts "
                        f"{result['irregular_cohorts']} > {yard['irregular_cohorts']}")
    return problems


def load_best_known(path: Path = BEST_KNOWN) -> dict[str, dict[str, int]]:
    """Pinned best known results: program (or "variant NxF") -> placed and bound."""
    return json.loads(path.read_text(encoding="utf-8"))["results"]


def pin_key(result: dict[str, Any]) -> str:
    """A result's key in best_known.json: the stored program, or "variant NxF"."""
    if "program" in result:
        return result["program"]
    return f"{result.get('variant', 'normal')} {result.get('size', '?')}"


def against_best(result: dict[str, Any], best: dict[str, dict[str, int]]) -> list[str]:
    """How a result compares with its pinned best known: BELOW BEST (placed fewer),
    NEW BEST (placed more, pin it) or nothing; no pin or an error: nothing."""
    pin = best.get(pin_key(result))
    if pin is None or "error" in result:
        return []
    placed, known = result["placed"], pin["placed"]
    if placed < known:
        return [f"BELOW BEST placed {placed} < best known {known} ({BEST_KNOWN.name})"]
    if placed > known:
        return [f"NEW BEST placed {placed} > best known {known}: pin it in {BEST_KNOWN.name}"]
    return []


def _below_best(result: dict[str, Any], best: dict[str, dict[str, int]] | None) -> bool:
    return any(f.startswith("BELOW BEST") for f in against_best(result, best or {}))


def failures(
    result: dict[str, Any], best: dict[str, dict[str, int]] | None = None
) -> list[str]:
    """Why this result fails the benchmark (empty when it passes); ``best``: the pinned
    best known results, whose bound no plan may pass."""
    problems = []
    if "error" in result:
        problems.append(result["error"])
        return problems
    pin = (best or {}).get(pin_key(result))
    if pin is not None and result["placed"] > pin["bound"]:
        problems.append(f"placed {result['placed']} > pinned bound {pin['bound']}"
                        f" ({BEST_KNOWN.name}): the plan or the bound is wrong")
    if result["violations"]:
        problems.append(f"{len(result['violations'])} verifier violation(s)")
    for order, yard in result["first_fit"].items():
        problems += _versus(result, f"first-fit ({order})", yard)
    coord = result["coordinator"]
    if "error" in coord:
        problems.append(f"the coordinator's method failed: {coord['error']}")
    else:
        problems += _versus(result, "the coordinator's method", coord)
    if result["placed"] > result["upper_bound"]["bound"]:
        problems.append(f"placed {result['placed']} > the runner's bound (a bound is wrong)")
    if result["placed_bound"] is None or result["placed"] > result["placed_bound"]:
        problems.append(f"placed {result['placed']} > placed_bound {result['placed_bound']}"
                        " (the bound is wrong or missing)")
    return problems


def _soft(r: dict[str, Any], key: str) -> str:
    """Recounted value, with the solver's own figure in brackets when it differs."""
    solver = r.get(f"solver_{key}")
    actual = r[key]
    return str(actual) if solver in (None, actual) else f"{actual} ({solver})"


def _fmt_optimal(proved: dict[str, bool]) -> str:
    short = {"placed": "P", "avoid_hits": "A", "irregular_sessions": "R", "balance": "B"}
    return "".join(short.get(k, k[:1].upper()) if v else "·" for k, v in proved.items()) or "-"


def growth_per_doubling(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How wall time grows per doubling of size, between consecutive sizes of a variant.

    ``(t2 / t1) ** (1 / log2(n2 / n1))``: 2.0 means time doubles when the
    number of participants doubles (linear), 4.0 quadratic. Failed sizes and
    pairs of equal size are skipped; a last entry per variant spans the first
    and the last size. Stored programs are left out.
    """
    out: list[dict[str, Any]] = []
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        if "error" not in r and r.get("wall_s") and "program" not in r:
            by_variant.setdefault(r.get("variant", "normal"), []).append(r)
    for variant, runs in by_variant.items():
        runs = sorted(runs, key=lambda r: r["participants"])
        pairs = list(itertools.pairwise(runs))
        if len(runs) > 2:
            pairs.append((runs[0], runs[-1]))
        for r1, r2 in pairs:
            n1, n2 = r1["participants"], r2["participants"]
            if n2 <= n1:
                continue
            factor = (r2["wall_s"] / r1["wall_s"]) ** (1 / math.log2(n2 / n1))
            out.append({"variant": variant, "from": r1["size"], "to": r2["size"],
                        "wall_from_s": r1["wall_s"], "wall_to_s": r2["wall_s"],
                        "per_doubling": factor})
    return out


def _ratio(a: float, b: float) -> str:
    return "-" if not b else f"{a / b:.2f}"


def _yard(r: dict[str, Any], key: str) -> str:
    """The coordinator's figure ``key``, or ``err`` when its method failed."""
    coord = r.get("coordinator", {})
    return "err" if "error" in coord else str(coord[key])


def _best_yardstick(r: dict[str, Any]) -> int:
    coord = r.get("coordinator", {})
    return max(r["first_fit_placed"], coord.get("placed", 0))


def print_table(
    results: list[dict[str, Any]], effort: float, best: dict[str, dict[str, int]] | None = None
) -> None:
    headers = [
        "program", "size", "wall s", "solve s", "write s", "peak MB", "placed", "bound", "gap",
        "first-fit", "coord.", "vs best", "avoid", "ff avoid", "coord. avoid", "irreg. cohorts",
        "coord. irreg.", "cohorts", "optimal", "status",
    ]
    rows = []
    for r in results:
        problems = failures(r, best)
        if "error" in r:
            rows.append([label(r), r.get("size", "?"),
                         f"{r.get('wall_s', math.nan):.1f}", "-", "-",
                         f"{r.get('peak_rss_mb', math.nan):.0f}"] + ["-"] * 13 + ["FAIL"])
            continue
        rows.append([
            label(r),
            r["size"],
            f"{r['wall_s']:.1f}",
            f"{r['plan_s']:.1f}",
            f"{r['write_s']:.2f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['placed']}/{r['total']}",
            str(r["bound"]),
            f"{100 * r['gap_to_bound']:.1f}%",
            str(r["first_fit_placed"]),
            _yard(r, "placed"),
            f"{r['placed'] - _best_yardstick(r):+d}",
            _soft(r, "avoid_hits"),
            str(r["greedy_avoid_hits"]),
            _yard(r, "avoid_hits"),
            str(r["irregular_cohorts"]),
            _yard(r, "irregular_cohorts"),
            str(r["cohorts"]),
            _fmt_optimal(r["proved_optimal"]),
            "FAIL" if problems else "below best" if _below_best(r, best) else "ok",
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
            table.add_column(h, justify="left" if h in ("program", "size") else "right",
                             no_wrap=True)
        for row in rows:
            table.add_row(*row)
        Console(width=max(230, os.get_terminal_size(0).columns if sys.stdin.isatty() else 230)
                ).print(table)
    print("program: generator variant, or folder of benchmarks/programs/; solve s: plan_program"
          " (solve, polish, verify); write s: write_plan_dir (the whole plan folder);"
          " bound: the plan's"
          " proven placed_bound (or the runner's own, when lower); gap: (bound - placed) /"
          " bound; first-fit: the best first-fit yardstick of three orders; coord.: the"
          " coordinator's method (dates first); vs best: placed minus the better"
          " yardstick; avoid: recounted from the plan, (solver objective) when it differs;"
          " ff avoid: avoid hits of the file-order first-fit; irreg. cohorts: cohorts not"
          " on one weekday and time; optimal: P placed, A avoid_hits, R irregular_sessions,"
          " B balance proved, · = not")
    for r in results:
        if "error" in r:
            continue
        name = f"{label(r)} {r['size']}"
        proved = [k for k, v in r["proved_optimal"].items() if v]
        found = [k for k, v in r["proved_optimal"].items() if not v]
        print(f"{name}: solver status: proved optimal: {', '.join(proved) or 'none'}; "
              f"best found, not proved: {', '.join(found) or 'none'}; "
              f"gap to bound {100 * r['gap_to_bound']:.1f} %")
        g_placed, g_avoid = r["first_fit_placed"], r["greedy_avoid_hits"]
        halved = ("-" if not g_avoid else
                  "yes" if 2 * r["avoid_hits"] <= g_avoid else "no")
        print(f"{name}: vs first-fit: placed {r['placed']} vs {g_placed} "
              f"({r['placed'] - g_placed:+d}, ratio {_ratio(r['placed'], g_placed)}); "
              f"avoid hits {r['avoid_hits']} vs {g_avoid} "
              f"(ratio {_ratio(r['avoid_hits'], g_avoid)}, at least halved: {halved}); "
              f"regular rhythm: {r.get('regular_cohorts', '-')} of {r['cohorts']} cohorts")
        coord = r["coordinator"]
        if "error" not in coord:
            print(f"{name}: vs the coordinator's method: placed {r['placed']} vs "
                  f"{coord['placed']} ({r['placed'] - coord['placed']:+d}); avoid hits "
                  f"{r['avoid_hits']} vs {coord['avoid_hits']}; irregular cohorts "
                  f"{r['irregular_cohorts']} vs {coord['irregular_cohorts']}; "
                  f"its plan took {coord['seconds']:.1f} s")
    for r in results:
        name = f"{label(r)} {r.get('size', '?')}"
        phases = r.get("phases_s")
        if phases:
            parts = ", ".join(f"{k} {v:.1f}" for k, v in phases.items())
            print(f"{name}: load {r['load_s']:.2f}, {parts}, write {r['write_s']:.2f} s")
        for problem in failures(r, best):
            print(f"{name}: FAIL {problem}")
            for v in r.get("violations", [])[:10]:
                print(f"    {v}")
        for flag in against_best(r, best or {}):
            print(f"{name}: {flag}")
    growth = growth_per_doubling(results)
    if growth:
        print("wall time growth per doubling of size ((t2/t1) ** (1/log2(n2/n1)); 2 = linear):")
        for g in growth:
            print(f"  {g['variant']} {g['from']} -> {g['to']}: {g['wall_from_s']:.1f} s -> "
                  f"{g['wall_to_s']:.1f} s, x{g['per_doubling']:.2f} per doubling")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES),
                        help=f"comma-separated NxF sizes (default {DEFAULT_SIZES})")
    parser.add_argument("--variants", type=parse_variants,
                        default=parse_variants(DEFAULT_VARIANTS),
                        help=f"comma-separated generator variants out of {', '.join(VARIANTS)},"
                             f" or none (default {DEFAULT_VARIANTS})")
    parser.add_argument("--programs", type=parse_programs,
                        default=parse_programs(DEFAULT_PROGRAMS),
                        help="stored programs of benchmarks/programs/ planned as they are:"
                             f" all, none or NAME[,NAME] (default {DEFAULT_PROGRAMS}:"
                             f" {', '.join(stored_programs()) or 'none stored'})")
    parser.add_argument("--effort", type=float, default=6.0,
                        help="CP-SAT deterministic time, first level; later ones half")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    args = parser.parse_args(argv)

    jobs: list[tuple[Any, ...]] = [("generated", n, f, variant)
                                   for variant in args.variants for n, f in args.sizes]
    jobs += [("program", name) for name in args.programs]
    if not jobs:
        parser.error("nothing to run: give --variants or --programs")
    # generated programs are pinned for seed 0; stored ones whatever the seed
    best = {k: v for k, v in load_best_known().items()
            if args.seed == 0 or k in stored_programs()}
    results = []
    # every run's folders are removed together at the end: on a file system without a
    # journal (ext4), files made within minutes of deleting thousands nearby cost
    # far more, and a run would pay for the cleaning up of the run before it
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as scratch:
        for job in jobs:
            name = job[1] if job[0] == "program" else f"{job[3]} {job[1]}x{job[2]}"
            print(f"running {name} ...", flush=True)
            result = _isolated(job, args.effort, args.seed, Path(scratch))
            results.append(result)
            status = "FAIL" if failures(result, best) else "ok"
            flags = "".join(f", {flag}" for flag in against_best(result, best))
            print(f"  {name}: {result.get('wall_s', math.nan):.1f} s, {status}{flags}",
                  flush=True)

    print_table(results, args.effort, best)
    from importlib.metadata import version

    payload = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "protocol": {"seed": args.seed, "effort": args.effort, "workers": 1,
                     "variants": args.variants,
                     "sizes": [f"{n}x{f}" for n, f in args.sizes] if args.variants else [],
                     "programs": args.programs},
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "ortools": version("ortools"),
            "backstage_sched": version("backstage_sched"),
        },
        "growth_per_doubling": growth_per_doubling(results),
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if any(failures(r, best) for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
