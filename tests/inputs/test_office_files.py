"""The participants files Swedish offices really have (SPEC §6): an Excel workbook as
Microsoft Forms, Google Forms and Excel save it, and a CSV in Windows-1252 as Swedish
Excel's "CSV (semikolonavgränsad)" writes it. Every file here is written by the tool
that makes such files (openpyxl, Python's codecs), not by hand."""

from __future__ import annotations

import contextlib
import gzip
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from backstage_sched import write_templates
from backstage_sched.cli.app import EXIT_INPUT, EXIT_OK, main
from backstage_sched.domain import TimeRule
from backstage_sched.errors import InputError, InputErrors
from backstage_sched.inputs import limits
from backstage_sched.inputs.columns import derived_id
from backstage_sched.inputs.load import load_program
from backstage_sched.inputs.snapshot import program_from_dict, program_to_dict
from backstage_sched.inputs.templates import template_rows
from backstage_sched.inputs.values import id_problem

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


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


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
    path = _workbook(tmp_path / "svar.xlsx", ["ID", "Namn", "emial", "Befattning"], [])
    with pytest.raises(InputError) as caught:
        load_program(_program(tmp_path), path)
    assert caught.value.where == 'sheet "Svar", row 1'
    message = caught.value.message
    assert "missing required column(s) 'email', 'organization'" in message
    assert "email / E-post / E-postadress" in message and "Arbetsplats" in message
    assert "'emial' (map it in [participants.columns], e.g. \"emial\" = \"email\")" in message


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
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 4096)  # a zip packs a lot in little
    with pytest.raises(InputError) as caught:
        load_program(_program(tmp_path), _forms(tmp_path))
    assert "the workbook unpacks to more than" in caught.value.message


def test_a_workbook_named_csv_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = _forms(tmp_path).rename(tmp_path / "deltagare.csv")
    with pytest.raises(InputError) as caught:
        load_program(_program(tmp_path), path)
    assert "zip file (an Excel workbook?), not CSV text" in caught.value.message
    assert "named .xlsx" in caught.value.message


# --------------------------------------------------------------------------- Windows-1252


def _cp1252_templates(folder: Path) -> tuple[Path, Path, Path]:
    """The init templates, and their participants saved again as Windows-1252."""
    program, utf8 = write_templates(folder, year=2027)
    ansi = folder / "deltagare-ansi.csv"
    ansi.write_text(utf8.read_text(encoding="utf-8-sig"), encoding="cp1252", newline="")
    return program, utf8, ansi


def test_a_windows_1252_csv_is_read_with_a_warning_naming_the_encoding(tmp_path: Path) -> None:
    program, utf8, ansi = _cp1252_templates(tmp_path)
    assert "Å".encode("cp1252") in ansi.read_bytes()  # not UTF-8 any more
    read = load_program(program, ansi)
    assert read.participants == load_program(program, utf8).participants
    assert read.participants[0].name == "Åsa Lindström"
    (warning,) = read.warnings
    assert warning.startswith(
        f"{ansi} is Windows-1252 text (Swedish Excel's \"CSV (semikolonavgränsad)\"), "
        "not UTF-8; read as Windows-1252"
    )
    assert load_program(program, utf8).warnings == ()  # UTF-8 stays the quiet default


def test_windows_1252_characters_latin_1_lacks_are_read(tmp_path: Path) -> None:
    program = _program(tmp_path)
    csv = tmp_path / "deltagare.csv"
    csv.write_text(
        "id;name;email;organization\n"
        "p001;Åsa Öberg;asa@malmo.se;Malmö stad – kultur\n"  # en dash: 0x96 in Windows-1252
        "p002;Zoë Hägg;zoe@kungsbacka.se;Kungsbacka kommun €\n",
        encoding="cp1252",
    )
    read = load_program(program, csv)
    assert [p.organization for p in read.participants] == [
        "Malmö stad – kultur", "Kungsbacka kommun €"
    ]


