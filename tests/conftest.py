"""What the tests share: fixtures and the builders of programs and plans several test
files use (issue 24: no test module imports another).

Test modules import the plain builders by name (``from conftest import dst_plan``):
pytest puts this folder on ``sys.path`` and registers this file as ``conftest``. Keep it
the only ``conftest.py`` under tests/ that modules import from: pytest loads every
``conftest.py`` outside a package under that same module name.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import itertools
import mailbox
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from hypothesis import settings
from icalendar import Calendar, Event, vCalAddress

from backstage_sched import (
    SolveOptions,
    load_program,
    plan_program,
    read_plan_dir,
    write_plan_dir,
    write_templates,
)
from backstage_sched.cli.app import main
from backstage_sched.domain import Blackout, Facilitator, Participant, Program, Venue
from backstage_sched.i18n import LOCALE_DIR
from backstage_sched.plan import Cohort, History, Plan, Session, Unplaced, Withdrawal, uid_for

# --- reproducible property tests (issue 24 §7) ------------------------------------------
# Hypothesis runs derandomized: each property test draws the same examples on every run
# and every machine, so a failure seen in CI reproduces locally; no example database.
settings.register_profile("reproducible", derandomize=True, database=None)
settings.load_profile("reproducible")
# --- end of the block for issue 24 §7 ----------------------------------------------------

# ------------------------------------------------------------------ shared builders
# (issue 24, item 4; other blocks of this file belong to other changes)

ROOT = Path(__file__).resolve().parent.parent
COMPANY = ROOT / "examples" / "company-2027"
STAMP = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
"""The DTSTAMP the calendar tests write."""
_STOCKHOLM = ZoneInfo("Europe/Stockholm")


def example_program(
    folder: Path, keys: str = "", *, extra: str = "", source: Path = COMPANY / "program.toml"
) -> Path:
    """``folder/program.toml``: the company example (or ``source``) with ``keys`` added to
    its [program] table and ``extra`` (more tables) at the end."""
    text = source.read_text(encoding="utf-8").replace("[program]\n", "[program]\n" + keys, 1)
    path = folder / "program.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


# --- a program and plan made by hand: calendars (DST), the report and workbooks


def _calendar_cohort(
    program_id: str,
    cid: str,
    fid: str,
    members: tuple[str, ...],
    starts: list[datetime],
    venue: str | None = None,
) -> Cohort:
    owners: list[str | None] = [None, *members]
    sessions = tuple(
        Session(
            index=i,
            start=s,
            end=s + timedelta(hours=3),
            case_owner=owners[i],
            venue=venue,
            uid=uid_for(program_id, cid, i),
        )
        for i, s in enumerate(starts)
    )
    first = starts[0].date()
    return Cohort(cid, fid, venue, members, first - timedelta(days=10), sessions)


def dst_plan(tz: str = "Europe/Stockholm", language: str = "en") -> tuple[Program, Plan]:
    """A small program: two cohorts, sessions on both sides of both DST changes."""
    z = ZoneInfo(tz)
    people = (
        Participant("p1", "Åsa Öberg", "asa@alfa.se", "Alfa AB", "new"),
        Participant("p2", "Björn Ärlig", "bjorn@beta.se", "Beta, Gamma & Co", "experienced"),
        Participant("p3", "Carl Lind", "carl@ceta.se", "Ceta", "new"),
        Participant("p4", "Dana Ek", "dana@alfa.se", "Alfa AB", "experienced"),
        Participant("p5", "Eva Holm", "eva@delta.se", "Delta", "new"),
        Participant("p6", "Filip Ros", "filip@eta.se", "Eta", ""),
    )
    program = Program(
        id="ht2027",
        name="Backstage 2027",
        start=date(2027, 1, 11),
        end=date(2027, 12, 17),
        timezone=tz,
        blackouts=(Blackout("Summer", date(2027, 6, 21), date(2027, 8, 13)),),
        facilitators=(
            Facilitator("f1", "Anna Fält", "f1@example.org"),
            Facilitator("f2", "Bo Leder", "f2@example.org"),
            Facilitator("f3", "Cay Idle", "f3@example.org"),
        ),
        venues=(Venue("room-a", "Room A", 8),),
        participants=people,
        language=language,
    )
    c01 = _calendar_cohort(
        "ht2027",
        "c01",
        "f1",
        ("p1", "p2", "p3"),
        [
            datetime(2027, 3, 23, 9, 0, tzinfo=z),
            datetime(2027, 3, 30, 9, 0, tzinfo=z),
            datetime(2027, 10, 26, 13, 0, tzinfo=z),
            datetime(2027, 11, 2, 13, 0, tzinfo=z),
        ],
    )
    c02 = _calendar_cohort(
        "ht2027",
        "c02",
        "f2",
        ("p4", "p5"),
        [
            datetime(2027, 2, 2, 8, 30, tzinfo=z),
            datetime(2027, 3, 2, 8, 30, tzinfo=z),
            datetime(2027, 4, 6, 8, 30, tzinfo=z),
        ],
        venue="room-a",
    )
    plan = Plan(
        program="ht2027",
        cohorts=(c01, c02),
        unplaced=(Unplaced("p6", "no feasible cohort: unavailable on every Tuesday"),),
        timezone=tz,
    )
    return program, plan


def _report_cohort(cid: str, fid: str, members: tuple[str, ...], first: datetime) -> Cohort:
    owners: list[str | None] = [None, *members]
    sessions = tuple(
        Session(
            index=i,
            start=first + timedelta(days=28 * i),
            end=first + timedelta(days=28 * i, hours=3),
            case_owner=owners[i],
            venue="room-a" if cid == "c02" else None,
            uid=f"ht2027-{cid}-s{i}@backstage-sched",
        )
        for i in range(len(members) + 1)
    )
    return Cohort(
        cid,
        fid,
        "room-a" if cid == "c02" else None,
        members,
        first.date() - timedelta(days=10),
        sessions,
    )


def report_plan(language: str | None = "en") -> tuple[Program, Plan]:
    """Two cohorts of two, two unplaced; ``language=None``: the default (Swedish in Sweden)."""
    people = (
        Participant("p1", "Åsa Öberg", "asa@alfa.se", "Alfa AB", "new"),
        Participant("p2", "Björn <Ärlig> & Son", "bjorn@beta.se", "Beta, Gamma & Co", "senior"),
        Participant("p3", "Carl Lind", "carl@alfa.se", "Alfa AB", "new"),
        Participant("p4", "Dana Ek", "dana@ceta.se", "Ceta", "experienced"),
        Participant("p5", "Eva Holm", "eva@alfa.se", "Alfa AB", ""),
        Participant("p6", "Filip Ros", "filip@eta.se", "Eta", ""),
    )
    program = Program(
        id="ht2027",
        name="Backstage 2027 — Stockholm",
        start=date(2027, 1, 11),
        end=date(2027, 12, 17),
        blackouts=(Blackout("Summer <break>", date(2027, 6, 21), date(2027, 8, 13)),),
        facilitators=(
            Facilitator("f1", "Anna Fält", "f1@example.org", max_cohorts=4),
            Facilitator("f2", "Bo Leder", "f2@example.org"),
            Facilitator("f3", "Cay Idle", "f3@example.org"),
        ),
        venues=(Venue("room-a", "Room Ä", 8),),
        participants=people,
        language=language,
    )
    c01 = _report_cohort("c01", "f1", ("p1", "p2"), datetime(2027, 3, 2, 9, 0, tzinfo=_STOCKHOLM))
    c02 = _report_cohort("c02", "f1", ("p3", "p4"), datetime(2027, 1, 19, 13, 0, tzinfo=_STOCKHOLM))
    plan = Plan(
        program="ht2027",
        cohorts=(c01, c02),
        unplaced=(
            Unplaced("p6", "no feasible cohort: unavailable on every weekday <all>"),
            Unplaced("p5", "Alfa AB already has a member in every cohort"),
        ),
    )
    return program, plan


# --- the answers calendar programs send back (replies)

PRODID = {
    "outlook": "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    "google": "-//Google Inc//Google Calendar 70.9054//EN",
}
_ids = itertools.count(1)
_ZONE = _STOCKHOLM


@dataclass
class Answers:
    """Makes the e-mails a member's calendar program sends back."""

    program: Program
    plan: Plan

    def address(self, pid: str) -> tuple[str, str]:
        person = next(p for p in self.program.participants if p.id == pid)
        return person.name, person.email

    def calendar(self, pid: str, cid: str, number: int, partstat: str, *, method: str,
                 client: str, sequence: int | None, uid: str | None,
                 proposed: datetime | None) -> bytes:
        cohort = self.plan.cohort(cid)
        session = cohort.sessions[number - 1]
        name, email = self.address(pid)
        lead = self.program.facilitator(cohort.facilitator)
        cal = Calendar()
        cal.add("prodid", PRODID[client])
        cal.add("version", "2.0")
        cal.add("method", method)
        event = Event()
        event.add("uid", uid or session.uid)
        event.add("sequence", session.sequence if sequence is None else sequence)
        event.add("dtstamp", datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
                  + timedelta(minutes=next(_ids)))
        start = proposed or session.start.astimezone(_ZONE)
        event.add("dtstart", start)
        event.add("dtend", start + (session.end - session.start))
        event.add("summary", f"Backstage {cid} – träff {number}")
        organizer = vCalAddress(f"mailto:{lead.email}")
        organizer.params["CN"] = lead.name
        event.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{email.upper() if client == 'outlook' else email}")
        attendee.params["CN"] = name
        attendee.params["PARTSTAT"] = partstat
        event.add("attendee", attendee)  # a REPLY names only the one who answers
        cal.add_component(event)
        return cal.to_ical()

    def mail(self, pid: str, cid: str, number: int, partstat: str = "ACCEPTED", *,
             method: str = "REPLY", client: str = "outlook", sender: str | None = None,
             sequence: int | None = None, uid: str | None = None,
             proposed: datetime | None = None) -> bytes:
        """One answer as an e-mail from ``sender`` (default: the member's own address)."""
        ics = self.calendar(pid, cid, number, partstat, method=method, client=client,
                            sequence=sequence, uid=uid, proposed=proposed)
        name, email = self.address(pid)
        lead = self.program.facilitator(self.plan.cohort(cid).facilitator)
        word = {"ACCEPTED": "Accepted", "TENTATIVE": "Tentative", "DECLINED": "Declined"}
        msg = EmailMessage()
        msg["From"] = f"{name} <{sender or email}>"
        msg["To"] = f"{lead.name} <{lead.email}>"
        msg["Subject"] = (f"{word.get(partstat, 'New Time Proposed')}: Backstage {cid} "
                          f"– träff {number}")
        msg["Date"] = format_datetime(datetime(2027, 1, 10, 9, 0, tzinfo=UTC))
        msg["Message-ID"] = f"<answer-{next(_ids)}@{client}.example>"
        msg.set_content(f"{name} has answered: {partstat}\n")
        if client == "google":
            msg.add_alternative(f"<p>{name} has answered: {partstat}</p>", subtype="html")
        msg.add_alternative(ics, maintype="text", subtype="calendar",
                            params={"method": method, "charset": "UTF-8"})
        if client == "google":
            msg.add_attachment(ics, maintype="application", subtype="ics",
                               filename="invite.ics")
        return msg.as_bytes()


def mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for data in messages:
        box.add(data)
    box.flush()
    box.close()
    return path


# --- the waiting list: the init templates planned, then two late registrations


WAITLIST_TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory):
    """The init templates planned (two cohorts of four), then two late registrations."""
    toml, csv_path = write_templates(tmp_path_factory.mktemp("wait"), year=2027)
    program = load_program(toml, csv_path)
    plan = plan_program(program, SolveOptions(effort=2))
    first, second = (
        replace(program.participants[0], id=pid, name=name, email=f"{pid}@sent.example",
                organization=f"Sent AB {pid}", unavailable=(), avoid=(), not_with=(),
                registered=when)
        for pid, name, when in (
            ("p101", "Sen Anmälan", datetime(2026, 11, 20, 9, 0)),
            ("p102", "Tidig Anmälan", datetime(2026, 11, 2, 9, 0)),
        )
    )
    program = program.replace(participants=(*program.participants, first, second))
    plan = replace(plan, unplaced=(Unplaced("p101", "registered late"),
                                   Unplaced("p102", "registered late")))
    return program, plan


# --- phrases of the two languages, and a command run as the CLI would


_HOLE = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sr]|%[sr]")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def trigrams(text: str) -> set[tuple[str, ...]]:
    """The three-word phrases of ``text``; a placeholder (``{count}``, ``%s``) breaks a
    phrase, since what goes in it is not the catalogue's."""
    found = set()
    for piece in _HOLE.split(text.lower()):
        words = _WORD.findall(piece)
        found |= {tuple(words[i:i + 3]) for i in range(len(words) - 2)}
    return found


