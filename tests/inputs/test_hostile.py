"""Hostile and odd input (issue 5): every case names the exact error or behaviour.

Ids that name files, control characters in text, calendar files from
outside (huge, nested, endless or impossible recurrences, wrong encoding,
paths leading out of the folder), failures and kills while a plan folder is
written, 5 000 participants (the most a program may have; more, and files too
large, are refused up front), and a program across New Year and DST.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dateutil.rrule
import icalendar
import openpyxl
import pytest
import recurring_ical_events
import vobject

from backstage_sched.actions.planner import plan_program
from backstage_sched.cli.app import main
from backstage_sched.domain import Facilitator, GroupRules, Participant, Program, SessionRules
from backstage_sched.errors import InputError, InputErrors
from backstage_sched.inputs import busy as busy_mod
from backstage_sched.inputs import limits, workbook
from backstage_sched.inputs import people as people_mod
from backstage_sched.inputs.columns import derived_id
from backstage_sched.inputs.load import load_program
from backstage_sched.plan import Plan
from backstage_sched.publish import folder as output
from backstage_sched.publish.ical import cohort_feed, invite, person_feed
from backstage_sched.solver import SolveOptions

TOML = """\
[program]
id = "ht2027"
name = "Backstage 2027"
start = 2027-01-11
end = 2027-12-17