def test_plan_prints_the_encoding_warning_and_plans(tmp_path: Path) -> None:
    program, _, ansi = _cp1252_templates(tmp_path)
    code, _, err = _run("plan", str(program), str(ansi), "--out", str(tmp_path / "plan"), "-q")
    assert code == EXIT_OK, err
    assert "varning:" in err and "Windows-1252" in err and str(ansi.name) in err


@pytest.mark.parametrize(
    ("encode", "words"),
    [
        # DOS's code page 437 writes ü as 0x81, a byte Windows-1252 leaves undefined;
        # the program is Swedish, and so is what the command line says
        (lambda text: text.encode("cp437"),
         "varken UTF-8- eller Windows-1252-text (byte 0x81)"),
        (lambda text: text.encode("utf-16"), "är UTF-16-text (Excels 'Unicode-text')"),
        (lambda text: gzip.compress(text.encode("utf-8"), mtime=0), "inte text"),
    ],
    ids=["cp437", "utf-16", "gzip"],
)
def test_files_neither_utf8_nor_windows_1252_are_refused(
    tmp_path: Path, encode: object, words: str
) -> None:
    text = "id;name;email;organization\np001;Jürgen Müller;jurgen@malmo.se;Malmö stad\n"
    csv = tmp_path / "deltagare.csv"
    csv.write_bytes(encode(text))  # type: ignore[operator]
    out = tmp_path / "plan"
    code, _, err = _run("plan", str(_program(tmp_path)), str(csv), "--out", str(out))
    assert code == EXIT_INPUT and not out.exists()
    assert str(csv) in err and words in " ".join(err.split())
    assert "CSV UTF-8" in err


# --------------------------------------------------------------------------- init --xlsx


