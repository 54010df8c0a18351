"""Three independent parsers read every instant the same as plan.json.

``icalendar``, ``vobject`` and libical (the C library of Evolution, KDE PIM and
others: Debian ``libical3``, through ctypes) parse every calendar file of a
plan folder; each VEVENT's DTSTART and DTEND must be the UTC instant of the
session in plan.json. Each parser is also made to read the file's own
VTIMEZONE rather than a TZID look-up of its own: the TZID is renamed to one no
database knows before parsing (icalendar, vobject), and libical must resolve
DTSTART to the VTIMEZONE component of the file.

libical's RFC 5546 restriction check (``icalrestriction_check``) passes for the
PUBLISH feeds, the REQUEST invitations and CANCEL files (whole session, one
attendee), also with an organizer, a CHAIR attendee, URL and VALARMs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import vobject

from backstage_sched.cli.app import main
from backstage_sched.publish import ical
from backstage_sched.publish.folder import default_stamp, read_plan_dir
from conftest import LibIcal
from missing import missing
from tiny_programs import loop_program, tiny_program

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company-2027" / "program.toml"

# Tiny programs whose sessions straddle daylight-saving changes of 2027:
# EU (28 Mar, 31 Oct), US (14 Mar, 7 Nov), Australia (4 Apr, 3 Oct).
TINY_PROGRAMS = {
    "se-spring": ("Europe/Stockholm", "SE", "2027-03-22", "2027-04-09"),
    "se-autumn": ("Europe/Stockholm", "SE", "2027-10-25", "2027-11-12"),
    "us-spring": ("America/New_York", "US", "2027-03-08", "2027-03-26"),
    "us-autumn": ("America/New_York", "US", "2027-11-01", "2027-11-19"),
    "au-autumn": ("Australia/Sydney", "AU", "2027-03-29", "2027-04-16"),
    "au-spring": ("Australia/Sydney", "AU", "2027-09-27", "2027-10-15"),
}
PLAN_NAMES = ["company", *TINY_PROGRAMS, "loop"]


@pytest.fixture(scope="module")
def plan_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("plans")
    out = {"company": base / "company"}
    assert main(["plan", str(COMPANY), "--out", str(out["company"]), "-q"]) == 0
    for name, (tz, country, start, end) in TINY_PROGRAMS.items():
        toml = base / f"{name}.toml"
        text = tiny_program(name, start, end, tz, country)
        toml.write_text(text, encoding="utf-8")
        out[name] = base / name
        assert main(["plan", str(toml), "--out", str(out[name]), "-q"]) == 0
    (base / "loop.toml").write_text(loop_program(*TINY_PROGRAMS["se-spring"][2:]),
                                    encoding="utf-8")
    out["loop"] = base / "loop"
    assert main(["plan", str(base / "loop.toml"), "--out", str(out["loop"]), "-q"]) == 0
    return out


def _instants(plan_dir: Path) -> dict[str, tuple[datetime, datetime]]:
    """``{uid: (start, end)}`` in UTC, straight from plan.json."""
    data = json.loads((plan_dir / "plan.json").read_text(encoding="utf-8"))
    return {
        s["uid"]: (
            datetime.fromisoformat(s["start"]).astimezone(UTC),
            datetime.fromisoformat(s["end"]).astimezone(UTC),
        )
        for c in data["cohorts"]
        for s in c["sessions"]
    }


def _calendar_files(plan_dir: Path) -> list[Path]:
    files = sorted(plan_dir.glob("cohorts/*.ics"))
    files += sorted(plan_dir.glob("people/*.ics"))
    files += sorted(plan_dir.glob("invites/*/*.ics"))
    return files


def _renamed(data: bytes, tzid: str, new: str) -> str:
    """The file unfolded, with ``tzid`` renamed to ``new`` everywhere."""
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    assert f"TZID:{tzid}\r\n" in text
    return text.replace(f"TZID:{tzid}\r\n", f"TZID:{new}\r\n").replace(
        f";TZID={tzid}:", f";TZID={new}:"
    )


_TZID_NUMBERS = itertools.count()


def _unique_tzid() -> str:
    # vobject keeps a process-wide TZID registry: never reuse a name
    return f"X-Backstage-Test-{next(_TZID_NUMBERS)}"


# ---------------------------------------------------------------------------
# libical through ctypes




@pytest.fixture(scope="module")
def libical() -> LibIcal:
    name = ctypes.util.find_library("ical")
    if name is None:
        missing(
            "libical is not installed (Debian: apt-get install libical3, "
            "or libical3t64 on newer releases): the libical checks cannot run"
        )
    return LibIcal(ctypes.CDLL(name))


# ---------------------------------------------------------------------------
# The three parsers


def _check_events(label: str, events: list[tuple[str, datetime, datetime]], plan: dict) -> None:
    assert events, label
    for uid, start, end in events:
        assert uid in plan, (label, uid)
        assert start.tzinfo is not None and end.tzinfo is not None, (label, uid)
        assert (start.astimezone(UTC), end.astimezone(UTC)) == plan[uid], (label, uid)


def _icalendar_events(text: str | bytes) -> list[tuple[str, datetime, datetime]]:
    cal = icalendar.Calendar.from_ical(text)
    return [(str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt) for e in cal.walk("VEVENT")]


def _vobject_events(text: str) -> list[tuple[str, datetime, datetime]]:
    cal = vobject.readOne(text)
    return [
        (ev.uid.value, ev.dtstart.value, ev.dtend.value) for ev in cal.contents.get("vevent", [])
    ]


def _libical_events(lib: LibIcal, data: bytes) -> list[tuple[str, datetime, datetime]]:
    comp = lib.parse(data)
    try:
        zones = lib.children(comp, "VTIMEZONE")
        assert len(zones) == 1
        out = []
        for ev in lib.children(comp, "VEVENT"):
            start = lib.lib.icalcomponent_get_dtstart(ev)
            end = lib.lib.icalcomponent_get_dtend(ev)
            for t in (start, end):
                # resolved to the file's own VTIMEZONE, not a built-in zone
                assert lib.lib.icaltimezone_get_component(t.zone) == zones[0]
            uid = lib.lib.icalcomponent_get_uid(ev).decode()
            out.append((uid, lib.utc(start), lib.utc(end)))
        assert lib.errors(comp) == []
        return out
    finally:
        lib.lib.icalcomponent_free(comp)


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_plans_straddle_daylight_saving_changes(plan_dirs: dict[str, Path], name: str) -> None:
    _, plan = read_plan_dir(plan_dirs[name])
    offsets = {s.start.utcoffset() for c in plan.cohorts for s in c.sessions}
    assert len(offsets) == 2, (name, offsets)


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_icalendar_reads_every_instant_as_plan_json(plan_dirs: dict[str, Path], name: str) -> None:
    plan_dir = plan_dirs[name]
    program, _ = read_plan_dir(plan_dir)
    plan = _instants(plan_dir)
    seen: set[str] = set()
    for path in _calendar_files(plan_dir):
        data = path.read_bytes()
        _check_events(f"{path} as written", _icalendar_events(data), plan)
        events = _icalendar_events(_renamed(data, program.timezone, _unique_tzid()))
        _check_events(f"{path} own VTIMEZONE", events, plan)
        seen.update(uid for uid, _, _ in events)
    assert seen == set(plan)


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_vobject_reads_every_instant_as_plan_json(plan_dirs: dict[str, Path], name: str) -> None:
    plan_dir = plan_dirs[name]
    program, _ = read_plan_dir(plan_dir)
    plan = _instants(plan_dir)
    seen: set[str] = set()
    for path in _calendar_files(plan_dir):
        data = path.read_bytes()
        _check_events(f"{path} as written", _vobject_events(data.decode("utf-8")), plan)
        events = _vobject_events(_renamed(data, program.timezone, _unique_tzid()))
        _check_events(f"{path} own VTIMEZONE", events, plan)
        seen.update(uid for uid, _, _ in events)
    assert seen == set(plan)


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_libical_reads_every_instant_as_plan_json(
    libical: LibIcal, plan_dirs: dict[str, Path], name: str
) -> None:
    plan_dir = plan_dirs[name]
    plan = _instants(plan_dir)
    seen: set[str] = set()
    for path in _calendar_files(plan_dir):
        events = _libical_events(libical, path.read_bytes())
        _check_events(str(path), events, plan)
        seen.update(uid for uid, _, _ in events)
    assert seen == set(plan)


# ---------------------------------------------------------------------------
# RFC 5546 restrictions


def _restriction_errors(lib: LibIcal, data: bytes) -> tuple[int, list[str]]:
    comp = lib.parse(data)
    try:
        assert lib.errors(comp) == [], "parse errors"
        ok = lib.lib.icalrestriction_check(comp)
        return ok, lib.errors(comp)
    finally:
        lib.lib.icalcomponent_free(comp)


def _files_by_method(plan_dir: Path) -> dict[str, list[tuple[str, bytes]]]:
    program, plan = read_plan_dir(plan_dir)
    stamp = default_stamp(program)
    publish = [
        (str(p), p.read_bytes())
        for p in sorted(plan_dir.glob("cohorts/*.ics")) + sorted(plan_dir.glob("people/*.ics"))
    ]
    request = [(str(p), p.read_bytes()) for p in sorted(plan_dir.glob("invites/*/*.ics"))]
    cancel = []
    for cohort in plan.cohorts:
        for session in cohort.sessions:
            later = replace(session, sequence=session.sequence + 1)
            cancel.append(
                (
                    f"{cohort.id}/{session.index} whole",
                    ical.cancel(program, plan, cohort, later, stamp),
                )
            )
            one = ical.cancel(program, plan, cohort, later, stamp, attendees=[cohort.members[-1]])
            cancel.append((f"{cohort.id}/{session.index} one attendee", one))
    # cancellation files the plan folder itself carries (outbox), if any
    cancel += [
        (str(p), p.read_bytes())
        for p in sorted(plan_dir.rglob("*.ics"))
        if b"METHOD:CANCEL" in p.read_bytes()
    ]
    return {"PUBLISH": publish, "REQUEST": request, "CANCEL": cancel}


@pytest.mark.parametrize("method", ["PUBLISH", "REQUEST", "CANCEL"])
@pytest.mark.parametrize("name", PLAN_NAMES)
def test_libical_rfc5546_restriction_check_passes(
    libical: LibIcal, plan_dirs: dict[str, Path], name: str, method: str
) -> None:
    files = _files_by_method(plan_dirs[name])[method]
    assert files
    for label, data in files:
        assert f"METHOD:{method}\r\n".encode() in data, label
        ok, errors = _restriction_errors(libical, data)
        assert errors == [], (label, errors)
        assert ok == 1, label


def test_libical_restriction_check_is_not_a_no_op(
    libical: LibIcal, plan_dirs: dict[str, Path]
) -> None:
    """The check does catch a broken file: a PUBLISH with an ATTENDEE, a
    REQUEST without one."""
    plan_dir = plan_dirs["se-spring"]
    feed = next(plan_dir.glob("cohorts/*.ics")).read_bytes()
    bad_publish = feed.replace(
        b"END:VEVENT", b"ATTENDEE:mailto:someone@example.org\r\nEND:VEVENT", 1
    )
    ok, errors = _restriction_errors(libical, bad_publish)
    assert ok == 0 and errors
    invitation = next(plan_dir.glob("invites/*/0.ics")).read_bytes()
    unfolded = invitation.replace(b"\r\n ", b"")
    bad_request = b"\r\n".join(
        line for line in unfolded.split(b"\r\n") if not line.startswith(b"ATTENDEE")
    )
    ok, errors = _restriction_errors(libical, bad_request)
    assert ok == 0 and errors
