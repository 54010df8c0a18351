"""Bad input is reported whole: every problem of the CSV and the TOML in one run, each
naming the file, the row or key and what is wrong; TOML slips get a hint."""

from __future__ import annotations

import contextlib
import io
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
        ("start = 2027-1-11", "YYYY-MM-DD"),
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
