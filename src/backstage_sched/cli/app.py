"""The ``backstage-sched`` command: init, plan, check, send and the edits after publishing.

Exit codes, the same for every subcommand:

====  ==============================================================
0     done
1     the rules cannot all hold (infeasible), or ``check`` found violations
2     bad input: a file, a column, a key or an option; nothing was written
3     sending failed (``send``); run it again to resume without duplicates
====  ==============================================================
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from .._version import __version__
from ..actions.planner import plan_program, replan_program
from ..actions.unsent import outbox_since_sent
from ..check.verify import verify
from ..domain import Program
from ..errors import InputError
from ..inputs.load import load_program
from ..plan import Plan
from ..publish.folder import check_out_dir, read_plan_dir, write_plan_dir
from ..solver import SolveOptions
from ..solver.explain.preflight import preflight
from ..wording import Words
from . import edits as cli_edits
from . import explain as cli_explain
from . import init as cli_init
from . import replies as cli_replies
from . import send
from .edits import iso_date
from .exits import EXIT_INPUT, EXIT_OK, EXIT_RULES, handled, warn
from .summary import placement_text
from .words import (
    SpeakingParser,
    environment_language,
    folder_language,
    program_language,
)
from .words import speech as t


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the worked examples (indented lines) as written; wraps a prose
    paragraph only when a line of it is too long for the terminal."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for para in text.split("\n\n"):
            lines = para.splitlines()
            code = any(line.startswith(" ") for line in lines)
            if not code and any(len(indent + line) > width for line in lines):
                para = textwrap.fill(
                    " ".join(para.split()), width, initial_indent=indent, subsequent_indent=indent
                )
            else:
                para = "\n".join(indent + line for line in lines)
            paragraphs.append(para)
        return "\n\n".join(paragraphs)


_RAW = _HelpFormatter


def main_epilog() -> str:
    """The main help's epilog: a first program in five commands, the exit codes."""
    return t._("""\
Example: a first program in five commands
  backstage-sched init ht2027                    # program.toml + participants.csv templates
  # edit ht2027/program.toml and ht2027/participants.csv, then:
  backstage-sched plan ht2027/program.toml ht2027/participants.csv --out ht2027/plan
  backstage-sched check ht2027/plan              # re-verify every hard rule
  backstage-sched send ht2027/plan --dry-run     # the invitation e-mails as .eml files

Open ht2027/plan/overview.html in a browser to see the cohorts, dates and costs.
Run 'backstage-sched COMMAND --help' for the options and an example of each command.

Exit codes: 0 done · 1 infeasible or rule violations · 2 bad input (nothing
written) · 3 sending failed (run send again to resume)
""")

