"""Loading a program (TOML) and participants (CSV): SPEC §3, and every bad input.

Workbooks and Windows-1252 CSVs in detail: tests/inputs/test_office_files.py."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest

from backstage_sched.domain import (
    Blackout,
    Busy,
    Facilitator,
    GroupRules,
    Participant,
    Policy,
    Program,
    SessionRules,
    TimeRule,
    Venue,
)
from backstage_sched.errors import InputError
from backstage_sched.inputs.load import load_program
from backstage_sched.inputs.snapshot import program_from_dict, program_to_dict

CALENDARS = Path(__file__).parents[1] / "data" / "calendars"

MINIMAL = """\
[program]
id = "vt2027"
name = "Backstage Skåne 2027"
start = 2027-01-11
end = 2027-12-17

[[facilitators]]
id = "f1"
name = "Karin Sjöberg"
email = "karin.sjoberg@ledarhuset.se"
"""

FULL = """\
[program]
id = "ht2027"
name = "Backstage 2027"
timezone = "Europe/Stockholm"
country = "SE"
holiday_categories = ["public", "de_facto", "optional"]
start = 2027-01-11
end = 2027-12-17
mode = "company"
extra_closed = [2027-05-07, "2027-04-30"]

[[program.blackout]]
name = "Sommar"
start = 2027-06-21
end = 2027-08-13

[[program.blackout]]
name = "Sportlov"
start = "2027-02-22"
end = "2027-02-26"

[sessions]
duration_minutes = 150
min_gap_days = 21
max_gap_days = 42
weekdays = ["tue", "Wednesday", "thu"]
day_start = "09:00"
day_end = "16:30"
grid_minutes = 15
max_sessions_per_day = 1
buffer_minutes = 90

[groups]
size = 5
min_size = 3
max_size = 6
max_per_organization = 2

[policy]
cancellation_days = 14
fee = 18900.5
currency = "EUR"
vat_rate = 0.24

[[facilitators]]
id = "f1"
name = "Karin Sjöberg"
email = "karin.sjoberg@ledarhuset.se"
max_cohorts = 4
max_sessions_per_day = 2
buffer_minutes = 30
unavailable = ["2027-03-01..2027-03-05", "fri"]
experience = "senior"

[[facilitators]]
id = "f2"
name = "Erik Nyström"
email = "erik@nystrom-ledarskap.se"
unavailable = "mon 08:00-12:00; 2027-10-11"

[[venues]]
id = "room-a"
name = "Ekrummet"
capacity = 8

