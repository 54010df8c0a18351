"""The ``explain`` subcommand: why each unplaced participant cannot be placed.

Wire it into the main parser with :func:`add_parser` and dispatch
``args.command == "explain"`` to :func:`run`. Input errors propagate as
:class:`~backstage_sched.errors.InputError` for the caller to map to exit code 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .load import load_program
from .solver.diagnose import Finding, diagnose

COMMAND = "explain"
EXIT_OK, EXIT_BLOCKED = 0, 1

EPILOG = """\
Example:
  backstage-sched explain examples/mixed-2027/program.toml \\
      examples/mixed-2027/participants.csv

  Plans the program, then asks the solver, for everybody left out, which
  rule keeps them out while everyone placed stays placed. Prints one line
  per cause, e.g.

    organisation mix  Region Syd has 9 registrants but a mixed run allows 1
                      per cohort and only 7 cohort(s) can form: 2 must wait
                      fix: allow 2 per cohort (max_per_organization = 2) ...

Exit codes: 0 everybody can be placed, 1 someone cannot (causes printed),
2 bad input.
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add ``explain PROGRAM.toml [PARTICIPANTS.csv]`` to ``sub`` (from ``add_subparsers``)."""
    p = sub.add_parser(
        COMMAND,
        help="say in plain words why someone cannot be placed, and what would fix it",
        description=(
            "Explain who cannot be placed and why: the rule, the people and dates, "
            "and a fix. Uses the CP-SAT solver to find the rules that really bind."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("program", type=Path, help="program file (TOML)")
    p.add_argument("participants", type=Path, nargs="?", help="participants file (CSV)")
    p.add_argument(
        "--time-limit", type=float, default=20.0,
        help="seconds the solver may spend in all (default 20)",
    )
    p.add_argument("--plain", action="store_true", help="plain lines instead of a table")
    p.add_argument(
        "--allow-outside-calendars", action="store_true",
        help="accept busy-calendar paths outside the participants file's folder",
    )
    return p


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Explain ``args.program``; 0 when everybody can be placed, 1 when someone cannot."""
    program = load_program(
        args.program, args.participants,
        allow_outside_calendars=args.allow_outside_calendars,
    )
    findings = diagnose(program, time_limit=getattr(args, "time_limit", 20.0))
    names = {p.id: p.name for p in program.participants}
    blocked = sorted({pid for f in findings for pid in f.people})
    if not blocked:
        out.print(
            f"{program.name}: all {len(program.participants)} participants can be placed.",
            markup=False,
        )
        return EXIT_OK
    if getattr(args, "plain", False):
        for f in findings:
            out.print(_line(f, names), markup=False, soft_wrap=True)
    else:
        out.print(_table(findings, names))
    err.print(
        f"{len(blocked)} of {len(program.participants)} participant(s) cannot be placed."
    )
    return EXIT_BLOCKED


def _people(f: Finding, names: dict[str, str]) -> str:
    shown = [f"{names.get(p, p)} ({p})" for p in f.people[:6]]
    if len(f.people) > 6:
        shown.append(f"and {len(f.people) - 6} more")
    return ", ".join(shown) or "-"


def _line(f: Finding, names: dict[str, str]) -> str:
    return f"[{f.rule}] {_people(f, names)}: {f.message}. Fix: {f.fix}."


def _table(findings: list[Finding], names: dict[str, str]) -> Table:
    table = Table(title="Why they cannot be placed", show_lines=True)
    table.add_column("who")
    table.add_column("rule", no_wrap=True)
    table.add_column("why")
    table.add_column("fix")
    for f in findings:
        table.add_row(Text(_people(f, names)), Text(f.rule), Text(f.message), Text(f.fix))
    return table