def test_init_xlsx_writes_the_template_as_a_workbook_that_plans(tmp_path: Path) -> None:
    folder = tmp_path / "ht2027"
    code, out, err = _run("init", str(folder), "--year", "2027", "--xlsx")
    assert code == EXIT_OK, err
    workbook = folder / "participants.xlsx"
    assert sorted(p.name for p in folder.iterdir()) == ["participants.xlsx", "program.toml"]
    assert f"Öppna {workbook} i Excel" in " ".join(out.split())  # a Swedish program
    assert f"plan {folder / 'program.toml'} {workbook} --out" in out
    book = openpyxl.load_workbook(workbook)
    rows = [[c or "" for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[1:] == template_rows(2027)[1:]  # the rows of participants.csv
    # headed in Swedish, as the program template is (country SE)
    assert rows[0] == [
        "ID", "Namn", "E-post", "Organisation", "Erfarenhet", "Kan inte", "Undvik", "Inte med",
        "Kalender",
    ]
    assert rows[0] == template_rows(2027, "sv")[0]
    csv_program, csv = write_templates(tmp_path / "csv", year=2027)
    assert (
        load_program(folder / "program.toml", workbook).participants
        == load_program(csv_program, csv).participants
    )
    code, _, err = _run(
        "plan", str(folder / "program.toml"), str(workbook), "--out", str(folder / "plan"), "-q"
    )
    assert code == EXIT_OK, err
    assert (folder / "plan" / "plan.json").is_file()


def test_init_xlsx_refuses_to_overwrite_a_workbook(tmp_path: Path) -> None:
    assert _run("init", str(tmp_path), "--xlsx")[0] == EXIT_OK
    workbook = tmp_path / "participants.xlsx"
    before = workbook.read_bytes()
    code, _, err = _run("init", str(tmp_path), "--xlsx")
    assert code == EXIT_INPUT and "already exist" in err
    assert workbook.read_bytes() == before


# --------------------------------------------------------------------------- forms as they come


# Microsoft Forms in Swedish, a form that asks people to sign in: its own columns hold
# the respondent's address and name; the questions are headed as the office wrote them.
MS_HEADER = [
    "ID", "Starttid", "Sluttid", "E-post", "Namn",
    "Arbetsplats", "Befattning", "Mobilnummer", "Organisationsnummer", "Fakturareferens",
    "Kan inte", "Undvik",
]
MS_ROWS = [
    [1, datetime(2027, 1, 3, 9, 15, 22), datetime(2027, 1, 3, 9, 17, 40),
     "asa.oberg@malmo.se", "Åsa Öberg", "Malmö stad", "Enhetschef", "070-123 45 67",
     "212000-1124", "Ref 4711", "2027-03-01", None],
    [2, datetime(2027, 1, 4, 13, 2, 5), datetime(2027, 1, 4, 13, 4, 0),
     "Jonas@Kungsbacka.se", "Jonas Lindqvist", "Kungsbacka kommun", "Rektor", None,
     "212000-1355", None, None, "fri 13:00-17:00"],
]
# Google Forms in Swedish: Tidstämpel, the collected address, then the questions.
GOOGLE_HEADER = [
    "Tidstämpel", "E-postadress", "Förnamn", "Efternamn", "FÖRVALTNING", "titel",
    "Telefon", "anmald", "Inte med",
]
GOOGLE_ROWS = [
    [datetime(2027, 1, 2, 10, 0, 1), "marta@ystad.se", "Märta", "Ek", "Ystads kommun",
     "Förvaltningschef", "0411-57 70 00", None, None],
    [datetime(2027, 1, 2, 11, 30, 0), "per@lund.se", "Per", "Håkansson", "Lunds kommun",
     None, None, date(2027, 1, 1), None],
]


def test_a_microsoft_forms_export_in_swedish_reads_as_it_comes(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "Backstage-anmälan.xlsx", MS_HEADER, MS_ROWS, sheet="Blad1")
    program = load_program(_program(tmp_path), path)
    asa, jonas = program.participants
    assert (asa.name, asa.email, asa.organization) == (
        "Åsa Öberg", "asa.oberg@malmo.se", "Malmö stad")
    assert (asa.title, asa.phone, asa.org_number, asa.invoice_reference) == (
        "Enhetschef", "070-123 45 67", "212000-1124", "Ref 4711")
    assert asa.unavailable[0].first == date(2027, 3, 1)
    assert jonas.avoid[0].weekday == 4 and jonas.invoice_reference == ""
    # the answer's completion time is when they registered (the waiting list's order)
    assert asa.registered == datetime(2027, 1, 3, 9, 17, 40)
    # Forms' response number is no id: the id comes from the address, the same every export
    assert asa.id == derived_id("asa.oberg@malmo.se") and jonas.id == derived_id(
        "jonas@kungsbacka.se")
    assert all(id_problem(p.id) is None for p in program.participants)


def test_a_new_export_gives_everyone_the_same_id(tmp_path: Path) -> None:
    first = _workbook(tmp_path / "a.xlsx", MS_HEADER, MS_ROWS)
    later_rows = [list(MS_ROWS[1]), list(MS_ROWS[0])]  # sorted otherwise, numbered anew
    later_rows[0][0], later_rows[1][0] = 7, 8
    later_rows[0][3] = "jonas@kungsbacka.se"
    later = _workbook(tmp_path / "b.xlsx", MS_HEADER, later_rows)
    ids = {p.email.lower(): p.id for p in load_program(_program(tmp_path), first).participants}
    again = {p.email.lower(): p.id for p in load_program(_program(tmp_path), later).participants}
    assert ids == again and len(set(ids.values())) == 2


def test_an_anonymous_microsoft_form_takes_name_and_address_from_its_questions(
    tmp_path: Path,
) -> None:
    header = ["ID", "Starttid", "Sluttid", "E-post", "Namn", "Namn", "E-postadress",
              "Organisation", "Anmäld"]
    rows = [[1, datetime(2027, 1, 3, 9, 0), datetime(2027, 1, 3, 9, 5), "anonymous", None,
             "Åsa Öberg", "asa.oberg@malmo.se", "Malmö stad", date(2027, 1, 1)]]
    program = load_program(_program(tmp_path), _workbook(tmp_path / "x.xlsx", header, rows))
    (asa,) = program.participants
    assert (asa.name, asa.email, asa.organization) == (
        "Åsa Öberg", "asa.oberg@malmo.se", "Malmö stad")
    assert asa.registered == datetime(2027, 1, 1)  # a column saying so beats Sluttid


def test_a_google_forms_export_reads_as_it_comes(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "Formulärsvar.xlsx", GOOGLE_HEADER, GOOGLE_ROWS,
                     sheet="Formulärsvar 1")
    marta, per = load_program(_program(tmp_path), path).participants
    assert (marta.name, marta.organization, marta.title, marta.phone) == (
        "Märta Ek", "Ystads kommun", "Förvaltningschef", "0411-57 70 00")
    assert marta.registered == datetime(2027, 1, 2, 10, 0, 1)  # the Tidstämpel
    assert per.name == "Per Håkansson" and per.registered == datetime(2027, 1, 1)
    assert marta.id == derived_id("marta@ystad.se")


def test_an_error_in_a_forms_export_names_the_column_by_its_heading(tmp_path: Path) -> None:
    rows = [list(r) for r in GOOGLE_ROWS]
    rows[1][1] = "per@@lund.se"
    rows[0][4] = None
    path = _workbook(tmp_path / "svar.xlsx", GOOGLE_HEADER, rows, sheet="Formulärsvar 1")
    with pytest.raises(InputErrors) as caught:
        load_program(_program(tmp_path), path)
    found = {e.where: e.message for e in caught.value.errors}
    assert found['sheet "Formulärsvar 1", row 3, column B (E-postadress)'].startswith(
        "bad e-mail 'per@@lund.se'")
    assert found['sheet "Formulärsvar 1", row 2, column E (FÖRVALTNING)'] == (
        "organization is empty")
    csv = tmp_path / "svar.csv"
    csv.write_text("Namn;E-post;Arbetsplats\nPer;per@@lund.se;Lund\n", encoding="utf-8")
    with pytest.raises(InputError) as from_csv:
        load_program(_program(tmp_path), csv)
    assert from_csv.value.where == "row 2, column 'E-post'"


def test_the_program_maps_any_other_heading(tmp_path: Path) -> None:
    program = _program(tmp_path)
    program.write_text(PROGRAM + """
[participants.columns]
"Vilken förvaltning arbetar du på?" = "organization"
"Ditt mobilnummer" = "phone"
"Deltagarens namn" = "name"
"Mejla oss" = "email"
""", encoding="utf-8")
    header = ["Deltagarens namn", "Mejla oss", "Vilken förvaltning arbetar du på?",
              "Ditt mobilnummer", "Organisation"]
    rows = [["Åsa Öberg", "asa@malmo.se", "Kulturförvaltningen", "070-1", "Malmö stad"]]
    (asa,) = load_program(program, _workbook(tmp_path / "x.xlsx", header, rows)).participants
    assert (asa.name, asa.email, asa.organization, asa.phone) == (
        "Åsa Öberg", "asa@malmo.se", "Kulturförvaltningen", "070-1")


def test_a_mapping_to_an_unknown_field_names_the_key(tmp_path: Path) -> None:
    program = _program(tmp_path)
    program.write_text(PROGRAM + """
[participants.columns]
"Mobil" = "telefon"
"Kommun" = "organisation"
""", encoding="utf-8")
    csv = tmp_path / "d.csv"
    csv.write_text("Namn;E-post;Kommun\nPer;per@lund.se;Lund\n", encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_program(program, csv)
    found = {e.where: e.message for e in caught.value.errors}
    assert found['[participants.columns] "Mobil"'].startswith(
        "unknown field 'telefon' for the column \"Mobil\"; fields: id, name")
    assert "did you mean 'organization'?" in found['[participants.columns] "Kommun"']
    program.write_text(PROGRAM + '\n[participants]\ncolumn = {"Mobil" = "phone"}\n', "utf-8")
    with pytest.raises(InputError, match="unknown key 'column' in \\[participants\\]; did you "
                                         "mean 'columns'"):
        load_program(program, csv)


def test_the_exact_names_of_the_spec_win_over_forms_own_columns(tmp_path: Path) -> None:
    program = load_program(_program(tmp_path), _forms(tmp_path))  # FORMS_HEADER: both kinds
    assert [p.id for p in program.participants] == ["1001", "1002", "0042"]
    assert program.participants[0].registered == datetime(2027, 1, 3)


def test_the_office_fields_survive_input_json(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x.xlsx", MS_HEADER, MS_ROWS)
    program = load_program(_program(tmp_path), path)
    data = program_to_dict(program)
    assert data["participants"][0]["org_number"] == "212000-1124"
    assert "invoice_reference" not in data["participants"][1]  # only when given
    assert program_from_dict(data).participants == program.participants


def test_english_forms_exports_read_as_they_come(tmp_path: Path) -> None:
    ms = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
          "Full name", "Workplace", "Job title", "Mobile"]
    rows = [[5, datetime(2027, 1, 3, 9, 0), datetime(2027, 1, 3, 9, 4), "Anonymous", None, None,
             "Åsa Öberg", "Malmö stad", "Head of unit", "+46 70 123"]]
    with pytest.raises(InputError, match=r"column D \(Email\): email is empty"):
        load_program(_program(tmp_path), _workbook(tmp_path / "ms.xlsx", ms, rows))
    rows[0][3] = "asa@malmo.se"  # a form that asks people to sign in
    (asa,) = load_program(_program(tmp_path), _workbook(tmp_path / "ms.xlsx", ms, rows)
                          ).participants
    assert (asa.id, asa.name, asa.organization, asa.title, asa.phone) == (
        derived_id("asa@malmo.se"), "Åsa Öberg", "Malmö stad", "Head of unit", "+46 70 123")
    assert asa.registered == datetime(2027, 1, 3, 9, 4)
    google = ["Timestamp", "Email Address", "First name", "Last name", "Organization"]
    rows = [[datetime(2027, 1, 2, 8, 0), "per@lund.se", "Per", "Holm", "Lunds kommun"]]
    (per,) = load_program(_program(tmp_path), _workbook(tmp_path / "g.xlsx", google, rows)
                          ).participants
    assert (per.name, per.registered) == ("Per Holm", datetime(2027, 1, 2, 8, 0))


def test_rows_that_leave_the_id_empty_are_named_in_a_warning(tmp_path: Path) -> None:
    header = ["ID", "Namn", "E-post", "Organisation"]
    rows = [["p001", "Åsa Öberg", "asa@malmo.se", "Malmö stad"],
            [None, "Jonas Lind", "jonas@kungsbacka.se", "Kungsbacka"]]
    program = load_program(_program(tmp_path), _workbook(tmp_path / "x.xlsx", header, rows))
    assert [p.id for p in program.participants] == ["p001", derived_id("jonas@kungsbacka.se")]
    (warning,) = program.warnings
    assert warning == (
        f'{tmp_path / "x.xlsx"}: 1 row(s) leave the id empty (sheet "Svar", row 3); each gets an '
        "id made from its e-mail address, the same in every new export (e.g. sheet \"Svar\", "
        f"row 3: '{derived_id('jonas@kungsbacka.se')}')")
    # a form without an id column is what it is: no warning
    forms = load_program(_program(tmp_path), _workbook(tmp_path / "f.xlsx", MS_HEADER, MS_ROWS))
    assert forms.warnings == ()