[[facilitators]]
id = "f1"
name = "Karin Sjöberg"
email = "karin@ledarhuset.se"
"""
HEADER = "id;name;email;organization;calendar\n"
ROW = "p001;Åsa Öberg;asa@malmo.se;Malmö stad;\n"


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _load(folder: Path, csv: str | None, toml: str = TOML, **kwargs: bool) -> Program:
    program = _write(folder, "program.toml", toml)
    people = _write(folder, "people.csv", csv) if csv is not None else None
    return load_program(program, people, **kwargs)


def _error(folder: Path, csv: str | None, toml: str = TOML, **kwargs: bool) -> InputError:
    with pytest.raises(InputError) as info:
        _load(folder, csv, toml, **kwargs)
    return info.value


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("pid", "words"),
    [
        ("../../x", "may not contain '/' or '\\'"),
        ("/etc/passwd", "may not contain '/' or '\\'"),
        ("a\\b", "may not contain '/' or '\\'"),
        ("con", "is a device name Windows reserves"),
        ("NUL", "is a device name Windows reserves"),
        ("Aux.ics", "is a device name Windows reserves"),
        ("com1", "is a device name Windows reserves"),
        ("LPT9.txt", "is a device name Windows reserves"),
        ("prn", "is a device name Windows reserves"),
        ("com\u00b9", "is a device name Windows reserves"),
        (".hidden", "may not start with '.' or '-'"),
        ("..", "may not start with '.' or '-'"),
        ("-rf", "may not start with '.' or '-'"),
        ("x" * 65, "is 65 characters long; at most 64 are allowed"),
        ("p 1", "may hold only letters, digits, '.', '-' and '_'"),
        ("p*1", "may hold only letters, digits, '.', '-' and '_'"),
        ("p\x001", "contains the control character U+0000"),
        ("p\x1b[31m", "contains the control character U+001B"),
        ("p\u202e1", "contains the control character U+202E"),
    ],
)
def test_unsafe_participant_id_is_refused(tmp_path: Path, pid: str, words: str) -> None:
    err = _error(tmp_path, HEADER + f"{pid};Eve;eve@example.org;Evil AB;\n")
    assert err.file == str(tmp_path / "people.csv")
    assert err.where == "row 2, column 'id'"
    assert words in err.message


def test_an_empty_id_comes_from_the_address_and_is_a_safe_file_name(tmp_path: Path) -> None:
    (eve,) = _load(tmp_path, HEADER + ";Eve;../../Eve@example.org;Evil AB;\n").participants
    assert eve.id == derived_id("../../eve@example.org")  # SPEC §10: stable, from the e-mail
    assert re.fullmatch(r"p[0-9a-f]{10}", eve.id)


def test_an_empty_id_without_an_address_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as info:
        _load(tmp_path, HEADER + ";Eve;;Evil AB;\n")
    found = {e.where: e.message for e in info.value.errors}
    assert found == {"row 2, column 'id'": "id is empty", "row 2, column 'email'": "email is empty"}


def test_unsafe_facilitator_id_is_refused(tmp_path: Path) -> None:
    err = _error(tmp_path, None, TOML.replace('id = "f1"', 'id = "../f1"'))
    assert err.file == str(tmp_path / "program.toml")
    assert err.where == "facilitators[1] (id '../f1') id"
    assert "may not contain '/'" in err.message


def test_unsafe_program_id_is_refused(tmp_path: Path) -> None:
    err = _error(tmp_path, None, TOML.replace('id = "ht2027"', 'id = "CON"'))
    assert err.where == "[program] id"
    assert "id 'CON' is a device name Windows reserves" in err.message


@pytest.mark.parametrize("pid", ["console", "x" * 64, "p.1-x_y", "Åsa", "nul_1", "com10"])
def test_safe_ids_are_accepted(tmp_path: Path, pid: str) -> None:
    program = _load(tmp_path, HEADER + f"{pid};Eve;eve@example.org;Evil AB;\n")
    assert [p.id for p in program.participants] == [pid]


def test_ids_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    csv = HEADER + "Anna;Anna A;a@x.se;A AB;\nanna;Anna B;b@x.se;B AB;\n"
    err = _error(tmp_path, csv)
    assert err.where == "row 3, column 'id'"
    assert "id 'anna' differs from 'Anna' (row 2) only in upper/lower case" in err.message


def test_participant_id_equal_to_facilitator_id_ignoring_case(tmp_path: Path) -> None:
    err = _error(tmp_path, HEADER + "F1;Eve;eve@example.org;Evil AB;\n")
    assert err.where == "row 2, column 'id'"
    assert (
        f"id 'F1' differs from 'f1' (facilitators[1] of {tmp_path / 'program.toml'}) "
        "only in upper/lower case" in err.message
    )


# --------------------------------------------------------------------------- text fields


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        ('p001;"Eve\nATTENDEE:mailto:x@evil";eve@example.org;Evil AB;\n', "name", "U+000A"),
        ("p001;Eve\x07;eve@example.org;Evil AB;\n", "name", "U+0007"),
        ("p001;Eve\tHacker;eve@example.org;Evil AB;\n", "name", "U+0009"),
        ("p001;Eve;eve@example.org;Evil\x0bAB;\n", "organization", "U+000B"),
        ("p001;Eve;eve@example.org;Evil\u2028AB;\n", "organization", "U+2028"),
        ("p001;\u202eEve;eve@example.org;Evil AB;\n", "name", "U+202E"),
        ("p001;Eve;eve\x00@example.org;Evil AB;\n", "email", "U+0000"),
    ],
)
def test_control_characters_in_text_are_refused(
    tmp_path: Path, row: str, column: str, code: str
) -> None:
    err = _error(tmp_path, HEADER + row)
    assert err.where == f"row 2, column '{column}'"
    assert f"contains the control character {code}" in err.message
    assert "only printable text is allowed" in err.message


def test_control_character_in_toml_name_is_refused(tmp_path: Path) -> None:
    err = _error(tmp_path, None, TOML.replace('name = "Karin Sjöberg"', 'name = "K\\r\\nX:y"'))
    assert err.where == "facilitators[1] (id 'f1') name"
    assert "contains the control character U+000D" in err.message


def test_punctuation_in_names_is_kept(tmp_path: Path) -> None:
    row = 'p001;"=Eve; ""the"" ,Hacker:";eve@example.org;@Evil AB;\n'
    (person,) = _load(tmp_path, HEADER + row).participants
    assert (person.name, person.organization) == ('=Eve; "the" ,Hacker:', "@Evil AB")


def test_a_shared_email_under_another_name_is_refused(tmp_path: Path) -> None:
    err = _error(tmp_path, HEADER + ROW + "p002;Ola;ASA@malmo.se;Lund;\n")
    assert err.where == "row 3, column 'email'"
    assert "also used by Åsa Öberg ('p001', row 2)" in err.message
    assert "one address is one person" in err.message


def test_participant_sharing_a_facilitators_email_is_refused(tmp_path: Path) -> None:
    err = _error(tmp_path, HEADER + "p001;Eve;Karin@ledarhuset.se;Evil AB;\n")
    assert err.where == "row 2, column 'email'"
    assert "also used by facilitator 'f1'" in err.message


# --------------------------------------------------------------------------- calendars out


HOSTILE = "Eve\r\nATTENDEE:mailto:x@evil.example"
HOSTILE_2 = "a;b,c\nDESCRIPTION:x\\n"


def _hostile_program() -> tuple[Program, Plan]:
    """A planned two-person cohort whose names would inject properties if not escaped."""
    people = (
        Participant("p1", HOSTILE, "p1@example.org", HOSTILE_2),
        Participant("p2", HOSTILE_2, "p2@example.org", "Org; B"),
    )
    program = Program(
        id="evil",
        name=HOSTILE,
        start=date(2027, 1, 11),
        end=date(2027, 6, 30),
        sessions=SessionRules(min_gap_days=7, max_gap_days=14),
        groups=GroupRules(size=2, min_size=2, max_size=2, max_per_organization=1),
        facilitators=(Facilitator("f1", HOSTILE_2, "f1@example.org"),),
        participants=people,
    )
    return program, plan_program(program, SolveOptions(effort=1))


def test_hostile_names_stay_one_value_in_every_calendar_file() -> None:
    program, plan = _hostile_program()
    (cohort,) = plan.cohorts
    stamp = datetime(2027, 1, 1, tzinfo=UTC)
    files = [
        cohort_feed(program, plan, cohort, stamp),
        person_feed(program, plan, "p1", stamp),
        invite(program, plan, cohort, cohort.sessions[0], stamp),
    ]
    for data in files:
        text = data.decode("utf-8")
        assert "\r\nATTENDEE:mailto:x@evil" not in text
        assert "\r\nDESCRIPTION:x" not in text
        for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            attendees = event.get("ATTENDEE", [])
            attendees = attendees if isinstance(attendees, list) else [attendees]
            assert all("evil" not in str(a) for a in attendees)
            names = [k for k, _ in event.property_items(recursive=False)]
            assert names.count("DESCRIPTION") == names.count("SUMMARY") == 1
            assert names.count("ATTENDEE") in (0, 2)  # feeds: none; invitation: both members
            assert event.get("ORGANIZER").params["CN"] == HOSTILE_2
            assert f"- {HOSTILE_2} (Org; B)" in str(event.get("DESCRIPTION"))
        parsed = vobject.readOne(text)
        for vevent in parsed.vevent_list:
            names = [child.name for child in vevent.getChildren()]
            assert names.count("DESCRIPTION") == 1
            assert all(
                "evil" not in child.value
                for child in vevent.getChildren()
                if child.name == "ATTENDEE"
            )
    invite_event = icalendar.Calendar.from_ical(files[2]).walk("VEVENT")[0]
    cns = sorted(a.params["CN"] for a in invite_event.get("ATTENDEE"))
    assert cns == sorted([HOSTILE.replace("\r\n", "\n"), HOSTILE_2])


# --------------------------------------------------------------------------- calendars in


def _ics(body: str) -> str:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n"


def _event(rule: str = "", start: str = "20270112T090000", extra: str = "") -> str:
    rrule = f"RRULE:{rule}\r\n" if rule else ""
    return (
        f"BEGIN:VEVENT\r\nUID:e1\r\nSUMMARY:Möte\r\nDTSTART:{start}\r\n"
        f"DURATION:PT1H\r\n{rrule}{extra}END:VEVENT\r\n"
    )


def _months_searched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A counter (its one item) of the months dateutil's rrule iteration visits from now
    on: the work a calendar's recurrences cost, counted where ``busy`` budgets it."""
    months = [0]
    original = dateutil.rrule._iterinfo.rebuild

    def rebuild(self: object, year: int, month: int) -> object:
        months[0] += 1
        return original(self, year, month)

    monkeypatch.setattr(dateutil.rrule._iterinfo, "rebuild", rebuild)
    return months


