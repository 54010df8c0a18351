"""From the example files, through the CLI, to calendar files people can import."""

from __future__ import annotations

import filecmp
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject

from backstage_sched.check.verify import verify
from backstage_sched.cli.app import main
from backstage_sched.inputs.load import load_program
from backstage_sched.publish.folder import MANIFEST, read_plan_dir
from backstage_sched.solver.solve import PORTFOLIO_FROM
from tiny_programs import tiny_program

ROOT = Path(__file__).resolve().parent.parent
MIXED = ROOT / "examples" / "mixed-2027"
COMPANY = ROOT / "examples" / "company-2027"


@pytest.fixture(scope="module")
def mixed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mixed") / "plan"
    code = main(
        ["plan", str(MIXED / "program.toml"), str(MIXED / "participants.csv"),
         "--out", str(out), "-q"]
    )
    assert code == 0
    return out


def _events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_mixed_example_places_everybody_and_obeys_every_rule(mixed_dir: Path) -> None:
    data = json.loads((mixed_dir / "plan.json").read_text(encoding="utf-8"))
    assert data["program"] == "vt2027"
    program = load_program(MIXED / "program.toml", MIXED / "participants.csv")
    members = [m for c in data["cohorts"] for m in c["members"]]
    unplaced = [u["participant"] for u in data["unplaced"]]
    assert sorted(members + unplaced) == sorted(p.id for p in program.participants)
    assert data["objective"]["placed"] == len(members) == 36
    assert data["objective"]["optimal"] is True
    _, plan = read_plan_dir(mixed_dir)
    assert verify(program, plan) == []
    assert main(["check", str(mixed_dir)]) == 0


def test_plan_json_has_the_spec_fields(mixed_dir: Path) -> None:
    data = json.loads((mixed_dir / "plan.json").read_text(encoding="utf-8"))
    cohort = data["cohorts"][0]
    assert set(cohort) >= {"id", "facilitator", "venue", "members", "cancellation_deadline",
                           "sessions"}
    assert len(cohort["sessions"]) == len(cohort["members"]) + 1
    session = cohort["sessions"][0]
    assert set(session) >= {"index", "start", "end", "case_owner", "venue", "uid", "sequence"}
    assert session["index"] == 0 and session["case_owner"] is None
    start = datetime.fromisoformat(session["start"])
    assert start.utcoffset() is not None
    deadline = datetime.fromisoformat(cohort["cancellation_deadline"]).date()
    assert (start.date() - deadline).days == 10
    assert set(data["objective"]) >= {"placed", "optimal"}


def test_calendar_files_match_plan_instants_in_two_parsers(mixed_dir: Path) -> None:
    data = json.loads((mixed_dir / "plan.json").read_text(encoding="utf-8"))
    for cohort in data["cohorts"]:
        starts = {s["uid"]: datetime.fromisoformat(s["start"]) for s in cohort["sessions"]}
        feed = mixed_dir / "cohorts" / f"{cohort['id']}.ics"
        raw = feed.read_bytes()
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
        assert b"ATTENDEE" not in raw and b"METHOD:PUBLISH" in raw
        got = {str(e["UID"]): e.decoded("DTSTART") for e in _events(feed)}
        assert got == starts
        parsed = vobject.readOne(raw.decode("utf-8"))
        vgot = {e.uid.value: e.dtstart.value for e in parsed.vevent_list}
        assert vgot == starts
        for s in cohort["sessions"]:
            invite = mixed_dir / "invites" / cohort["id"] / f"{s['index']}.ics"
            events = _events(invite)
            assert len(events) == 1 and str(events[0]["UID"]) == s["uid"]
            attendees = events[0].get("ATTENDEE")
            assert len(attendees) == len(cohort["members"])


def test_people_feeds_hold_their_own_sessions(mixed_dir: Path) -> None:
    data = json.loads((mixed_dir / "plan.json").read_text(encoding="utf-8"))
    for cohort in data["cohorts"]:
        uids = {s["uid"] for s in cohort["sessions"]}
        for member in cohort["members"]:
            got = {str(e["UID"]) for e in _events(mixed_dir / "people" / f"{member}.ics")}
            assert got == uids
    fac_uids = {
        s["uid"] for c in data["cohorts"] if c["facilitator"] == "f-karin" for s in c["sessions"]
    }
    got = {str(e["UID"]) for e in _events(mixed_dir / "people" / "f-karin.ics")}
    assert got == fac_uids


def test_costs_and_overview(mixed_dir: Path) -> None:
    lines = (mixed_dir / "costs.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "organization,participants,fee,vat,total,currency,cancellation_deadline,withdrawn_charged"
    )
    total = sum(int(line.split(",")[1]) for line in lines[1:])
    assert total == 36
    html = (mixed_dir / "overview.html").read_text(encoding="utf-8")
    assert "Åsa Öberg" in html and "<svg" in html


