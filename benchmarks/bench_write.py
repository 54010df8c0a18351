"""Time writing a plan folder without solving again: read a plan folder back and write it.

The plan and program are read from FOLDER (``plan.json`` and ``input.json``, as
``read_plan_dir`` reads them) and written to a temporary folder beside the
system's others, each run in a fresh process, so imports and first renders
count as they do in ``bench_plan.py``'s ``write_s``. With ``--generate`` the
folder is made first (once): a generated program (generate.py, seed 0)
planned with ``--effort``. ``--profile N`` prints cProfile's N costliest
functions of one more run (cumulative, then own time); ``--compare`` checks the
folder written is FOLDER byte for byte.

    python benchmarks/bench_write.py out/real-360 --generate real 360x15 --effort 2
    python benchmarks/bench_write.py out/real-360 --runs 5 --profile 30 --compare
"""

from __future__ import annotations

import argparse
import cProfile
import filecmp
import multiprocessing as mp
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def make_folder(folder: Path, variant: str, size: str, effort: float) -> None:
    """Generate ``variant`` at ``size`` (``NxF``), plan it and write its plan folder."""
    from generate import generate

    from backstage_sched.actions.planner import plan_program
    from backstage_sched.inputs.load import load_program
    from backstage_sched.publish.folder import write_plan_dir
    from backstage_sched.solver import SolveOptions

    n, _, f = size.lower().partition("x")
    with tempfile.TemporaryDirectory(prefix="bench-write-") as tmp:
        toml, csv = generate(Path(tmp) / "input", int(n), int(f), 0, variant)
        program = load_program(toml, csv)
        plan = plan_program(program, SolveOptions(seed=0, effort=effort, workers=1))
    write_plan_dir(program, plan, folder)
    print(f"{folder}: {plan.placed} of {len(program.participants)} placed, "
          f"{len(plan.unplaced)} waiting")


def _write(folder: str, out: str, profile: int, queue: Any) -> None:
    from backstage_sched.publish.folder import read_plan_dir, write_plan_dir

    program, plan = read_plan_dir(folder)
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    write_plan_dir(program, plan, out)
    if profiler is not None:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(profile)
        stats.sort_stats("tottime").print_stats(profile)
    queue.put((wall, cpu))


def write_once(folder: Path, out: Path, profile: int = 0) -> tuple[float, float]:
    """Wall and CPU seconds of one ``write_plan_dir`` of ``folder`` into ``out``, in a
    fresh process."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_write, args=(str(folder), str(out), profile, queue))
    child.start()
    while True:
        try:
            result: tuple[float, float] = queue.get(timeout=1)
            break
        except Empty:
            if not child.is_alive():  # it failed, and said why on stderr
                raise SystemExit(f"the write failed (exit code {child.exitcode})") from None
    child.join()
    return result


def differing(a: Path, b: Path) -> list[str]:
    """Files of ``a`` and ``b`` (relative paths) that one lacks or whose bytes differ."""
    out: list[str] = []
    names_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    out += sorted(names_a ^ names_b)
    out += sorted(n for n in names_a & names_b
                  if not filecmp.cmp(a / n, b / n, shallow=False))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a plan folder (made with --generate)")
    parser.add_argument("--generate", nargs=2, metavar=("VARIANT", "NxF"),
                        help="make FOLDER first, if it is missing")
    parser.add_argument("--effort", type=float, default=2.0, help="effort of --generate")
    parser.add_argument("--runs", type=int, default=3, choices=range(1, 100),
                        metavar="N")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N costliest functions of one more run")
    parser.add_argument("--compare", action="store_true",
                        help="exit 1 unless the folder written is FOLDER byte for byte")
    args = parser.parse_args(argv)
    if args.generate and not args.folder.exists():
        make_folder(args.folder, *args.generate, args.effort)
    # each run writes a folder of its own, all removed together at the end: on a file
    # system without a journal (ext4), files made within minutes of deleting thousands
    # nearby cost far more, and a run would pay for replacing the run before it
    with tempfile.TemporaryDirectory(prefix="bench-write-") as tmp:
        runs = [write_once(args.folder, Path(tmp) / f"plan-{i}") for i in range(args.runs)]
        for wall, cpu in runs:
            print(f"write_s {wall:.2f}  cpu_s {cpu:.2f}")
        print(f"median write_s {statistics.median(w for w, _ in runs):.2f} "
              f"(min {min(w for w, _ in runs):.2f}) over {len(runs)} runs")
        if args.profile:
            write_once(args.folder, Path(tmp) / "plan-profiled", args.profile)
        if args.compare:
            diff = differing(args.folder, Path(tmp) / "plan-0")
            if diff:
                print(f"{len(diff)} files differ, e.g. {', '.join(diff[:5])}")
                return 1
            print("the folder written is FOLDER byte for byte")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
