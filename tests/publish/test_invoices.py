"""The invoice basis (SPEC §10): invoices.xlsx and invoices.csv, a row per billable person,
a sheet per organisation with its subtotal, totals equal to costs.csv."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from backstage_sched.actions.edits import transfer, withdraw
from backstage_sched.domain import Policy
from backstage_sched.plan import History, Plan, Withdrawal
from backstage_sched.publish.costs import costs_csv
from backstage_sched.publish.folder import write_plan_dir
from backstage_sched.publish.history import MANIFEST
from backstage_sched.publish.invoices import invoice_rows, invoices_csv, invoices_xlsx
from conftest import report_plan

STAMP = datetime(2027, 1, 11, tzinfo=UTC)


def _billed(language: str = "sv"):
    """report_plan(): c01 = p1 (Alfa), p2 (Beta); c02 = p3 (Alfa), p4 (Ceta). p3 took over
    p3's place from a colleague; px of Ceta withdrew after the deadline, py before."""
    program, plan = report_plan(language)
    people = tuple(
        replace(p, org_number="556000-0001", invoice_reference="Ref Alfa 12")
        if p.organization == "Alfa AB" else p
        for p in program.participants
    )
    people = tuple(replace(p, took_over_from="Olle Alm") if p.id == "p3" else p for p in people)
    late = Withdrawal("px", "Xena Ek", "Ceta", date(2027, 1, 12), "c02", date(2027, 1, 9),
                      True, email="xena@ceta.se", org_number="556000-0003")
    early = Withdrawal("py", "Yngve Ek", "Delta", date(2027, 1, 2), "c02", date(2027, 1, 9),
                       False, email="yngve@delta.se")
    return program.replace(participants=people), replace(
        plan, history=History(withdrawals=(late, early)))


def _costs(program, plan) -> dict[str, list[str]]:
    table = list(csv.reader(io.StringIO(costs_csv(program, plan))))
    return {r[0]: r for r in table[1:]}


def _book(program, plan) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(invoices_xlsx(program, plan, STAMP)))


def test_a_row_per_billable_person_says_why() -> None:
    program, plan = _billed()
    rows = invoice_rows(program, plan)
    assert [(r.organization, r.name) for r in rows] == [
        ("Alfa AB", "Carl Lind"), ("Alfa AB", "Åsa Öberg"),
        ("Beta, Gamma & Co", "Björn <Ärlig> & Son"), ("Ceta", "Dana Ek"), ("Ceta", "Xena Ek"),
    ]
    why = {r.participant: r.why for r in rows}
    assert why == {
        "p1": "Anmäld",
        "p3": "Har tagit över platsen efter Olle Alm",
        "p2": "Anmäld",
        "p4": "Anmäld",
        "px": "Avbokade 2027-01-12, då anmälan var bindande (från och med 2027-01-09)",
    }
    asa = rows[1]
    assert (asa.email, asa.org_number, asa.invoice_reference, asa.cohort) == (
        "asa@alfa.se", "556000-0001", "Ref Alfa 12", "c01")
    assert (asa.fee, asa.vat, asa.total) == (Decimal("17500.00"), Decimal("4375.00"),
                                             Decimal("21875.00"))
    assert rows[-1].email == "xena@ceta.se" and rows[-1].org_number == "556000-0003"


def test_totals_equal_costs_csv_also_when_vat_rounds() -> None:
    program, plan = _billed()
    for policy in (Policy(), Policy(fee=100.05, vat_rate=0.25), Policy(fee=17499.99,
                                                                        vat_rate=0.12)):
        program = program.replace(policy=policy)
        costs = _costs(program, plan)
        rows = invoice_rows(program, plan)
        for org, cost in costs.items():
            mine = [r for r in rows if r.organization == org]
            assert len(mine) == int(cost[1])
            for i, key in ((2, "fee"), (3, "vat"), (4, "total")):
                assert sum(getattr(r, key) for r in mine) == Decimal(cost[i]), (policy, org)
        assert {r.organization for r in rows} == set(costs)


def test_the_workbook_has_everyone_then_a_sheet_per_organisation_with_numbers() -> None:
    program, plan = _billed()
    book = _book(program, plan)
    assert book.sheetnames == ["Alla", "Alfa AB", "Beta, Gamma & Co", "Ceta"]
    alla = [list(r) for r in book["Alla"].iter_rows(values_only=True)]
    assert alla[0] == [
        "Organisation", "Organisationsnummer", "Fakturareferens", "Namn", "E-post", "Grupp",
        "Avgift exkl. moms", "Moms", "Totalt inkl. moms", "Valuta", "Grund för fakturering",
    ]
    assert len(alla) == 1 + 5 + 1
    assert alla[-1][:4] == ["Summa", None, None, "5 personer"]
    assert alla[-1][6:9] == [87500, 21875, 109375]
    alfa = book["Alfa AB"]
    values = [list(r) for r in alfa.iter_rows(values_only=True)]
    assert [v[3] for v in values[1:3]] == ["Carl Lind", "Åsa Öberg"]
    assert values[-1][0] == "Delsumma" and values[-1][3] == "2 personer"
    cost = _costs(program, plan)["Alfa AB"]
    assert values[-1][6:9] == [float(cost[2]), float(cost[3]), float(cost[4])]
    # amounts are numbers shown as money, never text
    for row in alfa.iter_rows(min_row=2, min_col=7, max_col=9):
        for cell in row:
            assert cell.data_type == "n" and cell.number_format == '#,##0.00 "kr"'


