"""Calendar files (RFC 5545 / RFC 5546): feeds, invitations, cancellations.

Every file carries one ``VTIMEZONE`` for the program's zone in RRULE form,
derived from the zone's current POSIX TZ rule (the footer of its TZif file);
all DTSTART/DTEND values carry that TZID. Output is deterministic: the same
input and ``stamp`` give the same bytes.

People in the loop (SPEC §6): with ``organizer_email`` the coordinator's
mailbox is the ORGANIZER of every event and the facilitator an ATTENDEE
(``ROLE=CHAIR;PARTSTAT=ACCEPTED``) of every invitation and cancellation;
without it the facilitator organises. Every VEVENT has a LOCATION, the
online link (if any) as URL, and the program's reminders as VALARMs (none in a
CANCEL, where RFC 5546 allows none). SUMMARY, DESCRIPTION and the fallback
LOCATION are in the program's language (the ``calendar`` catalogue); property
names never change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import ClassVar
from zoneinfo import TZPATH, ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import (
    STATUS,
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
)
from icalendar import __version__ as icalendar_version
from icalendar.caselessdict import canonsort_keys
from icalendar.prop import vText

from ..domain import Program, Venue
from ..i18n import Language
from ..plan import Cohort, Plan, Session
from .labels import last_free_day

PRODID = "-//backstage-sched//Backstage planner//EN"

_ICAL_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX: 0 = Sunday
_MIN_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_RULE_EPOCH = 1970


# ---------------------------------------------------------------------------
# VTIMEZONE from the POSIX TZ rule


@dataclass(frozen=True)
class _When:
    """A POSIX transition date: ``M`` (month.week.day) or ``J``/``N`` (day of year)."""

    kind: str
    month: int = 0
    week: int = 0
    weekday: int = 0
    day: int = 0
    seconds: int = 7200


@dataclass(frozen=True)
class _PosixTZ:
    """A parsed POSIX TZ string; offsets are east of UTC."""

    std_name: str
    std_offset: timedelta
    dst_name: str | None = None
    dst_offset: timedelta | None = None
    dst_start: _When | None = None
    dst_end: _When | None = None


_NAME = r"(?:<[+\-A-Za-z0-9]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{1,2}){0,2}"
_POSIX_RE = re.compile(
    rf"^(?P<sn>{_NAME})(?P<so>{_OFFSET})"
    rf"(?:(?P<dn>{_NAME})(?P<do>{_OFFSET})?"
    r"(?:,(?P<start>[^,]+),(?P<end>[^,]+))?)?$"
)
_WHEN_RE = re.compile(
    rf"^(?:M(?P<m>\d{{1,2}})\.(?P<w>\d)\.(?P<d>\d)|J(?P<j>\d{{1,3}})|(?P<n>\d{{1,3}}))"
    rf"(?:/(?P<t>{_OFFSET}))?$"
)


def _seconds(text: str) -> int:
    """``[+-]hh[:mm[:ss]]`` as signed seconds."""
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _when(text: str) -> _When:
    m = _WHEN_RE.match(text)
    if not m:
        raise ValueError(f"unsupported POSIX TZ date {text!r}")
    secs = _seconds(m["t"]) if m["t"] else 7200
    if m["m"]:
        return _When("M", int(m["m"]), int(m["w"]), int(m["d"]), seconds=secs)
    if m["j"]:
        return _When("J", day=int(m["j"]), seconds=secs)
    return _When("N", day=int(m["n"]), seconds=secs)


def _parse_posix(text: str) -> _PosixTZ:
    """Parse a POSIX TZ string such as ``CET-1CEST,M3.5.0,M10.5.0/3``."""
    m = _POSIX_RE.match(text)
    if not m:
        raise ValueError(f"unsupported POSIX TZ string {text!r}")
    std_offset = timedelta(seconds=-_seconds(m["so"]))
    if not m["dn"]:
        return _PosixTZ(m["sn"].strip("<>"), std_offset)
    dst_offset = (
        timedelta(seconds=-_seconds(m["do"])) if m["do"] else std_offset + timedelta(hours=1)
    )
    start, end = (m["start"], m["end"]) if m["start"] else ("M3.2.0", "M11.1.0")
    return _PosixTZ(
        m["sn"].strip("<>"), std_offset, m["dn"].strip("<>"), dst_offset, _when(start), _when(end)
    )


@lru_cache(maxsize=64)
def _posix_string(tzid: str) -> str:
    """The POSIX TZ footer of ``tzid``'s TZif file, searched like :mod:`zoneinfo`."""
    ZoneInfo(tzid)  # validates the key; raises ZoneInfoNotFoundError
    data: bytes | None = None
    for root in TZPATH:
        candidate = Path(root, tzid)
        if candidate.is_file():
            data = candidate.read_bytes()
            break
    if data is None:
        package, _, name = f"tzdata.zoneinfo.{tzid.replace('/', '.')}".rpartition(".")
        data = resources.files(package).joinpath(name).read_bytes()
    if data[:4] != b"TZif" or data[4:5] < b"2" or not data.endswith(b"\n"):
        raise ValueError(f"time zone {tzid!r}: TZif file has no POSIX TZ footer")
    footer = data[data.rindex(b"\n", 0, len(data) - 1) + 1 : -1].decode("ascii")
    if not footer:
        raise ValueError(f"time zone {tzid!r}: TZif file has an empty POSIX TZ footer")
    return footer


