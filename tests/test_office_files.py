"""The participants files Swedish offices really have (SPEC §6): an Excel workbook as
Microsoft Forms, Google Forms and Excel save it. Every file here is written by the tool
that makes such files (openpyxl), not by hand."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from backstage_sched.domain import TimeRule
from backstage_sched.errors import InputError, InputErrors
from backstage_sched.inputs import workbook
from backstage_sched.inputs.load import load_program

PROGRAM = """\
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

# A Microsoft Forms export: its own columns first (ID, Starttid, Sluttid, E-post, Namn),
# then one column per question, named as the participants file wants.
FORMS_HEADER = [
    "ID", "Starttid", "Sluttid", "E-post", "Namn",
    "id", "name", "email", "organization", "unavailable", "registered",
]
FORMS_ROWS = [
    [1, datetime(2027, 1, 3, 9, 15, 22), datetime(2027, 1, 3, 9, 17, 40), "anonymous", None,
     1001, "Åsa Öberg", "asa.oberg@malmo.se", "Malmö stad", date(2027, 3, 1),
     date(2027, 1, 3)],
    [2, datetime(2027, 1, 4, 13, 2, 5), datetime(2027, 1, 4, 13, 4, 0), "anonymous", None,
     1002, "Jonas Lindqvist", "jonas@kungsbacka.se", "Kungsbacka kommun", "fri 13:00-17:00",
     date(2027, 1, 4)],
    [3, datetime(2027, 1, 5, 8, 0, 0), datetime(2027, 1, 5, 8, 1, 0), "anonymous", None,
     42, "Märta Ek-Håkansson", "marta@oresundskraft.se", "Öresundskraft AB", None,
     datetime(2027, 1, 5, 8, 1)],
]
# the same registrations as a CSV would hold them
FORMS_CSV = (
    "id;name;email;organization;unavailable;registered\n"
    "1001;Åsa Öberg;asa.oberg@malmo.se;Malmö stad;2027-03-01;2027-01-03\n"
    "1002;Jonas Lindqvist;jonas@kungsbacka.se;Kungsbacka kommun;fri 13:00-17:00;2027-01-04\n"
    "0042;Märta Ek-Håkansson;marta@oresundskraft.se;Öresundskraft AB;;2027-01-05 08:01\n"
)


def _program(folder: Path) -> Path:
    path = folder / "program.toml"
    path.write_text(PROGRAM, encoding="utf-8")
    return path


