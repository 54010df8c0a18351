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
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console

from ..actions.change import replies
from ..actions.replies import IGNORED, Listed, Report
from ..domain import Program
from ..inputs.mail import PASSWORD_ENV, read_mailbox
from ..publish.folder import write_plan_dir
from ..publish.replies_log import REPLIES, read_replies_log
from .edits import _print_change, _since_sent, iso_date, iso_moment, open_change
from .exits import EXIT_OK
from .summary import placement_text
from .words import speech as t

COMMAND = "replies"

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
"""What each count of answers means; said in the command line's language (:func:`_labels`)."""


def _labels() -> None:
    """The labels, so that the catalogue holds them (never called)."""
    for text in (t._("accepted (recorded)"), t._("tentative (recorded)"),
                 t._("declined (absence recorded)"), t._("already recorded"),
                 t._("new time proposed (COUNTER, listed below)"),
                 t._("not applied (listed below)"),
                 t._("unknown UID (not a session of this plan)"),
                 t._("ATTENDEE not a member of the session"),
                 t._("From is not the ATTENDEE's address"),
                 t._("older SEQUENCE than the session's"), t._("malformed"),
                 t._("declined a session already held")):
        del text


def add_parser(sub: Any) -> None:
    """Add ``replies`` to ``sub`` (from ``ArgumentParser.add_subparsers``)."""
    p = sub.add_parser(
        COMMAND,
        help=t._("read calendar answers (iTIP REPLY, COUNTER) back from a mailbox"),
        description=t._(
            "Read the answers to the invitations from an .mbox file, a folder of .eml files "
            "or an IMAP mailbox: a decline of a session to come is an absence (as 'absent' "
            "records it), an acceptance is kept per session, a proposed new time is listed. "
            "The IMAP password is read from ${variable}, never from a flag; the mailbox "
            "is only read.", variable=PASSWORD_ENV),
    )
    p.add_argument("plan_dir", type=Path, help=t._("current plan folder"))
    p.add_argument(
        "source", metavar=t._("SOURCE"),
        help=t._("an .mbox file, a folder of .eml files, or imaps://user@host[:port]/INBOX"),
    )
    p.add_argument("--out", type=Path,
                   help=t._("new plan folder to write (not needed with --dry-run)"))
    p.add_argument(
        "--dry-run", action="store_true",
        help=t._("print what would be recorded and the messages; write nothing"),
    )
    p.add_argument(
        "--today", type=iso_date, default=None,
        help=t._("sessions before this date are history: a decline of one is not an absence "
                 "(default: today)"),
    )
    p.add_argument(
        "--stamp", type=iso_moment,
        help=t._("DTSTAMP for calendar files (ISO date-time; default: midnight UTC of "
                 "{option})", option="--today"),
    )


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Carry out ``replies``; errors propagate (InputError: exit 2)."""
    dry = bool(args.dry_run)
    program, plan = open_change(args, dry)
    today = args.today or date.today()
    log = read_replies_log(args.plan_dir)
    mails = list(read_mailbox(args.source, known=log.read))  # IMAP: what was read stays put
    read = replies(program, plan, mails, today, log=log, stamp=args.stamp)
    change = _since_sent(read.change, args.plan_dir, today)
    folder = args.plan_dir if dry else args.out
    _print_report(program, read.report, len(mails), args.source, folder, out)
    _print_change(change, out, dry=dry)
    if dry:
        out.print(t._("Dry run: nothing was written."), markup=False, highlight=False)
        return EXIT_OK
    write_plan_dir(
        change.program, change.plan, args.out, change.stamp, sending=change.outbox,
        changes=change.diff, previous=args.plan_dir, replies=read.report.log,
    )
    out.print(placement_text(change.program, change.plan), markup=False, soft_wrap=True,
              highlight=False)
    out.print(t._("New plan verified and written to {folder}/ (e-mails read: {file})",
        folder=args.out, file=args.out / REPLIES), markup=False, soft_wrap=True, highlight=False)
    return EXIT_OK


def _line(out: Console, text: str) -> None:
    out.print(text, markup=False, soft_wrap=True, highlight=False)


def _print_report(program: Program, report: Report, total: int, source: str, folder: Path,
                  out: Console) -> None:
    """Counts per outcome and reason, the absences, the list for the coordinator."""
    already = report.counts.get("already_read", 0)
    none = report.counts.get("not_a_reply", 0)
    _line(out, t.n_("Read {count} e-mail(s) from {source}: {new} new, {already} already "
                    "read, {none} without a calendar answer.",
                    "Read {count} e-mail(s) from {source}: {new} new, {already} already "
                    "read, {none} without a calendar answer.", total,
        count=total, source=source, new=report.new_mails, already=already, none=none))
    counted = [(k, n) for k, n in report.counts.items() if k in LABELS and k not in IGNORED]
    ignored = [(k, n) for k, n in report.counts.items() if k in IGNORED]
    if counted:
        _line(out, t._("Answers:"))
        for key, n in counted:
            _line(out, f"  {n:>4}  {t._(LABELS[key])}")
    if ignored:
        _line(out, t._("Ignored ({count}):", count=sum(n for _, n in ignored)))
        for key, n in ignored:
            _line(out, f"  {n:>4}  {t._(LABELS[key])}")
    if not counted and not ignored:
        _line(out, t._("No new calendar answers."))
    names = {p.id: p.name for p in program.participants}
    if report.absences:
        _line(out, t._("Absences recorded:"))
        for pid, cid, number in report.absences:
            _line(out, "  " + t._("{name} ({id}) will miss session {number} of {cohort}",
                name=names.get(pid, pid), id=pid, number=number, cohort=cid))
    if report.listed:
        _line(out, t._("For the coordinator (not applied):"))
        for item in report.listed:
            _line(out, "  " + _listed(program, item, names, folder))


def _listed(program: Program, item: Listed, names: dict[str, str], folder: Path) -> str:
    who = f"{names.get(item.participant, item.participant)} ({item.participant})"
    if item.kind != "counter" or item.proposed_start is None:
        return t._("{who}, session {number} of {cohort}: {reason}",
            who=who, number=item.session, cohort=item.cohort, reason=t.say(item.reason))
    zone = ZoneInfo(program.timezone)
    start = item.proposed_start.astimezone(zone)
    until = "" if item.proposed_end is None else \
        f"–{item.proposed_end.astimezone(zone).strftime('%H:%M')}"
    return (t._("{who} proposes session {number} of {cohort} at {time}; to move it:",
                who=who, number=item.session, cohort=item.cohort,
                time=f"{start.strftime('%Y-%m-%d %H:%M')}{until}") + "\n"
            f"      backstage-sched move {folder} {item.cohort} {item.session} "
            f"--to {start.strftime('%Y-%m-%dT%H:%M')} --out NEW")