def _rrule(when: _When, tzid: str) -> tuple[dict[str, object], timedelta]:
    """An RRULE for ``when`` and the local time of day of the transition."""
    shift, secs = divmod(when.seconds, 86400)
    time_of_day = timedelta(seconds=secs)
    if when.kind in ("J", "N"):
        day = when.day if when.kind == "J" else when.day + 1
        if when.kind == "N" and day > 59:
            raise ValueError(f"time zone {tzid!r}: zero-based day rule past February")
        fixed = date(2001, 1, 1) + timedelta(days=day - 1 + shift)  # a non-leap year
        return {"FREQ": "YEARLY", "BYMONTH": fixed.month, "BYMONTHDAY": fixed.day}, time_of_day
    weekday = _ICAL_DAYS[(when.weekday + shift) % 7]
    nth = -1 if when.week == 5 else when.week
    if shift == 0:
        return {"FREQ": "YEARLY", "BYMONTH": when.month, "BYDAY": f"{nth}{weekday}"}, time_of_day
    # The transition day is "the n-th <day> plus/minus k days": a weekday inside a
    # window of seven month days, which must stay inside the month.
    first = (-7 if nth == -1 else 7 * (nth - 1) + 1) + shift
    days = list(range(first, first + 7))
    limit = _MIN_MONTH_DAYS[when.month - 1]
    if not (all(1 <= d <= limit for d in days) or all(-limit <= d <= -1 for d in days)):
        raise ValueError(f"time zone {tzid!r}: transition rule crosses a month boundary")
    rule = {"FREQ": "YEARLY", "BYMONTH": when.month, "BYMONTHDAY": days, "BYDAY": weekday}
    return rule, time_of_day


def _first(rule: dict[str, object], time_of_day: timedelta) -> datetime:
    """The first occurrence of ``rule`` in the epoch year, as a naive local time."""
    parts = []
    for key, value in rule.items():
        text = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}={text}")
    start = datetime(_RULE_EPOCH, 1, 1) + time_of_day
    return rrulestr(";".join(parts), dtstart=start)[0]


def _observance(
    kind: type[TimezoneStandard] | type[TimezoneDaylight],
    name: str,
    offset_from: timedelta,
    offset_to: timedelta,
    when: _When | None,
    tzid: str,
) -> TimezoneStandard | TimezoneDaylight:
    component = kind()
    if when is None:
        component.add("dtstart", datetime(_RULE_EPOCH, 1, 1))
    else:
        rule, time_of_day = _rrule(when, tzid)
        component.add("dtstart", _first(rule, time_of_day))
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    component.add("tzname", name)
    if when is not None:
        component.add("rrule", rule)
    return component


def vtimezone(tzid: str) -> Timezone:
    """A VTIMEZONE for ``tzid`` in RRULE form, from the zone's current POSIX rule."""
    rule = _parse_posix(_posix_string(tzid))
    tz = Timezone()
    tz.add("tzid", tzid)
    if rule.dst_name is None or rule.dst_offset is None:
        tz.add_component(
            _observance(
                TimezoneStandard, rule.std_name, rule.std_offset, rule.std_offset, None, tzid
            )
        )
        return tz
    # Label by offset, not by POSIX role: the larger offset is DAYLIGHT
    # (Europe/Dublin's POSIX rule has "negative DST" in winter).
    to_dst_kind, to_std_kind = (
        (TimezoneDaylight, TimezoneStandard)
        if rule.dst_offset >= rule.std_offset
        else (TimezoneStandard, TimezoneDaylight)
    )
    parts = [
        _observance(
            to_dst_kind, rule.dst_name, rule.std_offset, rule.dst_offset, rule.dst_start, tzid
        ),
        _observance(
            to_std_kind, rule.std_name, rule.dst_offset, rule.std_offset, rule.dst_end, tzid
        ),
    ]
    for part in sorted(parts, key=lambda p: p.name):  # DAYLIGHT, then STANDARD
        tz.add_component(part)
    return tz


