"""Proof against a real CalDAV server: Radicale stores and queries our files.

A Radicale server is started on 127.0.0.1 on a free port for this module
(``python -m radicale`` with a temporary config and storage folder) and
terminated at the end. Only ``http.client`` speaks to it.

- every invitation (``invites/<cohort>/<index>.ics``, ``METHOD:REQUEST``) is
  stored as its own resource (one UID per resource, as CalDAV requires) and
  accepted; every PUBLISH feed is accepted as a whole collection upload;
  whole-session and per-attendee cancellations are accepted;
- a changed session stored again under its UID replaces the old one;
- raw ``calendar-query`` REPORTs with UTC time ranges find each session at
  its exact UTC instant (taken from plan.json), including the weeks around the
  last Sundays of March and October, and a range one hour off does not.
"""

from __future__ import annotations

import base64
import http.client
import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import icalendar
import pytest

from backstage_sched.cli.app import main
from backstage_sched.plan import Plan
from backstage_sched.publish import ical
from backstage_sched.publish.folder import default_stamp, read_plan_dir
from conftest import CHAIN_TODAY, LATE_REGISTRATION, chain_program, with_a_late_registration
from local_servers import free_port, stop
from tiny_programs import loop_program, tiny_program

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company-2027" / "program.toml"
USER = "coordinator"
NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav"}
ONE_MINUTE = timedelta(minutes=1)
ONE_HOUR = timedelta(hours=1)

# Two tiny programs whose sessions straddle the EU daylight-saving changes of
# 2027 (Sunday 28 March and Sunday 31 October): one cohort of two people from
# different organisations, three sessions a week apart.
TINY_PROGRAMS = {
    "spring": ("2027-03-22", "2027-04-09"),
    "autumn": ("2027-10-25", "2027-11-12"),
}
LAST_SUNDAYS = (datetime(2027, 3, 28).date(), datetime(2027, 10, 31).date())
PLAN_NAMES = ["company", *TINY_PROGRAMS, "loop"]


# ---------------------------------------------------------------------------
# The server


@dataclass
class Server:
    host: str
    port: int

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        if isinstance(body, str):
            body = body.encode("utf-8")
        auth = base64.b64encode(f"{USER}:secret".encode()).decode()
        all_headers = {"Authorization": f"Basic {auth}", **(headers or {})}
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, quote(path), body=body, headers=all_headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("radicale")
    port = free_port()
    config = base / "config"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "delay_on_error = 0.01\n"
        "[auth]\n"
        "type = none\n"  # any user name and password is accepted
        "[rights]\n"
        "type = owner_only\n"  # each user owns /<user>/
        "[storage]\n"
        f"filesystem_folder = {base / 'collections'}\n"
        "[web]\n"
        "type = none\n"
        "[logging]\n"
        "level = warning\n",
        encoding="utf-8",
    )
    log = open(base / "radicale.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    srv = Server("127.0.0.1", port)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail("Radicale exited at start-up:\n" + (base / "radicale.log").read_text())
            try:
                status, _ = srv.request("OPTIONS", "/")
                if status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("Radicale did not answer within 30 s")
            time.sleep(0.05)
        yield srv
    finally:
        stop(proc)
        log.close()


# ---------------------------------------------------------------------------
# Plans


@dataclass
class PlanDir:
    name: str
    path: Path

    @property
    def data(self) -> dict:
        return json.loads((self.path / "plan.json").read_text(encoding="utf-8"))

    def sessions(self) -> list[tuple[str, dict]]:
        """``(cohort id, session dict)`` for every session in plan.json."""
        return [(c["id"], s) for c in self.data["cohorts"] for s in c["sessions"]]


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PlanDir]:
    base = tmp_path_factory.mktemp("plans")
    out: dict[str, PlanDir] = {}
    assert main(["plan", str(COMPANY), "--out", str(base / "company"), "-q"]) == 0
    out["company"] = PlanDir("company", base / "company")
    for name, (start, end) in TINY_PROGRAMS.items():
        toml = base / f"{name}.toml"
        toml.write_text(tiny_program(f"dst-{name}", start, end), encoding="utf-8")
        assert main(["plan", str(toml), "--out", str(base / name), "-q"]) == 0
        out[name] = PlanDir(name, base / name)
    (base / "loop.toml").write_text(loop_program(*TINY_PROGRAMS["spring"]), encoding="utf-8")
    assert main(["plan", str(base / "loop.toml"), "--out", str(base / "loop"), "-q"]) == 0
    out["loop"] = PlanDir("loop", base / "loop")
    for pd in out.values():
        assert pd.sessions(), f"{pd.name}: the plan has no sessions"
    return out