def test_the_csv_is_the_first_sheet_as_swedish_excel_opens_it() -> None:
    program, plan = _billed()
    data = invoices_csv(program, plan)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    sheet = [list(r) for r in _book(program, plan)["Alla"].iter_rows(values_only=True)][:-1]
    assert table[0] == sheet[0]
    assert table[1][6:10] == ["17500", "4375", "21875", "SEK"]
    assert [r[3] for r in table[1:]] == [r[3] for r in sheet[1:]]
    program = program.replace(policy=Policy(fee=100.05))
    assert invoices_csv(program, plan).decode("utf-8-sig").splitlines()[1].split(";")[6:9] == [
        "100,05", "25,01", "125,06"]


def test_english_headings_for_an_english_program() -> None:
    program, plan = _billed("en")
    book = _book(program, plan)
    assert book.sheetnames[0] == "All"
    header = next(book["All"].iter_rows(values_only=True))
    assert header[:3] == ("Organisation", "Organisation number", "Invoice reference")
    assert header[-1] == "Why billed"
    assert book["All"]["G2"].number_format == '"SEK" #,##0.00'


def test_text_never_runs_as_a_formula() -> None:
    program, plan = report_plan("sv")
    evil = '=HYPERLINK("http://x","klicka")'
    program = program.replace(participants=tuple(
        replace(p, name=evil) if p.id == "p1" else p for p in program.participants))
    sheet = _book(program, plan)["Alla"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    assert f"'{evil}".replace('"', '""') in invoices_csv(program, plan).decode("utf-8-sig")


def test_the_plan_folder_holds_them_byte_for_byte_the_same(tmp_path: Path) -> None:
    program, plan = _billed()
    one = write_plan_dir(program, plan, tmp_path / "a")
    two = write_plan_dir(program, plan, tmp_path / "b")
    for name in ("invoices.xlsx", "invoices.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
        assert name in json.loads((one / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert openpyxl.load_workbook(one / "invoices.xlsx").sheetnames[0] == "Alla"


def test_a_transfer_and_a_late_withdrawal_are_billed_as_such() -> None:
    program, plan = report_plan("sv")
    program = program.replace(participants=tuple(
        replace(p, org_number="556000-0001", invoice_reference="Ref 12")
        if p.id == "p1" else p for p in program.participants))
    program, plan, _ = transfer(program, plan, "p1", "p9", "Nils Berg", "nils@alfa.se",
                                date(2027, 1, 4))
    program, plan, _ = withdraw(program, plan, "p4", date(2027, 1, 15))  # after c02's deadline
    rows = {r.participant: r for r in invoice_rows(program, plan)}
    assert rows["p9"].why == "Har tagit över platsen efter Åsa Öberg"
    assert (rows["p9"].org_number, rows["p9"].invoice_reference) == ("556000-0001", "Ref 12")
    assert rows["p4"].why.startswith("Avbokade 2027-01-15, då anmälan var bindande")
    assert rows["p4"].email == "dana@ceta.se"
    assert "p1" not in rows
    # the withdrawal's billing details survive plan.json
    again = Plan.from_dict(json.loads(plan.to_json()))
    assert again.history.withdrawals[0].email == "dana@ceta.se"


def test_the_last_free_day_people_are_told_is_the_last_day_not_billed() -> None:
    """A withdrawal on the cancellation deadline is billed (SPEC §5), so the calendar
    and the welcome letter name the day before as the last day to cancel free of
    charge, and the overview calls the deadline the day the registration is binding."""
    from backstage_sched.publish.ical import cohort_feed
    from backstage_sched.publish.labels import last_free_day
    from backstage_sched.publish.overview import overview_html

    program, plan = report_plan("sv")
    cohort = plan.cohort("c02")
    deadline = cohort.cancellation_deadline
    free = last_free_day(deadline)
    _, on_free_day, _ = withdraw(program, plan, "p4", free)
    _, on_deadline, _ = withdraw(program, plan, "p4", deadline)
    assert on_free_day.history.withdrawals[-1].fee_due is False
    assert on_deadline.history.withdrawals[-1].fee_due is True
    feed = cohort_feed(program, plan, cohort, STAMP).decode("utf-8").replace("\r\n ", "")
    assert f"Sista dag för kostnadsfri avbokning: fredag {free.day} januari 2027" in feed
    page = overview_html(program, plan)
    assert f"Anmälan är bindande från och med lördag {deadline.day} januari 2027" in page
