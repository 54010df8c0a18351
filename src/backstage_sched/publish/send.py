"""Send the plan folder's outbox as iMIP e-mail (RFC 6047), or write ``.eml`` files.

Every message of ``outbox.json`` goes to each of its recipients as its own
e-mail: a bilingual (Swedish/English) text part saying what changed and a
``text/calendar; method=...`` part whose bytes are exactly the ``.ics`` file.
Sending is resumable: ``sent.json`` in the plan folder records every e-mail
the server accepted (``method|uid|sequence|email``), rewritten atomically
after each one, and a rerun skips what it lists.
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

from ..errors import BackstageError, InputError

SENT = "sent.json"
EML_DIR = "sent-eml"
OUTBOX = "outbox.json"
PASSWORD_ENV = "BACKSTAGE_SMTP_PASSWORD"
DEFAULT_SENDER = "backstage@localhost"

Progress = Callable[[int, int, str], None]

# change -> (Swedish, English) words for the subject line
_SUBJECT = {
    "new": ("inbjudan", "invitation"),
    "changed": ("ändrad", "updated"),
    "cancelled": ("inställd", "cancelled"),
    "removed": ("avbokad för dig", "cancelled for you"),
}
# change -> (Swedish, English) opening sentence of the body
_OPENING = {
    "new": ("Du är inbjuden till", "You are invited to"),
    "changed": ("Det här tillfället har ändrats:", "This session has changed:"),
    "cancelled": ("Det här tillfället är inställt:", "This session is cancelled:"),
    "removed": (
        "Du deltar inte längre i det här tillfället:",
        "You no longer attend this session:",
    ),
}
# known ``detail`` texts in Swedish; others are quoted in English
_DETAIL_SV = {
    "new session": "nytt tillfälle",
    "session cancelled": "tillfället är inställt",
    "no longer attending": "du deltar inte längre",
}
_WEEKDAYS_SV = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


class SendError(BackstageError):
    """Sending stopped: says how many went out and which recipient failed."""


@dataclass(frozen=True)
class SendReport:
    """What one run did: e-mails sent, skipped (already in sent.json), .eml files written."""

    sent: int = 0
    skipped: int = 0
    written: int = 0


@dataclass(frozen=True)
class _Event:
    """What the body needs from the .ics file."""

    method: str
    uid: str
    sequence: int
    summary: str
    start: datetime
    end: datetime
    location: str
    organizer_name: str
    organizer_email: str
    attendees: frozenset[str]


def _read_event(path: Path, data: bytes) -> _Event:
    try:
        cal = Calendar.from_ical(data)
        events = cal.walk("VEVENT")
        if len(events) != 1:
            raise ValueError(f"expected one VEVENT, found {len(events)}")
        ev = events[0]
        organizer = ev.get("ORGANIZER")
        attendees = ev.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        return _Event(
            method=str(cal.get("METHOD", "")).upper(),
            uid=str(ev["UID"]),
            sequence=int(ev.get("SEQUENCE", 0)),
            summary=str(ev.get("SUMMARY", "")),
            start=ev.decoded("DTSTART"),
            end=ev.decoded("DTEND"),
            location=str(ev.get("LOCATION", "")),
            organizer_name=str(organizer.params.get("CN", "")) if organizer else "",
            organizer_email=_mailto(str(organizer)) if organizer else "",
            attendees=frozenset(_mailto(str(a)).lower() for a in attendees),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(str(path), None, f"not a readable calendar invitation: {exc}") from exc


def _mailto(uri: str) -> str:
    return uri[7:] if uri.lower().startswith("mailto:") else uri


def _when_sv(start: datetime, end: datetime) -> str:
    day = f"{_WEEKDAYS_SV[start.weekday()]} {start.day} {_MONTHS_SV[start.month - 1]} {start.year}"
    if end.date() == start.date():
        return f"{day} kl. {start:%H:%M}–{end:%H:%M}"
    return f"{day} kl. {start:%H:%M} – {end:%Y-%m-%d %H:%M}"


def _when_en(start: datetime, end: datetime) -> str:
    day = f"{_WEEKDAYS_EN[start.weekday()]} {start.day} {_MONTHS_EN[start.month - 1]} {start.year}"
    if end.date() == start.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    return f"{day}, {start:%H:%M} – {end:%Y-%m-%d %H:%M}"


def _tz_label(start: datetime) -> str:
    tz = start.tzinfo
    return str(getattr(tz, "key", None) or (start.tzname() or "UTC"))


def _body(event: _Event, message: dict[str, Any], recipient: dict[str, Any], program: str) -> str:
    change = str(message["change"])
    detail = str(message.get("detail", ""))
    sv_open, en_open = _OPENING.get(change, ("Ändring:", "Change:"))
    tz = _tz_label(event.start)
    sv_detail = _DETAIL_SV.get(detail, f"{detail} (på engelska)")
    sv = [
        f"Hej {recipient['name']},",
        "",
        f"{sv_open} {event.summary} ({program}).",
        f"Tid: {_when_sv(event.start, event.end)} ({tz})",
    ]
    en = [
        f"Hello {recipient['name']},",
        "",
        f"{en_open} {event.summary} ({program}).",
        f"Time: {_when_en(event.start, event.end)} ({tz})",
    ]
    if event.location:
        sv.append(f"Plats: {event.location}")
        en.append(f"Venue: {event.location}")
    if detail:
        sv.append(f"Vad som ändrats: {sv_detail}")
        en.append(f"What changed: {detail}")
    if event.organizer_name:
        sv.append(f"Processledare: {event.organizer_name} <{event.organizer_email}>")
        en.append(f"Facilitator: {event.organizer_name} <{event.organizer_email}>")
    if change in ("cancelled", "removed"):
        sv.append("Kalenderhändelsen tas bort ur din kalender när du öppnar den bifogade filen.")
        en.append("Opening the attached calendar message removes the event from your calendar.")
    else:
        sv.append("Svara gärna via kalenderinbjudan.")
        en.append("Please reply through the calendar invitation.")
    return "\n".join([*sv, "", "— In English —", "", *en, ""])


def _address(name: str, email: str) -> Address:
    try:
        return Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError) as exc:
        raise InputError(None, name, f"bad e-mail address {email!r}: {exc}") from exc


def _sender_address(sender: str) -> Address:
    name, addr = parseaddr(sender)
    if "@" not in addr:
        raise InputError(None, "--from", f"not an e-mail address: {sender!r}")
    return _address(name, addr)


def message_key(message: dict[str, Any], recipient: dict[str, Any]) -> str:
    """The key ``sent.json`` records for one e-mail: ``method|uid|sequence|email``."""
    email = str(recipient["email"]).strip().lower()
    return f"{message['method']}|{message['uid']}|{message['sequence']}|{email}"


def _message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@backstage-sched>"


def _ics_path(plan_dir: Path, message: dict[str, Any]) -> Path:
    rel = str(message.get("file", ""))
    path = (plan_dir / rel).resolve()
    if not rel or not path.is_relative_to(plan_dir.resolve()):
        raise InputError(str(plan_dir / OUTBOX), rel, "file outside the plan folder")
    if not path.is_file():
        raise InputError(str(plan_dir / OUTBOX), rel, "calendar file is missing")
    return path


def build_message(
    plan_dir: Path,
    message: dict[str, Any],
    recipient: dict[str, Any],
    sender: str,
    program_name: str,
) -> EmailMessage:
    """One iMIP e-mail for one recipient of one outbox message.

    multipart/alternative: text/plain (Swedish and English) and
    ``text/calendar; method=...; charset=utf-8`` (base64) holding the .ics
    file byte for byte. The file's METHOD, UID and SEQUENCE must match the
    outbox entry and the recipient must be one of its attendees.
    """
    path = _ics_path(plan_dir, message)
    data = path.read_bytes()
    event = _read_event(path, data)
    where = f"{message.get('file')}"
    method = str(message.get("method", "")).upper()
    if event.method != method:
        raise InputError(
            str(plan_dir / OUTBOX), where,
            f"outbox says METHOD {method or '-'} but the file says {event.method or '-'}",
        )
    if event.uid != message.get("uid") or event.sequence != message.get("sequence"):
        raise InputError(
            str(plan_dir / OUTBOX), where,
            f"outbox UID/SEQUENCE {message.get('uid')}/{message.get('sequence')} differ from "
            f"the file's {event.uid}/{event.sequence}",
        )
    email = str(recipient["email"])
    if email.lower() not in event.attendees:
        raise InputError(
            str(plan_dir / OUTBOX), where, f"{email} is not an attendee of the calendar file"
        )
    key = message_key(message, recipient)
    change = str(message.get("change", ""))
    sv, en = _SUBJECT.get(change, ("meddelande", "message"))
    if change not in _SUBJECT and method == "CANCEL":
        sv, en = _SUBJECT["cancelled"]
    summary = event.summary or f"Backstage {message.get('cohort')}"

    msg = EmailMessage()
    msg["Subject"] = f"{summary}: {sv} / {en}"
    msg["From"] = _sender_address(sender)
    msg["To"] = _address(str(recipient["name"]), email)
    if event.organizer_email:
        msg["Reply-To"] = _address(event.organizer_name, event.organizer_email)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = _message_id(key)
    msg["Content-Language"] = "sv, en"
    msg.set_content(_body(event, message, recipient, program_name), charset="utf-8")
    msg.add_alternative(
        data, maintype="text", subtype="calendar", cte="base64",
        params={"method": method, "charset": "utf-8"},
    )
    for part in msg.iter_parts():
        del part["MIME-Version"]
    return msg


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(str(path), None, "missing — is this a plan folder?") from exc
    except (OSError, ValueError) as exc:
        raise InputError(str(path), None, f"cannot read: {exc}") from exc


def _load_sent(plan_dir: Path) -> list[str]:
    path = plan_dir / SENT
    if not path.exists():
        return []
    data = _load_json(path)
    if not isinstance(data, list) or not all(isinstance(k, str) for k in data):
        raise InputError(str(path), None, "expected a JSON list of sent-message keys")
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


def _work(plan_dir: Path) -> tuple[str, list[tuple[dict[str, Any], dict[str, Any]]]]:
    """Program name and every (message, recipient) pair, in outbox order."""
    box = _load_json(plan_dir / OUTBOX)
    if not isinstance(box, dict) or not isinstance(box.get("messages"), list):
        raise InputError(str(plan_dir / OUTBOX), None, "expected {'program', 'messages': [...]}")
    info = _load_json(plan_dir / "input.json") if (plan_dir / "input.json").exists() else {}
    name = str(info.get("name") or box.get("program") or "Backstage")
    pairs = [(m, r) for m in box["messages"] for r in m.get("recipients", [])]
    return name, pairs


def _eml_path(plan_dir: Path, message: dict[str, Any], recipient: dict[str, Any]) -> Path:
    name = f"{message['session']}-{message['method']}-{recipient['id']}.eml"
    return plan_dir / EML_DIR / str(message["cohort"]) / name


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
    """
    plan_dir = Path(plan_dir)
    program_name, pairs = _work(plan_dir)
    _sender_address(sender)
    done = _load_sent(plan_dir)
    seen = set(done)
    todo: list[tuple[dict[str, Any], dict[str, Any], str]] = []
    skipped = 0
    for m, r in pairs:
        key = message_key(m, r)
        if key in seen:
            skipped += 1
            continue
        seen.add(key)
        todo.append((m, r, key))
    # build everything first: a bad file stops the run before anything goes out
    built = [(build_message(plan_dir, m, r, sender, program_name), m, r, k) for m, r, k in todo]
    total = len(built)

    if dry_run or smtp is None:
        shutil.rmtree(plan_dir / EML_DIR, ignore_errors=True)
        for i, (msg, m, r, _) in enumerate(built, 1):
            path = _eml_path(plan_dir, m, r)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
            if progress:
                progress(i, total, f"wrote {path.relative_to(plan_dir)}")
        return SendReport(sent=0, skipped=skipped, written=total)

    host, port = smtp
    envelope_from = _sender_address(sender).addr_spec
    sent = 0
    current = "the server"
    try:
        with smtplib.SMTP(host, port, timeout=60) as server:
            server.ehlo()
            if starttls:
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if username:
                server.login(username, password or "")
            for msg, m, r, key in built:
                current = f"{r['name']} <{r['email']}> ({m['file']}, {m['method']})"
                server.send_message(msg, from_addr=envelope_from, to_addrs=[str(r["email"])])
                done.append(key)
                _save_sent(plan_dir, done)
                sent += 1
                if progress:
                    progress(sent, total, f"sent to {r['name']} <{r['email']}>: {m['file']}")
    except (smtplib.SMTPException, OSError) as exc:
        left = total - sent
        raise SendError(
            f"sending stopped: {sent} e-mail(s) sent this run, {left} not sent; failed at "
            f"{current}: {exc}. {len(done)} recorded in {plan_dir / SENT}; "
            "run send again to continue without duplicates"
        ) from exc
    return SendReport(sent=sent, skipped=skipped, written=0)
