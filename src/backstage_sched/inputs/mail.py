"""Calendar answers read from a mailbox (SPEC §11): iTIP REPLY and COUNTER (RFC 5546).

A mailbox is an ``.mbox`` file, a folder of ``.eml`` files, or an IMAP
mailbox (``imaps://user@host[:port]/INBOX``; a plain ``imap://`` only on this
machine), the password from :data:`PASSWORD_ENV`, never from the command
line. The mailbox is only read: IMAP opens it with EXAMINE and fetches with
``BODY.PEEK[]``, so not even the ``\\Seen`` flag changes.

Each e-mail becomes a :class:`Mail`: its key (the Message-ID, or a digest of
its bytes when it has none), the From address, and one :class:`Reply` per
event of each ``text/calendar`` part whose METHOD is REPLY or COUNTER, as an
Outlook or Google mail carries it (``multipart/alternative``, often the same
calendar twice). Nothing here knows the plan: whether a reply counts is for
:mod:`backstage_sched.actions.replies` to say.
"""

from __future__ import annotations

import contextlib
import hashlib
import imaplib
import mailbox
import os
import re
import ssl
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..errors import InputError
from ..said import said

if TYPE_CHECKING:  # icalendar is imported where a calendar is read
    from icalendar import Component

PASSWORD_ENV = "BACKSTAGE_IMAP_PASSWORD"
"""The environment variable that holds the IMAP password (never a flag)."""
METHODS = ("REPLY", "COUNTER")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_BATCH = 50  # messages per IMAP FETCH


@dataclass(frozen=True)
class Reply:
    """One answer to one event: what a calendar program put in its REPLY or COUNTER.

    Addresses are lower case, without ``mailto:``. ``problem`` says why the
    answer cannot be read (then the other fields may be empty): it is counted
    as malformed. ``start``/``end``: the time a COUNTER proposes.
    """

    method: str
    uid: str = ""
    attendee: str = ""
    partstat: str = ""
    sequence: int = 0
    stamp: datetime | None = None
    start: datetime | None = None
    end: datetime | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Mail:
    """One e-mail: its key, its From address (lower case) and the answers it carries."""

    key: str
    sender: str
    replies: tuple[Reply, ...]
    sent: datetime | None = None


def read_mailbox(source: str | Path, known: Collection[str] = ()) -> Iterator[Mail]:
    """Every e-mail of ``source``: an ``.mbox``, a folder of ``.eml`` files (or one), an
    IMAP URL. From IMAP, an e-mail whose Message-ID is in ``known`` (read before) is not
    downloaded: it comes as a :class:`Mail` with that key and nothing else.

    Raises :class:`InputError` naming the source when it cannot be read.
    """
    text = str(source)
    if text.startswith(("imap://", "imaps://")):
        yield from _imap(text, frozenset(known))
        return
    path = Path(source)
    if path.is_dir():
        files = sorted(path.glob("*.eml"))
        if not files:
            raise InputError(str(path), None, said("the folder holds no .eml files"))
        for eml in files:
            yield parse_mail(eml.read_bytes())
    elif path.is_file() and path.suffix.lower() == ".eml":
        yield parse_mail(path.read_bytes())
    elif path.is_file():
        box = mailbox.mbox(path, create=False)
        try:
            keys = box.keys()
            if not keys and path.stat().st_size:
                raise InputError(str(path), None, said("not an mbox file (no 'From ' line)"))
            for key in keys:
                yield parse_mail(box.get_bytes(key))
        finally:
            box.close()
    else:
        raise InputError(str(path), None, said("no such mbox file or folder of .eml files"))


def parse_mail(data: bytes) -> Mail:
    """One e-mail's key, sender and calendar answers (duplicates within it dropped)."""
    msg = message_from_bytes(data, policy=compat32)
    key = _message_id(msg) or "sha256:" + hashlib.sha256(data).hexdigest()
    senders = [a for _, a in getaddresses([str(v) for v in msg.get_all("From", [])]) if a]
    sender = senders[0].lower() if len(senders) == 1 else ""
    found: list[Reply] = []
    for part in msg.walk():
        if part.get_content_type() != "text/calendar":
            continue
        for reply in _answers(part):
            if reply not in found:
                found.append(reply)
    return Mail(key, sender, tuple(found), _sent(msg))