def epilogs() -> dict[str, str]:
    """The epilog (examples and what the command does) of each command's help."""
    return {
        "plan": t._("""\
Example:
  backstage-sched plan examples/mixed-2027/program.toml \\
      examples/mixed-2027/participants.csv --out plan/

Re-plan after edited inputs, keeping what already took place:
  backstage-sched plan program.toml participants.csv \\
      --previous plan/plan.json --today 2027-04-12 --out plan-v2/

A cancelled cohort stays cancelled: its members wait on the waiting list with
the reason, and a re-plan leaves them out until you ask. Add --reopen c03 (as
often as needed) to plan the members of cancelled cohort c03 again, in a new
cohort; the cancelled id is never used again (see cancel-cohort --help).

Before planning, plan warns of what cannot work: a facilitator never free in
the program window, or no series of sessions that fits (warning: [rule] ...).
With --strict it stops there: exit code 2, nothing written.

Writes plan.json, cohorts/, people/, invites/, overview.html, costs.csv and
outbox.json into the --out folder, all at once: a failed run leaves an earlier
folder as it was. Exit code 0 when written, 1 when the rules cannot all hold,
2 on bad input (also input larger than a program: more than 5 000
registrations) and, with --strict, on a warning before planning.
"""),
        "check": t._("""\
Example:
  backstage-sched check plan/
  backstage-sched check plan/ --program program.toml --participants participants.csv

Lists every broken hard rule, one per line; exit code 0 when there is none,
1 when there are violations, 2 when the folder or files cannot be read.
"""),
        "send": t._("""\
Example:
  backstage-sched send plan/ --dry-run          # .eml files in plan/sent-eml/, nothing sent
  export BACKSTAGE_SMTP_PASSWORD='...'
  backstage-sched send plan/ --smtp mail.example.org:587 --starttls \\
      --user me --from kurs@example.org

Sends what plan/outbox.json lists; plan/sent.json records each accepted
e-mail, so a run that stops halfway (exit code 3) resumes without duplicates.
"""),
        "transfer": t._("""\
Example:
  backstage-sched transfer plan/ --from p003 --to p038 --name "Tove Ångman" \\
      --email tove@example.org --out plan-v2/

The colleague must belong to the same organisation. plan-v2/outbox.json lists
the cancellation for the leaving person and the invitations for the new one.
--dry-run prints the changes and the messages instead, and writes nothing.
"""),
        "withdraw": t._("""\
Example:
  backstage-sched withdraw plan/ p010 --on 2027-03-22 --out plan-v2/

Says whether the fee is due (withdrawal on or after the cancellation deadline)
and flags a cohort that falls below min_size. --dry-run prints the changes and
the messages instead, and writes nothing.
"""),
        "move": t._("""\
Example:
  backstage-sched move plan/ c04 4 --not-on 2027-04-06 --out plan-v2/
  backstage-sched move plan/ c04 4 --to 2027-04-08T13:00 --out plan-v2/
  backstage-sched move plan/ c04 4 --not-on 2027-04-06 --dry-run   # preview only

Session 4 is the fourth meeting, as calendar titles ("session 4/7") and the
overview number it: 1 is the kick-off. The gap rule still holds: later
sessions of the cohort move only where forced, as few as can. --not-on takes
the other day that moves the fewest other sessions (then the one that moves
the cohort's end least, then the nearest, then the same weekday and time).
Every session that moves is listed with its old and new date. A move that
pushes a session across a blackout, or the cohort's end by more than 14 days,
is shown and refused (exit code 1, nothing written) until you add --yes.
A number that does not fit the dates given (--not-on, or a --to far from it)
is refused with the session that does.
"""),
        "absent": t._("""\
Example:
  backstage-sched absent plan/ p010 --session 3 --out plan-v2/

Records that p010 will miss session 3 (1 is the kick-off). When session 3 is
p010's case turn, it swaps with the member whose turn comes next, and both
sessions' invitations are updated for the cohort; exit code 1 when no turn
can move (their turn is the last session and every other has been held).
--dry-run prints the changes and the messages instead, and writes nothing.
"""),
        "fill": t._("""\
Example:
  backstage-sched fill plan/ --today 2027-02-01 --dry-run
  backstage-sched fill plan/ --today 2027-02-01 --out plan-v2/

Free seats (cohorts below the target size, or that lost a member) go to the
waiting list in rank order (waitlist.csv). A newcomer joins only where a
session can be added after the last one for their own case turn (on the
cohort's weekday and start time wherever the gap rule allows), and only while
at most join_until_session sessions have been held. plan-v2/outbox.json lists
their invitations and the cohort's updates; --dry-run prints them and writes
nothing. Whoever fits no free seat is listed with the reason.
"""),
        "cancel-cohort": t._("""\
Example:
  backstage-sched cancel-cohort plan/ c03 --out plan-v2/

The cohort's members become unplaced, with the reason (--reason, default: too
few participants) in waitlist.csv; plan-v2/outbox.json lists a cancellation
for each of its future sessions. A later re-plan keeps them waiting until you
ask: fill offers them free seats, and a re-plan that reopens the cohort plans
them again (in a new cohort; c03 stays cancelled):
  backstage-sched plan program.toml participants.csv \\
      --previous plan-v2/plan.json --reopen c03 --out plan-v3/
--dry-run prints the changes and the messages instead, and writes nothing.
"""),
        "substitute": t._("""\
Example:
  backstage-sched substitute plan/ c06 --facilitator f-karin --today 2027-03-25 --dry-run
  backstage-sched substitute plan/ c06 --facilitator f-karin --from-session 5 \\
      --today 2027-03-25 --out plan-v2/

f-karin leads c06 from session 5 (1 is the kick-off; default: the first session
not yet held) on the same dates, checked against f-karin's availability,
max_cohorts, sessions per day, buffer and other sessions; exit code 1 names the
session and the rule that fails. The members get updates of the same events,
the facilitator who hands over cancellations (or, without organizer_email,
their changed feed), the new one invitations as CHAIR (or their feed).
plan.json keeps who led the earlier sessions.
"""),
        "replies": t._("""\
Example:
  backstage-sched replies plan/ answers.mbox --today 2027-02-15 --dry-run
  backstage-sched replies plan/ saved-mails/ --today 2027-02-15 --out plan-v2/
  export BACKSTAGE_IMAP_PASSWORD='...'
  backstage-sched replies plan/ imaps://kurs@imap.example.org/INBOX --out plan-v2/

Reads the calendar answers (iTIP REPLY and COUNTER) people's calendar programs
sent back. An answer counts only when its UID is a session of the plan, its
ATTENDEE a member of that session, the e-mail's From that attendee's address
and its SEQUENCE not older than the session's; the rest is ignored and counted
by reason. A decline of a session to come is an absence, as 'absent' records
it (the case turn swaps; the cohort gets updates); when no turn can move it is
listed for you, with the reason, and nothing changes. Acceptances are kept per
session (attendance.csv, the overview). A proposed new time is listed beside
the 'move' command that would make it, never applied. plan-v2/replies.json
keeps the Message-IDs read, so reading the same mailbox again changes nothing.
The mailbox is only read (IMAP: EXAMINE, BODY.PEEK). --dry-run prints what
would be recorded and writes nothing.
"""),
}