def _calendar_error(folder: Path, content: str | bytes) -> InputError:
    _write(folder, "cal/eve.ics", content)
    err = _error(folder, HEADER + "p001;Eve;eve@example.org;Evil AB;cal/eve.ics\n")
    assert err.file == str(folder / "people.csv")
    assert err.where == "row 2, column 'calendar'"
    return err


def test_huge_calendar_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "cal" / "eve.ics"
    path.parent.mkdir()
    with path.open("wb") as fh:  # sparse: no 20 MiB written
        fh.truncate(busy_mod.MAX_CALENDAR_BYTES + 1)
    err = _error(tmp_path, HEADER + "p001;Eve;eve@example.org;Evil AB;cal/eve.ics\n")
    assert "is larger than 20 MiB" in err.message


def test_calendar_of_latin1_bytes_is_refused(tmp_path: Path) -> None:
    err = _calendar_error(tmp_path, _ics(_event()).encode("latin-1"))
    assert "eve.ics' line 6: not UTF-8 text (iCalendar files are UTF-8)" in err.message


def test_deeply_nested_calendar_is_refused(tmp_path: Path) -> None:
    body = "BEGIN:VEVENT\r\n" * 20_000 + "END:VEVENT\r\n" * 20_000
    err = _calendar_error(tmp_path, _ics(body))
    assert "line 13: components nested more than 10 deep" in err.message


