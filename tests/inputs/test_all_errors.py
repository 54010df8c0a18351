"""Bad input is reported whole: every problem of the CSV and the TOML in one run, each
naming the file, the row or key and what is wrong; TOML slips get a hint."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from backstage_sched import write_templates
from backstage_sched.cli.app import EXIT_INPUT, main
from backstage_sched.errors import InputError, InputErrors
from backstage_sched.inputs.load import load_program


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    program, csv = write_templates(tmp_path / "ht2027", year=2027)
    return program, csv


def test_three_mistakes_in_the_participants_file_in_one_run(files: tuple[Path, Path]) -> None:
    program, csv = files
    text = csv.read_text(encoding="utf-8-sig")
    text = text.replace("asa.lindstrom@orebrostad.example", "asa.lindstrom-at-orebrostad")
    text = text.replace(";wed;", ";wed 25:00-26:00;")
    text = text.replace(";p005;", ";p999;")
    csv.write_text(text, encoding="utf-8-sig")
    out = program.parent / "plan"
    code, printed = run("plan", str(program), str(csv), "--out", str(out))
    assert code == EXIT_INPUT and not out.exists()
    # the templates are a Swedish program: the frame of each problem is Swedish
    assert "fel i indata: 3 fel hittades" in printed
    assert "rad 2" in printed and "asa.lindstrom-at-orebrostad" in printed
    assert "rad 3" in printed and "25:00" in printed
    assert "p999" in printed and "not_with" in printed


def test_two_cells_of_one_row_are_both_reported(files: tuple[Path, Path]) -> None:
    program, csv = files
    text = csv.read_text(encoding="utf-8-sig")
    text = text.replace("asa.lindstrom@orebrostad.example;Örebro stad;new;;",
                        "inte-en-adress;Örebro stad;new;fre 25:00-26:00;")
    csv.write_text(text, encoding="utf-8-sig")
    with pytest.raises(InputErrors) as caught:
        load_program(program, csv)
    wheres = [e.where for e in caught.value.errors]
    assert len(wheres) == 2 and all(w.startswith("row 2") for w in wheres)


def test_every_table_of_the_program_file_is_checked(files: tuple[Path, Path]) -> None:
    program, csv = files
    text = program.read_text(encoding="utf-8")
    text = text.replace("min_gap_days = 28", "min_gap_days = -3", 1)
    text = text.replace('mode = "mixed"', 'mode = "blandad"', 1)
    program.write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_program(program, csv)
    messages = " | ".join(str(e) for e in caught.value.errors)
    assert "min_gap_days" in messages and "blandad" in messages


def test_more_than_fifty_problems_are_cut_with_a_count(files: tuple[Path, Path]) -> None:
    program, csv = files
    header = csv.read_text(encoding="utf-8-sig").splitlines()[0]
    rows = [f"x{i:03d};Namn {i};ingen-adress-{i};Org {i};;;;;" for i in range(60)]
    csv.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")
    with pytest.raises(InputErrors) as caught:
        load_program(program, csv)
    text = str(caught.value)
    assert text.startswith("60 problems in the input")
    assert "and 10 more" in text and text.count("\n  - ") == 50


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ('day_start = 08:30', 'in quotes, e.g. day_start = "08:30"'),
        ("vat_rate = 0,25", "a point, not a comma"),
        ('name = "Backstage 2027', "closing quote"),
        ("mode = mixed", 'put text in quotes'),
    ],
)
def test_toml_slips_get_line_column_and_a_hint(tmp_path: Path, line: str, hint: str) -> None:
    path = tmp_path / "program.toml"
    path.write_text(f'[program]\nid = "ht2027"\n{line}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_program(path)
    assert caught.value.where is not None and caught.value.where.startswith("line 3, column ")
    assert hint in caught.value.message


def test_a_date_slip_in_a_list_names_the_list(tmp_path: Path) -> None:
    path = tmp_path / "program.toml"
    path.write_text('[program]\nid = "ht2027"\nextra_closed = [\n  2027-05-07,\n  7/5/2027,\n]\n',
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_program(path)
    assert caught.value.where == "line 5, [program] extra_closed"
    assert "extra_closed = 2027-05-07" in caught.value.message


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2027-1-11", "start = 2027-01-11"),
        ("11.01.2027", "start = 2027-01-11"),
        ("2027/01/11", "start = 2027-01-11"),
        ("11/1/2027", "start = 2027-01-11"),
        ("11-01-2027", "start = 2027-01-11"),
        ("2027-13-11", "there is no month 13"),
        ("2027-02-30", "month 2 of 2027 has no day 30"),
        ('"11.01.2027"', "start = 2027-01-11"),
        ('"2027/01/11"', "start = 2027-01-11"),
        ('"11/1/2027"', "start = 2027-01-11"),
        ('"2027-13-11"', "there is no month 13"),
    ],
)
def test_a_date_written_another_way_gets_the_hint_with_key_and_line(
    tmp_path: Path, value: str, says: str
) -> None:
    """The common spellings of a date, quoted (valid TOML) or not (a TOML syntax error),
    get one hint: the line, the table and key, and the date as YYYY-MM-DD."""
    program, _ = write_templates(tmp_path / "ht2027", year=2027)
    lines = program.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("start = "))
    lines[number - 1] = f"start = {value}"
    program.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_program(program)
    error = caught.value
    assert not isinstance(error, InputErrors), str(error)
    assert error.where == f"line {number}, [program] start"
    assert "write dates as YYYY-MM-DD" in error.message and says in error.message
    assert "not valid TOML" not in error.message


def test_every_date_written_another_way_is_reported_at_once(files: tuple[Path, Path]) -> None:
    """Unquoted slips stop TOML at the first, yet each is named with its line."""
    program, _ = files
    text = program.read_text(encoding="utf-8")
    for key, quote in (("start", ""), ("end", '"')):  # a quoted one is named as well
        found = re.search(rf"^{key} = (\d{{4}})-(\d{{2}})-(\d{{2}})\b", text, re.M)
        assert found, key
        year, month, day = found.groups()
        text = text.replace(found.group(0), f"{key} = {quote}{day}.{month}.{year}{quote}", 1)
    program.write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_program(program)
    lines = text.splitlines()
    wheres = [e.where for e in caught.value.errors]
    assert len(wheres) >= 2
    for where, error in zip(wheres, caught.value.errors, strict=True):
        number = int(where.split(",")[0].removeprefix("line "))
        written = re.search(r"\d+\.\d+\.\d+", lines[number - 1])
        assert written and f"= {written.group(0)}:" in error.message
        assert "write dates as YYYY-MM-DD" in error.message


def test_every_bad_time_expression_of_a_list_is_reported(files: tuple[Path, Path]) -> None:
    program, csv = files
    text = program.read_text(encoding="utf-8")
    found = re.search(r"^unavailable = .*$", text, re.M)
    assert found
    text = text.replace(
        found.group(0), 'unavailable = ["mon 13:00-17:00", "tisdag", "xx", "fre 25:00-26:00"]', 1)
    program.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_program(program, csv)
    message = str(caught.value)
    assert "2 of the time expressions cannot be read" in message
    assert "unknown weekday 'xx' (use mon" in message
    assert "bad time '25:00' in 'fre 25:00-26:00' (use HH:MM" in message
    assert "tisdag" not in message.replace("mån, tis,", "")


def test_every_key_of_a_table_is_checked(files: tuple[Path, Path]) -> None:
    program, csv = files
    text = program.read_text(encoding="utf-8")
    text = text.replace('timezone = "Europe/Stockholm"', 'timezone = "Europe/Stokholm"', 1)
    text = text.replace('country = "SE"', 'country = "XX"', 1)
    text = text.replace('day_start = "08:30"', 'day_start = "25:00"', 1)
    text = text.replace("buffer_minutes = 60", "buffer_minutes = -5", 1)
    program.write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_program(program, csv)
    wheres = {e.where for e in caught.value.errors}
    assert {"[program] timezone", "[program] country", "[sessions] day_start",
            "[sessions] buffer_minutes"} <= wheres, wheres


def test_every_bad_expression_of_a_participants_cell_is_reported(
    files: tuple[Path, Path],
) -> None:
    """A cell with several time expressions (quoted, as Excel writes a cell holding the
    separator) names every bad one with its hint, in one error for the cell."""
    program, csv = files
    text = csv.read_text(encoding="utf-8-sig")
    text = text.replace(";experienced;wed;;;", ';experienced;"wed; xx; fre 25:00-26:00";;;', 1)
    csv.write_text(text, encoding="utf-8-sig")
    with pytest.raises(InputError) as caught:
        load_program(program, csv)
    error = caught.value
    assert not isinstance(error, InputErrors)
    assert error.where is not None and error.where.startswith("row 3")
    assert "unavailable" in error.where
    assert "2 of the time expressions cannot be read" in error.message
    assert "unknown weekday 'xx'" in error.message and "bad time '25:00'" in error.message