def _catalogue() -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """The phrases only the English texts have, and those only the Swedish ones have
    (command lines, file and option names are the same in both and belong to neither)."""
    with (LOCALE_DIR / "sv" / "LC_MESSAGES" / "cli.po").open("rb") as fh:
        catalogue = read_po(fh)
    english: set[tuple[str, ...]] = set()
    swedish: set[tuple[str, ...]] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english |= trigrams(text)
        for text in strings:
            swedish |= trigrams(text)
    return english - swedish, swedish - english


ENGLISH, SWEDISH = _catalogue()



def alien(printed: str, phrases: set[tuple[str, ...]]) -> set[str]:
    """The phrases of ``phrases`` (one language's own, :data:`ENGLISH` or :data:`SWEDISH`)
    found in ``printed``."""
    return {" ".join(p) for p in trigrams(printed) & phrases}


def run_cli(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # --help, argparse's errors
            code = int(stop.code or 0)
    return code, out.getvalue() + err.getvalue()


def language_program(folder: Path, language: str) -> Path:
    """The company example in ``language``, with a second facilitator."""
    kim = ('\n[[facilitators]]\nid = "f-kim"\nname = "Kim Ek"\n'
           'email = "kim.ek@nordvik.example"\nmax_cohorts = 1\n')  # one to substitute
    folder.mkdir(parents=True)
    return example_program(folder, f'language = "{language}"\n', extra=kim)


# --- libical through ctypes


class _IcalTime(ctypes.Structure):
    """``struct icaltimetype`` of libical 3 (icaltime.h)."""

    _fields_ = [
        ("year", ctypes.c_int),
        ("month", ctypes.c_int),
        ("day", ctypes.c_int),
        ("hour", ctypes.c_int),
        ("minute", ctypes.c_int),
        ("second", ctypes.c_int),
        ("is_date", ctypes.c_int),
        ("is_daylight", ctypes.c_int),
        ("zone", ctypes.c_void_p),
    ]


class LibIcal:
    """The few libical 3 calls these tests need."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        vp, cp, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
        sigs = {
            "icalparser_parse_string": (vp, [cp]),
            "icalcomponent_free": (None, [vp]),
            "icalcomponent_isa": (i, [vp]),
            "icalcomponent_string_to_kind": (i, [cp]),
            "icalcomponent_kind_to_string": (cp, [i]),
            "icalcomponent_get_first_component": (vp, [vp, i]),
            "icalcomponent_get_next_component": (vp, [vp, i]),
            "icalcomponent_get_first_property": (vp, [vp, i]),
            "icalcomponent_get_next_property": (vp, [vp, i]),
            "icalcomponent_get_uid": (cp, [vp]),
            "icalcomponent_get_dtstart": (_IcalTime, [vp]),
            "icalcomponent_get_dtend": (_IcalTime, [vp]),
            "icalcomponent_count_errors": (i, [vp]),
            "icalproperty_string_to_kind": (i, [cp]),
            "icalproperty_get_xlicerror": (cp, [vp]),
            "icalrestriction_check": (i, [vp]),
            "icaltime_as_timet_with_zone": (ctypes.c_int64, [_IcalTime, vp]),
            "icaltimezone_get_component": (vp, [vp]),
            "icaltimezone_get_tzid": (cp, [vp]),
        }
        for name, (restype, argtypes) in sigs.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        self.kind = {
            k: lib.icalcomponent_string_to_kind(k.encode())
            for k in ("VCALENDAR", "VEVENT", "VTIMEZONE")
        }
        self.any_component = 1  # ICAL_ANY_COMPONENT (icalenums.h)
        self.xlicerror = lib.icalproperty_string_to_kind(b"X-LIC-ERROR")
        assert 0 not in self.kind.values() and self.xlicerror != 0

    def parse(self, data: bytes) -> int:
        comp = self.lib.icalparser_parse_string(data)
        assert comp, "libical could not parse the file"
        assert self.lib.icalcomponent_isa(comp) == self.kind["VCALENDAR"]
        return comp

    def children(self, comp: int, kind: str | None = None) -> list[int]:
        k = self.kind[kind] if kind else self.any_component
        out = []
        child = self.lib.icalcomponent_get_first_component(comp, k)
        while child:
            out.append(child)
            child = self.lib.icalcomponent_get_next_component(comp, k)
        return out

    def errors(self, comp: int) -> list[str]:
        """Every X-LIC-ERROR in ``comp`` and below, with its component's name."""
        found = []
        prop = self.lib.icalcomponent_get_first_property(comp, self.xlicerror)
        while prop:
            kind = self.lib.icalcomponent_kind_to_string(self.lib.icalcomponent_isa(comp))
            text = self.lib.icalproperty_get_xlicerror(prop) or b""
            found.append(f"{kind.decode()}: {text.decode('utf-8', 'replace')}")
            prop = self.lib.icalcomponent_get_next_property(comp, self.xlicerror)
        for child in self.children(comp):
            found += self.errors(child)
        return found

    def utc(self, t: _IcalTime) -> datetime:
        assert not t.is_date and t.zone, "DTSTART/DTEND must be a date-time with a zone"
        secs = self.lib.icaltime_as_timet_with_zone(t, t.zone)
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=secs)