# ---------------------------------------------------------------------------
# Events


def _local(program: Program, moment: datetime) -> datetime:
    zone = ZoneInfo(program.timezone)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _utc(stamp: datetime) -> datetime:
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime")
    return stamp.astimezone(UTC)


def words(program: Program) -> Language:
    """The program's language with the ``calendar`` catalogue (SPEC §6)."""
    return Language(program.lang, "calendar")


def _person(program: Program, pid: str) -> tuple[str, str, str]:
    """``(name, organisation, email)`` of a participant id."""
    p = program.participant(pid)
    return p.name, p.organization, p.email


def _venue(program: Program, cohort: Cohort, session: Session) -> Venue | str | None:
    """The session's venue, its bare id when the program does not know it, or None."""
    vid = session.venue or cohort.venue
    if not vid:
        return None
    return next((v for v in program.venues if v.id == vid), vid)


def location(program: Program, cohort: Cohort, session: Session) -> str:
    """LOCATION: the venue's name (and address), else the program's ``location``,
    else "Location to be announced" in the program's language."""
    venue = _venue(program, cohort, session)
    if isinstance(venue, Venue):
        return f"{venue.name}, {venue.address}" if venue.address else venue.name
    if venue:
        return venue
    return program.location or words(program)._("Location to be announced")


def online_url(program: Program, cohort: Cohort, session: Session) -> str | None:
    """The link to join online: the venue's ``online_url``, else the program's."""
    venue = _venue(program, cohort, session)
    if isinstance(venue, Venue) and venue.online_url:
        return venue.online_url
    return program.online_url


def summary(program: Program, cohort: Cohort, session: Session) -> str:
    """SUMMARY: "Backstage c01 — session 3/7" / "Backstage-grupp c01 – träff 3 av 7"."""
    lang = words(program)
    if session.index == 0:
        text = lang._("Backstage {cohort} — session {number}/{total} (kick-off)")
    else:
        text = lang._("Backstage {cohort} — session {number}/{total}")
    return text.format(cohort=cohort.id, number=session.number, total=len(cohort.sessions))


def _sorted_members(program: Program, members: Iterable[str]) -> list[str]:
    return sorted(members, key=lambda pid: (program.participant(pid).name, pid))


def _description(program: Program, cohort: Cohort, session: Session) -> str:
    lang = words(program)
    number, total = session.number, len(cohort.sessions)
    if session.index == 0:
        title = lang._("{program} — cohort {cohort}, session {number}/{total} (kick-off)")
    else:
        title = lang._("{program} — cohort {cohort}, session {number}/{total}")
    lines = [title.format(program=program.name, cohort=cohort.id, number=number, total=total)]
    if session.case_owner:
        name, org, _ = _person(program, session.case_owner)
        lines.append(lang._("Case owner: {name} ({organization})", name=name,
                            organization=org))
    else:
        lines.append(lang._("Kick-off: no case owner"))
    facilitator = program.facilitator(cohort.leader(session)).name
    lines.append(lang._("Facilitator: {name}", name=facilitator))
    if _venue(program, cohort, session) or program.location:
        lines.append(lang._("Location: {location}",
                            location=location(program, cohort, session)))
    else:
        lines.append(lang._("Location: to be announced"))
    url = online_url(program, cohort, session)
    if url:
        lines.append(lang._("Join online: {url}", url=url))
    if session.index == 0:
        lines.append(lang._("Last day to cancel free of charge: {day}",
                            day=lang.day(last_free_day(cohort.cancellation_deadline))))
    lines.append("")
    lines.append(lang._("Members:"))
    for pid in _sorted_members(program, cohort.members):
        name, org, _ = _person(program, pid)
        lines.append(f"- {name} ({org})")
    return "\n".join(lines)


def _chair(name: str, email: str) -> vCalAddress:
    """The facilitator as an attendee who leads the session and has accepted it."""
    return vCalAddress.new(email, cn=name, cutype="INDIVIDUAL", role="CHAIR",
                           partstat="ACCEPTED")


def _member(name: str, email: str, reply: bool = True, absent: bool = False) -> vCalAddress:
    """A participant as an attendee; ``reply``: asked to answer (RSVP); ``absent``: they
    told they will miss it (SPEC §7), so their attendance is DECLINED."""
    if absent:
        return vCalAddress.new(email, cn=name, cutype="INDIVIDUAL", role="REQ-PARTICIPANT",
                               partstat="DECLINED")
    if reply:
        return vCalAddress.new(email, cn=name, cutype="INDIVIDUAL", role="REQ-PARTICIPANT",
                               partstat="NEEDS-ACTION", rsvp=True)
    return vCalAddress.new(email, cn=name, cutype="INDIVIDUAL", role="REQ-PARTICIPANT")


