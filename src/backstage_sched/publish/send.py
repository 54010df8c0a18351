"""Send the plan folder's outbox as iMIP e-mail (RFC 6047), or write ``.eml`` files.

Every message of ``outbox.json`` goes to each of its recipients as its own
e-mail: a text part in the program's language (``Content-Language``; texts
from the ``calendar`` catalogue, dates from Babel) saying what the message is
and a ``text/calendar; method=...`` part whose bytes are exactly the ``.ics``
file. The outbox's ``letters`` (welcome letters, SPEC §9) go first, as text
and HTML. Its ``feeds`` (a facilitator's own feed when the program names
no organizer) go out the same way with ``method=PUBLISH``; its ``summaries``
(who left and joined a cohort, SPEC §9) as plain text, with no calendar part.
Sending is resumable: ``sent.json`` in the plan folder records every e-mail
the server accepted (``method|uid|sequence|email``; for a feed
``PUBLISH|file|sha256|email``; for a summary ``SUMMARY|cohort|id|email``),
rewritten atomically after each one, and a rerun skips what it lists. It is
never sent twice across plans either: the ``sent.json`` of every earlier
folder of the chain (the folders a re-plan or change was made from,
:mod:`.history`) counts as sent (SPEC §8).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import smtplib
import ssl
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from icalendar import Calendar

from ..domain import Program
from ..errors import BackstageError, InputError, read_json
from ..i18n import Language
from ..inputs.snapshot import program_from_dict
from ..said import said
from .history import SENT, sent_before
from .ical import words
from .letters import first_name

EML_DIR = "sent-eml"
OUTBOX = "outbox.json"
INPUT = "input.json"
PASSWORD_ENV = "BACKSTAGE_SMTP_PASSWORD"
DEFAULT_SENDER = "backstage@localhost"

Progress = Callable[[int, int, str], None]


class SendError(BackstageError):
    """Sending stopped: says how many went out and which recipient failed."""


@dataclass(frozen=True)
class SendReport:
    """What one run did: e-mails sent, skipped (already in sent.json), .eml files written.

    ``sent_earlier`` counts the skipped e-mails that went out from an earlier
    folder of the chain; ``broken`` says which links of the chain could not be
    followed (an earlier folder moved or deleted).
    """

    sent: int = 0
    skipped: int = 0
    written: int = 0
    sent_earlier: int = 0
    broken: tuple[str, ...] = ()
    #: per kind of mail (:data:`KINDS`) that this run sent or wrote:
    #: ``(kind, e-mails, people)``, in the order of KINDS, kinds with none left out
    kinds: tuple[tuple[str, int, int], ...] = ()


#: The kinds of mail ``send`` counts, in the order it reports them.
KINDS = ("letter", "invitation", "update", "cancellation", "summary", "calendar")


def mail_kind(message: dict[str, Any]) -> str:
    """What kind of mail an outbox entry is, as ``send`` counts it: a welcome
    ``letter``, an ``invitation`` (new session, or one the reader joins), an
    ``update`` (changed, or the reader's absence), a ``cancellation``, a
    ``summary``, or a facilitator's own ``calendar`` (feed)."""
    method = str(message.get("method", "")).upper()
    if method == "LETTER":
        return "letter"
    if method == "SUMMARY":
        return "summary"
    if method == "PUBLISH":
        return "calendar"
    if method == "CANCEL":
        return "cancellation"
    return "invitation" if message.get("change") in ("new", "joined") else "update"


def _kinds(todo: list[tuple[dict[str, Any], dict[str, Any], str]]
           ) -> tuple[tuple[str, int, int], ...]:
    mails: dict[str, int] = {}
    people: dict[str, set[str]] = {}
    for m, r, _ in todo:
        kind = mail_kind(m)
        mails[kind] = mails.get(kind, 0) + 1
        people.setdefault(kind, set()).add(str(r["email"]).strip().lower())
    return tuple((k, mails[k], len(people[k])) for k in KINDS if k in mails)


@dataclass(frozen=True)
class _Event:
    """What the e-mail needs from one VEVENT of the .ics file."""

    uid: str
    sequence: int
    summary: str
    description: str
    start: datetime
    end: datetime
    location: str
    organizer_name: str
    organizer_email: str
    roles: dict[str, str]  # attendee e-mail (lower case) -> ROLE


@dataclass(frozen=True)
class _File:
    """A calendar file of the outbox: its METHOD and events."""

    method: str
    events: tuple[_Event, ...]


@dataclass(frozen=True)
class Context:
    """What every e-mail of one plan folder shares: its language, name and signature."""

    lang: Language
    name: str
    signature: str
    organizer: tuple[str, str] | None = None  # the coordinator's (name, e-mail), if named

    @classmethod
    def of(cls, program: Program | None, fallback_name: str = "Backstage") -> Context:
        """From the folder's program (its ``input.json``); Swedish defaults without one."""
        if program is None:
            return cls(Language("sv", "calendar"), fallback_name, fallback_name)
        organizer = (
            (program.organizer_name or program.name, program.organizer_email)
            if program.organizer_email else None
        )
        return cls(words(program), program.name, program.organizer_name or program.name,
                   organizer)


def _read_file(path: Path, data: bytes) -> _File:
    try:
        cal = Calendar.from_ical(data)
        events = []
        for ev in cal.walk("VEVENT"):
            organizer = ev.get("ORGANIZER")
            attendees = ev.get("ATTENDEE", [])
            if not isinstance(attendees, list):
                attendees = [attendees]
            events.append(_Event(
                uid=str(ev["UID"]),
                sequence=int(ev.get("SEQUENCE", 0)),
                summary=str(ev.get("SUMMARY", "")),
                description=str(ev.get("DESCRIPTION", "")),
                start=ev.decoded("DTSTART"),
                end=ev.decoded("DTEND"),
                location=str(ev.get("LOCATION", "")),
                organizer_name=str(organizer.params.get("CN", "")) if organizer else "",
                organizer_email=_mailto(str(organizer)) if organizer else "",
                roles={_mailto(str(a)).lower(): str(a.params.get("ROLE", "REQ-PARTICIPANT"))
                       for a in attendees},
            ))
        return _File(str(cal.get("METHOD", "")).upper(), tuple(events))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(str(path), None, said(
            "not a readable calendar file: {problem}", problem=str(exc))) from exc


def _mailto(uri: str) -> str:
    return uri[7:] if uri.lower().startswith("mailto:") else uri


def _when(lang: Language, start: datetime, end: datetime) -> str:
    """``måndag 11 januari 2027 kl. 08:30–11:30`` in the session's own zone."""
    if end.date() == start.date():
        return lang.span(start, end)
    first, last = lang.day(start.date()), lang.day(end.date())
    return f"{first} {lang.clock(start)} – {last} {lang.clock(end)}"


def _hello(lang: Language, name: str) -> str:
    return lang._("Hello {name},", name=first_name(name))


def _headline(lang: Language, change: str, method: str) -> tuple[str, str | None]:
    """The subject (``{summary}``) and opening line (``{session}``) of an e-mail about
    one session, by what happened to it; an absence opens with its own detail (None)."""
    if change in ("new", "joined"):
        return lang._("Invitation: {summary}"), lang._("Here is the invitation to {session}.")
    if change == "removed":
        return (lang._("You no longer take part: {summary}"),
                lang._("You no longer take part in {session}."))
    if change == "absent":
        return lang._("Absence noted: {summary}"), None
    if change == "cancelled" or method == "CANCEL":
        return lang._("Cancelled: {summary}"), lang._("{session} is cancelled.")
    return lang._("Updated: {summary}"), lang._("{session} has changed.")


def _closing(lang: Language, method: str, change: str, chair: bool) -> str:
    if method == "CANCEL":
        return lang._("Opening the attached message removes the session from your calendar.")
    if chair:
        return lang._("You lead this session as its facilitator; it is already accepted for you.")
    if change in ("new", "joined"):
        return lang._("Please answer the invitation; that puts the session in your calendar.")
    return lang._("Opening the invitation updates the session in your calendar.")


def _signed(ctx: Context, lines: list[str]) -> str:
    return "\n".join([*lines, "", ctx.lang._("Kind regards,"), ctx.signature, ""])


def _body(ctx: Context, event: _Event, method: str, message: dict[str, Any],
          recipient: dict[str, Any]) -> str:
    """The text of an invitation or cancellation e-mail, in the program's language."""
    lang = ctx.lang
    change = str(message.get("change", ""))
    session = lang._("{summary} in {program}", summary=event.summary, program=ctx.name)
    detail = str(message.get("detail", ""))
    opening = _headline(lang, change, method)[1]
    opening = detail if opening is None else opening.format(session=session)
    lines = [
        _hello(lang, str(recipient["name"])),
        "",
        opening,
        "",
        lang._("When: {when}", when=_when(lang, event.start, event.end)),
    ]
    if change == "changed" and detail:
        lines.append(lang._("What has changed: {detail}", detail=detail))
    reason = str(message.get("reason", ""))
    if change == "cancelled" and reason:
        lines.append(lang._("Why: {reason}", reason=reason))
    # a cancellation says neither the members (the reader among them) nor the last
    # day to cancel free of charge: only an invitation carries the session's details
    about = event.description.splitlines()[1:] if method != "CANCEL" else []
    if about:
        lines += ["", *about]
    chair = event.roles.get(str(recipient["email"]).lower()) == "CHAIR"
    lines += ["", _closing(lang, method, change, chair)]
    return _signed(ctx, lines)


def _feed_body(ctx: Context, file: _File, message: dict[str, Any],
               recipient: dict[str, Any]) -> str:
    """The text of the e-mail carrying a facilitator's own feed."""
    lang = ctx.lang
    lines = [_hello(lang, str(recipient["name"])), ""]
    changes = str(message.get("detail", "")).splitlines()
    if message.get("change") == "changed" and changes:
        lines.append(lang._("Your sessions as facilitator in {program} have changed:",
            program=ctx.name))
        lines += [f"- {line}" for line in changes]
    else:
        lines.append(lang._("Here are all your sessions as facilitator in {program}.",
            program=ctx.name))
    if message.get("change") == "changed":
        closing = lang._("Open the attached calendar file to update your calendar; "
                         "a cancelled session comes with its own cancellation.")
    else:
        closing = lang._("Open the attached calendar file to add the sessions to your calendar.")
    lines.append("")
    if file.events:
        lines.append(lang._("Your sessions:"))
        unknown = lang._("Location to be announced")  # said once below, not on every line
        for ev in file.events:
            where = f", {ev.location}" if ev.location and ev.location != unknown else ""
            lines.append(f"- {_when(lang, ev.start, ev.end)}: {ev.summary}{where}")
        if all(ev.location == unknown for ev in file.events):
            lines.append(lang._("Location: to be announced"))
    else:
        lines.append(lang._("You lead no sessions now."))
    lines += ["", closing]
    return _signed(ctx, lines)


def _summary_body(ctx: Context, message: dict[str, Any], recipient: dict[str, Any]) -> str:
    """The text of a summary: who left and who joined the recipient's cohort."""
    lang = ctx.lang
    cohort = lang._("Backstage cohort {cohort}", cohort=message.get("cohort", ""))
    lines = [
        _hello(lang, str(recipient["name"])),
        "",
        lang._("A change in your {cohort} in {program}: {detail}.",
            cohort=cohort, program=ctx.name, detail=message.get("detail", "")),
    ]
    if message.get("sessions_unchanged"):
        lines += ["", lang._("Your sessions stay as they are: the same dates, times and place.")]
    return _signed(ctx, lines)


def _address(name: str, email: str) -> Address:
    try:
        return Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError) as exc:
        raise InputError(None, name, said(
            "bad e-mail address {email}: {problem}", email=repr(email),
            problem=str(exc))) from exc