# --- a chain of changes on the company example (mail chain, CalDAV)

ORGANIZER_KEYS = (
    'organizer_name = "Backstage-kansliet"\norganizer_email = "kansli@nordvik.example"\n'
)
"""[program] keys: the coordinator's mailbox organises (SPEC §6)."""
CHAIN_TODAY = "2027-02-01"
LATE_REGISTRATION = ("n20", "Sara Sent", "sara.sent@nordvik.example")


def chain_program(folder: Path, organizer: bool) -> Path:
    """The company example; with a target size of 7 its cohorts of 6 have a seat to fill."""
    path = example_program(folder, ORGANIZER_KEYS if organizer else "")
    text = path.read_text(encoding="utf-8").replace("size = 6\n", "size = 7\n", 1)
    path.write_text(text, encoding="utf-8")
    return path


def with_a_late_registration(planned: Path, out: Path) -> Path:
    """``planned`` with one more registration, too late to be planned: on the waiting list."""
    program, plan = read_plan_dir(planned)
    pid, name, email = LATE_REGISTRATION
    late = replace(program.participants[0], id=pid, name=name, email=email, unavailable=(),
                   avoid=(), not_with=(), busy=())
    program = program.replace(participants=(*program.participants, late))
    plan = replace(plan, unplaced=(*plan.unplaced, Unplaced(pid, "registered late")))
    return write_plan_dir(program, plan, out)


# --- withdrawals as plan.json writes them


def withdrawals_history(*records: dict) -> History:
    """A plan history with these withdrawal records (as plan.json writes them)."""
    return History(withdrawals=tuple(Withdrawal.from_dict(r) for r in records))


# ------------------------------------------------------------ end of shared builders
