"""Calendar export: VTIMEZONE, feeds, invitations, cancellations, files."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import pytest
import vobject

from backstage_sched.domain import Blackout, Facilitator, Participant, Program, Venue
from backstage_sched.plan import Cohort, Plan, Session, Unplaced, uid_for
from backstage_sched.publish.ical import (
    _parse_posix,
    cancel,
    cohort_feed,
    invite,
    person_feed,
    vtimezone,
    write_calendars,
)

STAMP = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
STOCKHOLM = "Europe/Stockholm"


def _cohort(
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


def make(tz: str = STOCKHOLM, language: str = "en") -> tuple[Program, Plan]:
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
    c01 = _cohort(
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
    c02 = _cohort(
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


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def vparse(data: bytes) -> vobject.base.Component:
    comps = list(vobject.readComponents(data.decode("utf-8")))
    assert len(comps) == 1
    return comps[0]


def events(cal: icalendar.Calendar) -> list[icalendar.Event]:
    return list(cal.walk("VEVENT"))


def assert_wire_format(data: bytes) -> None:
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
    assert data.count(b"BEGIN:VTIMEZONE\r\n") == 1
    assert b"RDATE" not in data
    data.decode("utf-8")


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


# --------------------------------------------------------------------------- VTIMEZONE


def test_vtimezone_stockholm_rrule_form() -> None:
    tz = vtimezone(STOCKHOLM)
    assert str(tz["TZID"]) == STOCKHOLM
    assert [c.name for c in tz.subcomponents] == ["DAYLIGHT", "STANDARD"]
    daylight, standard = tz.subcomponents
    for part in (daylight, standard):
        for key in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "RRULE"):
            assert key in part
        assert "RDATE" not in part
    text = tz.to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in text
    assert "DTSTART:19700329T020000\r\n" in text
    assert "DTSTART:19701025T030000\r\n" in text
    assert daylight["TZOFFSETFROM"].td == timedelta(hours=1)
    assert daylight["TZOFFSETTO"].td == timedelta(hours=2)
    assert str(daylight["TZNAME"]) == "CEST"
    assert standard["TZOFFSETTO"].td == timedelta(hours=1)
    assert str(standard["TZNAME"]) == "CET"


def test_vtimezone_new_york() -> None:
    text = vtimezone("America/New_York").to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n" in text
    assert "TZOFFSETTO:-0400\r\n" in text and "TZOFFSETTO:-0500\r\n" in text
    assert "RDATE" not in text


def test_vtimezone_without_dst_has_single_standard() -> None:
    tz = vtimezone("Asia/Tokyo")
    assert [c.name for c in tz.subcomponents] == ["STANDARD"]
    (std,) = tz.subcomponents
    assert std["TZOFFSETFROM"].td == std["TZOFFSETTO"].td == timedelta(hours=9)
    assert str(std["TZNAME"]) == "JST"
    assert "RRULE" not in std and "RDATE" not in std


def test_vtimezone_unknown_zone() -> None:
    with pytest.raises(ZoneInfoNotFoundError):
        vtimezone("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    "tzid",
    [
        STOCKHOLM,
        "Asia/Tokyo",
        "Australia/Sydney",
        "Europe/Dublin",  # negative DST in the POSIX rule
        "America/Santiago",  # transition at 24:00
        "Asia/Gaza",  # transition at 50:00
    ],
)
def test_vtimezone_matches_zoneinfo(tzid: str) -> None:
    """The VTIMEZONE alone (not its TZID) gives zoneinfo's offsets, 2027–2028.

    (vobject re-expands the RRULE on every lookup, so the span is kept short.)
    """
    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    cal.add_component(vtimezone(tzid))
    data = cal.to_ical()
    assert b"RDATE" not in data
    from_icalendar = parse(data).walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    from_vobject = vparse(data).vtimezone.gettzinfo()
    zone = ZoneInfo(tzid)
    probes = []
    t = datetime(2027, 1, 1, tzinfo=UTC)
    while t < datetime(2029, 1, 1, tzinfo=UTC):
        nxt = t + timedelta(hours=1)
        if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            # a transition: find its minute, probe just before and at it
            while (
                t.astimezone(zone).utcoffset()
                == (t + timedelta(minutes=1)).astimezone(zone).utcoffset()
            ):
                t += timedelta(minutes=1)
            probes += [t, t + timedelta(minutes=1)]
        if t.day == 15 and t.hour == 12:
            probes.append(t)
        t = nxt
    has_dst = tzid != "Asia/Tokyo"
    assert (len(probes) > 24) == has_dst
    for t in probes:
        want = t.astimezone(zone).utcoffset()
        assert t.astimezone(from_icalendar).utcoffset() == want, (tzid, t)
        assert t.astimezone(from_vobject).utcoffset() == want, (tzid, t)


def test_parse_posix_rules() -> None:
    rule = _parse_posix("CET-1CEST,M3.5.0,M10.5.0/3")
    assert (rule.std_name, rule.dst_name) == ("CET", "CEST")
    assert rule.std_offset == timedelta(hours=1) and rule.dst_offset == timedelta(hours=2)
    assert rule.dst_start is not None and rule.dst_end is not None
    assert (rule.dst_start.month, rule.dst_start.week, rule.dst_start.seconds) == (3, 5, 7200)
    assert (rule.dst_end.month, rule.dst_end.seconds) == (10, 3 * 3600)
    india = _parse_posix("<+0530>-5:30")
    assert india.std_name == "+0530" and india.std_offset == timedelta(hours=5, minutes=30)
    assert india.dst_name is None
    with pytest.raises(ValueError):
        _parse_posix("not a rule")


# --------------------------------------------------------------------------- UIDs


def test_uid_for_is_deterministic_and_safe() -> None:
    assert uid_for("ht2027", "c01", 0) == "ht2027-c01-s0@backstage-sched"
    assert uid_for("ht2027", "c01", 0) == uid_for("ht2027", "c01", 0)
    assert uid_for("ht2027", "c01", 1) != uid_for("ht2027", "c01", 0)
    assert uid_for("ht2027", "c02", 0) != uid_for("ht2027", "c01", 0)
    weird = uid_for("HT 2027/ö", "c 1;x", 3)
    assert re.fullmatch(r"[A-Za-z0-9._-]+@backstage-sched", weird), weird


# --------------------------------------------------------------------------- feeds


def test_cohort_feed_publish() -> None:
    program, plan = make()
    cohort = plan.cohort("c01")
    data = cohort_feed(program, plan, cohort, STAMP)
    assert_wire_format(data)
    lines = unfolded(data)
    assert "METHOD:PUBLISH" in lines
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert "X-WR-CALNAME:Backstage c01 — Backstage 2027" in lines
    assert not any(line.startswith("ATTENDEE") for line in lines)
    cal = parse(data)
    evs = events(cal)
    assert [str(e["UID"]) for e in evs] == [s.uid for s in cohort.sessions]
    assert [str(e["SUMMARY"]) for e in evs] == [
        "Backstage c01 — session 1/4 (kick-off)",
        "Backstage c01 — session 2/4",
        "Backstage c01 — session 3/4",
        "Backstage c01 — session 4/4",
    ]
    for ev, session in zip(evs, cohort.sessions, strict=True):
        assert ev["SEQUENCE"] == 0
        assert ev.decoded("DTSTAMP") == STAMP
        assert str(ev["ORGANIZER"]) == "mailto:f1@example.org"
        assert ev["ORGANIZER"].params["CN"] == "Anna Fält"
        desc = str(ev["DESCRIPTION"])
        for name, org in (("Åsa Öberg", "Alfa AB"), ("Björn Ärlig", "Beta, Gamma & Co")):
            assert f"{name} ({org})" in desc
        if session.case_owner:
            owner = program.participant(session.case_owner)
            assert f"Case owner: {owner.name}" in desc
        else:
            assert "no case owner" in desc
        assert str(ev["LOCATION"]) == "Location to be announced"  # c01 has no venue
        assert "URL" not in ev and not ev.subcomponents  # no link, no reminders
    assert str(evs[1]["DESCRIPTION"]).count("Case owner: Åsa Öberg") == 1


def test_feed_location_is_venue_name() -> None:
    program, plan = make()
    cal = parse(cohort_feed(program, plan, plan.cohort("c02"), STAMP))
    assert {str(e["LOCATION"]) for e in events(cal)} == {"Room A"}


def _instants(data: bytes, tzid: str) -> list[tuple[datetime, datetime]]:
    """(DTSTART, DTEND) per event, read with icalendar and vobject; both must agree."""
    lines = unfolded(data)
    for line in lines:
        if line.startswith(("DTSTART", "DTEND")) and not line.startswith("DTSTART:1970"):
            assert line.startswith((f"DTSTART;TZID={tzid}:", f"DTEND;TZID={tzid}:")), line
            assert not line.endswith("Z")
    ours = [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in events(parse(data))]
    theirs = [(e.dtstart.value, e.dtend.value) for e in vparse(data).vevent_list]
    assert len(ours) == len(theirs)
    for (a, b), (c, d) in zip(ours, theirs, strict=True):
        for value in (a, b, c, d):
            assert value.tzinfo is not None and value.utcoffset() is not None
        assert (a, b) == (c, d)
    return ours


def test_times_exact_across_dst_changes() -> None:
    program, plan = make()
    cohort = plan.cohort("c01")
    data = cohort_feed(program, plan, cohort, STAMP)
    got = _instants(data, STOCKHOLM)
    assert got == [(s.start, s.end) for s in cohort.sessions]
    offsets = [start.utcoffset() for start, _ in got]
    assert offsets == [timedelta(hours=h) for h in (1, 2, 2, 1)]
    lines = unfolded(data)
    for stamp in ("20270323T090000", "20270330T090000", "20271026T130000", "20271102T130000"):
        assert f"DTSTART;TZID={STOCKHOLM}:{stamp}" in lines
    # vobject resolves the TZID through the file's own VTIMEZONE
    vstarts = [e.dtstart.value for e in vparse(data).vevent_list]
    assert [v.astimezone(UTC) for v in vstarts] == [
        s.start.astimezone(UTC) for s in cohort.sessions
    ]


def test_fixed_offset_sessions_are_written_in_program_zone() -> None:
    """A plan read back from JSON (fixed UTC offsets) exports the same bytes."""
    program, plan = make()
    reloaded = Plan.from_dict(plan.to_dict())
    assert reloaded.cohorts[0].sessions[1].start.tzinfo != ZoneInfo(STOCKHOLM)
    for a, b in zip(plan.cohorts, reloaded.cohorts, strict=True):
        assert cohort_feed(program, plan, a, STAMP) == cohort_feed(program, reloaded, b, STAMP)


@pytest.mark.parametrize("tzid", ["America/New_York", "Asia/Tokyo"])
def test_other_zones(tzid: str) -> None:
    program, plan = make(tzid)
    data = cohort_feed(program, plan, plan.cohort("c01"), STAMP)
    assert_wire_format(data)
    assert f"TZID:{tzid}" in unfolded(data)
    got = _instants(data, tzid)
    assert got == [(s.start, s.end) for s in plan.cohort("c01").sessions]


def test_dtstamp_is_utc_and_naive_stamp_rejected() -> None:
    program, plan = make()
    local_stamp = datetime(2027, 1, 4, 9, 0, tzinfo=ZoneInfo(STOCKHOLM))
    data = cohort_feed(program, plan, plan.cohort("c01"), local_stamp)
    assert "DTSTAMP:20270104T080000Z" in unfolded(data)
    with pytest.raises(ValueError):
        cohort_feed(program, plan, plan.cohort("c01"), datetime(2027, 1, 4))


def test_person_feed_participant_and_facilitators() -> None:
    program, plan = make()
    c01, c02 = plan.cohort("c01"), plan.cohort("c02")
    mine = parse(person_feed(program, plan, "p2", STAMP))
    assert [str(e["UID"]) for e in events(mine)] == [s.uid for s in c01.sessions]
    assert mine["METHOD"] == "PUBLISH"

    lead = person_feed(program, plan, "f2", STAMP)
    assert [str(e["UID"]) for e in events(parse(lead))] == [s.uid for s in c02.sessions]
    assert b"ATTENDEE" not in lead

    # a facilitator of two cohorts sees both, in time order
    both = replace(c02, facilitator="f1")
    plan2 = replace(plan, cohorts=(c01, both))
    data = person_feed(program, plan2, "f1", STAMP)
    evs = events(parse(data))
    starts = [e.decoded("DTSTART") for e in evs]
    assert len(evs) == len(c01.sessions) + len(c02.sessions)
    assert starts == sorted(starts)
    assert {str(e["ORGANIZER"]) for e in evs} == {"mailto:f1@example.org"}

    idle = person_feed(program, plan, "f3", STAMP)
    assert_wire_format(idle)
    assert events(parse(idle)) == []
    assert vparse(idle).vtimezone is not None

    unplaced = person_feed(program, plan, "p6", STAMP)
    assert events(parse(unplaced)) == []
    with pytest.raises(KeyError):
        person_feed(program, plan, "nobody", STAMP)


# --------------------------------------------------------------------------- iTIP


def _attendees(ev: icalendar.Event) -> list[icalendar.vCalAddress]:
    value = ev.get("ATTENDEE", [])
    return value if isinstance(value, list) else [value]


def test_invite_request() -> None:
    program, plan = make()
    cohort = plan.cohort("c01")
    session = replace(cohort.sessions[2], sequence=4)
    data = invite(program, plan, cohort, session, STAMP)
    assert_wire_format(data)
    lines = unfolded(data)
    assert "METHOD:REQUEST" in lines
    assert sum(line.startswith("UID:") for line in lines) == 1
    assert lines.count("BEGIN:VEVENT") == 1
    assert "STATUS:CONFIRMED" in lines
    (ev,) = events(parse(data))
    assert str(ev["UID"]) == session.uid
    assert ev["SEQUENCE"] == 4
    assert ev.decoded("DTSTART") == session.start
    assert str(ev["ORGANIZER"]) == "mailto:f1@example.org"
    attendees = _attendees(ev)
    assert sorted(str(a) for a in attendees) == sorted(
        f"mailto:{program.participant(p).email}" for p in cohort.members
    )
    for a in attendees:
        assert a.params["ROLE"] == "REQ-PARTICIPANT"
        assert a.params["PARTSTAT"] == "NEEDS-ACTION"
        assert a.params["RSVP"] == "TRUE"
        assert a.params["CUTYPE"] == "INDIVIDUAL"
    names = {a.params["CN"] for a in attendees}
    assert names == {"Åsa Öberg", "Björn Ärlig", "Carl Lind"}
    v = vparse(data)
    assert v.method.value == "REQUEST"
    assert len(v.vevent.attendee_list) == 3
    assert v.vevent.dtstart.value == session.start


def test_cancel_whole_session() -> None:
    program, plan = make()
    cohort = plan.cohort("c02")
    session = replace(cohort.sessions[1], sequence=2)
    data = cancel(program, plan, cohort, session, STAMP)
    assert_wire_format(data)
    lines = unfolded(data)
    assert "METHOD:CANCEL" in lines
    assert "STATUS:CANCELLED" in lines
    assert sum(line.startswith("UID:") for line in lines) == 1
    (ev,) = events(parse(data))
    assert str(ev["UID"]) == session.uid
    assert ev["SEQUENCE"] == 2
    assert sorted(str(a) for a in _attendees(ev)) == ["mailto:dana@alfa.se", "mailto:eva@delta.se"]
    for a in _attendees(ev):
        assert a.params["ROLE"] == "REQ-PARTICIPANT" and "CN" in a.params
        assert "RSVP" not in a.params
    assert vparse(data).vevent.status.value == "CANCELLED"


def test_cancel_leaving_member_only() -> None:
    program, plan = make()
    cohort = plan.cohort("c01")
    session = replace(cohort.sessions[3], sequence=1)
    data = cancel(program, plan, cohort, session, STAMP, attendees=["p3"])
    lines = unfolded(data)
    assert "METHOD:CANCEL" in lines
    assert not any(line.startswith("STATUS") for line in lines)
    (ev,) = events(parse(data))
    assert ev["SEQUENCE"] == 1
    (att,) = _attendees(ev)
    assert str(att) == "mailto:carl@ceta.se" and att.params["CN"] == "Carl Lind"
    # someone already removed from the program can be named by address
    gone = cancel(program, plan, cohort, session, STAMP, attendees=["old@zeta.se"])
    (att,) = _attendees(events(parse(gone))[0])
    assert str(att) == "mailto:old@zeta.se"
    with pytest.raises(KeyError):
        cancel(program, plan, cohort, session, STAMP, attendees=["ghost"])


# --------------------------------------------------------------------------- files


def test_write_calendars_layout_and_validity(tmp_path: Path) -> None:
    program, plan = make()
    write_calendars(program, plan, tmp_path, STAMP)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.ics"))
    assert files == sorted(
        [
            "cohorts/c01.ics",
            "cohorts/c02.ics",
            *[f"invites/c01/{i}.ics" for i in range(4)],
            *[f"invites/c02/{i}.ics" for i in range(3)],
            *[f"people/{p}.ics" for p in ("p1", "p2", "p3", "p4", "p5", "f1", "f2", "f3")],
        ]
    )
    sessions = {s.uid: s for c in plan.cohorts for s in c.sessions}
    for rel in files:
        data = (tmp_path / rel).read_bytes()
        assert_wire_format(data)
        cal = parse(data)
        v = vparse(data)
        method = str(cal["METHOD"])
        assert v.method.value == method
        assert method == ("REQUEST" if rel.startswith("invites/") else "PUBLISH")
        if method == "PUBLISH":
            assert b"ATTENDEE" not in data
        for ev in events(cal):
            s = sessions[str(ev["UID"])]
            assert ev.decoded("DTSTART") == s.start and ev.decoded("DTEND") == s.end
        for vev in getattr(v, "vevent_list", []):
            s = sessions[vev.uid.value]
            assert vev.dtstart.value == s.start and vev.dtend.value == s.end
    invite_file = tmp_path / "invites/c01/2.ics"
    (ev,) = events(parse(invite_file.read_bytes()))
    assert str(ev["UID"]) == plan.cohort("c01").sessions[2].uid


def test_output_is_deterministic(tmp_path: Path) -> None:
    program, plan = make()
    write_calendars(program, plan, tmp_path / "a", STAMP)
    write_calendars(program, plan, tmp_path / "b", STAMP)
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.ics")}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.ics")}
    assert a == b and a
    cohort = plan.cohort("c01")
    assert invite(program, plan, cohort, cohort.sessions[0], STAMP) == invite(
        program, plan, cohort, cohort.sessions[0], STAMP
    )
    later = STAMP + timedelta(days=1)
    assert cohort_feed(program, plan, cohort, later) != cohort_feed(program, plan, cohort, STAMP)


# --------------------------------------------------------------------------- SPEC §6


def in_the_loop(language: str = "sv") -> tuple[Program, Plan]:
    """``make()`` with the coordinator as organizer, an address, a link and reminders."""
    program, plan = make(language=language)
    program = program.replace(
        organizer_name="Backstage-kansliet",
        organizer_email="kansli@backstage.example",
        online_url="https://teams.example/meet/backstage",
        reminder_minutes=(1440, 60),
        venues=(Venue("room-a", "Room A", 8, address="Storgatan 1, Örebro"),),
    )
    return program, plan


def _text(data: bytes) -> str:
    """Every SUMMARY, DESCRIPTION, LOCATION and alarm text of a file, as parsed."""
    parts = []
    for component in parse(data).walk():
        for key in ("SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"):
            if key in component:
                parts.append(str(component[key]))
    return "\n".join(parts)


def test_swedish_calendar_texts_are_what_a_coordinator_writes() -> None:
    program, plan = make(language="sv")
    cohort = plan.cohort("c01")
    data = cohort_feed(program, plan, cohort, STAMP)
    assert "X-WR-CALNAME:Backstage-grupp c01 – Backstage 2027" in unfolded(data)
    evs = events(parse(data))
    assert [str(e["SUMMARY"]) for e in evs] == [
        "Backstage-grupp c01 – uppstartsträff (träff 1 av 4)",
        "Backstage-grupp c01 – träff 2 av 4",
        "Backstage-grupp c01 – träff 3 av 4",
        "Backstage-grupp c01 – träff 4 av 4",
    ]
    kickoff, second = (str(e["DESCRIPTION"]).split("\n") for e in evs[:2])
    assert kickoff == [
        "Backstage 2027 – Backstage-grupp c01, uppstartsträff (träff 1 av 4)",
        "Uppstartsträff – inget fall tas upp den här gången",
        "Samtalsledare: Anna Fält",
        "Plats: meddelas senare",
        # the deadline (13 March) is the first day a withdrawal is charged
        "Sista dag för kostnadsfri avbokning: fredag 12 mars 2027",
        "",
        "Deltagare:",
        "- Björn Ärlig (Beta, Gamma & Co)",
        "- Carl Lind (Ceta)",
        "- Åsa Öberg (Alfa AB)",
    ]
    assert second[1] == "Fallägare: Åsa Öberg (Alfa AB)"
    assert {str(e["LOCATION"]) for e in evs} == {"Plats meddelas senare"}
    text = _text(data) + _text(person_feed(program, plan, "p1", STAMP))
    for english in ("session", "Case owner", "Facilitator", "Members", "kick-off", "Location"):
        assert english not in text
    assert "X-WR-CALNAME:Backstage 2027 – Åsa Öberg" in unfolded(
        person_feed(program, plan, "p1", STAMP))


def test_english_calendar_texts() -> None:
    program, plan = make(language="en")
    (ev,) = events(parse(invite(program, plan, plan.cohort("c02"), plan.cohort("c02").sessions[0],
                                STAMP)))
    assert str(ev["SUMMARY"]) == "Backstage c02 — session 1/3 (kick-off)"
    lines = str(ev["DESCRIPTION"]).split("\n")
    assert lines[:5] == [
        "Backstage 2027 — cohort c02, session 1/3 (kick-off)",
        "Kick-off: no case owner",
        "Facilitator: Bo Leder",
        "Location: Room A",
        "Last day to cancel free of charge: Friday 22 January 2027",
    ]
    assert "Members:" in lines


def test_location_venue_address_then_program_location_then_to_be_announced() -> None:
    program, plan = in_the_loop("en")
    c01, c02 = plan.cohort("c01"), plan.cohort("c02")
    feed = events(parse(cohort_feed(program, plan, c02, STAMP)))
    assert {str(e["LOCATION"]) for e in feed} == {"Room A, Storgatan 1, Örebro"}
    assert "Location: Room A, Storgatan 1, Örebro" in str(feed[0]["DESCRIPTION"])
    for pgm, want in (
        (program.replace(location="Stadshuset, Örebro"), "Stadshuset, Örebro"),
        (program, "Location to be announced"),
        (program.replace(language="sv"), "Plats meddelas senare"),
    ):
        for data in (cohort_feed(pgm, plan, c01, STAMP),
                     invite(pgm, plan, c01, c01.sessions[1], STAMP),
                     cancel(pgm, plan, c01, c01.sessions[1], STAMP)):
            assert {str(e["LOCATION"]) for e in events(parse(data))} == {want}
            assert {e.location.value for e in vparse(data).vevent_list} == {want}


def test_online_link_is_url_and_a_line_of_the_description_and_the_venue_wins() -> None:
    program, plan = in_the_loop("sv")
    c01, c02 = plan.cohort("c01"), plan.cohort("c02")
    link = "https://teams.example/meet/backstage"
    for ev in events(parse(cohort_feed(program, plan, c01, STAMP))):
        assert str(ev["URL"]) == link
        assert f"Delta digitalt: {link}" in str(ev["DESCRIPTION"]).split("\n")
    zoom = "https://zoom.example/j/42"
    room = replace(program.venues[0], online_url=zoom)
    own = program.replace(venues=(room,))
    data = invite(own, plan, c02, c02.sessions[1], STAMP)
    (ev,) = events(parse(data))
    assert str(ev["URL"]) == zoom and link not in str(ev["DESCRIPTION"])
    assert vparse(data).vevent.url.value == zoom
    plain, _ = make()
    assert b"URL" not in cohort_feed(plain, plan, c01, STAMP)


def test_one_display_alarm_per_reminder_in_every_invitation_and_feed() -> None:
    program, plan = in_the_loop("sv")
    cohort = plan.cohort("c01")
    session = cohort.sessions[2]
    files = {
        "feed": cohort_feed(program, plan, cohort, STAMP),
        "person": person_feed(program, plan, "p1", STAMP),
        "invite": invite(program, plan, cohort, session, STAMP),
    }
    for label, data in files.items():
        for ev in events(parse(data)):
            alarms = ev.walk("VALARM")
            assert [a.decoded("TRIGGER") for a in alarms] == [
                -timedelta(minutes=1440), -timedelta(minutes=60)], label
            for a in alarms:
                assert str(a["ACTION"]) == "DISPLAY"
                assert str(a["DESCRIPTION"]) == f"Påminnelse: {ev['SUMMARY']}"
        for vev in vparse(data).vevent_list:
            triggers = [a.trigger.value for a in vev.valarm_list]
            assert triggers == [-timedelta(days=1), -timedelta(hours=1)], label
    assert b"VALARM" not in cancel(program, plan, cohort, session, STAMP)
    assert b"VALARM" not in cancel(program, plan, cohort, session, STAMP, attendees=["p1"])


def _roles(ev: icalendar.Event) -> dict[str, tuple[str, str | None, str | None]]:
    return {
        str(a): (a.params["ROLE"], a.params.get("PARTSTAT"), a.params.get("RSVP"))
        for a in _attendees(ev)
    }


def test_with_an_organizer_the_facilitator_chairs_every_invitation_and_cancellation() -> None:
    program, plan = in_the_loop("sv")
    cohort = plan.cohort("c01")
    session = replace(cohort.sessions[1], sequence=1)
    chair = ("CHAIR", "ACCEPTED", None)
    request = invite(program, plan, cohort, session, STAMP)
    whole = cancel(program, plan, cohort, session, STAMP)
    for data in (request, whole):
        (ev,) = events(parse(data))
        assert str(ev["ORGANIZER"]) == "mailto:kansli@backstage.example"
        assert ev["ORGANIZER"].params["CN"] == "Backstage-kansliet"
        roles = _roles(ev)
        assert roles["mailto:f1@example.org"] == chair
        assert len(roles) == len(cohort.members) + 1
        (chair_attendee,) = [a for a in vparse(data).vevent.attendee_list
                             if a.params["ROLE"] == ["CHAIR"]]
        assert chair_attendee.value == "mailto:f1@example.org"
    members = {v for k, v in _roles(events(parse(request))[0]).items() if "f1@" not in k}
    assert members == {("REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE")}
    # a member who leaves: only that member; a facilitator who hands over: only them
    (one,) = events(parse(cancel(program, plan, cohort, session, STAMP, attendees=["p3"])))
    assert list(_roles(one)) == ["mailto:carl@ceta.se"]
    (lead,) = events(parse(cancel(program, plan, cohort, session, STAMP, attendees=["f1"])))
    assert _roles(lead) == {"mailto:f1@example.org": chair} and "STATUS" not in lead
    feeds = (cohort_feed(program, plan, cohort, STAMP), person_feed(program, plan, "f1", STAMP))
    for data in feeds:
        assert b"ATTENDEE" not in data
        assert {str(e["ORGANIZER"]) for e in events(parse(data))} == {
            "mailto:kansli@backstage.example"}


def test_without_an_organizer_the_facilitator_organises_and_attends_nothing() -> None:
    program, plan = make()
    cohort = plan.cohort("c01")
    for data in (invite(program, plan, cohort, cohort.sessions[0], STAMP),
                 cancel(program, plan, cohort, cohort.sessions[0], STAMP)):
        (ev,) = events(parse(data))
        assert str(ev["ORGANIZER"]) == "mailto:f1@example.org"
        assert "mailto:f1@example.org" not in _roles(ev)
        assert {role for role, _, _ in _roles(ev).values()} == {"REQ-PARTICIPANT"}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_file_of_a_program_in_the_loop_parses_and_is_deterministic(
    tmp_path: Path, language: str
) -> None:
    program, plan = in_the_loop(language)
    write_calendars(program, plan, tmp_path / "a", STAMP)
    write_calendars(program, plan, tmp_path / "b", STAMP)
    files = sorted((tmp_path / "a").rglob("*.ics"))
    assert len(files) == 17
    for path in files:
        data = path.read_bytes()
        assert data == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
        assert_wire_format(data)
        cal = parse(data)
        assert cal.to_ical() == data  # icalendar round-trips it unchanged
        v = vparse(data)
        for ev, vev in zip(events(cal), getattr(v, "vevent_list", []), strict=True):
            assert str(ev["UID"]) == vev.uid.value
            assert str(ev["LOCATION"]) == vev.location.value
            assert str(ev["URL"]) == vev.url.value
            assert len(ev.walk("VALARM")) == len(vev.valarm_list) == 2


@pytest.mark.parametrize("organizer", [False, True])
def test_feeds_and_invitations_spliced_from_events_rendered_once_are_byte_identical(
    organizer: bool,
) -> None:
    """The plan folder reuses each session's rendered VEVENT; the bytes are those of
    the calendar built as a whole (attendees, an absence, the chair included)."""
    from dataclasses import replace

    from backstage_sched.publish import ical

    program, plan = make(language="sv")
    if organizer:
        program = program.replace(organizer_name="Kansliet", organizer_email="k@example.org")
    c = plan.cohorts[0]
    absent = replace(c.sessions[1], absent=(c.members[0],))
    plan = replace(plan, cohorts=(replace(c, sessions=(c.sessions[0], absent,
                                                       *c.sessions[2:])), *plan.cohorts[1:]))
    stamp = datetime(2027, 1, 1, tzinfo=UTC)
    for cohort in plan.cohorts:
        whole = ical._calendar(program, "PUBLISH", [
            ical._event(program, cohort, s, stamp) for s in ical._sessions(cohort)],
            ical.words(program)._("Backstage {cohort} — {program}").format(
                cohort=cohort.id, program=program.name))
        assert ical.cohort_feed(program, plan, cohort, stamp) == whole
        for s in cohort.sessions:
            people = [ical._member(*ical._person(program, pid)[::2], absent=pid in s.absent)
                      for pid in ical._sorted_members(program, cohort.members)]
            if organizer:
                f = program.facilitator(cohort.leader(s))
                people.append(ical._chair(f.name, f.email))
            built = ical._calendar(program, "REQUEST", [ical._event(
                program, cohort, s, stamp, attendees=people, status="CONFIRMED")], None)
            assert ical.invite(program, plan, cohort, s, stamp) == built


def test_fold_cuts_every_line_where_icalendar_folds_it() -> None:
    """:func:`fold` gives icalendar's own folding (the bytes of every file rest on it):
    multi-octet characters never split, an escape (``\\`` or ``^``) never ends a line."""
    import random

    from icalendar.parser.string import _foldline

    from backstage_sched.publish.ical import fold

    rnd = random.Random(7)
    alphabet = "abcdefgh \\^;,:\"åÄö€😀"
    lines = ["", "a" * 74, "a" * 75, "å" * 37, "å" * 38, "a" * 73 + "\\n" + "b" * 80,
             "a" * 72 + "å\\,x" * 40, "DESCRIPTION:" + "Träff 3 av 7\\n" * 30]
    lines += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(60, 400)))
              for _ in range(3000)]
    for line in lines:
        assert fold(line) == _foldline(line), line


def test_events_rendered_by_ical_bytes_are_icalendars_bytes() -> None:
    """:func:`ical_bytes` (the fast folding) writes what ``to_ical`` writes, for every
    event of a Swedish program with long, escaped and non-ASCII texts."""
    from backstage_sched.publish import ical

    program, plan = make(language="sv")
    program = program.replace(name="Backstage för chefer; Mälardalen, Västerås & Örebro " * 3)
    for cohort in plan.cohorts:
        for s in cohort.sessions:
            event = ical._event(program, cohort, s, STAMP)
            assert ical.ical_bytes(event) == event.to_ical()
