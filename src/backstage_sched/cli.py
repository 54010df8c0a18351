"""The ``backstage-sched`` command: plan and check."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import __version__, cli_edits, send
from .errors import BackstageError, InputError, VerificationError
from .load import load_program
from .output import read_plan_dir, update_stamp, write_plan_dir
from .plan import Plan
from .planner import plan_program, replan_program
from .solver import SolveOptions
from .verify import verify

EXIT_OK, EXIT_RULES, EXIT_INPUT, EXIT_SEND = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backstage-sched",
        description="Plan Backstage leadership groups: cohorts, sessions, calendars.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    plan = sub.add_parser("plan", help="form cohorts, schedule sessions, write the plan folder")
    plan.add_argument("program", type=Path, help="program file (TOML)")
    plan.add_argument("participants", type=Path, nargs="?", help="participants file (CSV)")
    plan.add_argument("--out", type=Path, required=True, help="plan folder to write")
    plan.add_argument("--seed", type=int, default=0, help="solver seed (default 0)")
    plan.add_argument(
        "--effort", type=float, default=SolveOptions.effort,
        help="solver work per objective level, in CP-SAT deterministic seconds",
    )
    plan.add_argument(
        "--workers", type=int, default=1,
        help="parallel CP-SAT workers; more than 1 is faster but not reproducible",
    )
    plan.add_argument(
        "--time-limit", type=float, default=SolveOptions.time_limit,
        help="wall-clock cap in seconds on the whole solve",
    )
    plan.add_argument(
        "--stamp", type=datetime.fromisoformat,
        help="DTSTAMP for calendar files (ISO date-time; default derived from the program)",
    )
    plan.add_argument(
        "--previous", type=Path,
        help="re-plan: the plan.json of the published plan (its folder's input.json too)",
    )
    plan.add_argument(
        "--today", type=_day, default=None,
        help="re-plan: sessions before this date (default: today) are history and stay",
    )
    plan.add_argument("-q", "--quiet", action="store_true", help="print only errors")

    check = sub.add_parser("check", help="re-verify a plan folder against every hard rule")
    check.add_argument("plan_dir", type=Path, help="plan folder written by 'plan'")
    check.add_argument("--program", type=Path, help="check against this program file instead")
    check.add_argument("--participants", type=Path, help="participants file for --program")
    send.add_parser(sub)
    cli_edits.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    out = Console(stderr=False, highlight=False)
    if not out.is_terminal:
        out = Console(stderr=False, highlight=False, width=120)
    err = Console(stderr=True, highlight=False)
    try:
        if args.command == "plan":
            return _plan(args, out, err)
        if args.command == "send":
            return send.run(args, out, err)
        if args.command in cli_edits.COMMANDS:
            return cli_edits.run(args, out, err)
        return _check(args, out, err)
    except InputError as exc:
        err.print(f"[bold red]input error:[/] {exc}", markup=True, soft_wrap=True)
        err.print("Nothing was written.")
        return EXIT_INPUT
    except VerificationError as exc:
        err.print(f"[bold red]plan rejected:[/] {exc}", soft_wrap=True)
        err.print("Nothing was written. This is a bug in the planner; please report it.")
        return EXIT_RULES
    except BackstageError as exc:
        err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        return EXIT_RULES


def _plan(args: argparse.Namespace, out: Console, err: Console) -> int:
    program = load_program(args.program, args.participants)
    options = SolveOptions(
        seed=args.seed, workers=args.workers, effort=args.effort, time_limit=args.time_limit
    )

    def progress(message: str) -> None:
        if not args.quiet:
            err.print(f"  {message}", soft_wrap=True)

    if not args.quiet:
        err.print(
            f"Planning {program.name} ({program.id}): {len(program.participants)} "
            f"registrations, {len(program.facilitators)} facilitators"
        )
    if args.previous is None:
        plan = plan_program(program, options, progress)
        write_plan_dir(program, plan, args.out, args.stamp)
    else:
        old_program, old_plan = read_plan_dir(args.previous.parent)
        today = args.today or date.today()
        stamp = args.stamp or update_stamp(program, today)
        plan, sending, diff = replan_program(
            program, old_program, old_plan, today, options, progress, stamp
        )
        write_plan_dir(program, plan, args.out, stamp, sending, diff)
        if not args.quiet:
            out.print(diff, markup=False)
            out.print(f"{len(sending.messages)} message(s) to send, listed in outbox.json")
    if not args.quiet:
        _summary(program, plan, out)
        out.print(f"Plan verified and written to {args.out}/")
    return EXIT_OK


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-01") from None


def _summary(program, plan: Plan, out: Console) -> None:
    table = Table(title=f"{program.name}: {plan.placed} of {len(program.participants)} placed")
    for col in ("cohort", "facilitator", "members", "kick-off", "last session", "venue"):
        table.add_column(col, no_wrap=True)
    for c in plan.cohorts:
        table.add_row(
            c.id, program.facilitator(c.facilitator).name, str(len(c.members)),
            c.sessions[0].start.strftime("%a %d %b %H:%M"),
            c.sessions[-1].start.strftime("%a %d %b"),
            c.venue or "-",
        )
    out.print(table)
    for u in plan.unplaced:
        out.print(f"  unplaced {u.participant}: {u.reason}", soft_wrap=True)


def _check(args: argparse.Namespace, out: Console, err: Console) -> int:
    program, plan = read_plan_dir(args.plan_dir)
    if args.program is not None:
        program = load_program(args.program, args.participants)
    violations = verify(program, plan)
    if violations:
        for v in violations:
            out.print(str(v), soft_wrap=True, markup=False)
        err.print(f"{len(violations)} violation(s) of hard rules in {args.plan_dir}")
        return EXIT_RULES
    out.print(
        f"{args.plan_dir}: plan obeys every hard rule "
        f"({len(plan.cohorts)} cohorts, {plan.placed} placed, {len(plan.unplaced)} unplaced)"
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
