"""The ``init`` subcommand: a commented program file and a participants template.

``backstage-sched init FOLDER`` writes ``FOLDER/program.toml`` (every section
and key with its default and a one-line comment) and ``FOLDER/participants.csv``
(``;``-separated, UTF-8 with BOM, as Swedish Excel saves it, with eight example
rows). The two files plan as they are, so a coordinator can see a whole plan
before typing in their own registrations.
"""

from __future__ import annotations

import argparse
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console

from .errors import InputError

PROGRAM = "program.toml"
PARTICIPANTS = "participants.csv"
FILES: tuple[str, ...] = (PROGRAM, PARTICIPANTS)
YEAR_TOKEN = "@YEAR@"
EXIT_OK = 0

EPILOG = """\
Example:
  backstage-sched init ht2027
  # edit ht2027/program.toml (dates, facilitators) and ht2027/participants.csv
  # (open it in Excel; keep the header row), then:
  backstage-sched plan ht2027/program.toml ht2027/participants.csv --out ht2027/plan

The templates plan as they are: 8 invented participants, one facilitator, a
summer blackout. Existing files are never overwritten unless you add --force.
"""


def template_text(name: str, year: int) -> str:
    """The text of template ``name`` (``program.toml`` or ``participants.csv``) for ``year``.

    The CSV text starts with a byte order mark, as Excel writes "CSV UTF-8".
    """
    raw = resources.files("backstage_sched").joinpath("templates", name).read_bytes()
    return raw.decode("utf-8").replace(YEAR_TOKEN, str(year))


def write_templates(folder: str | Path, year: int | None = None, force: bool = False) -> list[Path]:
    """Write ``program.toml`` and ``participants.csv`` into ``folder``; return their paths.

    ``year`` (default: next year) is the year of the program window and the
    example dates. Raises :class:`InputError` when a file exists and ``force``
    is false; nothing is written then.
    """
    folder = Path(folder)
    year = year if year is not None else date.today().year + 1
    targets = [folder / name for name in FILES]
    if folder.exists() and not folder.is_dir():
        raise InputError(str(folder), None, "exists and is not a folder")
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = " and ".join(str(p) for p in existing)
        raise InputError(
            None, None,
            f"{names} already exist{'s' if len(existing) == 1 else ''}; nothing was written. "
            "Choose another folder, or add --force to overwrite",
        )
    folder.mkdir(parents=True, exist_ok=True)
    for path in targets:
        # newline="" keeps the template's line endings (CRLF in the CSV, as Excel writes)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(template_text(path.name, year))
    return targets


def add_parser(sub: Any) -> None:
    """Add the ``init`` subcommand to ``sub`` (from ``ArgumentParser.add_subparsers``)."""
    p = sub.add_parser(
        "init",
        help="write a commented program.toml and a participants.csv template to start from",
        description=(
            "Write FOLDER/program.toml (every setting with its default and a comment) and "
            "FOLDER/participants.csv (';'-separated, UTF-8, opens in Excel) to start a program."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("folder", type=Path, help="folder to write the two files into (created)")
    p.add_argument(
        "--year", type=int, default=None,
        help="year of the program window and example dates (default: next year)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing files")


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Carry out ``init``; an existing file raises InputError (exit code 2)."""
    paths = write_templates(args.folder, args.year, args.force)
    program, participants = (str(p) for p in paths)
    plan_dir = str(args.folder / "plan")
    out.print(f"Wrote {program} and {participants}.", markup=False, highlight=False)
    out.print("Next steps:", markup=False, highlight=False)
    steps = (
        f"1. Edit {program}: the program window, closed days, your facilitators.",
        f"2. Open {participants} in Excel and type in your registrations "
        "(keep the header row; save as 'CSV UTF-8').",
        f"3. backstage-sched plan {program} {participants} --out {plan_dir}",
        f"4. backstage-sched check {plan_dir}",
        f"5. backstage-sched send {plan_dir} --dry-run",
    )
    for step in steps:
        out.print(f"  {step}", markup=False, highlight=False, soft_wrap=True)
    return EXIT_OK