def _reminders(program: Program, text: str) -> tuple[tuple[int, str], ...]:
    """``(minutes before, message)`` of each DISPLAY reminder, earliest first."""
    message = words(program)._("Reminder: {summary}", summary=text)
    return tuple((minutes, message) for minutes in sorted(program.reminder_minutes, reverse=True))


@dataclass(frozen=True)
class _Said:
    """Everything a session's VEVENT says but its DTSTAMP: the event's bytes are a
    function of this, the stamp and what is added to it (attendees, status)."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    url: str | None
    organizer: tuple[str, str | None]  # (e-mail, name)
    reminders: tuple[tuple[int, str], ...]


def _said(program: Program, cohort: Cohort, session: Session) -> _Said:
    title = summary(program, cohort, session)
    if program.organizer_email:
        organizer = (program.organizer_email, program.organizer_name)
    else:
        f = program.facilitator(cohort.leader(session))
        organizer = (f.email, f.name)
    return _Said(
        uid=session.uid,
        sequence=session.sequence,
        start=_local(program, session.start),
        end=_local(program, session.end),
        summary=title,
        description=_description(program, cohort, session),
        location=location(program, cohort, session),
        url=online_url(program, cohort, session),
        organizer=organizer,
        reminders=_reminders(program, title),
    )


def _render(
    said: _Said,
    stamp: datetime,
    *,
    attendees: Iterable[vCalAddress] = (),
    status: STATUS | None = None,
    alarms: bool = True,
) -> Event:
    """The VEVENT of ``said``; ``alarms`` adds its reminders (never in a CANCEL)."""
    email, name = said.organizer
    return Event.new(
        uid=said.uid,
        sequence=said.sequence,
        stamp=_utc(stamp),
        start=said.start,
        end=said.end,
        summary=said.summary,
        description=said.description,
        location=said.location,
        url=said.url,
        organizer=vCalAddress.new(email, cn=name),
        attendees=list(attendees) or None,
        status=status,
        subcomponents=[
            Alarm.new_display(description=message, trigger=-timedelta(minutes=minutes))
            for minutes, message in said.reminders
        ] if alarms else None,
    )


def _event(
    program: Program,
    cohort: Cohort,
    session: Session,
    stamp: datetime,
    *,
    attendees: Iterable[vCalAddress] = (),
    status: STATUS | None = None,
    alarms: bool = True,
) -> Event:
    """One VEVENT; ``alarms`` adds the program's reminders (never in a CANCEL)."""
    return _render(_said(program, cohort, session), stamp, attendees=attendees,
                   status=status, alarms=alarms)


_END = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=16)
def _vtimezone_bytes(tzid: str) -> bytes:
    data: bytes = vtimezone(tzid).to_ical()  # icalendar leaves to_ical unannotated
    return data


_BEGIN = b"BEGIN:VCALENDAR\r\n"


@lru_cache(maxsize=8)
def _head(method: str) -> bytes:
    """BEGIN:VCALENDAR and its fixed properties (VERSION, PRODID, CALSCALE, METHOD)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    head: bytes = cal.to_ical()
    assert head.endswith(_END)
    return head[: -len(_END)]


def _calendar_name(name: str) -> bytes:
    """The X-WR-CALNAME content line: it comes last of the calendar's properties."""
    return _calendar_names([name])[name]


def _calendar_names(names: list[str]) -> dict[str, bytes]:
    """The X-WR-CALNAME content lines of ``names``, rendered in one calendar (one
    content line each, folded on its own: the line a calendar of its own would hold)."""
    cal = Calendar()
    for name in names:
        cal.add("x-wr-calname", vText(name))  # an X- property is not escaped unless typed
    data = cal.to_ical()
    assert data.startswith(_BEGIN) and data.endswith(_END)
    lines = data[len(_BEGIN): -len(_END)].split(b"\r\n")[:-1]
    out: list[bytes] = []
    for line in lines:
        if line.startswith(b" "):  # a fold goes on with the line before
            out[-1] += line + b"\r\n"
        else:
            out.append(line + b"\r\n")
    assert len(out) == len(names)
    return dict(zip(names, out, strict=True))


def _calendar_bytes(program: Program, method: str, events: Iterable[bytes],
                    name: str | None, named: bytes | None = None) -> bytes:
    """A VCALENDAR from events already rendered: every content line is folded on its
    own and the properties keep icalendar's order, so the bytes are those of the
    calendar built as a whole. ``named``: the name's line, rendered already."""
    if named is None:
        named = _calendar_name(name) if name else b""
    return b"".join([_head(method), named, _vtimezone_bytes(program.timezone), *events, _END])


