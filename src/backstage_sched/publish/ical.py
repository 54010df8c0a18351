"""Calendar files (RFC 5545 / RFC 5546): feeds, invitations, cancellations.

Every file carries one ``VTIMEZONE`` for the program's zone in RRULE form,
derived from the zone's current POSIX TZ rule (the footer of its TZif file);
all DTSTART/DTEND values carry that TZID. Output is deterministic: the same
input and ``stamp`` give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vText

from ..domain import Program
from ..plan import Cohort, Plan, Session

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


def _person(program: Program, pid: str) -> tuple[str, str, str]:
    """``(name, organisation, email)`` of a participant id."""
    p = program.participant(pid)
    return p.name, p.organization, p.email


def _venue_name(program: Program, cohort: Cohort, session: Session) -> str | None:
    vid = session.venue or cohort.venue
    if not vid:
        return None
    for v in program.venues:
        if v.id == vid:
            return v.name
    return vid


def _summary(cohort: Cohort, session: Session) -> str:
    text = f"Backstage {cohort.id} — session {session.index + 1}/{len(cohort.sessions)}"
    return text + " (kick-off)" if session.index == 0 else text


def _sorted_members(program: Program, members: Iterable[str]) -> list[str]:
    return sorted(members, key=lambda pid: (program.participant(pid).name, pid))


def _description(program: Program, cohort: Cohort, session: Session) -> str:
    lines = [f"{program.name} — cohort {cohort.id}, {_summary(cohort, session).split(' — ')[1]}"]
    if session.case_owner:
        name, org, _ = _person(program, session.case_owner)
        lines.append(f"Case owner: {name} ({org})")
    else:
        lines.append("Kick-off: no case owner")
    lines.append(f"Facilitator: {program.facilitator(cohort.facilitator).name}")
    venue = _venue_name(program, cohort, session)
    if venue:
        lines.append(f"Venue: {venue}")
    lines.append("")
    lines.append("Members:")
    for pid in _sorted_members(program, cohort.members):
        name, org, _ = _person(program, pid)
        lines.append(f"- {name} ({org})")
    return "\n".join(lines)


def _event(program: Program, cohort: Cohort, session: Session, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _local(program, session.start))
    event.add("dtend", _local(program, session.end))
    event.add("summary", _summary(cohort, session))
    event.add("description", _description(program, cohort, session))
    venue = _venue_name(program, cohort, session)
    if venue:
        event.add("location", venue)
    f = program.facilitator(cohort.facilitator)
    event.add("organizer", f"mailto:{f.email}", parameters={"CN": f.name})
    return event


def _attendee(event: Event, name: str, email: str, reply: bool = True) -> None:
    params = {"CN": name, "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT"}
    if reply:
        params.update({"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
    event.add("attendee", f"mailto:{email}", parameters=params)


def _calendar(program: Program, method: str, events: Iterable[Event], name: str | None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", vText(name))  # an X- property is not escaped unless typed
    cal.add_component(vtimezone(program.timezone))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def _sessions(cohort: Cohort) -> list[Session]:
    return sorted(cohort.sessions, key=lambda s: s.index)


def cohort_feed(program: Program, plan: Plan, cohort: Cohort, stamp: datetime) -> bytes:
    """The cohort's PUBLISH feed: one VEVENT per session, no attendees."""
    events = [_event(program, cohort, s, stamp) for s in _sessions(cohort)]
    return _calendar(program, "PUBLISH", events, f"Backstage {cohort.id} — {program.name}")


def person_feed(program: Program, plan: Plan, person_id: str, stamp: datetime) -> bytes:
    """A participant's or facilitator's own sessions as a PUBLISH feed.

    Raises KeyError when ``person_id`` is neither a participant nor a facilitator.
    """
    names = [p.name for p in program.participants if p.id == person_id]
    names += [f.name for f in program.facilitators if f.id == person_id]
    if not names:
        raise KeyError(person_id)
    pairs = [
        (c, s)
        for c in plan.cohorts
        if person_id in c.members or c.facilitator == person_id
        for s in c.sessions
    ]
    pairs.sort(key=lambda cs: (_local(program, cs[1].start), cs[1].uid))
    events = [_event(program, c, s, stamp) for c, s in pairs]
    return _calendar(program, "PUBLISH", events, f"{program.name} — {names[0]}")


def invite(
    program: Program, plan: Plan, cohort: Cohort, session: Session, stamp: datetime
) -> bytes:
    """A REQUEST for one session: the facilitator organises, every member attends."""
    event = _event(program, cohort, session, stamp)
    event.add("status", "CONFIRMED")
    for pid in _sorted_members(program, cohort.members):
        name, _, email = _person(program, pid)
        _attendee(event, name, email)
    return _calendar(program, "REQUEST", [event], None)


def cancel(
    program: Program,
    plan: Plan,
    cohort: Cohort,
    session: Session,
    stamp: datetime,
    attendees: list[str] | None = None,
) -> bytes:
    """A CANCEL for a whole session, or only for the leaving ``attendees``.

    ``attendees`` are participant ids (a bare e-mail address is accepted for
    someone no longer in the program). ``None`` cancels the session for all
    members with STATUS:CANCELLED; otherwise only those attendees are named and
    no STATUS is written (RFC 5546 §3.2.5). Attendees carry no RSVP (no reply
    is expected). SEQUENCE is ``session.sequence``.
    """
    event = _event(program, cohort, session, stamp)
    if attendees is None:
        event.add("status", "CANCELLED")
        people = _sorted_members(program, cohort.members)
    else:
        people = sorted(dict.fromkeys(attendees))
    for pid in people:
        try:
            name, _, email = _person(program, pid)
        except KeyError:
            if "@" not in pid:
                raise
            name, email = pid, pid
        _attendee(event, name, email, reply=False)
    return _calendar(program, "CANCEL", [event], None)


def _file_name(ident: str) -> str:
    if not ident or ident in (".", "..") or "/" in ident or "\\" in ident:
        raise ValueError(f"id {ident!r} cannot be used as a file name")
    return ident


def write_calendars(program: Program, plan: Plan, out_dir: Path, stamp: datetime) -> None:
    """Write ``cohorts/``, ``people/`` and ``invites/`` calendar files under ``out_dir``.

    People feeds go to every placed participant and every facilitator (an
    empty feed, holding only the VTIMEZONE, for a facilitator without cohorts).
    """
    out_dir = Path(out_dir)
    for sub in ("cohorts", "people", "invites"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    people: set[str] = {f.id for f in program.facilitators}
    for cohort in sorted(plan.cohorts, key=lambda c: c.id):
        name = _file_name(cohort.id)
        (out_dir / "cohorts" / f"{name}.ics").write_bytes(cohort_feed(program, plan, cohort, stamp))
        invite_dir = out_dir / "invites" / name
        invite_dir.mkdir(parents=True, exist_ok=True)
        for session in _sessions(cohort):
            (invite_dir / f"{session.index}.ics").write_bytes(
                invite(program, plan, cohort, session, stamp)
            )
        people.update(cohort.members)
        people.add(cohort.facilitator)
    for pid in sorted(people):
        (out_dir / "people" / f"{_file_name(pid)}.ics").write_bytes(
            person_feed(program, plan, pid, stamp)
        )