[[venues]]
id = "room-b"
capacity = 10
"""

SEMICOLON_CSV = (
    "\ufeffid;name;email;organization;experience;unavailable;avoid;not_with;calendar;kommentar\r\n"
    'p001;Åsa Öberg;asa.oberg@malmo.se;Malmö stad;new;"fri;2027-03-01..2027-03-05";'
    '"mon 08:00-12:00";"p002;p003";kalendrar/asa.ics;ringer tillbaka\r\n'
    "\r\n"
    " p002 ; Jonas Lindqvist ; jonas.lindqvist@kungsbacka.se ; Kungsbacka kommun ;"
    " experienced ;;;;;\r\n"
    "p003;Märta Ek-Håkansson;marta@oresundskraft.se;Öresundskraft AB;;"
    '"2027-04-12 13:00-17:00";;;;\r\n'
)

COMMA_CSV = (
    "name,id,organization,email,not_with\n"
    "Lars Åkesson,p010,Region Västerbotten,lars.akesson@regionvasterbotten.se,p011\n"
    'Ingrid Wästberg,p011,Umeå universitet,ingrid.wastberg@umu.se,"p010"\n'
)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def program_file(tmp_path: Path, text: str = MINIMAL) -> Path:
    return write(tmp_path, "program.toml", text)


def error(tmp_path: Path, toml: str, csv: str | None = None) -> InputError:
    """The InputError that loading these files raises."""
    program = program_file(tmp_path, toml)
    people = write(tmp_path, "deltagare.csv", csv) if csv is not None else None
    with pytest.raises(InputError) as err:
        load_program(program, people)
    return err.value


def with_table(toml: str, table: str, body: str) -> str:
    """``toml`` with ``body`` inserted at the top of ``[table]`` (created if missing)."""
    header = f"[{table}]\n"
    if header in toml:
        return toml.replace(header, header + body + "\n", 1)
    return toml.replace("[[facilitators]]", f"{header}{body}\n\n[[facilitators]]", 1)


# --------------------------------------------------------------------------- program


def test_defaults(tmp_path: Path) -> None:
    p = load_program(program_file(tmp_path))
    assert p == Program(
        id="vt2027",
        name="Backstage Skåne 2027",
        start=date(2027, 1, 11),
        end=date(2027, 12, 17),
        facilitators=(
            Facilitator(id="f1", name="Karin Sjöberg", email="karin.sjoberg@ledarhuset.se"),
        ),
    )
    assert p.timezone == "Europe/Stockholm"
    assert p.country == "SE"
    assert p.holiday_categories == ("public", "de_facto")
    assert p.mode == "mixed"
    assert p.sessions == SessionRules()
    assert p.sessions.weekdays == (0, 1, 2, 3, 4)
    assert (p.sessions.day_start, p.sessions.day_end) == (time(8, 30), time(17))
    assert p.groups == GroupRules(size=6, min_size=4, max_size=7, max_per_organization=1)
    assert p.policy == Policy(cancellation_days=10, fee=17500, currency="SEK", vat_rate=0.25)
    assert p.facilitators[0].max_cohorts is None
    assert p.sessions_per_day(p.facilitators[0]) == 2
    assert p.buffer(p.facilitators[0]) == 60
    assert p.venues == ()
    assert p.participants == ()


def test_full_program(tmp_path: Path) -> None:
    p = load_program(program_file(tmp_path, FULL))
    assert p.id == "ht2027"
    assert p.holiday_categories == ("public", "de_facto", "optional")
    assert p.mode == "company"
    assert p.extra_closed == (date(2027, 4, 30), date(2027, 5, 7))
    assert p.blackouts == (
        Blackout("Sportlov", date(2027, 2, 22), date(2027, 2, 26)),
        Blackout("Sommar", date(2027, 6, 21), date(2027, 8, 13)),
    )
    assert p.sessions == SessionRules(
        duration_minutes=150,
        min_gap_days=21,
        max_gap_days=42,
        weekdays=(1, 2, 3),
        day_start=time(9),
        day_end=time(16, 30),
        grid_minutes=15,
        max_sessions_per_day=1,
        buffer_minutes=90,
    )
    assert p.groups == GroupRules(size=5, min_size=3, max_size=6, max_per_organization=2)
    assert p.policy == Policy(cancellation_days=14, fee=18900.5, currency="EUR", vat_rate=0.24)
    f1, f2 = p.facilitators
    assert (f1.max_cohorts, f1.max_sessions_per_day, f1.buffer_minutes) == (4, 2, 30)
    assert f1.unavailable == (
        TimeRule("2027-03-01..2027-03-05", first=date(2027, 3, 1), last=date(2027, 3, 5)),
        TimeRule("fri", weekday=4),
    )
    assert f1.experience == "senior"
    assert [r.text for r in f2.unavailable] == ["mon 08:00-12:00", "2027-10-11"]
    assert f2.max_cohorts is None
    assert p.sessions_per_day(f2) == 1  # falls back to [sessions]
    assert p.venues == (Venue("room-a", "Ekrummet", 8), Venue("room-b", "room-b", 10))


def test_toml_local_times_and_lowercase_country(tmp_path: Path) -> None:
    text = with_table(MINIMAL, "sessions", "day_start = 08:00:00\nday_end = 16:00:00")
    text = text.replace('name = "Backstage Skåne 2027"', 'name = "B"\ncountry = "se"')
    p = load_program(program_file(tmp_path, text))
    assert (p.sessions.day_start, p.sessions.day_end) == (time(8), time(16))
    assert p.country == "SE"


def test_toml_with_bom_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "program.toml", "\ufeff" + MINIMAL)
    assert load_program(path).id == "vt2027"


# --------------------------------------------------------------------------- participants


@pytest.fixture
def csv_folder(tmp_path: Path) -> Path:
    target = tmp_path / "kalendrar" / "asa.ics"
    target.parent.mkdir()
    shutil.copy(CALENDARS / "outlook_asa_oberg.ics", target)
    return tmp_path


def test_semicolon_csv_with_bom_crlf_quoted_lists_and_unicode(csv_folder: Path) -> None:
    program = program_file(csv_folder)
    people = write(csv_folder, "deltagare.csv", SEMICOLON_CSV)
    p = load_program(program, people)
    asa, jonas, marta = p.participants
    assert (asa.id, asa.name, asa.email, asa.organization, asa.experience) == (
        "p001",
        "Åsa Öberg",
        "asa.oberg@malmo.se",
        "Malmö stad",
        "new",
    )
    assert asa.unavailable == (
        TimeRule("fri", weekday=4),
        TimeRule("2027-03-01..2027-03-05", first=date(2027, 3, 1), last=date(2027, 3, 5)),
    )
    assert asa.avoid == (TimeRule("mon 08:00-12:00", weekday=0, start=time(8), end=time(12)),)
    assert asa.not_with == ("p002", "p003")
    assert asa.calendar == "kalendrar/asa.ics"
    assert Busy(datetime(2027, 1, 11, 9), datetime(2027, 1, 11, 10), "Ledningsgrupp") in asa.busy
    assert len(asa.busy) == 13  # 11 weekly + all-day Studiedag + Medarbetarsamtal
    # Whitespace trimmed, empty optional cells give defaults.
    assert jonas == Participant(
        id="p002",
        name="Jonas Lindqvist",
        email="jonas.lindqvist@kungsbacka.se",
        organization="Kungsbacka kommun",
        experience="experienced",
    )
    assert marta.name == "Märta Ek-Håkansson"
    assert marta.organization == "Öresundskraft AB"
    assert marta.unavailable[0].start == time(13)
    assert marta.calendar is None


def test_lf_line_endings_and_no_bom(csv_folder: Path) -> None:
    text = SEMICOLON_CSV.replace("\ufeff", "").replace("\r\n", "\n")
    p = load_program(program_file(csv_folder), write(csv_folder, "d.csv", text))
    assert [x.id for x in p.participants] == ["p001", "p002", "p003"]
    assert p.participants[0].not_with == ("p002", "p003")


def test_comma_csv(tmp_path: Path) -> None:
    p = load_program(program_file(tmp_path), write(tmp_path, "d.csv", COMMA_CSV))
    lars, ingrid = p.participants
    assert lars.id == "p010"
    assert lars.name == "Lars Åkesson"
    assert lars.organization == "Region Västerbotten"
    assert lars.not_with == ("p011",)
    assert ingrid.not_with == ("p010",)
    assert ingrid.unavailable == ()


def test_calendar_window_is_the_program_window(csv_folder: Path) -> None:
    text = MINIMAL.replace("end = 2027-12-17", "end = 2027-01-31")
    p = load_program(program_file(csv_folder, text), write(csv_folder, "d.csv", SEMICOLON_CSV))
    assert {b.start.month for b in p.participants[0].busy} == {1}


TOML_PEOPLE = """
[[participants]]
id = "p101"
name = "Sven Ödmark"
email = "sven.odmark@skelleftea.se"
organization = "Skellefteå kommun"
unavailable = ["thu", "2027-09-01 08:00-10:00"]
avoid = "fri 13:00-17:00"
not_with = ["p102"]
experience = "new"
calendar = "cal/sven.ics"