def _sender_address(sender: str) -> Address:
    name, addr = parseaddr(sender)
    if "@" not in addr:
        raise InputError(None, "sender", said("not an e-mail address: {sender}",
                                                sender=repr(sender)))
    return _address(name, addr)


def message_key(message: dict[str, Any], recipient: dict[str, Any]) -> str:
    """The key ``sent.json`` records for one e-mail: ``method|uid|sequence|email``,
    ``PUBLISH|file|sha256|email`` for a facilitator's feed, or
    ``SUMMARY|cohort|id|email`` for a summary, ``LETTER|person|sha256|email`` for a
    welcome letter."""
    email = str(recipient["email"]).strip().lower()
    method = str(message.get("method", "")).upper()
    if method == "PUBLISH":
        return f"PUBLISH|{message['file']}|{message['sha256']}|{email}"
    if method == "SUMMARY":
        return f"SUMMARY|{message['cohort']}|{message['id']}|{email}"
    if method == "LETTER":
        return f"LETTER|{message['person']}|{message['sha256']}|{email}"
    return f"{message['method']}|{message['uid']}|{message['sequence']}|{email}"


def _message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@backstage-sched>"


def _ics_path(plan_dir: Path, message: dict[str, Any]) -> Path:
    rel = str(message.get("file", ""))
    path = (plan_dir / rel).resolve()
    if not rel or not path.is_relative_to(plan_dir.resolve()):
        raise InputError(str(plan_dir / OUTBOX), rel, said("file outside the plan folder"))
    if not path.is_file():
        raise InputError(str(plan_dir / OUTBOX), rel, said("calendar file is missing"))
    return path