def _parser() -> argparse.ArgumentParser:
    """The command line's parser, in the environment's language (no program is read yet)."""
    t.use(environment_language())
    parser = SpeakingParser(
        prog="backstage-sched",
        description=t._(
            "Plan Backstage leadership groups: form cohorts, schedule every session, "
            "check the rules, write calendar files and send invitations."
        ),
        epilog=main_epilog(),
        formatter_class=_RAW,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help=t._("show the version number and exit"))
    sub = parser.add_subparsers(dest="command", required=True, metavar=t._("COMMAND"))

    cli_init.add_parser(sub)
    _add_plan(sub)
    _add_check(sub)
    cli_explain.add_parser(sub)
    send.add_parser(sub)
    cli_edits.add_parsers(sub)
    cli_replies.add_parser(sub)
    _same_help_style(sub)
    return parser


def _add_plan(sub: Any) -> None:
    """Add ``plan``: the input files, the plan folder, the solver's knobs, the re-plan options."""
    plan = sub.add_parser(
        "plan", help=t._("form cohorts, schedule sessions, write the plan folder"),
        description=t._(
            "Form cohorts, schedule every session, verify, and write the plan folder."),
    )
    plan.add_argument("program", type=Path, help=t._("program file (TOML)"))
    plan.add_argument(
        "participants", type=Path, nargs="?", help=t._("participants file (CSV or XLSX)")
    )
    plan.add_argument("--out", type=Path, required=True, help=t._("plan folder to write"))
    plan.add_argument(
        "--seed", type=int, default=0,
        help=t._("solver seed (default 0); the same input and seed give the same files"),
    )
    plan.add_argument(
        "--effort", type=float, default=SolveOptions.effort,
        help=t._("solver work per objective level, in CP-SAT deterministic seconds "
                 "(default {default}); more may find a better plan",
            default=f"{SolveOptions.effort:g}"),
    )
    plan.add_argument(
        "--workers", type=int, default=1,
        help=t._("parallel CP-SAT workers; more than 1 is faster but not reproducible"),
    )
    plan.add_argument(
        "--time-limit", type=float, default=SolveOptions.time_limit, metavar=t._("SECONDS"),
        help=t._("wall-clock cap on the whole solve (default {default})",
            default=f"{SolveOptions.time_limit:g}"),
    )
    plan.add_argument(
        "--stamp", type=datetime.fromisoformat,
        help=t._("DTSTAMP for calendar files (ISO date-time; default derived from the program)"),
    )
    plan.add_argument(
        "--previous", type=Path, metavar="PLAN_JSON",
        help=t._("re-plan: the plan.json of the published plan (its folder's input.json too)"),
    )
    plan.add_argument(
        "--today", type=iso_date, default=None,
        help=t._("re-plan: sessions before this date (default: today) are history and stay"),
    )
    plan.add_argument(
        "--reopen", action="append", default=[], metavar=t._("COHORT"),
        help=t._("re-plan: plan the members of this cancelled cohort again (a new cohort id; "
                 "the cancelled one stays cancelled); may be given several times"),
    )
    plan.add_argument(
        "--allow-outside-calendars", action="store_true",
        help=t._("accept calendar paths that are absolute or lead out of the participants "
                 "file's folder (refused by default)"),
    )
    plan.add_argument(
        "--strict", action="store_true",
        help=t._("stop before planning when something cannot work (a facilitator never free, "
                 "no series of sessions fits): exit code 2, nothing written. Without it, the "
                 "warning is printed and planning goes on"),
    )
    plan.add_argument(
        "-q", "--quiet", action="store_true", help=t._("print only warnings and errors")
    )