# ---------------------------------------------------------------------------
# CalDAV helpers


def _collection(plan: PlanDir) -> str:
    return f"/{USER}/{plan.name}/"


def _href(plan: PlanDir, uid: str) -> str:
    return f"{_collection(plan)}{uid}.ics"


MKCALENDAR = """<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop>
    <D:displayname>{name}</D:displayname>
    <C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>
  </D:prop></D:set>
</C:mkcalendar>
"""


def _mkcalendar(server: Server, path: str) -> None:
    status, body = server.request(
        "MKCALENDAR",
        path,
        MKCALENDAR.format(name=path.strip("/")),
        {"Content-Type": "application/xml; charset=utf-8"},
    )
    assert status == 201, (path, status, body)


def _put(server: Server, path: str, data: bytes) -> int:
    status, body = server.request(
        "PUT", path, data, {"Content-Type": "text/calendar; charset=utf-8"}
    )
    assert status in (201, 204), (path, status, body.decode("utf-8", "replace"))
    return status


def _stamp(s: dict) -> str:
    return datetime.fromisoformat(s).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _multistatus(body: bytes) -> dict[str, str]:
    """``{href: calendar-data}`` of a 207 multistatus answer (data may be '')."""
    root = ET.fromstring(body)
    found: dict[str, str] = {}
    for response in root.findall("D:response", NS):
        href = unquote(response.findtext("D:href", "", NS))
        ok = [
            ps
            for ps in response.findall("D:propstat", NS)
            if " 200 " in ps.findtext("D:status", "", NS)
        ]
        data = ""
        for ps in ok:
            data = ps.findtext("D:prop/C:calendar-data", "", NS) or data
        found[href] = data
    return found


def _query(server: Server, plan: PlanDir, start: datetime, end: datetime) -> dict[str, str]:
    """A raw calendar-query REPORT for VEVENTs overlapping [start, end) UTC."""
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="{start.astimezone(UTC):%Y%m%dT%H%M%SZ}"
                      end="{end.astimezone(UTC):%Y%m%dT%H%M%SZ}"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>
"""
    status, answer = server.request(
        "REPORT",
        _collection(plan),
        body,
        {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
    )
    assert status == 207, (status, answer)
    return _multistatus(answer)


def _members(server: Server, path: str) -> dict[str, str]:
    """The resources of a collection (PROPFIND depth 1), without the collection."""
    body = """<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>
"""
    status, answer = server.request(
        "PROPFIND", path, body, {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
    )
    assert status == 207, (status, answer)
    return {h: d for h, d in _multistatus(answer).items() if h.rstrip("/") != path.rstrip("/")}


def _uids(calendar_data: str) -> list[str]:
    cal = icalendar.Calendar.from_ical(calendar_data)
    return [str(e["UID"]) for e in cal.walk("VEVENT")]


def _store_invites(server: Server, plan: PlanDir) -> None:
    """MKCALENDAR the plan's collection and PUT every invitation into it.

    The files are stored byte for byte as written, METHOD:REQUEST included.
    RFC 4791 §4.1 says stored calendar objects MUST NOT carry METHOD (a
    client strips it when it files an invitation), but Radicale accepts it,
    so the generated file itself is what the server parses here.
    """
    _mkcalendar(server, _collection(plan))
    for cid, s in plan.sessions():
        data = (plan.path / "invites" / cid / f"{s['index']}.ics").read_bytes()
        assert _uids(data.decode("utf-8")) == [s["uid"]]
        assert _put(server, _href(plan, s["uid"]), data) == 201


@pytest.fixture(scope="module")
def stored(server: Server, plans: dict[str, PlanDir]) -> dict[str, PlanDir]:
    """Every plan's invitations stored in its own calendar collection."""
    for plan in plans.values():
        _store_invites(server, plan)
    return plans