def _checked_event(where: str, outbox: str, file: _File,
                   message: dict[str, Any], email: str) -> _Event:
    """The one VEVENT of an invitation or cancellation, matching its outbox entry."""
    if len(file.events) != 1:
        raise InputError(outbox, where, said(
            "expected one VEVENT, found {count}", count=len(file.events)))
    (event,) = file.events
    if event.uid != message.get("uid") or event.sequence != message.get("sequence"):
        raise InputError(
            outbox, where,
            said("outbox UID/SEQUENCE {uid}/{sequence} differ from the file's "
                 "{file_uid}/{file_sequence}", uid=message.get("uid"),
                 sequence=message.get("sequence"), file_uid=event.uid,
                 file_sequence=event.sequence),
        )
    organizes = method_is_cancel(message) and email.lower() == event.organizer_email.lower()
    if email.lower() not in event.roles and not organizes:
        raise InputError(outbox, where, said(
            "{email} is not an attendee of the calendar file", email=email))
    return event


def method_is_cancel(message: dict[str, Any]) -> bool:
    """Whether an outbox entry is a cancellation (its organizer may receive it too:
    a facilitator who organises a session drops it from their calendar)."""
    return str(message.get("method", "")).upper() == "CANCEL"


def _check_feed(where: str, outbox: str, data: bytes, message: dict[str, Any],
                recipient: dict[str, Any]) -> None:
    """A feed goes, unchanged since the outbox was written, to its own person."""
    if hashlib.sha256(data).hexdigest() != message.get("sha256"):
        raise InputError(outbox, where, said(
            "the feed changed since the outbox was written"))
    if recipient.get("id") != message.get("person"):
        raise InputError(
            outbox, where, said("{id} is not the owner of this feed", id=recipient.get("id"))
        )