def _add_check(sub: Any) -> None:
    """Add ``check``: a plan folder, optionally against another program file."""
    check = sub.add_parser(
        "check", help=t._("re-verify a plan folder against every hard rule"),
        description=t._(
            "Re-verify a plan folder (hand-edited or not) against every hard rule."),
    )
    check.add_argument("plan_dir", type=Path, help=t._("plan folder written by 'plan'"))
    check.add_argument("--program", type=Path,
                       help=t._("check against this program file instead"))
    check.add_argument(
        "--participants", type=Path,
        help=t._("participants file (CSV or XLSX) for --program"),
    )
    check.add_argument(
        "--today", type=iso_date, default=None,
        help=t._("sessions from this date on are not yet held, whatever the plan's history "
                 "says (default: today)"),
    )


def _same_help_style(sub: Any) -> None:
    """One style in every command's help.

    The epilog from ``EPILOGS`` when a command has none, ``Example:`` spelt
    one way, and the raw formatter (the epilogs are laid out by hand).
    """
    texts = epilogs()
    for child in sub.choices.values():
        _name_values(child)
    for name, child in sub.choices.items():
        if name in texts and not child.epilog:
            child.epilog = texts[name]
        elif child.epilog and child.epilog.startswith("example:"):
            child.epilog = "E" + child.epilog[1:]  # one spelling in every help
        child.formatter_class = _RAW


def _name_values(parser: argparse.ArgumentParser) -> None:
    """Name every value in the usage and the help as the command line's language does:
    ``planmapp``, ``--out MAPP`` in Swedish; ``plan_dir``, ``--out OUT`` (argparse's own
    names) in English."""
    for action in parser._actions:
        if action.metavar is not None or action.nargs == 0 or not action.dest:
            continue
        name = action.dest if not action.option_strings else action.dest.upper()
        action.metavar = t._(name)