def test_end_without_begin_is_refused(tmp_path: Path) -> None:
    err = _calendar_error(tmp_path, "END:VEVENT\r\n" + _ics(_event()))
    assert "line 1: END without BEGIN" in err.message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "line 1: not UTF-8 text"),
        (b"", "is not iCalendar (.ics): no VCALENDAR in it"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "is not iCalendar (.ics)"),
        (b"hello\x00world", "is not iCalendar (.ics)"),
    ],
)
def test_garbage_calendar_is_an_input_error(tmp_path: Path, content: bytes, words: str) -> None:
    err = _calendar_error(tmp_path, content)
    assert words in err.message


@pytest.mark.parametrize(
    ("rule", "start"),
    [("FREQ=SECONDLY", "20270112T090000"), ("FREQ=MINUTELY", "19000101T090000")],
)
def test_too_frequent_recurrence_is_refused_before_it_is_expanded(
    tmp_path: Path, rule: str, start: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recurring_ical_events, "of", lambda *a, **k: pytest.fail("expanded"))
    months = _months_searched(monkeypatch)
    err = _calendar_error(tmp_path, _ics(_event(rule, start)))
    assert f"the recurrence 'RRULE:{rule}' of event 'Möte' repeats too often" in err.message
    assert months == [0]


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "20270112T090000"),  # never occurs
        ("FREQ=DAILY", "00010101T090000"),  # starts in year 1
    ],
)
def test_recurrence_searching_forever_is_stopped(
    tmp_path: Path, rule: str, start: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    months = _months_searched(monkeypatch)
    err = _calendar_error(tmp_path, _ics(_event(rule, start)))
    assert "a recurrence rule searches too far for its occurrences" in err.message
    assert months == [busy_mod.MAX_RULE_MONTHS]  # the rule's budget, not year 9999


def test_rrule_without_end_is_bounded_by_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "cal/eve.ics", _ics(_event("FREQ=DAILY", "20200106T090000")))
    months = _months_searched(monkeypatch)
    program = _load(tmp_path, HEADER + "p001;Eve;eve@example.org;Evil AB;cal/eve.ics\n")
    assert 0 < months[0] <= 8 * 12  # January 2020 to December 2027: never past the window
    (busy_list,) = [p.busy for p in program.participants]
    days = (date(2027, 12, 17) - date(2027, 1, 11)).days + 1
    assert len(busy_list) == days
    assert busy_list[0].start == datetime(2027, 1, 11, 9)
    assert busy_list[-1].start == datetime(2027, 12, 17, 9)


def test_broken_folded_line_loads_what_parses(tmp_path: Path) -> None:
    broken = _event(extra="DESCRIPTION:a long\r\nline that lost its fold space\r\n")
    _write(tmp_path, "cal/eve.ics", _ics(broken))
    program = _load(tmp_path, HEADER + "p001;Eve;eve@example.org;Evil AB;cal/eve.ics\n")
    # the stray line is skipped; the event itself still blocks
    assert [b.start for b in program.participants[0].busy] == [datetime(2027, 1, 12, 9)]