def _calendar(program: Program, method: str, events: Iterable[Event], name: str | None) -> bytes:
    return _calendar_bytes(program, method, (e.to_ical() for e in events), name)


class _Rendered:
    """Feed events (no attendees, with reminders) of one program, plan and stamp,
    each rendered once: the cohort's feed and every member's and facilitator's
    feed hold the same VEVENT bytes. A few recent sets are kept, holding their
    program and plan, so an identity match is never a reused id."""

    _recent: ClassVar[list[_Rendered]] = []

    def __init__(self, program: Program, plan: Plan, stamp: datetime) -> None:
        self.program, self.plan, self.stamp = program, plan, stamp
        self.events: dict[tuple[str, int], bytes] = {}
        self.told: dict[tuple[str, int], _Said] = {}
        self.digests: dict[tuple[str, int], str] = {}
        self.splits: dict[tuple[str, int], tuple[list[tuple[str, bytes]], bytes]] = {}
        self.invitees: dict[tuple[str, int], tuple[
            tuple[tuple[str, str, bool], ...], tuple[str, str] | None]] = {}
        self.names: dict[str, bytes] = {}  # calendar name -> its line, rendered together
        self._people: dict[str, list[tuple[Cohort, Session]]] | None = None

    @classmethod
    def of(cls, program: Program, plan: Plan, stamp: datetime) -> _Rendered:
        for r in cls._recent:
            if r.program is program and r.plan is plan and r.stamp == stamp:
                return r
        r = cls(program, plan, stamp)
        cls._recent = [r, *cls._recent[:3]]
        return r

    def sessions_of(self, person_id: str) -> list[tuple[Cohort, Session]]:
        """The sessions ``person_id`` attends or leads, in plan order (indexed once)."""
        if self._people is None:
            self._people = {}
            for c in self.plan.cohorts:
                for s in c.sessions:
                    for pid in dict.fromkeys((*c.members, c.leader(s))):
                        self._people.setdefault(pid, []).append((c, s))
        return self._people.get(person_id, [])

    def said(self, cohort: Cohort, session: Session) -> _Said:
        """What the session's event says (worked out once)."""
        key = (cohort.id, session.index)
        said = self.told.get(key)
        if said is None:
            said = self.told[key] = _said(self.program, cohort, session)
        return said

    def digest(self, cohort: Cohort, session: Session) -> str:
        """A digest of :meth:`said` (worked out once)."""
        key = (cohort.id, session.index)
        found = self.digests.get(key)
        if found is None:
            text = repr(self.said(cohort, session)).encode("utf-8")
            found = self.digests[key] = hashlib.sha256(text).hexdigest()
        return found

    def event(self, cohort: Cohort, session: Session) -> bytes:
        key = (cohort.id, session.index)
        data = self.events.get(key)
        if data is None:
            data = _render(self.said(cohort, session), self.stamp).to_ical()
            self.events[key] = data
        return data

    def split(self, cohort: Cohort, session: Session) -> tuple[list[tuple[str, bytes]], bytes]:
        """:func:`_properties` of :meth:`event` (worked out once)."""
        key = (cohort.id, session.index)
        found = self.splits.get(key)
        if found is None:
            found = self.splits[key] = _properties(self.event(cohort, session))
        return found

    def invite_parts(self, cohort: Cohort, session: Session
                     ) -> tuple[tuple[tuple[str, str, bool], ...], tuple[str, str] | None]:
        """:func:`_invite_parts` of the session (worked out once)."""
        key = (cohort.id, session.index)
        found = self.invitees.get(key)
        if found is None:
            found = self.invitees[key] = _invite_parts(self.program, cohort, session)
        return found


def _properties(event: bytes) -> tuple[list[tuple[str, bytes]], bytes]:
    """A rendered VEVENT's properties as ``(NAME, content line with its folds)``, in
    order, and what follows them (its subcomponents and END:VEVENT)."""
    lines = event.split(b"\r\n")
    if lines[0] != b"BEGIN:VEVENT":
        raise ValueError("not a VEVENT")
    found: list[tuple[str, bytes]] = []
    i = 1
    while not (lines[i].startswith(b"BEGIN:") or lines[i] == b"END:VEVENT"):
        j = i + 1
        while lines[j].startswith(b" "):  # a folded line goes on
            j += 1
        name = re.split(rb"[;:]", lines[i], maxsplit=1)[0].decode("ascii").upper()
        found.append((name, b"".join(line + b"\r\n" for line in lines[i:j])))
        i = j
    return found, b"\r\n".join(lines[i:])


