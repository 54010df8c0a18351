"""The ``transfer``, ``withdraw``, ``move``, ``absent``, ``fill``, ``cancel-cohort`` and
``substitute`` subcommands.

Each reads a plan folder, applies one change (:mod:`backstage_sched.actions.change`),
writes a complete new plan folder with ``outbox.json``, the cancellation
files and ``changes.txt``, and prints the diff, the notes and the files to
send. ``--dry-run`` (every command) prints the same and writes nothing.
A move of large ripple without ``--yes`` prints it and exits 1 (SPEC §8).
Other errors propagate (InputError, VerificationError) for the caller to map
to exit codes; nothing is written then.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from ..actions.change import (
    Change,
    NeedsConfirmation,
    absent,
    cancel_cohort,
    fill,
    move,
    substitute,
    transfer,
    withdraw,
)
from ..actions.unsent import outbox_since_sent
from ..domain import Program
from ..errors import InputError
from ..plan import Plan
from ..publish.changes import Outbox
from ..publish.folder import check_out_dir, read_plan_dir, write_plan_dir
from .exits import EXIT_OK, EXIT_RULES
from .summary import placement_text
from .words import speech as t

COMMANDS: tuple[str, ...] = (
    "transfer", "withdraw", "move", "absent", "fill", "cancel-cohort", "substitute"
)


def add_parsers(sub: Any) -> None:
    """Add the edit subcommands to ``sub`` (from ``ArgumentParser.add_subparsers``)."""
    current = t._("current plan folder")
    p = sub.add_parser("transfer",
                       help=t._("hand a place to a colleague of the same organisation"))
    p.add_argument("plan_dir", type=Path, help=current)
    p.add_argument("--from", dest="from_id", required=True,
                   help=t._("id of the leaving participant"))
    p.add_argument(
        "--to", dest="to_id", required=True,
        help=t._("the new participant's id (unique in the program)"),
    )
    p.add_argument("--name", required=True, help=t._("new participant's name"))
    p.add_argument("--email", required=True, help=t._("new participant's e-mail"))
    p.add_argument(
        "--organization",
        help=t._("new participant's organisation (must equal the leaving one's)"),
    )
    _common(p, today=True)

    p = sub.add_parser("withdraw",
                       help=t._("withdraw a participant; says whether the fee is due"))
    p.add_argument("plan_dir", type=Path, help=current)
    p.add_argument("participant", help=t._("participant id"))
    p.add_argument(
        "--on", type=iso_date, required=True,
        help=t._("date of the withdrawal (YYYY-MM-DD); sessions before it are history"),
    )
    _common(p, today=False)

    p = sub.add_parser(
        "move", help=t._("move one session; later ones follow where the gap rule says"))
    p.add_argument("plan_dir", type=Path, help=current)
    p.add_argument("cohort", help=t._("cohort id, e.g. {example}", example="c01"))
    number = t._("session number as the calendars and the overview show it (1 = kick-off)")
    p.add_argument("session", type=_session_number, help=number)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument(
        "--to", type=iso_moment, help=t._("new start, YYYY-MM-DDTHH:MM (local time)")
    )
    when.add_argument(
        "--not-on", type=iso_date,
        help=t._("the session's current date, which is no longer possible: take the other "
                 "day that moves the fewest other sessions"),
    )
    p.add_argument(
        "--yes", action="store_true",
        help=t._("accept a move that pushes a session across a blackout or the cohort's end "
                 "by more than 14 days (without it such a move is shown and refused, exit "
                 "code 1)"),
    )
    _common(p, today=True)

    p = sub.add_parser(
        "absent",
        help=t._("record that someone will miss a session; their case turn moves if needed"),
    )
    p.add_argument("plan_dir", type=Path, help=current)
    p.add_argument("participant", help=t._("participant id"))
    p.add_argument("--session", type=_session_number, required=True, help=number)
    _common(p, today=True)

    p = sub.add_parser("fill", help=t._("give free seats to the waiting list in rank order"))
    p.add_argument("plan_dir", type=Path, help=current)
    _common(p, today=True)

    p = sub.add_parser("cancel-cohort",
                       help=t._("cancel a cohort; its members become unplaced"))
    p.add_argument("plan_dir", type=Path, help=current)
    p.add_argument("cohort", help=t._("cohort id, e.g. {example}", example="c03"))
    p.add_argument(
        "--reason", default=None,
        help=t._("why, in the program's language (default: too few participants, "
                 "translated)"),
    )
    _common(p, today=True)

    p = sub.add_parser(
        "substitute",
        help=t._("another facilitator takes a cohort's sessions from one on, on the same "
                 "dates"),
    )
    p.add_argument("plan_dir", type=Path, help=current)
    p.add_argument("cohort", help=t._("cohort id, e.g. {example}", example="c02"))
    p.add_argument("--facilitator", required=True,
                   help=t._("id of the facilitator who takes over"))
    p.add_argument(
        "--from-session", type=_session_number, default=None, metavar="N",
        help=t._("first session they lead, as the calendars number it (1 = kick-off; "
                 "default: the first not yet held, on or after --today)"),
    )
    _common(p, today=True)


def _session_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            t._("{text!r} is not a session number like 3 (1 is the kick-off)", text=text)
        )
    return int(text)


def iso_date(text: str) -> date:
    """A date written YYYY-MM-DD; argparse says which option it is for."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            t._("{text!r} is not a date like 2027-03-01", text=text)) from None