def build_message(
    plan_dir: Path,
    message: dict[str, Any],
    recipient: dict[str, Any],
    sender: str,
    context: Context | None = None,
) -> EmailMessage:
    """One iMIP e-mail for one recipient of one outbox message (or feed).

    multipart/alternative: text/plain in the program's language and
    ``text/calendar; method=...; charset=utf-8`` (base64) holding the .ics
    file byte for byte. The file's METHOD must match the outbox entry; for an
    invitation or cancellation its UID and SEQUENCE too, and the recipient
    must be one of its attendees; a feed must still have the bytes the outbox
    names and go to its own person. ``context`` defaults to the folder's.
    """
    plan_dir = Path(plan_dir)
    ctx = context or folder_context(plan_dir)
    if str(message.get("method", "")).upper() == "SUMMARY":
        return _plain_message(ctx, message, recipient, sender)
    if str(message.get("method", "")).upper() == "LETTER":
        return _letter_message(plan_dir, ctx, message, recipient, sender)
    outbox = str(plan_dir / OUTBOX)
    path = _ics_path(plan_dir, message)
    data = path.read_bytes()
    file = _read_file(path, data)
    where = f"{message.get('file')}"
    method = str(message.get("method", "")).upper()
    if file.method != method:
        raise InputError(
            outbox, where,
            said("outbox says METHOD {method} but the file says {file_method}",
                 method=method or "-", file_method=file.method or "-"),
        )
    email = str(recipient["email"])
    lang = ctx.lang
    change = str(message.get("change", ""))
    if method == "PUBLISH":
        _check_feed(where, outbox, data, message, recipient)
        if change == "changed":
            subject = lang._("Changes to your sessions as facilitator: {program}")
        else:
            subject = lang._("Your sessions as facilitator: {program}")
        subject = subject.format(program=ctx.name)
        text = _feed_body(ctx, file, message, recipient)
        reply_to = None
    else:
        event = _checked_event(where, outbox, file, message, email)
        subject = _headline(lang, change, method)[0].format(summary=event.summary)
        text = _body(ctx, event, method, message, recipient)
        reply_to = event.organizer_email and _address(event.organizer_name,
                                                      event.organizer_email)
    key = message_key(message, recipient)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = _sender_address(sender)
    msg["To"] = _address(str(recipient["name"]), email)
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = _message_id(key)
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(
        data, maintype="text", subtype="calendar", cte="base64",
        params={"method": method, "charset": "utf-8"},
    )
    msg["Content-Language"] = lang.code  # after set_content, which drops Content-* headers
    for part in msg.iter_parts():
        del part["MIME-Version"]
        if part.get_content_type() == "text/plain":
            part["Content-Language"] = lang.code
    return msg