[[participants]]
id = "p102"
name = "Lena Björk"
email = "lena@bjork.nu"
organization = "Björk & Co"
"""


def test_participants_in_toml(tmp_path: Path) -> None:
    (tmp_path / "cal").mkdir()
    shutil.copy(CALENDARS / "google_jonas_lindqvist.ics", tmp_path / "cal" / "sven.ics")
    p = load_program(program_file(tmp_path, MINIMAL + TOML_PEOPLE))
    sven, lena = p.participants
    assert sven.unavailable == (
        TimeRule("thu", weekday=3),
        TimeRule(
            "2027-09-01 08:00-10:00",
            first=date(2027, 9, 1),
            last=date(2027, 9, 1),
            start=time(8),
            end=time(10),
        ),
    )
    assert sven.avoid == (TimeRule("fri 13:00-17:00", weekday=4, start=time(13), end=time(17)),)
    assert sven.not_with == ("p102",)
    assert sven.experience == "new"
    assert sven.calendar == "cal/sven.ics"
    assert Busy(
        datetime(2027, 5, 4, 9), datetime(2027, 5, 4, 12), "Styrelsemöte Öresundskraft"
    ) in (sven.busy)
    assert lena.organization == "Björk & Co"


def test_participants_from_toml_and_csv_together(tmp_path: Path) -> None:
    program = program_file(tmp_path, MINIMAL + TOML_PEOPLE.replace('calendar = "cal/sven.ics"', ""))
    p = load_program(program, write(tmp_path, "d.csv", COMMA_CSV))
    assert [x.id for x in p.participants] == ["p101", "p102", "p010", "p011"]


def test_duplicate_id_across_toml_and_csv(tmp_path: Path) -> None:
    toml = MINIMAL + TOML_PEOPLE.replace('calendar = "cal/sven.ics"', "").replace("p101", "p010")
    err = error(tmp_path, toml, COMMA_CSV)
    assert err.file.endswith("deltagare.csv")
    assert err.where == "row 2"
    assert "duplicate id 'p010'" in err.message
    assert "participants[1] (id 'p010')" in err.message
    assert "program.toml" in err.message


# --------------------------------------------------------------------------- bad TOML


@pytest.mark.parametrize(
    ("table", "body", "where", "words"),
    [
        (
            "sessions",
            "max_gap_day = 30",
            "[sessions]",
            "unknown key 'max_gap_day' in [sessions]; did you mean 'max_gap_days'?",
        ),
        ("groups", "sise = 5", "[groups]", "unknown key 'sise' in [groups]; did you mean 'size'?"),
        ("program", "timezon = 'UTC'", "[program]", "did you mean 'timezone'?"),
        ("policy", "fee = 'gratis'", "[policy] fee", "fee must be a number, got 'gratis'"),
        ("policy", "vat_rate = 25", "[policy] vat_rate", "vat_rate must be at most 1"),
        ("policy", "cancellation_days = -1", "[policy] cancellation_days", "at least 0"),
        ("policy", "currency = ''", "[policy] currency", "currency is empty"),
        ("sessions", "min_gap_days = 'four'", "[sessions] min_gap_days", "whole number"),
        ("sessions", "duration_minutes = 0", "[sessions] duration_minutes", "at least 1, got 0"),
        ("sessions", "duration_minutes = -180", "[sessions] duration_minutes", "at least 1"),
        ("sessions", "duration_minutes = 180.5", "[sessions] duration_minutes", "whole number"),
        ("sessions", "grid_minutes = 0", "[sessions] grid_minutes", "at least 1, got 0"),
        ("sessions", "buffer_minutes = -5", "[sessions] buffer_minutes", "at least 0"),
        ("sessions", "max_sessions_per_day = 0", "[sessions] max_sessions_per_day", "at least 1"),
        (
            "sessions",
            "min_gap_days = 40",
            "[sessions] min_gap_days",
            "min_gap_days (40) is larger than max_gap_days (35)",
        ),
        (
            "sessions",
            "day_start = '17:00'\nday_end = '08:30'",
            "[sessions] day_end",
            "day_end 08:30 is not after day_start 17:00",
        ),
        (
            "sessions",
            "day_start = '15:00'",
            "[sessions] duration_minutes",
            "duration_minutes (180) is longer than the day window 15:00-17:00 (120 minutes)",
        ),
        ("sessions", "day_start = '8 am'", "[sessions] day_start", "a time like 08:30"),
        ("sessions", "weekdays = ['mon', 'fry']", "[sessions] weekdays", "unknown weekday 'fry'"),
        ("sessions", "weekdays = []", "[sessions] weekdays", "weekdays is empty"),
        ("sessions", "weekdays = 'mon'", "[sessions] weekdays", "must be a list"),
        (
            "groups",
            "min_size = 8",
            "[groups] min_size",
            "min_size (8) is larger than max_size (7)",
        ),
        (
            "groups",
            "size = 9\nmax_size = 8",
            "[groups] size",
            "size (9) must lie between min_size (4) and max_size (8)",
        ),
        ("groups", "min_size = 1\nsize = 2", "[groups] min_size", "at least 2, got 1"),
        ("groups", "max_per_organization = 0", "[groups] max_per_organization", "at least 1"),
        (
            "program",
            "timezone = 'Europe/Stokholm'",
            "[program] timezone",
            "unknown time zone 'Europe/Stokholm'",
        ),
        ("program", "country = 'XX'", "[program] country", "unknown country 'XX'"),
        (
            "program",
            "holiday_categories = ['public', 'semester']",
            "[program] holiday_categories",
            "unknown holiday category 'semester' for SE",
        ),
        ("program", "mode = 'blandad'", "[program] mode", "mode must be 'mixed' or 'company'"),
        ("program", "extra_closed = ['igår']", "[program] extra_closed", "a date like 2027-01-11"),
    ],
)
def test_bad_tables(tmp_path: Path, table: str, body: str, where: str, words: str) -> None:
    err = error(tmp_path, with_table(MINIMAL, table, body))
    assert err.file.endswith("program.toml")
    assert err.where == where
    assert words in err.message


def test_program_id_must_suit_uids(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace('id = "vt2027"', 'id = "vt 2027"'))
    assert err.where == "[program] id"
    assert "id 'vt 2027' may hold only letters, digits" in err.message


def test_window_end_before_start(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace("end = 2027-12-17", "end = 2026-12-17"))
    assert err.where == "[program] end"
    assert "window end 2026-12-17 is before its start 2027-01-11" in err.message


def test_missing_program_key(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace("start = 2027-01-11\n", ""))
    assert err.where == "[program]"
    assert "missing key 'start' in [program]" in err.message


def test_datetime_is_not_a_date(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace("start = 2027-01-11", "start = 2027-01-11T08:00:00"))
    assert err.where == "[program] start"
    assert "must be a date" in err.message


def test_unknown_top_level_table(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL + "\n[[facilitator]]\nid = 'f9'\n")
    assert "unknown key 'facilitator'" in err.message
    assert "did you mean 'facilitators'?" in err.message


def test_blackout_end_before_start(tmp_path: Path) -> None:
    text = (
        MINIMAL + '\n[[program.blackout]]\nname = "Sommar"\nstart = 2027-08-13\nend = 2027-06-21\n'
    )
    err = error(tmp_path, text)
    assert err.where == "[[program.blackout]] #1 ('Sommar') end"
    assert "blackout end 2027-06-21 is before its start 2027-08-13" in err.message


def test_blackout_unknown_key(tmp_path: Path) -> None:
    text = MINIMAL + "\n[[program.blackout]]\nstart = 2027-06-21\nslut = 2027-08-13\n"
    err = error(tmp_path, text)
    assert "unknown key 'slut' in [[program.blackout]] #1" in err.message


def test_no_facilitators(tmp_path: Path) -> None:
    text = MINIMAL.split("[[facilitators]]")[0]
    err = error(tmp_path, text)
    assert err.file.endswith("program.toml")
    assert err.message == "no [[facilitators]]: a cohort needs one"


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        ("max_cohorts = -1", "facilitators[1] (id 'f1') max_cohorts", "at least 0, got -1"),
        ("max_cohorts = 'två'", "facilitators[1] (id 'f1') max_cohorts", "whole number"),
        ("max_cohort = 3", "facilitators[1] (id 'f1')", "did you mean 'max_cohorts'?"),
        ("unavailable = ['fry']", "facilitators[1] (id 'f1') unavailable", "unknown weekday 'fry'"),
        (
            "unavailable = '2027-03-05..2027-03-01'",
            "facilitators[1] (id 'f1') unavailable",
            "range end 2027-03-01 is before its start 2027-03-05",
        ),
    ],
)
def test_bad_facilitator(tmp_path: Path, body: str, where: str, words: str) -> None:
    err = error(tmp_path, MINIMAL + body + "\n")
    assert err.where == where
    assert words in err.message


def test_max_cohorts_zero_is_allowed(tmp_path: Path) -> None:
    p = load_program(program_file(tmp_path, MINIMAL + "max_cohorts = 0\n"))
    assert p.facilitators[0].max_cohorts == 0


def test_facilitator_bad_email(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace("karin.sjoberg@ledarhuset.se", "karin.sjoberg"))
    assert err.where == "facilitators[1] (id 'f1') email"
    assert "bad e-mail 'karin.sjoberg'" in err.message


def test_facilitator_missing_key(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace('email = "karin.sjoberg@ledarhuset.se"\n', ""))
    assert err.where == "facilitators[1] (id 'f1')"
    assert "missing key 'email'" in err.message


def test_facilitator_without_id(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace('id = "f1"\n', ""))
    assert err.where == "facilitators[1]"
    assert "missing key 'id' in facilitators[1]" in err.message


def test_duplicate_facilitator(tmp_path: Path) -> None:
    second = '\n[[facilitators]]\nid = "f1"\nname = "Per Holm"\nemail = "per@holm.se"\n'
    err = error(tmp_path, MINIMAL + second)
    assert err.where == "facilitators[2] (id 'f1')"
    assert "duplicate facilitator id 'f1'" in err.message
    assert "facilitators[1]" in err.message


def test_duplicate_facilitator_email(tmp_path: Path) -> None:
    second = (
        '\n[[facilitators]]\nid = "f2"\nname = "Per Holm"\nemail = "Karin.Sjoberg@ledarhuset.se"\n'
    )
    err = error(tmp_path, MINIMAL + second)
    assert err.file.endswith("program.toml")
    assert err.where == "facilitators[2] (id 'f2') email"
    assert "also used by facilitator 'f1'" in err.message


def test_single_extra_closed_day(tmp_path: Path) -> None:
    text = with_table(MINIMAL, "program", "extra_closed = 2027-05-07")
    assert load_program(program_file(tmp_path, text)).extra_closed == (date(2027, 5, 7),)


def test_participant_id_equal_to_facilitator_id(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL, "id,name,email,organization\nf1,Per Holm,per@holm.se,Holm AB\n")
    assert err.where == "row 2, column 'id'"
    assert "id 'f1' is also a facilitator's id" in err.message


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        ("capacity = 0", "venues[1] (id 'room-a') capacity", "at least 1, got 0"),
        ("capacity = 'stor'", "venues[1] (id 'room-a') capacity", "whole number"),
        ("capacity = 8\nplats = 'Lund'", "venues[1] (id 'room-a')", "unknown key 'plats'"),
    ],
)
def test_bad_venue(tmp_path: Path, body: str, where: str, words: str) -> None:
    err = error(tmp_path, MINIMAL + f'\n[[venues]]\nid = "room-a"\n{body}\n')
    assert err.where == where
    assert words in err.message


def test_unreadable_toml_names_the_line(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace('name = "Backstage Skåne 2027"', "name = Backstage"))
    assert err.file.endswith("program.toml")
    assert err.where == "line 3, column 8"
    assert err.message.startswith("not valid TOML")
    assert err.message.endswith('hint: put text in quotes, e.g. mode = "mixed"')


def test_program_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="program file not found") as err:
        load_program(tmp_path / "saknas.toml")
    assert err.value.file.endswith("saknas.toml")


def test_participants_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="participants file not found") as err:
        load_program(program_file(tmp_path), tmp_path / "saknas.csv")
    assert err.value.file.endswith("saknas.csv")


# --------------------------------------------------------------------------- bad participants

HEADER = "id;name;email;organization;not_with;unavailable;calendar\n"
ROW_A = "p001;Åsa Öberg;asa@malmo.se;Malmö stad;;;\n"
ROW_B = "p002;Jonas Lindqvist;jonas@kungsbacka.se;Kungsbacka kommun;;;\n"


@pytest.mark.parametrize(
    ("csv", "where", "words"),
    [
        (
            "id;name;organization;emial\n" + ROW_A,
            "row 1",
            "missing required column(s) 'email' (accepted headings: email / E-post / "
            "E-postadress; or map yours in [participants.columns]); did you mean 'emial' "
            '(map it in [participants.columns], e.g. "emial" = "email")?',
        ),
        (
            "ID;namn;email\n",
            "row 1",
            "missing required column(s) 'organization' (accepted headings: organization / "
            "Organisation / Arbetsplats / Förvaltning; or map",
        ),
        (
            HEADER + ROW_A + ROW_B + ROW_A.replace("asa@", "asa.oberg@"),
            "row 4",
            "duplicate id 'p001': also on row 2",
        ),
        (
            HEADER + ROW_A + "\n" + ROW_B.replace("p002", "p001"),
            "row 4",
            "duplicate id 'p001': also on row 2",
        ),
        (
            HEADER + ROW_A + ROW_B.replace(";;;\n", ";p009;;\n"),
            "row 3, column 'not_with'",
            "unknown id 'p009' in not_with",
        ),
        (
            HEADER + ROW_A.replace(";;;\n", ";f1;;\n"),
            "row 2, column 'not_with'",
            "a facilitator, not a participant",
        ),
        (
            HEADER + ROW_A.replace(";;;\n", ";p001;;\n"),
            "row 2, column 'not_with'",
            "not_with names 'p001' itself",
        ),
        (
            HEADER + ROW_A + ROW_B.replace("jonas@kungsbacka.se", "jonas@@kungsbacka.se"),
            "row 3, column 'email'",
            "bad e-mail 'jonas@@kungsbacka.se': it needs exactly one @",
        ),
        (
            HEADER + ROW_A.replace("asa@malmo.se", "asa@malmo"),
            "row 2, column 'email'",
            "bad e-mail 'asa@malmo'",
        ),
        (
            HEADER + ROW_A.replace("asa@malmo.se", "@malmo.se"),
            "row 2, column 'email'",
            "nothing before the @",
        ),
        (
            HEADER + ROW_A.replace("asa@malmo.se", "åsa öberg@malmo.se"),
            "row 2, column 'email'",
            "contains a space",
        ),
        (
            HEADER + ROW_A.replace(";;;\n", ";;fry 13:00-17:00;\n"),
            "row 2, column 'unavailable'",
            "unknown weekday 'fry'",
        ),
        (
            HEADER + ROW_A.replace(";;;\n", ";;2027-03-07..2027-03-01;\n"),
            "row 2, column 'unavailable'",
            "range end 2027-03-01 is before its start 2027-03-07",
        ),
        (
            HEADER + ROW_A.replace(";;;\n", ";;fri;2027-03-01;asa.ics\n"),
            "row 2",
            "a cell holding a ';'-list must be quoted",
        ),
        (HEADER + ROW_A.replace("Åsa Öberg", ""), "row 2, column 'name'", "name is empty"),
        (HEADER + ROW_A.replace("Malmö stad", " "), "row 2, column 'organization'", "empty"),
        (HEADER + ROW_A.replace("p001", "p 001"), "row 2, column 'id'", "only letters"),
        (
            HEADER + ROW_A.replace(";;;\n", ";;;saknas.ics\n"),
            "row 2, column 'calendar'",
            "calendar file",
        ),
        ("id;id;name;email;organization\n", "row 1", "column 'id' appears twice"),
    ],
)
def test_bad_csv(tmp_path: Path, csv: str, where: str, words: str) -> None:
    err = error(tmp_path, MINIMAL, csv)
    assert err.file.endswith("deltagare.csv")
    assert err.where == where
    assert words in err.message


@pytest.mark.rule("kept", "one person")
def test_a_registration_submitted_twice_is_one_person(tmp_path: Path) -> None:
    again = "p003;åsa  öberg;ASA@malmo.se;Malmö stad;p002;;\n"  # a second Forms submission
    csv = HEADER + ROW_A + ROW_B.replace(";;;\n", ";p001;;\n") + again
    program = load_program(program_file(tmp_path, MINIMAL), write(tmp_path, "deltagare.csv", csv))
    # the later row stands, in the earlier row's place; not_with follows it
    assert [p.id for p in program.participants] == ["p003", "p002"]
    assert program.participant("p002").not_with == ("p003",)
    assert program.participant("p003").not_with == ("p002",)
    (warning,) = program.warnings
    assert warning == (
        f"{tmp_path / 'deltagare.csv'}: Åsa Öberg <ASA@malmo.se> registered twice (row 2, "
        "id 'p001', and row 4, id 'p003'): one registration, the later row (row 4, id "
        "'p003') is kept"
    )


@pytest.mark.rule("broken", "one person")
def test_one_address_under_two_names_is_refused(tmp_path: Path) -> None:
    csv = HEADER + ROW_A + ROW_B.replace("jonas@kungsbacka.se", "ASA@malmo.se")
    err = error(tmp_path, MINIMAL, csv)
    assert err.where == "row 3, column 'email'"
    assert "'ASA@malmo.se' is also used by Åsa Öberg ('p001', row 2)" in err.message
    assert "this row names Jonas Lindqvist" in err.message


def test_missing_calendar_names_the_file(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL, HEADER + ROW_A.replace(";;;\n", ";;;kal/asa.ics\n"))
    assert "kal/asa.ics" in err.message
    assert "not found" in err.message


def test_calendar_that_is_not_icalendar(tmp_path: Path) -> None:
    write(tmp_path, "asa.ics", "id;name\np001;Åsa\n")
    err = error(tmp_path, MINIMAL, HEADER + ROW_A.replace(";;;\n", ";;;asa.ics\n"))
    assert err.where == "row 2, column 'calendar'"
    assert "not iCalendar" in err.message


def test_csv_in_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    program = program_file(tmp_path)
    people = write(tmp_path, "deltagare.csv", HEADER + ROW_A + ROW_B, encoding="cp1252")
    loaded = load_program(program, people)
    assert [p.name for p in loaded.participants] == ["Åsa Öberg", "Jonas Lindqvist"]
    (warning,) = loaded.warnings
    assert warning.startswith(f"{people} is Windows-1252 text")


def test_csv_in_windows_1252_errors_name_the_row_and_column(tmp_path: Path) -> None:
    csv = HEADER + ROW_A + ROW_B.replace("jonas@kungsbacka.se", "jonas@kungsbacka")
    people = write(tmp_path, "deltagare.csv", csv, encoding="cp1252")
    with pytest.raises(InputError) as err:
        load_program(program_file(tmp_path), people)
    assert err.value.where == "row 3, column 'email'"
    assert err.value.message.startswith("bad e-mail 'jonas@kungsbacka'")


def test_csv_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    program = program_file(tmp_path)
    # DOS's code page 437 writes ü as 0x81, a byte Windows-1252 leaves undefined
    csv = HEADER + ROW_B + ROW_B.replace("p002;Jonas", "p003;Jürgen")
    people = write(tmp_path, "deltagare.csv", csv, encoding="cp437")
    with pytest.raises(InputError) as err:
        load_program(program, people)
    assert err.value.file.endswith("deltagare.csv")
    assert err.value.where == "row 3"
    assert "neither UTF-8 nor Windows-1252 text (byte 0x81)" in err.value.message


def test_empty_csv(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL, "\n\n")
    assert "empty file" in err.message


def test_toml_participant_errors_name_the_entry(tmp_path: Path) -> None:
    text = MINIMAL + TOML_PEOPLE.replace("lena@bjork.nu", "lena.bjork.nu")
    err = error(tmp_path, text.replace('calendar = "cal/sven.ics"', ""))
    assert err.where == "participants[2] (id 'p102') email"
    assert "bad e-mail 'lena.bjork.nu'" in err.message


def test_toml_participant_unknown_key(tmp_path: Path) -> None:
    text = MINIMAL + TOML_PEOPLE.replace('calendar = "cal/sven.ics"', 'notwith = ["p102"]')
    err = error(tmp_path, text)
    assert err.where == "participants[1] (id 'p101')"
    assert "unknown key 'notwith' in participants[1] (id 'p101'); did you mean 'not_with'?" in (
        err.message
    )


def test_toml_participant_missing_calendar(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL + TOML_PEOPLE)
    assert err.file.endswith("program.toml")
    assert err.where == "participants[1] (id 'p101') calendar"
    assert "cal/sven.ics" in err.message


# --------------------------------------------------------------------------- snapshot


def test_snapshot_round_trip_is_exact(csv_folder: Path) -> None:
    program = program_file(csv_folder, FULL + TOML_PEOPLE.replace('calendar = "cal/sven.ics"', ""))
    p = load_program(program, write(csv_folder, "d.csv", SEMICOLON_CSV))
    assert p.participants[2].busy  # the snapshot must carry busy times
    data = program_to_dict(p)
    assert program_from_dict(data) == p
    assert program_from_dict(json.loads(json.dumps(data))) == p


def test_snapshot_is_json_with_readable_values(csv_folder: Path) -> None:
    p = load_program(program_file(csv_folder), write(csv_folder, "d.csv", SEMICOLON_CSV))
    data = json.loads(json.dumps(program_to_dict(p)))
    assert data["start"] == "2027-01-11"
    assert data["sessions"]["day_start"] == "08:30"
    assert data["sessions"]["weekdays"] == ["mon", "tue", "wed", "thu", "fri"]
    asa = data["participants"][0]
    assert asa["unavailable"] == ["fri", "2027-03-01..2027-03-05"]
    assert asa["busy"][0] == {
        "start": "2027-01-11T09:00:00",
        "end": "2027-01-11T10:00:00",
        "summary": "Ledningsgrupp",
    }


def test_snapshot_of_hand_built_program() -> None:
    odd_rule = TimeRule("mornings", start=time(8), end=time(10))  # text no parser would give
    p = Program(
        id="x",
        name="X",
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
        facilitators=(Facilitator("f1", "F", "f@x.se", unavailable=(odd_rule,)),),
        participants=(
            Participant(
                "p1",
                "P",
                "p@x.se",
                "Org",
                busy=(Busy(datetime(2027, 2, 1, 9, 15, 30), datetime(2027, 2, 1, 10)),),
            ),
        ),
    )
    assert program_from_dict(json.loads(json.dumps(program_to_dict(p)))) == p


def test_snapshot_malformed() -> None:
    with pytest.raises(InputError) as err:
        program_from_dict({"id": "x"}, source="plan/input.json")
    assert err.value.file == "plan/input.json"
    assert "not a valid program snapshot" in err.value.message


def test_default_holiday_categories_fit_the_country(tmp_path: Path) -> None:
    """A country without 'de_facto' holidays (DE) gets just 'public' by default."""
    path = tmp_path / "de.toml"
    path.write_text(
        '[program]\nid = "de"\nname = "Berlin"\nstart = 2027-01-11\nend = 2027-12-17\n'
        'timezone = "Europe/Berlin"\ncountry = "DE"\n\n'
        '[[facilitators]]\nid = "f1"\nname = "F"\nemail = "f@example.org"\n',
        encoding="utf-8",
    )
    assert load_program(path).holiday_categories == ("public",)
    se = path.read_text(encoding="utf-8").replace('"DE"', '"SE"')
    path.write_text(se, encoding="utf-8")
    assert load_program(path).holiday_categories == ("public", "de_facto")


def test_participants_in_the_toml_may_carry_the_office_fields(tmp_path: Path) -> None:
    toml = MINIMAL + """