def _value_names() -> None:
    """The names :func:`_name_values` looks up, so that the catalogue holds them (never
    called)."""
    for text in (t._("program"), t._("participants"), t._("plan_dir"), t._("cohort"),
                 t._("session"), t._("participant"), t._("folder"), t._("OUT"),
                 t._("SEED"), t._("EFFORT"), t._("WORKERS"), t._("STAMP"), t._("TODAY"),
                 t._("TO"), t._("NOT_ON"), t._("ON"), t._("FROM_ID"), t._("TO_ID"),
                 t._("NAME"), t._("EMAIL"), t._("ORGANIZATION"), t._("REASON"),
                 t._("FACILITATOR"), t._("YEAR"), t._("PROGRAM"), t._("PARTICIPANTS"),
                 t._("SESSION"), t._("TIME_LIMIT")):
        del text


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code. It speaks the environment's language
    until a program is read, then the program's; afterwards the environment's again."""
    try:
        return _main(argv)
    finally:
        t.use(environment_language())


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    out = Console(stderr=False, highlight=False)
    if not out.is_terminal:
        out = Console(stderr=False, highlight=False, width=120)
    err = Console(stderr=True, highlight=False)
    # the program's language, for what goes wrong before the program itself is read
    t.use(program_language(getattr(args, "program", None))
          or folder_language(getattr(args, "plan_dir", None)))
    writes = args.command not in ("check", "init", cli_explain.COMMAND)
    with handled(err, args.command,
                 nothing=t._("Nothing was written.") if writes else None) as failed:
        if args.command == "init":
            return cli_init.run(args, out, err)
        if args.command == "plan":
            return _plan(args, out, err)
        if args.command == cli_explain.COMMAND:
            return cli_explain.run(args, out, err)
        if args.command == "send":
            return send.run(args, out, err)
        if args.command in cli_edits.COMMANDS:
            return cli_edits.run(args, out, err)
        if args.command == cli_replies.COMMAND:
            return cli_replies.run(args, out, err)
        return _check(args, out, err)
    return failed.code


def _warn(program: Program, err: Console) -> None:
    """Print the loader's warnings (e.g. a duplicate e-mail), one line each."""
    for warning in getattr(program, "warnings", ()):
        warn(err, warning)


def _preflight(program: Program, err: Console, strict: bool, quiet: bool) -> bool:
    """Print what cannot work in ``program`` (:func:`preflight`), one warning a line;
    False when ``strict`` and there is any: then planning stops there."""
    found = preflight(program)
    words = Words.of(program)
    for warning in found:
        warn(err, f"[{words.rule_name(warning.rule)}] {t.say(warning.message)}")
    if found and strict:
        err.print(t._("Stopped before planning (--strict). Nothing was written."))
        return False
    if found and not quiet:
        err.print(t._("Planning goes on; with --strict it would stop here."))
    return True


class _Steps:
    """Where planning is: a spinner with the current step on a terminal, plain lines
    otherwise, nothing when quiet. The solver reports through :meth:`__call__`:
    a message ending in ``...`` starts a step; any other is a result (``avoid_hits =
    0 (optimal)``), printed as a line and kept as the best plan found so far. Each
    message is said in the command line's language (:meth:`Speech.say`)."""

    def __init__(self, err: Console, quiet: bool) -> None:
        self.err = err
        self.quiet = quiet
        self.best: dict[str, str] = {}
        self._bar: Progress | None = None
        self._task: Any = None
        self._step = ""

    @contextmanager
    def live(self) -> Iterator[_Steps]:
        if self.quiet or not self.err.is_terminal:
            yield self
            return
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", table_column=Column(no_wrap=True)),
            TimeElapsedColumn(),
            TextColumn(
                "[dim]{task.fields[best]}[/]",
                table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1),
            ),
            console=self.err,
            transient=True,
            expand=True,
        )
        with self._bar:
            self._task = self._bar.add_task(t._("starting ..."), total=None, best="")
            try:
                yield self
            finally:
                self._bar = None

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        step = message.strip().endswith("...")
        values = getattr(message, "values", {})
        name, sep, value = message.strip().partition(" = ")  # a level's value
        if "level" in values and "value" in values:
            name, value = t.say(values["level"]), str(values["value"])
        message = t.say(message).strip()
        if self._bar is None:
            self.err.print(f"  {message}", markup=False, soft_wrap=True)
            return
        if step:
            self._step = message
        else:
            if sep:
                self.best[name] = value.split(" ")[0]
            self.err.print(f"  [green]✓[/] {escape(message)}", soft_wrap=True)
            self._step = t._("working ...")
        shown = " · ".join(f"{k} {v}" for k, v in self.best.items())
        self._bar.update(
            self._task,
            description=escape(self._step),
            best=escape(t._("best so far: {levels}", levels=shown)) if shown else "",
        )