def _workbook(
    path: Path, header: list, rows: list[list], sheet: str = "Svar", blank_tail: int = 3
) -> Path:
    """A workbook written by openpyxl: ``header`` and ``rows`` on sheet ``sheet``, then
    ``blank_tail`` formatted but empty rows, as Excel leaves after deleted answers."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    for r in range(ws.max_row + 1, ws.max_row + 1 + blank_tail):
        for c in range(1, len(header) + 1):
            ws.cell(row=r, column=c).number_format = "@"  # an empty cell with a style
    book.save(path)
    return path


def _forms(folder: Path, rows: list[list] | None = None) -> Path:
    path = _workbook(folder / "Backstage-anmälan.xlsx", FORMS_HEADER, rows or FORMS_ROWS)
    book = openpyxl.load_workbook(path)
    book["Svar"]["F4"].number_format = "0000"  # Excel shows the id 42 as 0042
    book.save(path)
    return path


# --------------------------------------------------------------------------- workbooks


def test_a_forms_export_reads_as_its_csv_would(tmp_path: Path) -> None:
    """Forms' own columns are ignored, as extra CSV columns are; numbers, dates and
    date-times become the text a CSV holds; the empty rows at the end are skipped."""
    program = _program(tmp_path)
    from_xlsx = load_program(program, _forms(tmp_path))
    csv = tmp_path / "svar.csv"
    csv.write_text(FORMS_CSV, encoding="utf-8")
    from_csv = load_program(program, csv)
    assert from_xlsx.participants == from_csv.participants
    assert [p.id for p in from_xlsx.participants] == ["1001", "1002", "0042"]
    asa = from_xlsx.participants[0]
    assert asa.name == "Åsa Öberg" and asa.organization == "Malmö stad"
    assert asa.unavailable == (TimeRule("2027-03-01", date(2027, 3, 1), date(2027, 3, 1)),)
    assert from_xlsx.warnings == ()


def test_the_first_sheet_is_read_whichever_is_open(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "anmalan.xlsx", FORMS_HEADER[5:9], [r[5:9] for r in FORMS_ROWS])
    book = openpyxl.load_workbook(path)
    other = book.create_sheet("Summering")
    other.append(["id", "name", "email", "organization"])
    other.append(["x1", "Fel Flik", "fel@flik.se", "Fel AB"])
    book.active = 1
    book.save(path)
    program = load_program(_program(tmp_path), path)
    assert [p.id for p in program.participants] == ["1001", "1002", "42"]


def test_a_bad_email_names_the_sheet_row_and_column_letter(tmp_path: Path) -> None:
    rows = [list(r) for r in FORMS_ROWS]
    rows[1][7] = "jonas@@kungsbacka.se"
    path = _forms(tmp_path, rows)
    with pytest.raises(InputError) as caught:
        load_program(_program(tmp_path), path)
    err = caught.value
    assert err.file == str(path)
    assert err.where == 'sheet "Svar", row 3, column H (email)'
    assert str(err) == (
        f'{path}, sheet "Svar", row 3, column H (email): '
        "bad e-mail 'jonas@@kungsbacka.se': it needs exactly one @"
    )
    # the CSV reader words the same problem the same way; only the place differs
    csv = tmp_path / "svar.csv"
    csv.write_text(FORMS_CSV.replace("jonas@kungsbacka.se", "jonas@@kungsbacka.se"), "utf-8")
    with pytest.raises(InputError) as from_csv:
        load_program(_program(tmp_path), csv)
    assert from_csv.value.where == "row 3, column 'email'"
    assert from_csv.value.message == err.message


def test_excel_row_numbers_count_blank_rows_and_every_problem_is_reported(
    tmp_path: Path,
) -> None:
    header = ["id", "name", "email", "organization", "not_with", "unavailable"]
    rows = [
        ["p001", "Åsa Öberg", "asa@malmo.se", "Malmö stad", None, None],
        [None] * 6,  # an answer deleted by hand
        ["p002", "Jonas Lindqvist", "jonas@kungsbacka.se", "Kungsbacka kommun", "p009", None],
        ["p001", "Åsa Ek", "asa.ek@lund.se", "Lunds kommun", None, None],
        ["p003", "Märta Ek", "marta@ystad", "Ystads kommun", None, "fry 13:00-17:00"],
    ]
    path = _workbook(tmp_path / "deltagare.xlsx", header, rows, sheet="Blad1")
    with pytest.raises(InputErrors) as caught:
        load_program(_program(tmp_path), path)
    found = {e.where: e.message for e in caught.value.errors}
    assert len(found) == len(caught.value.errors) == 4
    assert found['sheet "Blad1", row 6, column C (email)'].startswith(
        "bad e-mail 'marta@ystad'")
    assert "unknown weekday 'fry'" in found['sheet "Blad1", row 6, column F (unavailable)']
    assert found['sheet "Blad1", row 5'] == "duplicate id 'p001': also on sheet \"Blad1\", row 2"
    assert found['sheet "Blad1", row 4, column E (not_with)'].startswith(
        "unknown id 'p009' in not_with")


def test_a_missing_column_names_the_header_row_of_the_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "svar.xlsx", ["ID", "Namn", "E-post", "organization"], [])
    with pytest.raises(InputError) as caught:
        load_program(_program(tmp_path), path)
    assert caught.value.where == 'sheet "Svar", row 1'
    assert "missing required column(s) 'id', 'name', 'email'" in caught.value.message
    assert "'ID' should read 'id'" in caught.value.message


def test_an_empty_sheet_and_a_file_that_is_no_workbook_are_refused(tmp_path: Path) -> None:
    empty = _workbook(tmp_path / "tom.xlsx", [], [], blank_tail=0)
    with pytest.raises(InputError) as caught:
        load_program(_program(tmp_path), empty)
    assert caught.value.where == 'sheet "Svar"' and "empty sheet" in caught.value.message

    renamed = tmp_path / "deltagare.xlsx"
    renamed.write_text("id;name;email;organization\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_program(_program(tmp_path), renamed)
    assert caught.value.file == str(renamed)
    assert "cannot be read as an Excel workbook (.xlsx)" in caught.value.message


def test_a_workbook_that_unpacks_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 4096)  # a zip packs a lot in little
    with pytest.raises(InputError) as caught:
        load_program(_program(tmp_path), _forms(tmp_path))
    assert "the workbook unpacks to more than" in caught.value.message