def _plain_envelope(ctx: Context, message: dict[str, Any], recipient: dict[str, Any],
                    sender: str, subject: str) -> EmailMessage:
    """The headers of a mail without a calendar part (a summary, a letter): replies go
    to the coordinator's mailbox when the program names one."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = _sender_address(sender)
    msg["To"] = _address(str(recipient["name"]), str(recipient["email"]))
    if ctx.organizer:
        msg["Reply-To"] = _address(*ctx.organizer)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = _message_id(message_key(message, recipient))
    return msg


def _plain_message(ctx: Context, message: dict[str, Any], recipient: dict[str, Any],
                   sender: str) -> EmailMessage:
    """A summary: text only, in the program's language, no calendar part."""
    lang = ctx.lang
    subject = lang._("Change in your Backstage cohort: {program}", program=ctx.name)
    msg = _plain_envelope(ctx, message, recipient, sender, subject)
    msg.set_content(_summary_body(ctx, message, recipient), charset="utf-8")
    msg["Content-Language"] = lang.code
    return msg


def _letter_message(plan_dir: Path, ctx: Context, message: dict[str, Any],
                    recipient: dict[str, Any], sender: str) -> EmailMessage:
    """A welcome letter: its text and HTML files as multipart/alternative, unchanged
    since the outbox was written, to its own person."""
    outbox = str(plan_dir / OUTBOX)
    where = str(message.get("file", ""))
    text = _ics_path(plan_dir, message).read_bytes()
    page = _ics_path(plan_dir, {"file": message.get("html", "")}).read_bytes()
    if hashlib.sha256(text).hexdigest() != message.get("sha256"):
        raise InputError(outbox, where, said(
            "the letter changed since the outbox was written"))
    if recipient.get("id") != message.get("person"):
        raise InputError(outbox, where, said(
            "{id} is not this letter's reader", id=recipient.get("id")))
    msg = _plain_envelope(ctx, message, recipient, sender, str(message.get("subject", "")))
    msg.set_content(text.decode("utf-8"), charset="utf-8")
    msg.add_alternative(page.decode("utf-8"), subtype="html", charset="utf-8")
    msg["Content-Language"] = ctx.lang.code
    for part in msg.iter_parts():
        del part["MIME-Version"]
        part["Content-Language"] = ctx.lang.code
    return msg