def test_same_input_gives_byte_identical_folders(mixed_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(
        ["plan", str(MIXED / "program.toml"), str(MIXED / "participants.csv"),
         "--out", str(again), "-q"]
    ) == 0
    cmp = filecmp.dircmp(mixed_dir, again)

    def same(c: filecmp.dircmp) -> bool:
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return (not mismatch and not errors and not c.left_only and not c.right_only
                and all(same(sub) for sub in c.subdirs.values()))

    assert same(cmp)


def test_company_example_keeps_cohorts_in_one_organisation(tmp_path: Path) -> None:
    out = tmp_path / "company"
    assert main(["plan", str(COMPANY / "program.toml"), "--out", str(out), "-q"]) == 0
    program, plan = read_plan_dir(out)
    orgs = {p.id: p.organization for p in program.participants}
    for cohort in plan.cohorts:
        assert len({orgs[m] for m in cohort.members}) == 1
        assert cohort.venue in {v.id for v in program.venues}
    assert verify(program, plan) == []


def _dst_program(tmp_path: Path, start: str, end: str) -> Path:
    path = tmp_path / f"dst-{start}.toml"
    path.write_text(tiny_program("dst", start, end), encoding="utf-8")
    return path


WINTER, SUMMER = timedelta(hours=1), timedelta(hours=2)  # Stockholm's UTC offsets


@pytest.mark.parametrize(
    ("start", "end", "change", "before", "after"),
    [
        ("2027-03-25", "2027-05-27", date(2027, 3, 28), WINTER, SUMMER),  # clocks go forward
        ("2027-10-27", "2027-12-29", date(2027, 10, 31), SUMMER, WINTER),  # and back
    ],
)
def test_sessions_around_daylight_saving_changes(
    tmp_path: Path, start: str, end: str, change: date, before: timedelta, after: timedelta
) -> None:
    out = tmp_path / "out"
    assert main(["plan", str(_dst_program(tmp_path, start, end)), "--out", str(out), "-q"]) == 0
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    (cohort,) = data["cohorts"]
    offsets = []
    for s in cohort["sessions"]:
        want = datetime.fromisoformat(s["start"])
        offsets.append((want.date() < change, want.utcoffset()))
        raw = (out / "invites" / "c01" / f"{s['index']}.ics").read_bytes()
        (event,) = _events(out / "invites" / "c01" / f"{s['index']}.ics")
        assert event.decoded("DTSTART") == want
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        assert vobject.readOne(raw.decode("utf-8")).vevent.dtstart.value == want
        assert want.astimezone(event.decoded("DTSTART").tzinfo).hour == want.hour
    # each session has the offset of its own date, and the cohort meets on both sides
    assert sorted(set(offsets)) == [(False, after), (True, before)], offsets


def test_bad_input_writes_nothing_and_keeps_earlier_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan"
    out.mkdir()
    (out / "marker.txt").write_text("earlier plan", encoding="utf-8")
    manifest = {"written_by": "backstage-sched", "files": ["marker.txt"]}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    bad = tmp_path / "bad.toml"
    text = (COMPANY / "program.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace("min_size = 4", "min_size = 9"), encoding="utf-8")
    assert main(["plan", str(bad), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "min_size" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "marker.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plan.")]


def test_check_reports_a_hand_edited_violation(
    mixed_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "edited"
    shutil.copytree(mixed_dir, edited)
    data = json.loads((edited / "plan.json").read_text(encoding="utf-8"))
    session = data["cohorts"][0]["sessions"][1]
    for key in ("start", "end"):
        moved = datetime.fromisoformat(session[key]) + timedelta(minutes=15)
        session[key] = moved.isoformat()
    (edited / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", str(edited)]) == 1
    assert "[tidsraster]" in capsys.readouterr().out  # the mixed example is Swedish


def test_same_input_and_seed_give_byte_identical_files_on_both_cores(
    mixed_dir: Path, tmp_path: Path
) -> None:
    """36 people: two searches with fixed seeds run side by side (the portfolio); a
    second run gives the same files, byte for byte."""
    program = load_program(MIXED / "program.toml", MIXED / "participants.csv")
    assert len(program.participants) >= PORTFOLIO_FROM
    again = tmp_path / "again"
    code = main(
        ["plan", str(MIXED / "program.toml"), str(MIXED / "participants.csv"),
         "--out", str(again), "-q"]
    )
    assert code == 0

    def tree(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert tree(again) == tree(mixed_dir)
