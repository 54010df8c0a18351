"""The ``replies`` subcommand: read calendar answers back from a mailbox (SPEC §11).

Reads a plan folder and a mailbox (:func:`~backstage_sched.inputs.mail.read_mailbox`),
applies what counts (:func:`~backstage_sched.actions.change.replies`), prints the
counts per outcome and reason, the absences recorded and what waits for the
coordinator (COUNTERs beside the ``move`` command that would make them), and
writes a new plan folder with ``replies.json``. ``--dry-run`` prints the same
and writes nothing. The mailbox is never changed.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console

from ..actions.change import replies
from ..actions.replies import IGNORED, Listed, Report
from ..domain import Program
from ..errors import InputError
from ..inputs.mail import PASSWORD_ENV, read_mailbox
from ..publish.folder import check_out_dir, read_plan_dir, write_plan_dir
from ..publish.replies_log import REPLIES, read_replies_log
from .edits import _print_change, _since_sent
from .summary import placement_text

COMMAND = "replies"
EXIT_OK = 0

LABELS = {
    "accepted": "accepted (recorded)",
    "tentative": "tentative (recorded)",
    "declined": "declined (absence recorded)",
    "unchanged": "already recorded",
    "counter": "new time proposed (COUNTER, listed below)",
    "not_applied": "not applied (listed below)",
    "unknown_uid": "unknown UID (not a session of this plan)",
    "not_member": "ATTENDEE not a member of the session",
    "from_mismatch": "From is not the ATTENDEE's address",
    "stale_sequence": "older SEQUENCE than the session's",
    "malformed": "malformed",
    "held": "declined a session already held",
}


def add_parser(sub: Any) -> None:
    """Add ``replies`` to ``sub`` (from ``ArgumentParser.add_subparsers``)."""
    p = sub.add_parser(
        COMMAND, help="read calendar answers (iTIP REPLY, COUNTER) back from a mailbox",
        description=(
            "Read the answers to the invitations from an .mbox file, a folder of .eml files "
            "or an IMAP mailbox: a decline of a session to come is an absence (as 'absent' "
            "records it), an acceptance is kept per session, a proposed new time is listed. "
            f"The IMAP password is read from ${PASSWORD_ENV}, never from a flag; the mailbox "
            "is only read."
        ),
    )
    p.add_argument("plan_dir", type=Path, help="current plan folder")
    p.add_argument(
        "source", metavar="SOURCE",
        help="an .mbox file, a folder of .eml files, or imaps://user@host[:port]/INBOX",
    )
    p.add_argument("--out", type=Path, help="new plan folder to write (not needed with --dry-run)")
    p.add_argument(
        "--dry-run", action="store_true",
        help="print what would be recorded and the messages; write nothing",
    )
    p.add_argument(
        "--today", type=date.fromisoformat, default=None,
        help="sessions before this date are history: a decline of one is not an absence "
        "(default: today)",
    )
    p.add_argument(
        "--stamp", type=datetime.fromisoformat,
        help="DTSTAMP for calendar files (ISO date-time; default: midnight UTC of --today)",
    )


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Carry out ``replies``; errors propagate (InputError: exit 2)."""
    dry = bool(args.dry_run)
    if args.out is None and not dry:
        raise InputError(None, "--out", "give --out NEW (the new plan folder), or --dry-run")
    if not dry:
        check_out_dir(args.out)
    program, plan = read_plan_dir(args.plan_dir)
    today = args.today or date.today()
    log = read_replies_log(args.plan_dir)
    mails = list(read_mailbox(args.source, known=log.read))  # IMAP: what was read stays put
    read = replies(program, plan, mails, today, log=log, stamp=args.stamp)
    change = _since_sent(read.change, args.plan_dir, today)
    folder = args.plan_dir if dry else args.out
    _print_report(program, read.report, len(mails), args.source, folder, out)
    _print_change(change, out, dry=dry)
    if dry:
        out.print("Dry run: nothing was written.", markup=False, highlight=False)
        return EXIT_OK
    write_plan_dir(
        change.program, change.plan, args.out, change.stamp, sending=change.outbox,
        changes=change.diff, previous=args.plan_dir, replies=read.report.log,
    )
    out.print(placement_text(change.program, change.plan), markup=False, soft_wrap=True,
              highlight=False)
    out.print(f"New plan verified and written to {args.out}/ (e-mails read: "
              f"{args.out / REPLIES})", markup=False, soft_wrap=True, highlight=False)
    return EXIT_OK


def _line(out: Console, text: str) -> None:
    out.print(text, markup=False, soft_wrap=True, highlight=False)


def _print_report(program: Program, report: Report, total: int, source: str, folder: Path,
                  out: Console) -> None:
    """Counts per outcome and reason, the absences, the list for the coordinator."""
    already = report.counts.get("already_read", 0)
    none = report.counts.get("not_a_reply", 0)
    _line(out, f"Read {total} e-mail(s) from {source}: {report.new_mails} new, {already} "
               f"already read, {none} without a calendar answer.")
    counted = [(k, n) for k, n in report.counts.items() if k in LABELS and k not in IGNORED]
    ignored = [(k, n) for k, n in report.counts.items() if k in IGNORED]
    if counted:
        _line(out, "Answers:")
        for key, n in counted:
            _line(out, f"  {n:>4}  {LABELS[key]}")
    if ignored:
        _line(out, f"Ignored ({sum(n for _, n in ignored)}):")
        for key, n in ignored:
            _line(out, f"  {n:>4}  {LABELS[key]}")
    if not counted and not ignored:
        _line(out, "No new calendar answers.")
    names = {p.id: p.name for p in program.participants}
    if report.absences:
        _line(out, "Absences recorded:")
        for pid, cid, number in report.absences:
            _line(out, f"  {names.get(pid, pid)} ({pid}) will miss session {number} of {cid}")
    if report.listed:
        _line(out, "For the coordinator (not applied):")
        for item in report.listed:
            _line(out, "  " + _listed(program, item, names, folder))


def _listed(program: Program, item: Listed, names: dict[str, str], folder: Path) -> str:
    who = f"{names.get(item.participant, item.participant)} ({item.participant})"
    if item.kind != "counter" or item.proposed_start is None:
        return f"{who}, session {item.session} of {item.cohort}: {item.reason}"
    zone = ZoneInfo(program.timezone)
    start = item.proposed_start.astimezone(zone)
    until = "" if item.proposed_end is None else \
        f"–{item.proposed_end.astimezone(zone).strftime('%H:%M')}"
    return (f"{who} proposes session {item.session} of {item.cohort} at "
            f"{start.strftime('%Y-%m-%d %H:%M')}{until}; to move it:\n"
            f"      backstage-sched move {folder} {item.cohort} {item.session} "
            f"--to {start.strftime('%Y-%m-%dT%H:%M')} --out NEW")