def test_unexpected_library_error_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(busy_mod.recurring_ical_events, "of", boom)
    err = _calendar_error(tmp_path, _ics(_event()))
    assert "cal/eve.ics' cannot be read as iCalendar: 'surprise'" in err.message


@pytest.mark.parametrize("calendar", ["../outside.ics", "cal/../../outside.ics"])
def test_calendar_path_leading_out_is_refused(tmp_path: Path, calendar: str) -> None:
    folder = tmp_path / "in"
    _write(tmp_path, "outside.ics", _ics(_event()))
    err = _error(folder, HEADER + f"p001;Eve;eve@example.org;Evil AB;{calendar}\n")
    assert err.where == "row 2, column 'calendar'"
    assert f"calendar path '{calendar}' points outside the folder of this file" in err.message
    assert "--allow-outside-calendars" in err.message


def test_absolute_calendar_path_is_refused_unless_allowed(tmp_path: Path) -> None:
    outside = _write(tmp_path, "outside.ics", _ics(_event()))
    folder = tmp_path / "in"
    csv = HEADER + f"p001;Eve;eve@example.org;Evil AB;{outside}\n"
    err = _error(folder, csv)
    assert f"calendar path '{outside}' is absolute" in err.message
    program = _load(folder, csv, allow_outside_calendars=True)
    assert [b.start for b in program.participants[0].busy] == [datetime(2027, 1, 12, 9)]


def test_symlink_leading_out_is_refused(tmp_path: Path) -> None:
    outside = _write(tmp_path, "outside.ics", _ics(_event()))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "link.ics").symlink_to(outside)
    err = _error(folder, HEADER + "p001;Eve;eve@example.org;Evil AB;link.ics\n")
    assert "calendar path 'link.ics' points outside the folder of this file" in err.message


def test_calendar_in_a_subfolder_is_read(tmp_path: Path) -> None:
    _write(tmp_path, "cal/eve.ics", _ics(_event()))
    program = _load(tmp_path, HEADER + "p001;Eve;eve@example.org;Evil AB;./cal/../cal/eve.ics\n")
    assert [b.start for b in program.participants[0].busy] == [datetime(2027, 1, 12, 9)]


# --------------------------------------------------------------------------- failure mid-write


def _small_plan() -> tuple[Program, Plan]:
    people = tuple(
        Participant(f"p{i}", f"Person {i}", f"p{i}@example.org", f"Org {i}") for i in range(1, 9)
    )
    program = Program(
        id="ht2027",
        name="Backstage",
        start=date(2027, 1, 11),
        end=date(2027, 12, 17),
        groups=GroupRules(size=4, min_size=3, max_size=4, max_per_organization=1),
        facilitators=(Facilitator("f1", "Fia", "f1@example.org"),),
        participants=people,
    )
    return program, plan_program(program, SolveOptions(effort=1))


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.mark.parametrize("target", ["write_calendars", "overview_html", "_write_all"])
def test_failure_mid_write_leaves_previous_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    program, plan = _small_plan()
    out = tmp_path / "plan"
    output.write_plan_dir(program, plan, out)
    before = _tree(out)
    real = getattr(output, target)

    def fail_after_writing(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # some files are written by now
        raise OSError("disk full")

    monkeypatch.setattr(output, target, fail_after_writing)
    with pytest.raises(OSError, match="disk full"):
        output.write_plan_dir(program, plan, out, stamp=datetime(2030, 1, 1, tzinfo=UTC))
    assert _tree(out) == before
    assert _siblings(out) == []


_CHILD = """
import pickle, sys
from datetime import UTC, datetime, timedelta
from backstage_sched.publish.folder import write_plan_dir
program, plan = pickle.load(open(sys.argv[1], "rb"))
i = 0
while True:
    i += 1
    stamp = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(days=i % 2)
    write_plan_dir(program, plan, sys.argv[2], stamp=stamp)
"""


def test_kill_mid_write_leaves_a_whole_folder_and_next_run_cleans_up(tmp_path: Path) -> None:
    program, plan = _small_plan()
    out = tmp_path / "plan"
    stamps = [datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC)]
    versions = []
    for n, stamp in enumerate(stamps):
        output.write_plan_dir(program, plan, tmp_path / f"ref{n}", stamp=stamp)
        versions.append(_tree(tmp_path / f"ref{n}"))
    output.write_plan_dir(program, plan, out, stamp=stamps[0])
    data = tmp_path / "input.pickle"
    data.write_bytes(pickle.dumps((program, plan)))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(data), str(out)])
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # wait for a rewrite to be in progress
            if any(".tmp-" in name for name in _siblings(out)):
                break
            time.sleep(0.005)
        time.sleep(0.05)
        assert child.poll() is None, "the writing process died by itself"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    output.clean_stale_temps(out)  # restores the old folder if killed between renames
    assert _siblings(out) == []
    assert _tree(out) in versions
    (out.parent / f".{out.name}.tmp-{child.pid}-zz").mkdir()  # as left by a kill
    output.write_plan_dir(program, plan, out, stamp=stamps[0])
    assert _siblings(out) == []
    assert _tree(out) == versions[0]