def _plan(args: argparse.Namespace, out: Console, err: Console) -> int:
    started = time.monotonic()
    if args.reopen and args.previous is None:
        raise InputError(None, "--reopen", t._(
            "only a re-plan reopens a cancelled cohort: give --previous OLD/plan.json too"))
    check_out_dir(args.out)
    steps = _Steps(err, args.quiet)
    with steps.live():
        steps(t._("reading the input files ..."))
        program = load_program(
            args.program, args.participants,
            allow_outside_calendars=args.allow_outside_calendars,
        )
        t.use(program.lang)
        _warn(program, err)
        if not _preflight(program, err, args.strict, args.quiet):
            return EXIT_INPUT
        options = SolveOptions(
            seed=args.seed, workers=args.workers, effort=args.effort,
            time_limit=args.time_limit,
        )
        if not args.quiet:
            facilitators = t.n_("{count} facilitator", "{count} facilitators",
                                len(program.facilitators))
            registrations = t.n_("{count} registration", "{count} registrations",
                                 len(program.participants))
            err.print(
                t._("Planning {name} ({id}): {registrations}, {facilitators}",
                    name=program.name, id=program.id,
                    registrations=registrations.format(count=len(program.participants)),
                    facilitators=facilitators.format(count=len(program.facilitators))),
                soft_wrap=True, markup=False,
            )
        diff: str | None = None
        notes: tuple[str, ...] = ()
        if args.previous is None:
            plan = plan_program(program, options, steps)
            steps(t._("writing the plan folder ..."))
            write_plan_dir(program, plan, args.out, args.stamp)
            messages = None
        else:
            old_program, old_plan = read_plan_dir(args.previous.parent)
            today = args.today or date.today()
            change = replan_program(
                program, old_program, old_plan, today, options, steps, args.stamp,
                reopen=tuple(args.reopen),
            )
            sending, unsent = outbox_since_sent(args.previous.parent, program, change.plan,
                                                today, change.stamp, change.outbox)
            plan, diff = change.plan, change.diff
            notes = change.notes if unsent is None else (*change.notes, unsent)
            steps(t._("writing the plan folder ..."))
            write_plan_dir(program, plan, args.out, change.stamp, sending, diff,
                           previous=args.previous.parent)
            messages = sending.count
    if args.quiet:
        return EXIT_OK
    if diff is not None:
        out.print(diff, markup=False)
        for note in notes:
            out.print(t._("note: {note}", note=t.say(note)), markup=False,
                      soft_wrap=True)
        out.print(t.n_("{count} message to send, listed in outbox.json",
                       "{count} messages to send, listed in outbox.json", messages or 0,
                       count=messages), markup=False)
    _summary(program, plan, out)
    out.print(summary_line(program, plan, time.monotonic() - started), markup=False, soft_wrap=True)
    out.print(t._("Plan verified and written to {folder}/", folder=args.out),
              markup=False)
    return EXIT_OK


def solve_status(plan: Plan) -> str:
    """``placed optimal, avoid_hits feasible, ...``: each objective level and whether
    the solver proved it optimal, in the command line's language."""
    proved = plan.objective.proved_optimal
    optimal, feasible = t._("optimal"), t._("feasible")
    if proved:
        return ", ".join(f"{t._(k)} {optimal if v else feasible}" for k, v in proved.items())
    return optimal if plan.objective.optimal else feasible