def _adding(base: tuple[list[tuple[str, bytes]], bytes], more: list[tuple[str, bytes]]
            ) -> bytes:
    """``base`` (a rendered VEVENT, split by :func:`_properties`) with the properties
    ``more`` (rendered and split too) added, in the order icalendar writes them; each
    content line is folded on its own, so the bytes are those of the event built with
    all of them."""
    props, rest = base
    by_name: dict[str, list[bytes]] = {}
    for name, block in [*props, *more]:
        by_name.setdefault(name, []).append(block)
    order = _event_order(tuple(by_name))
    return b"".join([b"BEGIN:VEVENT\r\n", *(b for n in order for b in by_name[n]), rest])


@lru_cache(maxsize=64)
def _event_order(names: tuple[str, ...]) -> list[str]:
    """The order icalendar writes a VEVENT's properties ``names`` in (not to be changed)."""
    return canonsort_keys(list(names), Event.canonical_order)


def _sessions(cohort: Cohort) -> list[Session]:
    return sorted(cohort.sessions, key=lambda s: s.index)


def _cohort_parts(program: Program, cohort: Cohort) -> tuple[str, list[tuple[Cohort, Session]]]:
    """The calendar name and the sessions of the cohort's feed."""
    name = words(program)._("Backstage {cohort} — {program}", cohort=cohort.id,
                            program=program.name)
    return name, [(cohort, s) for s in _sessions(cohort)]


def _person_parts(program: Program, rendered: _Rendered, person_id: str
                  ) -> tuple[str, list[tuple[Cohort, Session]]]:
    """The calendar name and the sessions of a person's own feed (KeyError: unknown)."""
    try:
        person = program.participant(person_id).name
    except KeyError:
        leader = next((f for f in program.facilitators if f.id == person_id), None)
        if leader is None:
            raise
        person = leader.name
    pairs = sorted(rendered.sessions_of(person_id),
                   key=lambda cs: (_local(program, cs[1].start), cs[1].uid))
    name = words(program)._("{program} — {person}", program=program.name, person=person)
    return name, pairs


def _feed(program: Program, rendered: _Rendered, name: str,
          pairs: list[tuple[Cohort, Session]]) -> bytes:
    events = [rendered.event(c, s) for c, s in pairs]
    return _calendar_bytes(program, "PUBLISH", events, name, rendered.names.get(name))


def cohort_feed(program: Program, plan: Plan, cohort: Cohort, stamp: datetime) -> bytes:
    """The cohort's PUBLISH feed: one VEVENT per session, no attendees."""
    return _feed(program, _Rendered.of(program, plan, stamp), *_cohort_parts(program, cohort))


def person_feed(program: Program, plan: Plan, person_id: str, stamp: datetime) -> bytes:
    """A participant's or facilitator's own sessions as a PUBLISH feed.

    Raises KeyError when ``person_id`` is neither a participant nor a facilitator.
    """
    rendered = _Rendered.of(program, plan, stamp)
    return _feed(program, rendered, *_person_parts(program, rendered, person_id))


def person_feed_key(program: Program, plan: Plan, person_id: str, stamp: datetime) -> str:
    """The content key of :func:`person_feed` (see :func:`write_calendars`): two feeds
    with the same key and stamp have the same bytes. Nothing is rendered."""
    rendered = _Rendered.of(program, plan, stamp)
    name, pairs = _person_parts(program, rendered, person_id)
    return _feed_key(program, rendered, name, pairs)


def invite(
    program: Program, plan: Plan, cohort: Cohort, session: Session, stamp: datetime
) -> bytes:
    """A REQUEST for one session: every member attends, asked to reply.

    With ``organizer_email`` the coordinator organises and the facilitator
    attends as CHAIR (accepted); otherwise the facilitator organises.
    """
    # the session's feed event, rendered once, with the attendees and status added
    # (rendered once for every session with the same people)
    rendered = _Rendered.of(program, plan, stamp)
    extra = _invited(*rendered.invite_parts(cohort, session))
    base = rendered.split(cohort, session)
    return _calendar_bytes(program, "REQUEST", [_adding(base, extra)], None)


def _invite_parts(program: Program, cohort: Cohort, session: Session
                  ) -> tuple[tuple[tuple[str, str, bool], ...], tuple[str, str] | None]:
    """The members (name, e-mail, absent) and the chair (name, e-mail) an invitation
    adds to the session's event."""
    people: list[tuple[str, str, bool]] = []
    for pid in _sorted_members(program, cohort.members):
        name, _, email = _person(program, pid)
        people.append((name, email, pid in session.absent))
    chair = None
    if program.organizer_email:
        f = program.facilitator(cohort.leader(session))
        chair = (f.name, f.email)
    return tuple(people), chair