def _load_json(path: Path) -> Any:
    return read_json(path, said("missing — is this a plan folder?"))


def _load_sent(plan_dir: Path) -> list[str]:
    path = plan_dir / SENT
    if not path.exists():
        return []
    data = _load_json(path)
    if not isinstance(data, list) or not all(isinstance(k, str) for k in data):
        raise InputError(str(path), None, said(
            "expected a JSON list of sent-message keys"))
    return data


def _save_sent(plan_dir: Path, keys: list[str]) -> None:
    """Write ``sent.json`` atomically (temporary file, fsync, os.replace)."""
    fd, tmp = tempfile.mkstemp(prefix=".sent-", suffix=".json", dir=plan_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(keys, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, plan_dir / SENT)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _program(plan_dir: Path) -> Program | None:
    """The folder's program (``input.json``), or None when it has none."""
    path = plan_dir / INPUT
    if not path.exists():
        return None
    return program_from_dict(_load_json(path), source=str(path))


def folder_context(plan_dir: Path, fallback_name: str = "Backstage") -> Context:
    """Language, program name and signature of the e-mails of a plan folder."""
    return Context.of(_program(Path(plan_dir)), fallback_name)


def default_sender(plan_dir: Path) -> str | None:
    """``Name <address>`` of the program's organizer, the natural sender, or None."""
    program = _program(Path(plan_dir))
    if program is None or not program.organizer_email:
        return None
    return str(_address(program.organizer_name or "", program.organizer_email))


Pairs = list[tuple[dict[str, Any], dict[str, Any]]]
SECTIONS = ("letters", "messages", "feeds", "summaries")


def outbox_entries(box: dict[str, Any], where: str = OUTBOX) -> list[dict[str, Any]]:
    """Every entry of a read ``outbox.json``, in sending order: the welcome letters,
    the invitations and cancellations, the facilitators' feeds, the summaries
    (absent sections are empty)."""
    entries: list[dict[str, Any]] = []
    for section in SECTIONS:
        items = box.get(section, [])
        if not isinstance(items, list):
            raise InputError(where, section, said("expected a list"))
        entries += items
    return entries


def _work(plan_dir: Path) -> tuple[Context, Pairs]:
    """The e-mails' context and every (message, recipient) pair, in outbox order:
    the invitations and cancellations, the facilitators' feeds, the summaries."""
    box = _load_json(plan_dir / OUTBOX)
    if not isinstance(box, dict) or not isinstance(box.get("messages"), list):
        raise InputError(str(plan_dir / OUTBOX), None,
                         said("expected {{'program', 'messages': [...]}}"))
    ctx = folder_context(plan_dir, str(box.get("program") or "Backstage"))
    pairs = [(m, r) for m in outbox_entries(box, str(plan_dir / OUTBOX))
             for r in m.get("recipients", [])]
    return ctx, pairs


def _eml_path(plan_dir: Path, message: dict[str, Any], recipient: dict[str, Any]) -> Path:
    method = str(message.get("method", "")).upper()
    if method == "PUBLISH":
        return plan_dir / EML_DIR / "people" / f"{recipient['id']}-PUBLISH.eml"
    if method == "SUMMARY":
        return plan_dir / EML_DIR / str(message["cohort"]) / f"SUMMARY-{recipient['id']}.eml"
    if method == "LETTER":
        return plan_dir / EML_DIR / "letters" / f"{recipient['id']}.eml"
    name = f"{message['session']}-{message['method']}-{recipient['id']}.eml"
    return plan_dir / EML_DIR / str(message["cohort"]) / name


def _what(message: dict[str, Any]) -> str:
    """The outbox entry as progress names it: its file, or a summary's cohort."""
    if "file" in message:
        return str(message["file"])
    return said("summary for {cohort}", cohort=message.get("cohort", ""))


def send_outbox(
    plan_dir: Path,
    sender: str,
    smtp: tuple[str, int] | None,
    dry_run: bool,
    starttls: bool = False,
    username: str | None = None,
    password: str | None = None,
    progress: Progress | None = None,
) -> SendReport:
    """Send (or, on a dry run, write as .eml) every e-mail of the outbox not yet sent.

    A dry run (forced when ``smtp`` is None) rewrites ``sent-eml/`` and sends
    nothing. A real run records each accepted e-mail in ``sent.json`` at once;
    on failure it stops and raises SendError, and a rerun sends only the rest.
    An e-mail sent from an earlier folder of the chain is skipped like one in
    this folder's ``sent.json``.
    """
    plan_dir = Path(plan_dir)
    context, pairs = _work(plan_dir)
    _sender_address(sender)
    done = _load_sent(plan_dir)
    earlier, broken = sent_before(plan_dir)
    seen = set(done)
    todo: list[tuple[dict[str, Any], dict[str, Any], str]] = []
    skipped = from_earlier = 0
    for m, r in pairs:
        key = message_key(m, r)
        if key in seen or key in earlier:
            skipped += 1
            from_earlier += key not in seen
            continue
        seen.add(key)
        todo.append((m, r, key))
    # build everything first: a bad file stops the run before anything goes out
    built = [(build_message(plan_dir, m, r, sender, context), m, r, k) for m, r, k in todo]
    total = len(built)

    if dry_run or smtp is None:
        shutil.rmtree(plan_dir / EML_DIR, ignore_errors=True)
        for i, (msg, m, r, _) in enumerate(built, 1):
            path = _eml_path(plan_dir, m, r)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
            if progress:
                progress(i, total, said("wrote {file}", file=path.relative_to(plan_dir)))
        return SendReport(sent=0, skipped=skipped, written=total,
                          sent_earlier=from_earlier, broken=tuple(broken), kinds=_kinds(todo))

    host, port = smtp
    envelope_from = _sender_address(sender).addr_spec
    sent = 0
    current: str = said("the server")
    try:
        with smtplib.SMTP(host, port, timeout=60) as server:
            server.ehlo()
            if starttls:
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if username:
                server.login(username, password or "")
            for msg, m, r, key in built:
                current = said("{name} <{email}> ({what}, {method})", name=r["name"],
                               email=r["email"], what=_what(m), method=m["method"])
                server.send_message(msg, from_addr=envelope_from, to_addrs=[str(r["email"])])
                done.append(key)
                _save_sent(plan_dir, done)
                sent += 1
                if progress:
                    progress(sent, total, said("sent to {name} <{email}>: {what}",
                                               name=r["name"], email=r["email"], what=_what(m)))
    except (smtplib.SMTPException, OSError) as exc:
        left = total - sent
        raise SendError(said(
            "sending stopped: {sent} e-mail(s) sent this run, {left} not sent; failed at "
            "{current}: {problem}. {done} recorded in {file}; run send again to continue "
            "without duplicates", sent=sent, left=left, current=current, problem=exc,
            done=len(done), file=plan_dir / SENT,
        )) from exc
    return SendReport(sent=sent, skipped=skipped, written=0,
                      sent_earlier=from_earlier, broken=tuple(broken), kinds=_kinds(todo))
