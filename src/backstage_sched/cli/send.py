"""The ``send`` subcommand: e-mail a plan folder's outbox (:mod:`backstage_sched.publish.send`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from rich.console import Console

from ..errors import InputError
from ..publish.history import SENT
from ..publish.send import (
    DEFAULT_SENDER,
    EML_DIR,
    KINDS,
    PASSWORD_ENV,
    SendReport,
    default_sender,
    folder_context,
    send_outbox,
)
from .exits import EXIT_OK, EXIT_SEND, handled, warn
from .words import SpeakingParser
from .words import speech as t

COMMAND = "send"


def _host_port(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT``); the port defaults to 25."""
    host, sep, port = text.rpartition(":")
    if not sep or "]" in port:
        host, port = text, "25"
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(
            t._("expected HOST:PORT, got {text!r}", text=text))
    return host, int(port)


def add_parser(sub: argparse._SubParsersAction[SpeakingParser]) -> None:
    """Add the ``send`` subcommand."""
    p = sub.add_parser(
        "send",
        help=t._("e-mail the plan folder's outbox as calendar invitations (iMIP)"),
        description=t._(
            "Send one e-mail per person and invitation in outbox.json. Without --smtp "
            "(or with --dry-run) .eml files are written to PLAN_DIR/sent-eml/ instead. "
            "The SMTP password is read from ${variable}, never from a flag.",
            variable=PASSWORD_ENV),
    )
    p.add_argument("plan_dir", type=Path, help=t._("plan folder with outbox.json"))
    p.add_argument("--smtp", type=_host_port, metavar=t._("HOST:PORT"), help=t._("SMTP server"))
    p.add_argument(
        "--from", dest="sender", metavar=t._("ADDRESS"),
        help=t._(
            "sender address (default: the program's organizer_name/organizer_email; "
            "without them required with --smtp, {sender} on a dry run)", sender=DEFAULT_SENDER),
    )
    p.add_argument("--dry-run", action="store_true",
                   help=t._("write .eml files, send nothing"))
    p.add_argument("--starttls", action="store_true",
                   help=t._("upgrade the connection with STARTTLS"))
    p.add_argument("--user", metavar=t._("NAME"),
                   help=t._("SMTP login name (password: ${variable})",
                       variable=PASSWORD_ENV))
    p.add_argument("-q", "--quiet", action="store_true",
                   help=t._("print only the summary and errors"))


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Carry out ``send``; 0 on success, 2 on bad input, 3 when sending failed."""
    dry = bool(args.dry_run) or args.smtp is None
    with handled(err, COMMAND, otherwise=EXIT_SEND) as failed:
        sender, password = _login(args, dry)
        return _send(args, out, err, dry, sender, password)
    return failed.code


def _login(args: argparse.Namespace, dry: bool) -> tuple[str | None, str | None]:
    """The sender and the SMTP password; InputError when sending needs one that is not
    there. The command line speaks the plan folder's language from here."""
    t.use(folder_context(args.plan_dir).lang.code)
    sender = args.sender or default_sender(args.plan_dir)
    if not dry and not sender:
        raise InputError(None, None, t._("--from ADDRESS is required with --smtp (or "
                                         "organizer_email in the program)"))
    password = os.environ.get(PASSWORD_ENV)
    if args.user and not dry and password is None:
        raise InputError(None, None, t._("--user needs the password in ${variable}",
            variable=PASSWORD_ENV))
    return sender, password


def _send(args: argparse.Namespace, out: Console, err: Console, dry: bool,
          sender: str | None, password: str | None) -> int:
    """Send (or write) the outbox and say what went where."""
    local = ("localhost", "127.0.0.1", "::1")
    if args.user and not args.starttls and not dry and args.smtp[0] not in local:
        warn(err, t._("logging in without --starttls sends the password in clear text"))

    def progress(i: int, total: int, what: str) -> None:
        if not getattr(args, "quiet", False):
            err.print(f"  [{i}/{total}] {t.say(what)}", markup=False, soft_wrap=True)

    with handled(err, COMMAND, nothing=t._("Nothing was sent."),
                 otherwise=EXIT_SEND) as failed:
        report = send_outbox(
            args.plan_dir, sender or DEFAULT_SENDER, None if dry else args.smtp, dry,
            starttls=args.starttls, username=args.user, password=password, progress=progress,
        )
        _print_report(report, args, out, err, dry)
        return EXIT_OK
    return failed.code


def _print_report(report: SendReport, args: argparse.Namespace, out: Console, err: Console,
                  dry: bool) -> None:
    """What was sent or written, per kind of mail; a warning for each broken record."""
    for note in report.broken:
        warn(err, t._("{problem}; what was sent from there cannot be told apart, so it may "
                      "go out again", problem=t.say(note)))
    here = report.skipped - report.sent_earlier
    already = t._(", {count} already sent (in {file})", count=here, file=SENT) \
        if here else ""
    if report.sent_earlier:
        already += t._(", {count} already sent from an earlier plan folder",
            count=report.sent_earlier)
    if dry:
        out.print(
            t.n_("Dry run: wrote {count} e-mail(s) to {folder}/{already}; nothing was sent.",
                 "Dry run: wrote {count} e-mail(s) to {folder}/{already}; nothing was sent.",
                 report.written, count=report.written, folder=args.plan_dir / EML_DIR,
                 already=already),
            soft_wrap=True, markup=False,
        )
        _print_kinds(report, out, dry=True)
    else:
        host, port = args.smtp
        out.print(t.n_("Sent {count} e-mail(s) via {server}{already}.",
                       "Sent {count} e-mail(s) via {server}{already}.", report.sent,
            count=report.sent, server=f"{host}:{port}", already=already),
            soft_wrap=True, markup=False)
        _print_kinds(report, out, dry=False)


def _print_kinds(report: SendReport, out: Console, dry: bool) -> None:
    """One line per kind of mail: how many e-mails go to how many people (SPEC §9)."""
    rows = [(t._(kind), mails, people) for kind, mails, people in report.kinds]
    width = max(len(t._(kind)) + 1 for kind in KINDS)  # one width in every run
    for name, mails, people in rows:
        if dry:
            line = t.n_("{mails} e-mail(s) would go to {count} person",
                        "{mails} e-mail(s) would go to {count} people", people)
        else:
            line = t.n_("{mails} e-mail(s) went to {count} person",
                        "{mails} e-mail(s) went to {count} people", people)
        out.print(f"  {name:<{width}}" + line.format(mails=f"{mails:>6}", count=people),
                  markup=False, highlight=False)


def _kind_names() -> None:
    """The kinds of mail (:data:`~backstage_sched.publish.send.KINDS`), so that the
    catalogue holds them (never called)."""
    for text in (t._("letter"), t._("invitation"), t._("update"), t._("cancellation"),
                 t._("summary"), t._("calendar")):
        del text