def summary_line(program: Program, plan: Plan, seconds: float) -> str:
    """``placed 36 of at most 36 (...) · solve status: ... · time 4.2 s``."""
    from babel.numbers import format_decimal
    stopped = t._(" (stopped at --time-limit: the best plan found by then)") \
        if plan.objective.stopped_early else ""
    return t._("{placement} · solve status: {status} · time {seconds} s{stopped}",
        placement=placement_text(program, plan), status=solve_status(plan),
        seconds=format_decimal(seconds, "0.0", locale=t.language.locale), stopped=stopped,
    )


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""The weekdays as the summary table shows them, looked up in the catalogue."""


def when(moment: datetime) -> str:
    """``mån 2027-01-18 08:30`` / ``Mon 2027-01-18 08:30``: a date the way every office reads
    it, with its weekday in the command line's language."""
    day = t._(WEEKDAYS[moment.weekday()])
    return f"{day} {moment:%Y-%m-%d %H:%M}"


def _summary(program: Program, plan: Plan, out: Console) -> None:
    table = Table(
        title=t._("{name}: {placed} of {registered} placed",
            name=escape(program.name), placed=plan.placed,
            registered=len(program.participants)),
        title_justify="left",
    )
    for col in (t._("cohort"), t._("facilitator"), t._("members"), t._("kick-off"),
                t._("last session"), t._("venue")):
        table.add_column(col, no_wrap=True)
    venues = {v.id: v.name for v in program.venues}
    for c in plan.cohorts:
        try:
            fac = program.facilitator(c.facilitator).name
        except KeyError:
            fac = c.facilitator
        table.add_row(
            c.id, escape(fac), str(len(c.members)),
            when(c.sessions[0].start), when(c.sessions[-1].start),
            escape(venues.get(c.venue, c.venue)) if c.venue else "-",
        )
    out.print(table)
    names = {p.id: p.name for p in program.participants}
    by_reason: dict[str, list[str]] = {}
    for u in plan.unplaced:  # one line per reason: 50 people waiting for one cause
        who = f"{names.get(u.participant, u.participant)} ({u.participant})"
        by_reason.setdefault(u.reason, []).append(who)
    reasons = list(by_reason.items())
    for reason, people in reasons[:SHOWN_REASONS]:
        shown = ", ".join(people[:8])
        if len(people) > 8:
            shown = t._("{people} and {count} more", people=shown, count=len(people) - 8)
        label = t._("not placed ({count})", count=len(people)) if len(people) > 1 \
            else t._("not placed")
        out.print(f"  {label}: {shown}: {reason}", soft_wrap=True, markup=False)
    if len(reasons) > SHOWN_REASONS:
        rest = sum(len(people) for _, people in reasons[SHOWN_REASONS:])
        out.print(
            "  " + t._("… and {count} more not placed, each with the reason in plan.json and "
                       "overview.html (backstage-sched explain goes deeper)", count=rest),
            soft_wrap=True, markup=False,
        )


SHOWN_REASONS = 20
"""Reasons for people not placed that plan prints; the rest are in the plan folder."""


def _check(args: argparse.Namespace, out: Console, err: Console) -> int:
    program, plan = read_plan_dir(args.plan_dir)
    if args.program is not None:
        t.use(program_language(args.program))
        program = load_program(args.program, args.participants)
    t.use(program.lang)
    _warn(program, err)
    violations = verify(program, plan, args.today or date.today())
    if violations:
        for v in violations:
            out.print(t.say(v.told()), soft_wrap=True, markup=False)
        err.print(t.n_("{count} violation of hard rules in {folder}",
                       "{count} violations of hard rules in {folder}", len(violations),
                       count=len(violations), folder=args.plan_dir),
                  markup=False)
        return EXIT_RULES
    out.print(
        t._("{folder}: plan obeys every hard rule ({cohorts} cohorts, {placed} placed, "
            "{unplaced} unplaced)",
            folder=args.plan_dir, cohorts=len(plan.cohorts), placed=plan.placed,
            unplaced=len(plan.unplaced)),
        markup=False,
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