def _message_id(msg: Message) -> str:
    value = str(msg.get("Message-ID", "") or "").strip()
    return " ".join(value.split())


def _sent(msg: Message) -> datetime | None:
    try:
        when = parsedate_to_datetime(str(msg.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _answers(part: Message) -> list[Reply]:
    """The REPLY and COUNTER events of one ``text/calendar`` part (none for another METHOD)."""
    from icalendar import Calendar

    hinted = str(part.get_param("method") or "").upper()
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return [Reply(hinted or "REPLY", problem="empty calendar part")] \
            if hinted in METHODS else []
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
        cal = Calendar.from_ical(text)
    except Exception as exc:  # whatever a broken calendar raises, it is only malformed
        if hinted and hinted not in METHODS:
            return []
        return [Reply(hinted or "REPLY", problem=f"not a readable calendar: {exc}")]
    method = str(cal.get("METHOD", hinted)).upper()
    if method not in METHODS:
        return []
    events = list(cal.walk("VEVENT"))
    if not events:
        return [Reply(method, problem="no event in the calendar")]
    return [_safe_event(method, ev) for ev in events]


def _safe_event(method: str, ev: Component) -> Reply:
    """:func:`_event`, a value it cannot read (a bad date, a bad parameter) counted as
    malformed: one broken answer never stops the others being read."""
    try:
        return _event(method, ev)
    except Exception as exc:
        return Reply(method, problem=f"unreadable event: {exc}")


def _event(method: str, ev: Component) -> Reply:
    get = ev.get
    uid = str(get("UID", "")).strip()
    attendees = get("ATTENDEE")
    if attendees is None:
        attendees = []
    elif not isinstance(attendees, list):
        attendees = [attendees]
    if not uid:
        return Reply(method, problem="no UID")
    if not attendees:
        return Reply(method, uid=uid, problem="no ATTENDEE")
    try:
        sequence = int(str(get("SEQUENCE", 0)))
        stamp = _when(get("DTSTAMP"))
        start, end = _when(get("DTSTART")), _when(get("DTEND"))
    except (TypeError, ValueError) as exc:
        return Reply(method, uid=uid, problem=str(exc))
    if method == "COUNTER" and start is None:
        return Reply(method, uid=uid, problem="a COUNTER without DTSTART")
    who = _answering(method, attendees)
    if who is None:
        return Reply(method, uid=uid, problem="a REPLY with several answering attendees")
    address = str(who).strip()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    partstat = str(getattr(who, "params", {}).get("PARTSTAT", "NEEDS-ACTION")).upper()
    if "@" not in address:
        return Reply(method, uid=uid, problem=f"ATTENDEE {address!r} is not an e-mail address")
    if method == "REPLY" and partstat not in ("ACCEPTED", "TENTATIVE", "DECLINED"):
        return Reply(method, uid=uid, attendee=address.lower(),
                     problem=f"PARTSTAT {partstat} is not an answer")
    return Reply(method, uid=uid, attendee=address.lower(), partstat=partstat,
                 sequence=sequence, stamp=stamp, start=start, end=end)


def _answering(method: str, attendees: list[object]) -> object | None:
    """The attendee who answers. A REPLY names only them (RFC 5546 §3.2.3); of a client
    that lists more, the only one whose PARTSTAT is not NEEDS-ACTION (None when that is
    not one). A COUNTER may list every attendee: the first that answered, else the first.
    The sender must be that attendee for the answer to count."""
    if len(attendees) == 1:
        return attendees[0]
    answered = [a for a in attendees
                if str(getattr(a, "params", {}).get("PARTSTAT", "")).upper()
                not in ("", "NEEDS-ACTION")]
    if method == "REPLY":
        return answered[0] if len(answered) == 1 else None
    return (answered or attendees)[0]


def _when(prop: object) -> datetime | None:
    """A date-time property as an aware datetime (a floating one read as UTC)."""
    if prop is None:
        return None
    value = getattr(prop, "dt", prop)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError(f"not a date-time: {value!r}")


@dataclass(frozen=True)
class ImapSource:
    """An IMAP mailbox named by a URL: ``imaps://user@host[:port]/MAILBOX``."""

    secure: bool
    host: str
    port: int
    user: str
    mailbox: str

    @classmethod
    def parse(cls, url: str) -> ImapSource:
        """Read the URL; raises InputError naming what is missing or not allowed."""
        parts = urlsplit(url)
        secure = parts.scheme == "imaps"
        try:
            port = parts.port or (993 if secure else 143)
        except ValueError:
            raise InputError(url, None, said("the port is not a number")) from None
        host = parts.hostname or ""
        if not host or not parts.username:
            raise InputError(url, None, said("expected imaps://user@host[:port]/INBOX"))
        if parts.password is not None:
            raise InputError(url, None, said(
                "never put the password in the URL; set ${name}", name=PASSWORD_ENV))
        if not secure and host not in LOCAL_HOSTS:
            raise InputError(url, None, said("a plain imap:// connection would send the "
                                             "password in clear text; use imaps://"))
        box = unquote(parts.path.lstrip("/")) or "INBOX"
        return cls(secure, host, port, unquote(parts.username), box)


def _imap(url: str, known: frozenset[str]) -> Iterator[Mail]:
    source = ImapSource.parse(url)
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        raise InputError(url, None, said("set the IMAP password in ${name}",
                                         name=PASSWORD_ENV))
    try:
        if source.secure:
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                source.host, source.port, ssl_context=ssl.create_default_context(), timeout=60)
        else:
            conn = imaplib.IMAP4(source.host, source.port, timeout=60)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise InputError(url, None, said("cannot connect: {problem}",
                                         problem=str(exc))) from None
    try:
        yield from _examine(conn, source, password, url, known)
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


def _examine(
    conn: imaplib.IMAP4, source: ImapSource, password: str, url: str, known: frozenset[str]
) -> Iterator[Mail]:
    """Log in, EXAMINE the mailbox (read-only) and fetch with BODY.PEEK: the Message-IDs
    first, then every message not ``known``."""
    try:
        conn.login(source.user, password)
    except imaplib.IMAP4.error as exc:
        raise InputError(url, None, said("login refused: {problem}",
                                         problem=str(exc))) from None
    try:
        status, _ = conn.select(_quoted(source.mailbox), readonly=True)  # EXAMINE
        if status != "OK":
            raise InputError(url, None, said("no mailbox {name}",
                                             name=repr(source.mailbox)))
        status, found = conn.uid("SEARCH", "ALL")
        uids = found[0].split() if status == "OK" and found and found[0] else []
        for i in range(0, len(uids), _BATCH):
            batch = [u.decode() for u in uids[i:i + _BATCH]]
            heads = _fetch(conn, url, batch, "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]")
            ids = {uid: _message_id(message_from_bytes(head, policy=compat32))
                   for uid, head in heads}
            wanted = [uid for uid in batch if not ids.get(uid) or ids[uid] not in known]
            for uid in batch:
                if uid not in wanted:
                    yield Mail(ids[uid], "", ())
            if wanted:
                for _, data in _fetch(conn, url, wanted, "BODY.PEEK[]"):
                    yield parse_mail(data)
    except imaplib.IMAP4.error as exc:
        raise InputError(url, None, said("the server said: {problem}",
                                         problem=str(exc))) from None


def _fetch(conn: imaplib.IMAP4, url: str, uids: list[str], part: str) -> list[tuple[str, bytes]]:
    """``UID FETCH`` of ``part`` for ``uids``: (uid, the literal) per message, in order."""
    status, data = conn.uid("FETCH", ",".join(uids), f"(UID {part})")
    if status != "OK":
        raise InputError(url, None, said("FETCH failed: {answer}", answer=repr(data)))
    found: list[tuple[str, bytes]] = []
    head, literal = b"", None
    for item in [*data, None]:
        if isinstance(item, bytes) and literal is not None:
            head += item  # the rest of the response after the literal: ` UID 7)`
            continue
        if literal is not None:
            uid = re.search(rb"\bUID (\d+)", head)
            if uid is not None:
                found.append((uid.group(1).decode(), literal))
            head, literal = b"", None
        if isinstance(item, tuple) and len(item) == 2:
            head, literal = item[0], item[1]
    return found


def _quoted(name: str) -> str:
    """A mailbox name as an IMAP quoted string."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