# ---------------------------------------------------------------------------
# Tests


def test_tiny_programs_straddle_the_daylight_saving_changes(plans: dict[str, PlanDir]) -> None:
    for name, sunday in zip(TINY_PROGRAMS, LAST_SUNDAYS, strict=True):
        days = [datetime.fromisoformat(s["start"]).date() for _, s in plans[name].sessions()]
        assert any(timedelta(0) < sunday - d <= timedelta(days=7) for d in days), (name, days)
        assert any(timedelta(0) < d - sunday <= timedelta(days=7) for d in days), (name, days)
        offsets = {
            datetime.fromisoformat(s["start"]).utcoffset() for _, s in plans[name].sessions()
        }
        assert offsets == {timedelta(hours=1), timedelta(hours=2)}, (name, offsets)


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_every_invitation_is_stored_one_event_per_session(
    server: Server, stored: dict[str, PlanDir], name: str
) -> None:
    plan = stored[name]
    sessions = plan.sessions()
    members = _members(server, _collection(plan))
    assert sorted(members) == sorted(_href(plan, s["uid"]) for _, s in sessions)
    for cid, s in sessions:
        status, body = server.request("GET", _href(plan, s["uid"]))
        assert status == 200
        assert _uids(body.decode("utf-8")) == [s["uid"]], cid


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_every_publish_feed_is_accepted_as_a_collection(
    server: Server, plans: dict[str, PlanDir], name: str
) -> None:
    """A PUBLISH feed holds one VEVENT per session, each with its own UID.

    A CalDAV resource holds one UID, so a feed is uploaded the way Radicale
    imports whole calendars: PUT on a collection URL, which splits it into one
    resource per UID. Every event must survive.
    """
    plan = plans[name]
    feeds = sorted((plan.path / "cohorts").glob("*.ics")) + sorted(
        (plan.path / "people").glob("*.ics")
    )
    assert feeds
    for feed in feeds:
        data = feed.read_bytes()
        path = f"/{USER}/{name}-{feed.parent.name}-{feed.stem}/"
        _put(server, path, data)
        expected = sorted(_uids(data.decode("utf-8")))
        stored_uids = []
        for href in _members(server, path):
            status, body = server.request("GET", href)
            assert status == 200
            stored_uids += _uids(body.decode("utf-8"))
        assert sorted(stored_uids) == expected, feed