def test_stale_old_folder_is_restored_when_the_plan_is_missing(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    out = tmp_path / "plan"
    old = tmp_path / f".plan.old-{pid}"
    _write(old, "plan.json", "{}")
    _write(tmp_path, f".plan.tmp-{pid}-abc/plan.json", "half")
    _write(tmp_path, ".plan.backup/keep.txt", "mine")  # not ours: left alone
    _write(tmp_path, f".plan.tmp-{os.getpid()}-abc/x", "ours, running")
    handled = output.clean_stale_temps(out)
    assert sorted(p.name for p in handled) == [f".plan.old-{pid}", f".plan.tmp-{pid}-abc"]
    assert (out / "plan.json").read_text() == "{}"
    assert _siblings(out) == [".plan.backup", f".plan.tmp-{os.getpid()}-abc"]


# --------------------------------------------------------------------------- large and odd


def test_five_thousand_participants_load(tmp_path: Path) -> None:
    rows = ["id;name;email;organization;unavailable;not_with"]
    for i in range(4_999):
        rows.append(
            f"p{i:05d};Person {i};p{i}@org{i % 300}.example;Org {i % 300};fri 13:00-17:00;"
            f"p{(i + 1) % 4_999:05d}"
        )
    rows.append("p10000;Person 1;P1@org1.example;Org 1;;")  # submitted twice
    program = _load(tmp_path, "\n".join(rows) + "\n")
    assert len(program.participants) == limits.MAX_REGISTRATIONS - 1
    assert len(program.warnings) == 1
    assert "registered twice (row 3, id 'p00001', and row 5001" in program.warnings[0]
    assert program.participants[0].not_with == ("p10000",)


NEW_YEAR = """\
[program]
id = "ly2027"
name = "Läsår 2027/28"
timezone = "Europe/Stockholm"
start = 2027-09-01
end = 2028-06-30

[[program.blackout]]
name = "Jul och nyår"
start = 2027-12-20
end = 2028-01-07

[sessions]
min_gap_days = 28
max_gap_days = 42

[groups]
size = 4
min_size = 3
max_size = 4

[[facilitators]]
id = "f1"
name = "Karin"
email = "karin@ledarhuset.se"
unavailable = ["2027-09-01..2027-10-25"]
"""


def test_program_across_new_year_and_dst_plans(tmp_path: Path) -> None:
    csv = "id,name,email,organization\n" + "".join(
        f"p{i},Person {i},p{i}@example.org,Org {i}\n" for i in range(1, 5)
    )
    program = _load(tmp_path, csv, NEW_YEAR)
    plan = plan_program(program, SolveOptions(effort=1))  # verified inside
    (cohort,) = plan.cohorts
    starts = [s.start for s in cohort.sessions]
    assert starts[0].date() < date(2027, 12, 20) and starts[-1].date() > date(2028, 1, 7)
    assert not any(date(2027, 12, 20) <= s.date() <= date(2028, 1, 7) for s in starts)
    offsets = {s.start.date(): s.start.utcoffset() for s in cohort.sessions if s.start.tzinfo}
    for day, offset in offsets.items():
        summer = date(2027, 10, 31) > day or day >= date(2028, 3, 26)
        assert offset == timedelta(hours=2 if summer else 1)


# --------------------------------------------------------------------------- more than a program
# Issue 22: the wrong file (a whole region's export) is refused within a second,
# before it is parsed, naming the limit and the way on; nothing is written.

SPLIT = "split the program, e.g. by region, into programs of at most 5000 registrations"
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _traced(read: Callable[[], object]) -> tuple[InputError, float]:
    """The InputError ``read()`` raises, and the most memory (MiB) it held meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as info:
            read()
        return info.value, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _xlsx(path: Path, sheet: Iterable[bytes], *, level: int = 1) -> Path:
    """A workbook of one sheet "Svar" whose XML is the chunks of ``sheet``, written
    straight into the zip (openpyxl would take minutes for 400 000 rows)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<workbook {SHEET_NS} xmlns:r="{REL}"><sheets>'
            '<sheet name="Svar" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{REL}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'))
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            for chunk in sheet:
                fh.write(chunk)
    return path


