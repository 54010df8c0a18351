"""The group lists (SPEC §10): groups.xlsx, a sheet per group with its members, their
organisation, e-mail and phone, the facilitator, every date and whose case it is."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

from backstage_sched.publish.folder import write_plan_dir
from backstage_sched.publish.groups import groups_xlsx
from conftest import report_plan

STAMP = datetime(2027, 1, 11, tzinfo=UTC)


def _sheets(language: str = "sv", **changes: object) -> dict[str, list[list[str]]]:
    program, plan = report_plan(language)
    program = program.replace(participants=tuple(
        replace(p, phone="070-123 45 67", title="Enhetschef") if p.id == "p1" else p
        for p in program.participants))
    plan = replace(plan, **changes)
    book = openpyxl.load_workbook(io.BytesIO(groups_xlsx(program, plan, STAMP)))
    return {
        sheet.title: [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def test_a_sheet_per_group_with_members_facilitator_and_every_date() -> None:
    sheets = _sheets()
    assert list(sheets) == ["c01", "c02"]
    c01 = sheets["c01"]
    assert c01[0][0] == "Grupp c01"
    assert c01[1][0] == "Samtalsledare: Anna Fält, f1@example.org"
    at = [r[0] for r in c01].index("Deltagare")
    assert c01[at] == ["Deltagare", "Befattning", "Organisation", "E-post", "Telefon",
                       "Eget fall"]
    assert c01[at + 1][:4] == ["Björn <Ärlig> & Son", "", "Beta, Gamma & Co", "bjorn@beta.se"]
    assert c01[at + 2] == ["Åsa Öberg", "Enhetschef", "Alfa AB", "asa@alfa.se", "070-123 45 67",
                           "Träff 2 av 3 · 2027-03-30"]
    at = [r[0] for r in c01].index("Träff")
    assert c01[at] == ["Träff", "Veckodag", "Datum", "Tid", "Fallägare", "Lokal"]
    assert c01[at + 1:at + 4] == [
        ["1", "tisdag", "2027-03-02", "09:00–12:00", "Uppstartsträff", ""],
        ["2", "tisdag", "2027-03-30", "09:00–12:00", "Åsa Öberg", ""],
        ["3", "tisdag", "2027-04-27", "09:00–12:00", "Björn <Ärlig> & Son", ""],
    ]
    assert sheets["c02"][-1][-1] == "Room Ä"  # the venue of c02's sessions


def test_english_for_an_english_program() -> None:
    c01 = _sheets("en")["c01"]
    assert c01[0][0] == "Cohort c01"
    at = [r[0] for r in c01].index("Session")
    assert c01[at + 1][:4] == ["1", "Tuesday", "02/03/2027", "09:00–12:00"]


def test_a_plan_without_groups_still_has_a_sheet() -> None:
    assert _sheets(cohorts=()) == {"Grupper": [["Inga grupper ännu"]]}


def test_the_plan_folder_holds_it_byte_for_byte_the_same(tmp_path: Path) -> None:
    program, plan = report_plan("sv")
    one = write_plan_dir(program, plan, tmp_path / "a")
    two = write_plan_dir(program, plan, tmp_path / "b")
    assert (one / "groups.xlsx").read_bytes() == (two / "groups.xlsx").read_bytes()
    sheet = openpyxl.load_workbook(one / "groups.xlsx")["c01"]
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_a_substitute_facilitator_is_named_with_their_sessions() -> None:
    program, plan = report_plan("sv")
    c01 = plan.cohorts[0]
    sessions = tuple(replace(s, facilitator="f2") if s.index >= 1 else s for s in c01.sessions)
    plan = replace(plan, cohorts=(replace(c01, sessions=sessions), *plan.cohorts[1:]))
    book = openpyxl.load_workbook(io.BytesIO(groups_xlsx(program, plan, STAMP)))
    lines = [row[0] for row in book["c01"].iter_rows(values_only=True)]
    assert "Träff 2, 3 leds av Bo Leder, f2@example.org" in lines


def test_text_never_runs_as_a_formula() -> None:
    program, plan = report_plan("sv")
    evil = '=HYPERLINK("http://x","klicka")'
    program = program.replace(participants=tuple(
        replace(p, name=evil, phone="+46 70 1") if p.id == "p1" else p
        for p in program.participants))
    sheet = openpyxl.load_workbook(io.BytesIO(groups_xlsx(program, plan, STAMP)))["c01"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value in (evil, "+46 70 1")]
    assert len(cells) >= 3 and all(c.data_type == "s" for c in cells)  # member, phone, owner