@pytest.mark.parametrize("name", ["company", "loop"])
def test_cancellations_are_accepted(server: Server, plans: dict[str, PlanDir], name: str) -> None:
    """A whole-session CANCEL and a one-attendee CANCEL each replace the stored
    invitation under its UID (a collection holds one resource per UID: a second
    resource with the same UID is refused with 409 no-uid-conflict)."""
    plan_dir = plans[name]
    program, plan = read_plan_dir(plan_dir.path)
    stamp = default_stamp(program)
    cohort = plan.cohorts[0]
    session = cohort.sessions[-1]
    later = replace(session, sequence=session.sequence + 1)
    invitation = (plan_dir.path / "invites" / cohort.id / f"{session.index}.ics").read_bytes()
    cancellations = {
        "whole": ical.cancel(program, plan, cohort, later, stamp),
        "one": ical.cancel(program, plan, cohort, later, stamp, attendees=[cohort.members[0]]),
    }
    for label, data in cancellations.items():
        path = f"/{USER}/cancel-{name}-{label}/"
        href = f"{path}{session.uid}.ics"
        _mkcalendar(server, path)
        assert _put(server, href, invitation) == 201
        status, _ = server.request(
            "PUT", f"{path}other.ics", data, {"Content-Type": "text/calendar"}
        )
        assert status == 409, label  # same UID under another name: refused
        assert _put(server, href, data) == 204, label
        assert list(_members(server, path)) == [href]
        status, body = server.request("GET", href)
        assert status == 200
        event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
        assert str(event["UID"]) == session.uid
        assert int(event["SEQUENCE"]) == session.sequence + 1
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        if label == "whole":
            assert str(event["STATUS"]) == "CANCELLED"
            chair = 1 if program.organizer_email else 0  # the facilitator, with an organizer
            assert len(attendees) == len(cohort.members) + chair
        else:
            assert "STATUS" not in event
            assert len(attendees) == 1


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_time_range_query_finds_each_session_at_its_utc_instant(
    server: Server, stored: dict[str, PlanDir], name: str
) -> None:
    plan = stored[name]
    sessions = plan.sessions()
    spans = {
        _href(plan, s["uid"]): (
            datetime.fromisoformat(s["start"]),
            datetime.fromisoformat(s["end"]),
        )
        for _, s in sessions
    }

    def expected(lo: datetime, hi: datetime) -> list[str]:
        # RFC 4791 §9.9: an event overlaps [lo, hi) when start < hi and end > lo
        return sorted(h for h, (a, b) in spans.items() if a < hi and b > lo)

    for href, (start, end) in spans.items():
        windows = {
            "around start": (start - ONE_MINUTE, start + ONE_MINUTE),
            "around end": (end - ONE_MINUTE, end + ONE_MINUTE),
            "just before start": (start - ONE_MINUTE, start),
            "just after end": (end, end + ONE_MINUTE),
            "one hour early": (start - ONE_HOUR - ONE_MINUTE, start - ONE_HOUR + ONE_MINUTE),
            "one hour late": (end + ONE_HOUR - ONE_MINUTE, end + ONE_HOUR + ONE_MINUTE),
        }
        for label, (lo, hi) in windows.items():
            found = _query(server, plan, lo, hi)
            assert sorted(found) == expected(lo, hi), (href, label, start.isoformat())
            want = label in ("around start", "around end")
            assert (href in found) is want, (href, label, start.isoformat())
            if want:
                assert _uids(found[href]) == [href.rsplit("/", 1)[1].removesuffix(".ics")]


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_changed_session_replaces_the_stored_one(
    server: Server, stored: dict[str, PlanDir], name: str
) -> None:
    """Move the kick-off a week later (across the DST change for the tiny
    programs), raise SEQUENCE, and PUT the new invitation under the same UID."""
    plan_dir = stored[name]
    program, plan = read_plan_dir(plan_dir.path)
    zone = ZoneInfo(program.timezone)
    cohort = plan.cohorts[0]
    old = cohort.sessions[0]
    # wall-clock arithmetic in the program's zone: the same local time a week on
    new_start = old.start.astimezone(zone) + timedelta(days=7)
    new_end = old.end.astimezone(zone) + timedelta(days=7)
    moved = replace(old, start=new_start, end=new_end, sequence=old.sequence + 1)
    new_cohort = replace(cohort, sessions=(moved, *cohort.sessions[1:]))
    new_plan: Plan = replace(
        plan, cohorts=tuple(new_cohort if c is cohort else c for c in plan.cohorts)
    )
    data = ical.invite(program, new_plan, new_cohort, moved, default_stamp(program))

    href = _href(plan_dir, old.uid)
    before = _members(server, _collection(plan_dir))
    assert _put(server, href, data) == 204  # replaced, not created
    after = _members(server, _collection(plan_dir))
    assert sorted(after) == sorted(before)
    assert len(after) == len(plan_dir.sessions())

    status, body = server.request("GET", href)
    assert status == 200
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 1
    assert events[0]["DTSTART"].dt == new_start
    assert events[0]["DTSTART"].dt.astimezone(UTC) == new_start.astimezone(UTC)
    assert int(events[0]["SEQUENCE"]) == old.sequence + 1

    # exactly one stored event carries the UID
    holders = [h for h in after if old.uid in _uids(server.request("GET", h)[1].decode())]
    assert holders == [href]

    # the server now finds it at the new instant only
    at_new = _query(server, plan_dir, new_start - ONE_MINUTE, new_start + ONE_MINUTE)
    assert href in at_new
    assert f"SEQUENCE:{old.sequence + 1}" in at_new[href].replace("\r\n", "\n")
    at_old = _query(server, plan_dir, old.start - ONE_MINUTE, old.start + ONE_MINUTE)
    assert href not in at_old
    if name in TINY_PROGRAMS:
        # the move crossed the daylight-saving change: same wall clock, other offset
        assert new_start.utcoffset() != old.start.utcoffset()
        assert new_start.astimezone(UTC) - old.start.astimezone(UTC) != timedelta(days=7)

    # put the original back so other tests see the plan as written
    original = (plan_dir.path / "invites" / cohort.id / "0.ics").read_bytes()
    assert _put(server, href, original) == 204