def _sheet_rows(count: int) -> Iterator[bytes]:
    """A sheet's XML: the header, then ``count`` registrations (rows 2, 3, ...)."""
    head = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABCD", ("id", "name", "email", "organization"), strict=True)
    )
    yield f'<worksheet {SHEET_NS}><sheetData><row r="1">{head}</row>'.encode()
    for start in range(2, count + 2, 50_000):
        yield "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>p{r}</t></is></c></row>'
            for r in range(start, min(start + 50_000, count + 2))
        ).encode()
    yield b"</sheetData></worksheet>"


def test_a_csv_of_400_000_registrations_is_refused_at_the_first_row_too_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "".join(f"p{i};P {i};p{i}@x.se;Org {i % 300};\n" for i in range(400_000))
    csv = _write(tmp_path, "people.csv", HEADER + rows)  # 13 MiB: under the byte limit
    program = _write(tmp_path, "program.toml", TOML)
    checked: list[object] = []
    monkeypatch.setattr(people_mod, "_participant", lambda *a, **k: checked.append(a))
    err, peak = _traced(lambda: load_program(program, csv))
    assert err.file == str(csv) and err.where == "row 5002"
    assert "registration number 5001 of this file is one too many: one program may have " \
           "at most 5000 registrations" in err.message
    assert SPLIT in err.message
    assert checked == []  # refused before a single row was checked
    assert peak < 60  # the file and its text (2 x 13 MiB), not 400 000 rows read


def test_a_csv_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    csv = _write(tmp_path, "people.csv", HEADER)
    with csv.open("r+b") as fh:  # sparse: 73 MB, as the export seen in issue 22
        fh.truncate(73_000_000)
    program = _write(tmp_path, "program.toml", TOML)
    err, peak = _traced(lambda: load_program(program, csv))
    assert err.file == str(csv) and err.where is None
    assert err.message.startswith(
        "the file is 69.6 MiB, more than the 20 MiB a participants file may be")
    assert SPLIT in err.message
    assert peak < 5  # not read


def test_a_workbook_of_400_000_rows_is_refused_before_openpyxl_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _xlsx(tmp_path / "svar.xlsx", _sheet_rows(400_000))  # 21 MB of XML, 3 MB packed
    program = _write(tmp_path, "program.toml", TOML)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("opened"))
    err, peak = _traced(lambda: load_program(program, book))
    assert err.file == str(book) and err.where == 'sheet "Svar", row 5002'
    assert "registration number 5001 of this file is one too many" in err.message
    assert SPLIT in err.message
    assert peak < 30  # the packed file and a MiB of the sheet at a time


def test_a_workbook_at_the_limit_is_read(tmp_path: Path) -> None:
    book = _xlsx(tmp_path / "svar.xlsx", _sheet_rows(limits.MAX_REGISTRATIONS))
    sheet = workbook.read_sheet(book.read_bytes(), str(book), limits.ALONE)
    assert len(sheet.rows) == limits.MAX_REGISTRATIONS + 1
    assert sheet.rows[-1] == (5001, (f"p{5001}",))


