"""The ``send`` subcommand: e-mail a plan folder's outbox (:mod:`backstage_sched.publish.send`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ..errors import BackstageError, InputError
from ..publish.send import (
    DEFAULT_SENDER,
    EML_DIR,
    PASSWORD_ENV,
    SENT,
    SendError,
    SendReport,
    default_sender,
    send_outbox,
)

EXIT_OK, EXIT_INPUT, EXIT_SEND = 0, 2, 3


def _host_port(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT``); the port defaults to 25."""
    host, sep, port = text.rpartition(":")
    if not sep or "]" in port:
        host, port = text, "25"
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``send`` subcommand."""
    p = sub.add_parser(
        "send",
        help="e-mail the plan folder's outbox as calendar invitations (iMIP)",
        description=(
            "Send one e-mail per person and invitation in outbox.json. Without --smtp "
            "(or with --dry-run) .eml files are written to PLAN_DIR/sent-eml/ instead. "
            f"The SMTP password is read from ${PASSWORD_ENV}, never from a flag."
        ),
    )
    p.add_argument("plan_dir", type=Path, help="plan folder with outbox.json")
    p.add_argument("--smtp", type=_host_port, metavar="HOST:PORT", help="SMTP server")
    p.add_argument(
        "--from", dest="sender", metavar="ADDRESS",
        help=(
            "sender address (default: the program's organizer_name/organizer_email; "
            f"without them required with --smtp, {DEFAULT_SENDER} on a dry run)"
        ),
    )
    p.add_argument("--dry-run", action="store_true", help="write .eml files, send nothing")
    p.add_argument("--starttls", action="store_true", help="upgrade the connection with STARTTLS")
    p.add_argument("--user", metavar="NAME", help=f"SMTP login name (password: ${PASSWORD_ENV})")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary and errors")


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Carry out ``send``; 0 on success, 2 on bad input, 3 when sending failed."""
    dry = bool(args.dry_run) or args.smtp is None
    try:
        sender = args.sender or default_sender(args.plan_dir)
    except InputError as exc:
        err.print(f"[bold red]input error:[/] {escape(str(exc))}", soft_wrap=True)
        return EXIT_INPUT
    if not dry and not sender:
        err.print("[bold red]input error:[/] --from ADDRESS is required with --smtp "
                  "(or organizer_email in the program)")
        return EXIT_INPUT
    password = os.environ.get(PASSWORD_ENV)
    if args.user and not dry and password is None:
        err.print(f"[bold red]input error:[/] --user needs the password in ${PASSWORD_ENV}")
        return EXIT_INPUT
    local = ("localhost", "127.0.0.1", "::1")
    if args.user and not args.starttls and not dry and args.smtp[0] not in local:
        err.print("warning: logging in without --starttls sends the password in clear text")

    def progress(i: int, total: int, what: str) -> None:
        if not getattr(args, "quiet", False):
            err.print(f"  [{i}/{total}] {what}", markup=False, soft_wrap=True)

    try:
        report = send_outbox(
            args.plan_dir, sender or DEFAULT_SENDER, None if dry else args.smtp, dry,
            starttls=args.starttls, username=args.user, password=password, progress=progress,
        )
    except InputError as exc:
        err.print(f"[bold red]input error:[/] {escape(str(exc))}", soft_wrap=True)
        err.print("Nothing was sent.")
        return EXIT_INPUT
    except SendError as exc:
        err.print(f"[bold red]send failed:[/] {escape(str(exc))}", soft_wrap=True)
        return EXIT_SEND
    except BackstageError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return EXIT_SEND
    for note in report.broken:
        err.print(f"warning: {note}; what was sent from there cannot be told apart, so it "
                  "may go out again", markup=False, soft_wrap=True)
    here = report.skipped - report.sent_earlier
    already = f", {here} already sent (in {SENT})" if here else ""
    if report.sent_earlier:
        already += f", {report.sent_earlier} already sent from an earlier plan folder"
    if dry:
        out.print(
            f"Dry run: wrote {report.written} e-mail(s) to {args.plan_dir / EML_DIR}/"
            f"{already}; nothing was sent.", soft_wrap=True,
        )
        _print_kinds(report, out, "would go")
    else:
        host, port = args.smtp
        out.print(f"Sent {report.sent} e-mail(s) via {host}:{port}{already}.", soft_wrap=True)
        _print_kinds(report, out, "went")
    return EXIT_OK


def _print_kinds(report: SendReport, out: Console, verb: str) -> None:
    """One line per kind of mail: how many e-mails go to how many people (SPEC §9)."""
    for kind, mails, people in report.kinds:
        out.print(f"  {kind:<13}{mails:>6} e-mail(s) {verb} to {people} "
                  f"{'person' if people == 1 else 'people'}", markup=False, highlight=False)