def iso_moment(text: str) -> datetime:
    """A date and time written YYYY-MM-DDTHH:MM."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            t._("{text!r} is not a date and time like 2027-03-01T13:00", text=text)
        ) from None


def _common(p: argparse.ArgumentParser, today: bool) -> None:
    p.add_argument("--out", type=Path,
                   help=t._("new plan folder to write (not needed with --dry-run)"))
    p.add_argument(
        "--dry-run", action="store_true",
        help=t._("print the changes and the messages that would be sent; write nothing"),
    )
    if today:
        p.add_argument(
            "--today", type=iso_date, default=None,
            help=t._("sessions before this date are history (default: today)"),
        )
    p.add_argument(
        "--stamp", type=iso_moment,
        help=t._("DTSTAMP for calendar files (ISO date-time; default: midnight UTC of "
                 "{option})", option="--today" if today else "--on"),
    )


def open_change(args: argparse.Namespace, dry: bool) -> tuple[Program, Plan]:
    """The plan folder a change starts from, once ``--out`` is known to be usable
    (or it is a dry run); the terminal speaks the program's language from here."""
    if args.out is None and not dry:
        raise InputError(None, "--out",
                         t._("give --out NEW (the new plan folder), or --dry-run"))
    if not dry:
        check_out_dir(args.out)
    program, plan = read_plan_dir(args.plan_dir)
    t.use(program.lang)
    return program, plan


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Run one edit subcommand; returns the exit code (errors propagate)."""
    dry = bool(getattr(args, "dry_run", False))
    program, plan = open_change(args, dry)
    today = args.on if args.command == "withdraw" else args.today or date.today()
    if args.command == "transfer":
        change = transfer(
            program, plan, args.from_id, args.to_id, args.name, args.email, today,
            organization=args.organization, stamp=args.stamp,
        )
    elif args.command == "withdraw":
        change = withdraw(program, plan, args.participant, args.on, stamp=args.stamp)
    elif args.command == "move":
        try:
            change = move(
                program, plan, args.cohort, args.session, today, to=args.to,
                not_on=args.not_on, stamp=args.stamp, confirm=args.yes,
            )
        except NeedsConfirmation as large:
            return _unconfirmed(large, dry, out, err)
    elif args.command == "absent":
        change = absent(program, plan, args.participant, args.session, today, stamp=args.stamp)
    elif args.command == "fill":
        change = fill(program, plan, today, stamp=args.stamp)
    elif args.command == "cancel-cohort":
        change = cancel_cohort(program, plan, args.cohort, today, reason=args.reason,
                               stamp=args.stamp)
    elif args.command == "substitute":
        change = substitute(program, plan, args.cohort, args.facilitator, today,
                            from_session=args.from_session, stamp=args.stamp)
    else:
        raise ValueError(f"not an edit command: {args.command}")
    change = _since_sent(change, args.plan_dir, today)
    if dry:
        _print_change(change, out, dry=True)
        out.print(t._("Dry run: nothing was written."), markup=False, highlight=False)
        return EXIT_OK
    write_plan_dir(
        change.program, change.plan, args.out, change.stamp, sending=change.outbox,
        changes=change.diff, previous=args.plan_dir,
    )
    _print_change(change, out)
    out.print(placement_text(change.program, change.plan), markup=False, soft_wrap=True,
              highlight=False)  # counted again after the change (SPEC §8)
    out.print(t._("New plan verified and written to {folder}/", folder=args.out),
              markup=False, highlight=False)
    return EXIT_OK


def _since_sent(change: Change, source: Path, today: date) -> Change:
    """``change`` with the messages counted from what people last received: when
    nothing was sent from ``source`` they lack its invitations (SPEC §8)."""
    sending, note = outbox_since_sent(source, change.program, change.plan, today,
                                      change.stamp, change.outbox)
    if note is None:
        return change
    return replace(change, outbox=sending, notes=(*change.notes, note))


def _unconfirmed(large: NeedsConfirmation, dry: bool, out: Console, err: Console) -> int:
    """A move of large ripple without --yes: shown, never written (a dry run shows it as
    it would be, exit 0; otherwise exit 1)."""
    _print_change(large.change, out, dry=True)
    console = out if dry else err
    console.print(t._("This move needs --yes:"), markup=False, highlight=False)
    for line in large.ripple.reasons():
        console.print(f"  - {t.say(line)}", markup=False, soft_wrap=True, highlight=False)
    if dry:
        out.print(t._("Dry run: nothing was written."), markup=False, highlight=False)
        return EXIT_OK
    err.print(
        t._("Nothing was written. Run it again with --yes to make this move, or choose the "
            "date with --to."), markup=False, soft_wrap=True, highlight=False,
    )
    return EXIT_RULES


def _print_change(change: Change, out: Console, dry: bool = False) -> None:
    """The diff (every session that changes, old and new date), the notes, the outbox."""
    out.print(change.diff.rstrip("\n"), markup=False, soft_wrap=True, highlight=False)
    for note in change.notes:
        out.print(t._("note: {note}", note=t.say(note)), markup=False, soft_wrap=True,
                  highlight=False)
    _print_outbox(change.outbox, out, dry)


def _print_outbox(box: Outbox, out: Console, dry: bool = False) -> None:
    count = box.count
    head = t._("Messages that would be sent ({count}):") if dry else \
        t._("Files to send ({count}):")
    out.print(head.format(count=count), markup=False, highlight=False)
    for m in box.messages:
        who = ", ".join(f"{r.name} <{r.email}>" for r in m.recipients)
        out.print(
            f"  {m.method:<7} {m.file} (SEQUENCE {m.sequence}, {t.say(m.detail)}) → {who}",
            markup=False, soft_wrap=True, highlight=False,
        )
    for f in box.feeds:
        who = ", ".join(f"{r.name} <{r.email}>" for r in f.recipients)
        out.print(f"  {f.method:<7} {f.file} ({t._('the facilitator’s feed')}) → {who}",
                  markup=False, soft_wrap=True, highlight=False)
    for summary in box.summaries:
        who = ", ".join(f"{r.name} <{r.email}>" for r in summary.recipients)
        out.print(f"  {summary.method:<7} {summary.cohort} ({t.say(summary.detail)}) → {who}",
                  markup=False, soft_wrap=True, highlight=False)
    for letter in box.letters:
        who = ", ".join(f"{r.name} <{r.email}>" for r in letter.recipients)
        out.print(f"  {letter.method:<7} {letter.file} ({t._('welcome letter')}) → {who}",
                  markup=False, soft_wrap=True, highlight=False)