def test_a_zip_bomb_is_refused_unpacked(tmp_path: Path) -> None:
    spaces = b" " * 2**20
    bomb = _xlsx(tmp_path / "svar.xlsx", (spaces for _ in range(64)), level=9)  # 64 MiB
    assert bomb.stat().st_size < 200_000
    program = _write(tmp_path, "program.toml", TOML)
    err, peak = _traced(lambda: load_program(program, bomb))
    assert err.file == str(bomb)
    assert "its part xl/worksheets/sheet1.xml packs 64 MiB into" in err.message
    assert "as a zip bomb does" in err.message
    assert peak < 10  # nothing unpacked


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        ("MAX_SHEET_XML_BYTES", "a sheet of the workbook (xl/worksheets/sheet1.xml) unpacks to"),
        ("MAX_SHARED_STRINGS_BYTES", "the workbook's text (xl/sharedStrings.xml) unpacks to"),
        ("MAX_UNPACKED_BYTES", "the workbook unpacks to more than"),
    ],
)
def test_a_workbook_whose_parts_unpack_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, words: str
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["id", "name", "email", "organization"],
                *([f"p{i}", f"Person {i}", f"p{i}@example.org", "Org"] for i in range(300))]:
        sheet.append(row)
    book.save(tmp_path / "svar.xlsx")
    with zipfile.ZipFile(tmp_path / "svar.xlsx", "a") as z:  # openpyxl writes text inline
        z.writestr("xl/sharedStrings.xml", f'<sst {SHEET_NS}><si><t>{"x" * 4000}</t></si></sst>')
    monkeypatch.setattr(limits, limit, 2048)
    program = _write(tmp_path, "program.toml", TOML)
    with pytest.raises(InputError) as info:
        load_program(program, tmp_path / "svar.xlsx")
    assert words in info.value.message
    assert "split the program, e.g. by region" in info.value.message


def test_participants_in_the_program_file_count_toward_the_limit(tmp_path: Path) -> None:
    listed = "".join(
        f'[[participants]]\nid = "t{i}"\nname = "T {i}"\nemail = "t{i}@example.org"\n'
        f'organization = "Org"\n' for i in range(3)
    )
    rows = "".join(f"p{i};P {i};p{i}@example.org;Org;\n" for i in range(4998))
    err = _error(tmp_path, HEADER + rows, TOML + listed)
    assert err.where == "row 4999"  # the header, then 4997 rows fit
    assert "registration number 4998 of this file is one too many" in err.message
    assert f"the program file {tmp_path / 'program.toml'} already lists 3, so this file may " \
           "hold 4997" in err.message


def test_a_program_file_listing_too_many_participants_is_refused(tmp_path: Path) -> None:
    listed = "".join(
        f'[[participants]]\nid = "p{i}"\nname = "P {i}"\nemail = "p{i}@example.org"\n'
        f'organization = "Org"\n' for i in range(1, 5002)
    )
    err = _error(tmp_path, None, TOML + listed)
    assert err.where == "participants[5001] (id 'p5001')"
    assert "one program may have at most 5000 registrations" in err.message


def test_a_program_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    program = _write(tmp_path, "program.toml", TOML)
    with program.open("r+b") as fh:
        fh.truncate(limits.MAX_PROGRAM_BYTES + 1)
    with pytest.raises(InputError) as info:
        load_program(program)
    assert "more than the 5 MiB a program file may be" in info.value.message


def test_plan_refuses_too_many_registrations_writing_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"p{i};P {i};p{i}@example.org;Org {i};\n" for i in range(5001))
    program = _write(tmp_path, "program.toml", TOML)
    csv = _write(tmp_path, "people.csv", HEADER + rows)
    assert main(["plan", str(program), str(csv), "--out", str(tmp_path / "plan")]) == 2
    err = capsys.readouterr().err
    # a Swedish program: the place and the sentence are both Swedish (SPEC §10)
    assert "rad 5002: anmälan nummer 5001 i den här filen är en för mycket" in " ".join(
        err.split())
    assert "Inget har skrivits." in err
    assert not (tmp_path / "plan").exists()
