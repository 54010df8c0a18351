"""The ``explain`` subcommand: why each unplaced participant cannot be placed.

Wire it into the main parser with :func:`add_parser` and dispatch
``args.command == "explain"`` to :func:`run`. Input errors propagate as
:class:`~backstage_sched.errors.InputError` for the caller to map to exit code 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..actions.planner import explain_program
from ..inputs.load import load_program
from ..solver import SolveOptions
from ..solver.explain.finding import Finding
from ..wording import Words
from .exits import EXIT_OK, EXIT_RULES
from .words import SpeakingParser
from .words import speech as t

COMMAND = "explain"


def epilog() -> str:
    """The help's epilog: an example and what the command does."""
    return t._("""\
Example:
  backstage-sched explain examples/mixed-2027/program.toml \\
      examples/mixed-2027/participants.csv

  Plans the program exactly as `plan` does with the same --seed and
  --effort, then explains the people that plan leaves out: for each, the
  rule that keeps them out while everyone placed stays placed (found with
  the solver), in the coordinator's words, with a fix. People who could
  take each other's seats are shown together ("any 1 of these 3 can be
  placed; this plan leaves out ..."). --json prints the same for tools.

Exit codes: 0 everybody is placed, 1 someone is left out (causes printed),
2 bad input.
""")


def add_parser(sub: argparse._SubParsersAction[SpeakingParser]) -> argparse.ArgumentParser:
    """Add ``explain PROGRAM.toml [PARTICIPANTS.csv]`` to ``sub`` (from ``add_subparsers``)."""
    p = sub.add_parser(
        COMMAND,
        help=t._("say in plain words why someone cannot be placed, and what would fix it"),
        description=t._(
            "Explain who the plan leaves out and why: the rule, the people and dates, "
            "and a fix. Plans as `plan` does (same --seed and --effort), then uses the "
            "CP-SAT solver to find the rules that really bind."
        ),
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("program", type=Path, help=t._("program file (TOML)"))
    p.add_argument(
        "participants", type=Path, nargs="?", help=t._("participants file (CSV or XLSX)")
    )
    p.add_argument("--seed", type=int, default=0, help=t._("as for plan (default 0)"))
    p.add_argument("--effort", type=float, default=6.0, help=t._("as for plan (default 6)"))
    p.add_argument(
        "--time-limit", type=float, default=20.0,
        help=t._("seconds the diagnosis may spend after planning (default 20)"),
    )
    p.add_argument("--plain", action="store_true",
                   help=t._("plain lines instead of a table"))
    p.add_argument("--json", action="store_true",
                   help=t._("print the explanation as JSON (for tools)"))
    p.add_argument(
        "--allow-outside-calendars", action="store_true",
        help=t._("accept busy-calendar paths outside the participants file's folder"),
    )
    return p


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Explain ``args.program``; 0 when everybody is placed, 1 when someone is not."""
    program = load_program(
        args.program, args.participants,
        allow_outside_calendars=args.allow_outside_calendars,
    )
    t.use(program.lang)
    options = SolveOptions(seed=args.seed, effort=args.effort)
    found = explain_program(program, options, time_limit=args.time_limit)
    plan = found.plan
    names = {p.id: p.name for p in program.participants}
    if args.json:
        out.print_json(json.dumps(found.to_dict(program), ensure_ascii=False))
        return EXIT_RULES if plan.unplaced else EXIT_OK
    if not plan.unplaced:
        out.print(
            t._("{name}: all {count} participants can be placed.",
                name=program.name, count=len(program.participants)),
            markup=False,
        )
        return EXIT_OK
    findings = list(found.findings)
    words = Words.of(program)
    if args.plain:
        for f in findings:
            out.print(_line(f, names, words), markup=False, soft_wrap=True)
    else:
        out.print(_table(findings, names, words))
    for group in found.interchangeable:
        out.print(group.note(program), markup=False, soft_wrap=True)
    err.print(
        t._("This plan places {placed} of {registered} (no plan places more than {bound}); "
            "{unplaced} left out.",
            placed=plan.placed, registered=len(program.participants),
            bound=found.placed_bound, unplaced=len(plan.unplaced)),
        markup=False,
    )
    return EXIT_RULES


def _people(f: Finding, names: dict[str, str], words: Words) -> str:
    shown = [f"{names.get(p, p)} ({p})" for p in f.people[:6]]
    if len(f.people) > 6:
        shown.append(words.n_("and {count} more", "and {count} more", len(f.people) - 6))
    return ", ".join(shown) or "-"


def _line(f: Finding, names: dict[str, str], words: Words) -> str:
    """``[rule] people: message. Fix: fix.``, the reason in the program's language."""
    who = _people(f, names, words)
    return f"[{words.rule_name(f.name)}] {who}: {words.because(f.message, f.fix)}"


def _table(findings: list[Finding], names: dict[str, str], words: Words) -> Table:
    table = Table(title=t._("Why they cannot be placed"), show_lines=True)
    table.add_column(t._("who"))
    table.add_column(t._("rule"), no_wrap=True)
    table.add_column(t._("why"))
    table.add_column(t._("fix"))
    for f in findings:
        table.add_row(Text(_people(f, names, words)), Text(words.rule_name(f.name)),
                      Text(f.message), Text(f.fix))
    return table