@lru_cache(maxsize=1024)
def _invited(members: tuple[tuple[str, str, bool], ...], chair: tuple[str, str] | None
             ) -> list[tuple[str, bytes]]:
    """The ATTENDEE and STATUS lines of an invitation to ``members`` (name, e-mail,
    absent) and the ``chair``, rendered and split (:func:`_properties`); not to be
    changed (the list is shared)."""
    extra = Event()
    for name, email, absent in members:
        extra.add("attendee", _member(name, email, absent=absent))
    if chair is not None:
        extra.add("attendee", _chair(*chair))
    extra.add("status", "CONFIRMED")
    return _properties(extra.to_ical())[0]


def cancel(
    program: Program,
    plan: Plan,
    cohort: Cohort,
    session: Session,
    stamp: datetime,
    attendees: list[str] | None = None,
) -> bytes:
    """A CANCEL for a whole session, or only for the leaving ``attendees``.

    ``attendees`` are participant or facilitator ids (a bare e-mail address is
    accepted for someone no longer in the program). ``None`` cancels the
    session for all members — and, with ``organizer_email``, the facilitator as
    CHAIR — with STATUS:CANCELLED; otherwise only those attendees are named and
    no STATUS is written (RFC 5546 §3.2.5). Members carry no RSVP (no reply is
    expected) and no reminders are attached. SEQUENCE is ``session.sequence``.
    """
    people: list[vCalAddress] = []
    if attendees is None:
        status: STATUS | None = STATUS.CANCELLED
        for pid in _sorted_members(program, cohort.members):
            name, _, email = _person(program, pid)
            people.append(_member(name, email, reply=False))
        if program.organizer_email:
            f = program.facilitator(cohort.leader(session))
            people.append(_chair(f.name, f.email))
    else:
        status = None
        for pid in sorted(dict.fromkeys(attendees)):
            people.append(_leaving(program, pid))
    event = _event(program, cohort, session, stamp, attendees=people, status=status,
                   alarms=False)
    return _calendar(program, "CANCEL", [event], None)


def _leaving(program: Program, pid: str) -> vCalAddress:
    """The attendee a per-person CANCEL names: a member, a facilitator or an address."""
    try:
        name, _, email = _person(program, pid)
        return _member(name, email, reply=False)
    except KeyError:
        pass
    try:
        f = program.facilitator(pid)
        return _chair(f.name, f.email)
    except KeyError:
        if "@" not in pid:
            raise
        return _member(pid, pid, reply=False)


def _file_name(ident: str) -> str:
    if not ident or ident in (".", "..") or "/" in ident or "\\" in ident:
        raise ValueError(f"id {ident!r} cannot be used as a file name")
    return ident


def feed_path(person_id: str) -> str:
    """The plan folder's path of a person's feed: ``people/<id>.ics``."""
    return f"people/{_file_name(person_id)}.ics"


# ---------------------------------------------------------------------------
# Writing the files, copying what an earlier folder already holds


@lru_cache(maxsize=1)
def render_version() -> str:
    """What the bytes depend on besides the content: icalendar and this module (read
    when a folder is first written, not at import); keys of another version are never
    trusted."""
    try:
        source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    except OSError:  # no source to read (a frozen build): the package version
        from .._version import __version__ as source
    return f"icalendar {icalendar_version}; ical.py {source}"



@lru_cache(maxsize=16)
def _zone_digest(tzid: str) -> str:
    return hashlib.sha256(_vtimezone_bytes(tzid)).hexdigest()


def _content_key(program: Program, what: tuple[object, ...]) -> str:
    text = repr((render_version(), program.timezone, _zone_digest(program.timezone), what))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _feed_key(program: Program, rendered: _Rendered, name: str,
              pairs: list[tuple[Cohort, Session]]) -> str:
    """What each event says, by digest (:meth:`_Rendered.digest`), and the name."""
    return _content_key(program, ("PUBLISH", name,
                                  tuple(rendered.digest(c, s) for c, s in pairs)))


def _invite_key(program: Program, rendered: _Rendered, cohort: Cohort, session: Session) -> str:
    return _content_key(program, ("REQUEST", rendered.digest(cohort, session),
                                  rendered.invite_parts(cohort, session)))


@lru_cache(maxsize=16)
def stamp_line(stamp: datetime) -> bytes:
    """The DTSTAMP content line (without its CRLF) of events written with ``stamp``."""
    event = Event()
    event.add("dtstamp", _utc(stamp))
    lines: list[bytes] = event.to_ical().split(b"\r\n")
    return next(line for line in lines if line.startswith(b"DTSTAMP"))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass
class CalendarReuse:
    """The calendar files of an earlier plan folder, to be copied where a new one
    would render the same content (SPEC §4: a change is written in time
    proportional to what changed).

    The earlier folder's manifest records, per calendar file, its content key
    (:func:`write_calendars`) and a digest of its bytes; a file is copied only
    when the key is the one the new file has and its bytes are still the ones
    written (a file edited by hand is rendered again). When the stamps differ,
    the copy gets the new DTSTAMP line in place of the old one, which is all a
    fresh render would change: the bytes are those of a fresh render.
    """

    folder: Path
    stamp: bytes  # the earlier DTSTAMP line
    files: dict[str, tuple[str, str]]  # path -> (content key, digest of the bytes)
    copied: int = 0

    @classmethod
    def of(cls, folder: Path, record: object) -> CalendarReuse | None:
        """The reuse of ``folder`` from its manifest's ``calendars`` record, if usable."""
        if not isinstance(record, dict) or record.get("render") != render_version():
            return None
        stamp, files = record.get("stamp"), record.get("files")
        if not isinstance(stamp, str) or not isinstance(files, dict):
            return None
        kept = {
            path: (entry[0], entry[1]) for path, entry in files.items()
            if isinstance(path, str) and isinstance(entry, list) and len(entry) == 2
            and all(isinstance(x, str) for x in entry)
        }
        return cls(Path(folder), stamp.encode("ascii"), kept)

    def take(self, path: str, key: str, stamp: bytes) -> bytes | None:
        """The bytes of ``path`` for content ``key`` and DTSTAMP line ``stamp``, or None."""
        entry = self.files.get(path)
        if entry is None or entry[0] != key:
            return None
        try:
            data = (self.folder / path).read_bytes()
        except OSError:
            return None
        if _digest(data) != entry[1]:
            return None
        if stamp != self.stamp:
            old, new = b"\r\n" + self.stamp + b"\r\n", b"\r\n" + stamp + b"\r\n"
            if data.count(old) != data.count(b"\r\nBEGIN:VEVENT\r\n"):
                return None
            data = data.replace(old, new)
        self.copied += 1
        return data


def write_calendars(program: Program, plan: Plan, out_dir: Path, stamp: datetime,
                    reuse: CalendarReuse | None = None,
                    write: Callable[[str, bytes], None] | None = None) -> dict[str, object]:
    """Write ``cohorts/``, ``people/`` and ``invites/`` calendar files under ``out_dir``.

    People feeds go to every placed participant and every facilitator (an
    empty feed, holding only the VTIMEZONE, for a facilitator without cohorts).

    Each file has a content key: a digest of everything its bytes are made
    from but the stamp (what each event says, the attendees, the calendar's
    name, the time zone, the versions of icalendar and of this module). A file
    whose key ``reuse`` holds is copied from that folder instead of rendered.
    Returns the record for the manifest: the render version, the DTSTAMP line,
    and per file its key and a digest of its bytes. ``write(path, bytes)`` writes a
    file (``path`` relative to ``out_dir``, in a folder made here); without it each
    is written here, one after the other.
    """
    out_dir = Path(out_dir)

    def written_here(path: str, data: bytes) -> None:
        (out_dir / path).write_bytes(data)

    write = write or written_here
    rendered = _Rendered.of(program, plan, stamp)
    line = stamp_line(stamp)
    files: dict[str, list[str]] = {}

    def put(path: str, key: str, render: Callable[[], bytes]) -> None:
        data = reuse.take(path, key, line) if reuse is not None else None
        if data is None:
            data = render()
        write(path, data)
        files[path] = [key, _digest(data)]

    for sub in ("cohorts", "people", "invites"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    people: set[str] = {f.id for f in program.facilitators}
    for cohort in plan.cohorts:
        people.update(cohort.members)
        people.update(cohort.leaders())
    cohorts = sorted(plan.cohorts, key=lambda c: c.id)
    feeds = {c.id: _cohort_parts(program, c) for c in cohorts}
    own = {pid: _person_parts(program, rendered, pid) for pid in sorted(people)}
    rendered.names.update(_calendar_names([
        title for title, _ in [*feeds.values(), *own.values()] if title not in rendered.names]))
    for cohort in cohorts:
        name = _file_name(cohort.id)
        title, pairs = feeds[cohort.id]
        put(f"cohorts/{name}.ics", _feed_key(program, rendered, title, pairs),
            partial(_feed, program, rendered, title, pairs))
        (out_dir / "invites" / name).mkdir(parents=True, exist_ok=True)
        for session in _sessions(cohort):
            put(f"invites/{name}/{session.index}.ics",
                _invite_key(program, rendered, cohort, session),
                partial(invite, program, plan, cohort, session, stamp))
    for pid, (title, pairs) in own.items():
        put(feed_path(pid), _feed_key(program, rendered, title, pairs),
            partial(_feed, program, rendered, title, pairs))
    return {"render": render_version(), "stamp": line.decode("ascii"), "files": files}
