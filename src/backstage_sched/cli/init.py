"""The ``init`` subcommand: ``backstage-sched init FOLDER [--xlsx]`` writes the templates of
:mod:`backstage_sched.inputs.templates` into ``FOLDER`` and says what to do next."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from ..inputs.templates import write_templates
from .exits import EXIT_OK
from .words import program_language
from .words import speech as t


def epilog() -> str:
    """The help's epilog: examples and what the templates hold."""
    return t._("""\
Example:
  backstage-sched init ht2027
  # edit ht2027/program.toml (dates, facilitators) and ht2027/participants.csv
  # (open it in Excel; keep the header row), then:
  backstage-sched plan ht2027/program.toml ht2027/participants.csv --out ht2027/plan

The participants as an Excel workbook (participants.xlsx) instead of a CSV:
  backstage-sched init vt2028 --year 2028 --xlsx
  backstage-sched plan vt2028/program.toml vt2028/participants.xlsx --out vt2028/plan

The templates plan as they are: 8 invented participants, one facilitator, a
summer blackout. Existing files are never overwritten unless you add --force.
""")


def add_parser(sub: Any) -> None:
    """Add the ``init`` subcommand to ``sub`` (from ``ArgumentParser.add_subparsers``)."""
    p = sub.add_parser(
        "init",
        help=t._("write a commented program.toml and a participants.csv template to start "
                 "from"),
        description=t._(
            "Write FOLDER/program.toml (every setting with its default and a comment) and "
            "FOLDER/participants.csv (';'-separated, UTF-8, opens in Excel), or with --xlsx "
            "FOLDER/participants.xlsx (an Excel workbook), to start a program."
        ),
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("folder", type=Path,
                   help=t._("folder to write the two files into (created)"))
    p.add_argument(
        "--year", type=int, default=None,
        help=t._("year of the program window and example dates (default: next year)"),
    )
    p.add_argument("--force", action="store_true", help=t._("overwrite existing files"))
    p.add_argument(
        "--xlsx", action="store_true",
        help=t._("write the participants as participants.xlsx (an Excel workbook, same "
                 "header and rows) instead of participants.csv"),
    )


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Carry out ``init``; an existing file raises InputError (exit code 2). What it says
    after writing is in the language of the program it wrote."""
    paths = write_templates(args.folder, args.year, args.force, xlsx=args.xlsx)
    program, participants = (str(p) for p in paths)
    t.use(program_language(paths[0]))
    plan_dir = str(args.folder / "plan")
    out.print(t._("Wrote {program} and {participants}.",
        program=program, participants=participants), markup=False, highlight=False)
    out.print(t._("Next steps:"), markup=False, highlight=False)
    save = t._("save as 'Excel Workbook (.xlsx)'") if args.xlsx else t._("save as 'CSV UTF-8'")
    steps = (
        t._("1. Edit {program}: the program window, closed days, your facilitators.",
            program=program),
        t._("2. Open {participants} in Excel and type in your registrations "
            "(keep the header row; {save}).", participants=participants, save=save),
        f"3. backstage-sched plan {program} {participants} --out {plan_dir}",
        f"4. backstage-sched check {plan_dir}",
        f"5. backstage-sched send {plan_dir} --dry-run",
    )
    for step in steps:
        out.print(f"  {step}", markup=False, highlight=False, soft_wrap=True)
    return EXIT_OK