[[participants]]
id = "p001"
name = "Åsa Öberg"
email = "asa@malmo.se"
organization = "Malmö stad"
title = "Enhetschef"
phone = "070-123 45 67"
org_number = "212000-1124"
invoice_reference = "Ref 4711"
"""
    (asa,) = load_program(program_file(tmp_path, toml)).participants
    assert (asa.title, asa.phone, asa.org_number, asa.invoice_reference) == (
        "Enhetschef", "070-123 45 67", "212000-1124", "Ref 4711")


def test_swedish_headings_in_any_case_and_accent(tmp_path: Path) -> None:
    csv = (
        "NAMN;e-post;Förvaltning;Befattning;TELEFON;kan inte;Undvik;Inte med;Erfarenhet;Anmäld\n"
        "Åsa Öberg;asa@malmo.se;Malmö stad;Chef;070-1;fri;mon;;ny;2027-01-02\n"
        "Jonas Lind;jonas@kungsbacka.se;Kungsbacka;;;;;;;\n"
    )
    people = load_program(program_file(tmp_path), write(tmp_path, "d.csv", csv)).participants
    asa, jonas = people
    assert (asa.name, asa.email, asa.organization, asa.title, asa.phone) == (
        "Åsa Öberg", "asa@malmo.se", "Malmö stad", "Chef", "070-1")
    assert asa.unavailable[0].weekday == 4 and asa.avoid[0].weekday == 0
    assert asa.experience == "ny" and asa.registered is not None
    # not_with names ids; here the ids come from the addresses
    again = csv.replace(";;ny;", f";{jonas.id};ny;")
    asa = load_program(program_file(tmp_path), write(tmp_path, "d.csv", again)).participants[0]
    assert asa.not_with == (jonas.id,)


def test_of_two_columns_for_one_field_the_left_one_with_text_gives_it(tmp_path: Path) -> None:
    csv = (
        "Namn;E-post;E-postadress;Organisation\n"
        "Åsa Öberg;asa@malmo.se;asa.privat@example.org;Malmö stad\n"
        "Jonas Lind;;jonas@kungsbacka.se;Kungsbacka\n"
    )
    asa, jonas = load_program(program_file(tmp_path), write(tmp_path, "d.csv", csv)).participants
    assert (asa.email, jonas.email) == ("asa@malmo.se", "jonas@kungsbacka.se")


def test_not_with_may_name_a_colleague_by_e_mail_address(tmp_path: Path) -> None:
    """A form's "Inte med" answer is an address: ids are made from addresses there."""
    csv = (
        "Namn;E-post;Organisation;Inte med\n"
        "Åsa Öberg;asa@malmo.se;Malmö stad;Jonas@Kungsbacka.se\n"
        "Jonas Lind;jonas@kungsbacka.se;Kungsbacka;\n"
    )
    asa, jonas = load_program(program_file(tmp_path), write(tmp_path, "d.csv", csv)).participants
    assert asa.not_with == (jonas.id,)
    err = error(tmp_path, MINIMAL, csv.replace("Jonas@Kungsbacka.se", "jonas@lund.se"))
    assert (err.where, err.message) == (
        "row 2, column 'Inte med'",
        "unknown e-mail 'jonas@lund.se' in not_with: no participant has that address (name a "
        "participant by id or by e-mail address)",
    )