def test_the_server_keeps_location_link_reminders_and_the_chair(
    server: Server, stored: dict[str, PlanDir]
) -> None:
    """What SPEC §6 adds to an event is stored, and read back, as written."""
    plan = stored["loop"]
    for cid, s in plan.sessions():
        status, body = server.request("GET", _href(plan, s["uid"]))
        assert status == 200
        (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
        assert str(event["LOCATION"]) == "Rum Ekorren, Drottninggatan 1, Örebro"
        assert str(event["URL"]) == "https://teams.example/meet/backstage"
        assert "Delta digitalt: https://teams.example/meet/backstage" in str(event["DESCRIPTION"])
        assert str(event["SUMMARY"]).startswith(f"Backstage-grupp {cid} – ")
        assert [a.decoded("TRIGGER") for a in event.walk("VALARM")] == [
            -timedelta(days=1), -ONE_HOUR]
        assert str(event["ORGANIZER"]) == "mailto:kansli@backstage.example"
        chairs = [a for a in event["ATTENDEE"] if a.params["ROLE"] == "CHAIR"]
        assert [(str(a), a.params["PARTSTAT"]) for a in chairs] == [
            ("mailto:frida@backstage.example", "ACCEPTED")]


# ---------------------------------------------------------------------------
# The whole life of a program, as each person's calendar lives it (issue 20 item 7)


def _client_files(server: Server, path: str, msg: EmailMessage) -> str:
    """What a calendar client does with one e-mail in the calendar at ``path``; returns
    the kind of e-mail (for the counts).

    A letter or a summary is no calendar object: nothing is stored. An invitation
    or an update is filed under its UID (without METHOD, RFC 4791 §4.1) unless the
    stored one has a higher SEQUENCE; a cancellation removes its UID; a feed
    (PUBLISH) is imported event by event, as Outlook and Thunderbird import one: it
    adds and updates, it removes nothing, so a cancelled session must come as a
    CANCEL to leave the calendar.
    """
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        assert not any("BEGIN:VCALENDAR" in str(p.get_payload(decode=True) or b"")
                       for p in msg.walk() if not p.is_multipart())
        return "no calendar"
    (part,) = parts
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    method = str(cal["METHOD"])
    zones = cal.walk("VTIMEZONE")
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        href = f"{path}{uid}.ics"
        if method == "CANCEL":
            status, _ = server.request("DELETE", href)
            assert status in (200, 204, 404), (href, status)
            continue
        status, body = server.request("GET", href)
        if status == 200:
            (stored,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
            if int(stored.get("SEQUENCE", 0)) > int(event.get("SEQUENCE", 0)):
                continue  # an older version arriving late changes nothing
        one = icalendar.Calendar()
        for key in ("VERSION", "PRODID", "CALSCALE"):
            one.add(key, cal[key])
        for zone in zones:
            one.add_component(zone)
        one.add_component(event)
        _put(server, href, one.to_ical())
    return method


@pytest.mark.parametrize("organizer", [True, False], ids=["coordinator", "facilitator"])
def test_a_chain_of_changes_leaves_every_calendar_right(
    server: Server, tmp_path: Path, organizer: bool
) -> None:
    """plan → send → transfer → send → fill → send → absent → send → cancel-cohort →
    send through aiosmtpd; every e-mail is filed by its recipient's calendar client
    in their own Radicale calendar. At the end each calendar, the facilitator's too,
    holds exactly the sessions the last plan gives that person, at the plan's instants,
    and nothing of the cancelled cohort."""
    from smtp_server import running

    planned = tmp_path / "planned"
    program = chain_program(tmp_path, organizer)
    assert main(["plan", str(program), "--out", str(planned), "-q"]) == 0
    v1 = with_a_late_registration(planned, tmp_path / "v1")
    first = json.loads((v1 / "plan.json").read_text(encoding="utf-8"))
    c01, c02 = first["cohorts"][:2]
    steps = [
        ["transfer", "--from", c01["members"][2], "--to", "n13", "--name", "Nils Nyström",
         "--email", "nils.nystrom@nordvik.example"],
        ["fill"],
        ["absent", c02["sessions"][2]["case_owner"], "--session", "3"],
        ["cancel-cohort", c01["id"], "--reason", "kursledaren är sjuk"],
    ]
    scenario = "life-" + ("coordinator" if organizer else "facilitator")
    calendars: dict[str, str] = {}  # e-mail address -> its collection
    kinds: Counter[str] = Counter()
    folders = [v1]
    with running() as smtp:
        for n, step in enumerate([None, *steps], start=1):
            if step is not None:
                new = tmp_path / f"v{n}"
                assert main([step[0], str(folders[-1]), *step[1:], "--today", CHAIN_TODAY,
                             "--out", str(new)]) == 0
                folders.append(new)
            before = len(smtp.received())
            assert main(["send", str(folders[-1]), "--smtp", f"127.0.0.1:{smtp.port}",
                         "--from", "Backstage <backstage@nordvik.example>", "-q"]) == 0
            for rcpt, msg in smtp.received()[before:]:
                if rcpt not in calendars:
                    calendars[rcpt] = f"/{USER}/{scenario}-{len(calendars):02d}/"
                    _mkcalendar(server, calendars[rcpt])
                kinds[_client_files(server, calendars[rcpt], msg)] += 1
    assert kinds["no calendar"] and kinds["CANCEL"] and kinds["REQUEST"]  # letters, summaries
    assert bool(kinds["PUBLISH"]) is not organizer  # the facilitator's feed, without one
    last = json.loads((folders[-1] / "plan.json").read_text(encoding="utf-8"))
    program = json.loads((folders[-1] / "input.json").read_text(encoding="utf-8"))
    email = {p["id"]: p["email"] for p in program["participants"]}
    email |= {f["id"]: f["email"] for f in program["facilitators"]}
    want: dict[str, dict[str, tuple[str, str]]] = {address: {} for address in calendars}
    for cohort in last["cohorts"]:
        for s in cohort["sessions"]:
            for pid in {*cohort["members"], s.get("facilitator") or cohort["facilitator"]}:
                want[email[pid]][s["uid"]] = (_stamp(s["start"]), _stamp(s["end"]))
    gone = {s["uid"] for s in c01["sessions"]}
    assert email[LATE_REGISTRATION[0]] in calendars and email["n13"] in calendars
    for address, path in calendars.items():
        got = {}
        for href in _members(server, path):
            status, body = server.request("GET", href)
            assert status == 200
            (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
            assert str(event.get("STATUS", "CONFIRMED")) != "CANCELLED", (address, href)
            got[str(event["UID"])] = (
                event["DTSTART"].dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
                event["DTEND"].dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        assert got == want[address], address
        assert not set(got) & gone, address
    lena = email[c02["facilitator"]]
    assert want[lena] and set(want[lena]) == {s["uid"] for s in last["cohorts"][0]["sessions"]}
